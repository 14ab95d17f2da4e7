// GET /api/contacts/list (API.md "Contacts and messages"): the caller's conversations,
// most recent first, with the peer's name and avatar (or the placeholder, when the peer's
// profile is not for the caller) and the unread count (kept in the contact row by
// message/send and message/read), in one query.
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/domain/guard.h"
#include "lib/domain/visibility.h"

namespace dt {
namespace {

Reply HandleContacts(RequestContext& ctx) {
  const Page page = PageOf(ctx.args);
  HiddenSet hidden;
  RETURN_IF_ERROR(LoadHidden(ctx, HiddenScope::kListings, &hidden));
  std::vector<Row> rows;
  // Without anyone hidden (most callers) the anti-join is left out: MariaDB would plan it
  // on every execution (docs/performance.md).
#define DT_CONTACTS_SELECT                                                                 \
  "SELECT c.peer_id, u.nickname, u.avatar, c.last_msg, c.update_time, c.unread, u.status," \
  " u.authority FROM contacts c JOIN user_info u ON u.id = c.peer_id"                      \
  " WHERE c.user_id = ? AND u.status NOT IN ('review', 'banned')"
#define DT_CONTACTS_PAGE " ORDER BY c.last_msg_id DESC LIMIT ? OFFSET ?"
  if (hidden.ids.empty()) {
    RETURN_IF_ERROR(ctx.db.Query(DT_CONTACTS_SELECT DT_CONTACTS_PAGE,
                                 {ctx.user_id, page.limit(), page.offset()}, &rows));
  } else {
    RETURN_IF_ERROR(ctx.db.Query(DT_CONTACTS_SELECT " AND " DT_SQL_NOT_HIDDEN("c.peer_id")
                                     DT_CONTACTS_PAGE,
                                 {ctx.user_id, hidden.json(), page.limit(), page.offset()}, &rows));
  }
#undef DT_CONTACTS_PAGE
#undef DT_CONTACTS_SELECT
  return PageReply(page, rows, [&](const Row& r, JsonWriter& list) {
    // A conversation outlives a deleted account, and stays with one that hid itself; their
    // profiles do not show (the one rule of lib/domain/visibility.h).
    bool shown = false;
    RETURN_IF_ERROR(ListedFieldsVisible(ctx.db, r.Str(6), static_cast<int>(r.Int(7)), r.Int(0),
                                        ctx.user_id, &shown));
    list.Object().Int("peer_id", r.Int(0));
    list.Str("nickname", shown ? r.Str(1) : kPlaceholderNickname)
        .Str("avatar", shown ? r.Str(2) : "");
    list.Str("last_msg", r.Str(3)).Str("update_time", r.Str(4)).Int("unread", r.Int(5)).End();
    return Status::Ok();
  });
}

}  // namespace

std::vector<Route> ContactsRoutes() {
  return {
      Get("/api/contacts/list", HandleContacts)
          .Auth(kAppToken)
          .Paged(50, 20)
          .Preload({&kHiddenPreload}),
  };
}

}  // namespace dt
