// Labels (API.md "Album, labels, upload"): the catalogue, and a user's set of labels.
#include <algorithm>

#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/domain/guard.h"
#include "lib/domain/profile.h"
#include "lib/store/replica.h"

namespace dt {
namespace {

constexpr size_t kMaxLabels = 10;

Reply HandleLabelList(RequestContext& ctx) {
  const Arg g = ctx.args.Has("gender") ? Arg(ctx.args.Int("gender")) : Arg(nullptr);
  std::vector<Row> rows;
  // A gender's labels are its own and those for anyone (gender 0). The catalogue changes
  // by migrations only: a replica may answer.
  RETURN_IF_ERROR(ctx.reads.Query(
      "SELECT id, name, gender, meaning FROM label WHERE (? IS NULL OR gender = ? OR gender = 0)"
      " ORDER BY id",
      {g, g}, &rows));
  JsonWriter data;
  data.Array("list");
  for (const Row& row : rows) {
    data.Object().Int("label_id", row.Int(0)).Str("name", row.Str(1));
    data.Int("gender", row.Int(2)).Str("meaning", row.Str(3)).End();
  }
  return Reply::Ok(data);
}

Reply HandleSetLabels(RequestContext& ctx) {
  // Distinct, in order; empty: the user clears their labels.
  const std::vector<int64_t>& ids = ctx.args.Ids("labelIds");
  if (ids.size() > kMaxLabels) return Status::Error(kLimitReached, "at most 10 labels.");
  const std::string id_array = IdList(ids);

  std::vector<Row> known;
  RETURN_IF_ERROR(InTransaction(ctx.db, [&]() -> Status {
    // The user's row is the lock that orders two saves of the same user (a double tap),
    // which would otherwise deadlock on the gap their deletes leave.
    Row row;
    bool found = false;
    RETURN_IF_ERROR(ctx.db.QueryRow("SELECT id FROM user_info WHERE id = ? FOR UPDATE",
                                    {ctx.user_id}, &row, &found));
    if (!found) return Status::Error(kNoUser);
    known.clear();
    RETURN_IF_ERROR(ctx.db.Query(
        "SELECT l.id, l.name FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) AS j"
        " JOIN label l ON l.id = j.id ORDER BY l.id",
        {id_array}, &known));
    if (known.size() != ids.size()) return Status::Error(kNotFound, "unknown label.");
    RETURN_IF_ERROR(ctx.db.Exec("DELETE FROM user_label WHERE user_id = ?", {ctx.user_id}));
    return ctx.db.Exec(
        "INSERT INTO user_label (user_id, label_id)"
        " SELECT ?, j.id FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) AS j",
        {ctx.user_id, id_array});
  }));
  RETURN_IF_ERROR(InvalidateProfile(ctx.redis, ctx.user_id));

  JsonWriter data;
  data.Array("labels");
  for (const Row& row : known)
    data.Object().Int("label_id", row.Int(0)).Str("name", row.Str(1)).End();
  return Reply::Ok(data);
}

}  // namespace

std::vector<Route> LabelRoutes() {
  return {
      Get("/api/label/list", HandleLabelList)
          .Auth(kAppSigned)
          .Accepts({IntArg("gender", 0, 2).Optional()}),
      Post("/api/user/labels", HandleSetLabels)
          .Auth(kAppToken)
          .Accepts({IdListArg("labelIds").KeepEmpty()}),
  };
}

}  // namespace dt
