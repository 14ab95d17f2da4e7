// Photo album (API.md "Album, labels, upload"): list, add (at most 9), delete one's own.
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/domain/guard.h"
#include "lib/domain/media.h"
#include "lib/domain/moderation.h"
#include "lib/domain/profile.h"
#include "lib/domain/visibility.h"

namespace dt {
namespace {

constexpr int64_t kMaxPhotos = 9;

Reply HandleAlbumList(RequestContext& ctx) {
  const int64_t owner = ctx.args.Int("peerId");
  if (owner != ctx.user_id) {
    ProfileRecord record;
    RETURN_IF_ERROR(LoadVisibleProfile(ctx, owner, &record));
  }
  // Review ([moderation] photos): the owner sees every photo with its state; others no
  // rejected one, and under pre only approved ones. Photos older than review are approved.
  const bool own = owner == ctx.user_id;
  std::vector<Row> rows;
  RETURN_IF_ERROR(ctx.db.Query(
      "SELECT a.id, a.photo, a.create_time, COALESCE(r.state, 'approved') FROM user_album a"
      " LEFT JOIN photo_review r ON r.url = a.photo WHERE a.user_id = ? ORDER BY a.id",
      {owner}, &rows));
  JsonWriter data;
  data.Array("list");
  for (const Row& row : rows) {
    const std::string& state = row.Str(3);
    if (!own && (state == "rejected" || (ctx.config().photos_pre && state != "approved"))) continue;
    data.Object().Int("photo_id", row.Int(0)).Str("url", row.Str(1));
    data.Str("create_time", row.Str(2));
    if (own) data.Str("state", state);
    data.End();
  }
  return Reply::Ok(data);
}

Reply HandleAlbumAdd(RequestContext& ctx) {
  const std::string& url = ctx.args.Text("url");
  const int64_t now = ctx.clock().NowSeconds();
  uint64_t photo_id = 0;
  std::string state;
  RETURN_IF_ERROR(NotePhoto(ctx.db, url, ctx.user_id, "album", now, &state));
  if (state == "rejected") return Status::Error(kBadFile, "this photo was rejected by review.");
  // The user's row is the lock that keeps two adds from both taking the ninth place.
  RETURN_IF_ERROR(InTransaction(ctx.db, [&]() -> Status {
    Row row;
    bool found = false;
    RETURN_IF_ERROR(ctx.db.QueryRow("SELECT id FROM user_info WHERE id = ? FOR UPDATE",
                                    {ctx.user_id}, &row, &found));
    if (!found) return Status::Error(kNoUser);
    RETURN_IF_ERROR(ctx.db.QueryRow("SELECT COUNT(*) FROM user_album WHERE user_id = ?",
                                    {ctx.user_id}, &row, &found));
    if (row.Int(0) >= kMaxPhotos) return Status::Error(kLimitReached, "album is full (9 photos).");
    return ctx.db.Exec(
        "INSERT INTO user_album (user_id, photo, create_time) VALUES (?, ?, FROM_UNIXTIME(?))",
        {ctx.user_id, url, now}, nullptr, &photo_id);
  }));
  RETURN_IF_ERROR(InvalidateProfile(ctx.redis, ctx.user_id));
  JsonWriter data;
  data.Int("photo_id", static_cast<int64_t>(photo_id));
  return Reply::Ok(data);
}

Reply HandleAlbumDelete(RequestContext& ctx) {
  const int64_t photo_id = ctx.args.Int("photoId");
  uint64_t deleted = 0;
  RETURN_IF_ERROR(ctx.db.Exec("DELETE FROM user_album WHERE id = ? AND user_id = ?",
                              {photo_id, ctx.user_id}, &deleted));
  if (deleted == 0) return Status::Error(kNotFound, "photo not found.");
  RETURN_IF_ERROR(InvalidateProfile(ctx.redis, ctx.user_id));
  return Reply::Ok();
}

}  // namespace

std::vector<Route> AlbumRoutes() {
  return {
      Get("/api/album/list", HandleAlbumList)
          .Auth(kAppToken)
          .Accepts({IdArg("peerId").OrCaller()})
          .Preload({&kHiddenPreload}),
      Post("/api/album/add", HandleAlbumAdd)
          .Auth(kAppToken)
          .Accepts({TextArg("url").MaxBytes(255).As(StoredImageArg)}),
      Post("/api/album/delete", HandleAlbumDelete).Auth(kAppToken).Accepts({IdArg("photoId")}),
  };
}

}  // namespace dt
