// POST /api/account/delete (API.md "Safety and matching"): with a fresh SMS code for the
// account's phone, the account's data goes in one transaction and its caches after it.
// The user_info row stays as a tombstone (status deleted, every field cleared, phone
// freed), so that messages it sent keep a sender; no route returns it afterwards.
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/core/phone.h"
#include "lib/domain/geo.h"
#include "lib/domain/guard.h"
#include "lib/domain/hot.h"
#include "lib/domain/profile.h"
#include "lib/domain/session.h"
#include "lib/domain/sms.h"
#include "lib/domain/visibility.h"
#include "lib/outbound/events.h"

namespace dt {
namespace {

Reply HandleDelete(RequestContext& ctx) {
  const std::string& code = ctx.args.Text("code");
  Row row;
  bool found = false;
  RETURN_IF_ERROR(
      ctx.db.QueryRow("SELECT phone FROM user_info WHERE id = ?", {ctx.user_id}, &row, &found));
  if (!found || row.IsNull(0)) return Status::Error(kNoUser);
  // A stolen token alone cannot delete an account: the phone must confirm. Its code was
  // stored under the E.164 form sendsms keys on, which a phone stored before
  // normalisation (not migrated yet: dtadmin phones migrate) has only once normalised.
  std::string phone = row.Str(0);
  std::string e164;
  if (NormalizeMobile(phone, ctx.config().sms_default_region, &e164)) phone = e164;
  RETURN_IF_ERROR(ConsumeSmsCode(ctx.redis, phone, code));

  const int64_t me = ctx.user_id;
  const int64_t now = ctx.clock().NowSeconds();
  RETURN_IF_ERROR(InTransaction(ctx.db, [&]() -> Status {
    Db& db = ctx.db;
    RETURN_IF_ERROR(db.Exec("DELETE FROM user_auth WHERE user_id = ?", {me}));
    RETURN_IF_ERROR(db.Exec("DELETE FROM user_preference WHERE user_id = ?", {me}));
    RETURN_IF_ERROR(db.Exec("DELETE FROM push_setting WHERE user_id = ?", {me}));
    RETURN_IF_ERROR(db.Exec("DELETE FROM push_device WHERE user_id = ?", {me}));
    RETURN_IF_ERROR(db.Exec(
        "UPDATE user_info SET phone = NULL, email = NULL, nickname = '', avatar = '',"
        " avatar_pending = '', ban_until = NULL,"
        " birthday = NULL, height = NULL, gender = 0, sexual = 0, education = 0, salary = 0,"
        " emotion = 0, authority = 0, status = 'deleted', update_time = FROM_UNIXTIME(?) WHERE id "
        "= ?",
        {now, me}));
    RETURN_IF_ERROR(db.Exec("DELETE FROM user_album WHERE user_id = ?", {me}));
    RETURN_IF_ERROR(db.Exec("DELETE FROM user_label WHERE user_id = ?", {me}));
    // Warnings go; photo reviews stay (the chat images the user sent are still in others'
    // conversations and still reviewed), as does the audit log (docs/moderation.md).
    RETURN_IF_ERROR(db.Exec("DELETE FROM user_warning WHERE user_id = ?", {me}));
    RETURN_IF_ERROR(db.Exec("DELETE FROM location WHERE user_id = ?", {me}));
    RETURN_IF_ERROR(db.Exec("DELETE FROM user_like WHERE user_id = ? OR peer_id = ?", {me, me}));
    RETURN_IF_ERROR(db.Exec("DELETE FROM visitor WHERE user_id = ? OR visitor_id = ?", {me, me}));
    RETURN_IF_ERROR(db.Exec("DELETE FROM user_report WHERE reporter_id = ?", {me}));
    RETURN_IF_ERROR(
        db.Exec("DELETE FROM user_block WHERE user_id = ? OR blocked_id = ?", {me, me}));
    RETURN_IF_ERROR(db.Exec("DELETE FROM contacts WHERE user_id = ?", {me}));
    return db.Exec("DELETE FROM vip_info WHERE user_id = ?", {me});
  }));
  // Every session's token dies at once (the phone is gone: no login can make another).
  RETURN_IF_ERROR(EndSessions(ctx.db, ctx.redis, me, 0, 0));
  RETURN_IF_ERROR(InvalidateProfile(ctx.redis, me));
  RETURN_IF_ERROR(HotSetVisible(ctx.redis, me, false, now));
  RETURN_IF_ERROR(GeoIndexRemove(ctx.redis, me));
  RETURN_IF_ERROR(InvalidateHidden(ctx.redis, me));
  CloseEventStreams(ctx.config(), me);  // a failure is logged; the streams end within a minute
  return Reply::Ok();
}

}  // namespace

std::vector<Route> AccountRoutes() {
  return {
      Post("/api/account/delete", HandleDelete)
          .Auth(kAppToken)
          .Accepts({TextArg("code").As(SmsCodeArg)}),
  };
}

}  // namespace dt
