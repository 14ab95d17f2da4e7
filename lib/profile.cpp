// Profile records: batch loading from MySQL, the versioned cache, and rendering.
#include "lib/profile.h"

#include <json/reader.h>

#include <memory>
#include <string>

#include "lib/cache.h"
#include "lib/clock.h"
#include "lib/reply.h"

namespace dt {
namespace {

std::string VersionKey(int64_t id) { return "dt:profile:ver:" + std::to_string(id); }

Json::Value NullableInt(const Row& row, size_t i) {
  return row.IsNull(i) ? Json::Value() : Json::Value(static_cast<Json::Int64>(row.Int(i)));
}

Json::Value NullableString(const Row& row, size_t i) {
  return row.IsNull(i) ? Json::Value() : Json::Value(row.Str(i));
}

// Reads the records of `ids` from MySQL into *out.
Status ReadFromMysql(Db& db, const std::vector<int64_t>& ids,
                     std::unordered_map<int64_t, ProfileRecord>* out) {
  const std::string id_array = IdList(ids);
  std::vector<Row> rows;
  RETURN_IF_ERROR(db.Query(
      "SELECT u.id, u.nickname, u.phone, u.email, u.gender, u.birthday, u.avatar, u.height,"
      " u.sexual, u.education, u.salary, u.emotion, u.authority,"
      " COALESCE(UNIX_TIMESTAMP(v.vip_deadline), 0), u.status"
      " FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) AS j"
      " JOIN user_info u ON u.id = j.id LEFT JOIN vip_info v ON v.user_id = u.id",
      {id_array}, &rows));
  for (const Row& row : rows) {
    ProfileRecord r(Json::objectValue);
    r["user_id"] = static_cast<Json::Int64>(row.Int(0));
    r["nickname"] = row.Str(1);
    r["phone"] = NullableString(row, 2);
    r["email"] = NullableString(row, 3);
    r["gender"] = static_cast<int>(row.Int(4));
    r["birthday"] = NullableString(row, 5);
    r["avatar"] = row.Str(6);
    r["height"] = NullableInt(row, 7);
    r["sexual"] = static_cast<int>(row.Int(8));
    r["education"] = static_cast<int>(row.Int(9));
    r["salary"] = static_cast<int>(row.Int(10));
    r["emotion"] = static_cast<int>(row.Int(11));
    r["authority"] = static_cast<int>(row.Int(12));
    r["vip_deadline"] = static_cast<Json::Int64>(row.Int(13));
    r["status"] = row.Str(14);
    r["labels"] = Json::Value(Json::arrayValue);
    r["photos"] = Json::Value(Json::arrayValue);
    (*out)[row.Int(0)] = std::move(r);
  }
  if (out->empty()) return Status::Ok();

  rows.clear();
  RETURN_IF_ERROR(db.Query(
      "SELECT ul.user_id, l.id, l.name"
      " FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) AS j"
      " JOIN user_label ul ON ul.user_id = j.id JOIN label l ON l.id = ul.label_id"
      " ORDER BY ul.user_id, l.id",
      {id_array}, &rows));
  for (const Row& row : rows) {
    auto it = out->find(row.Int(0));
    if (it == out->end()) continue;
    Json::Value label(Json::objectValue);
    label["label_id"] = static_cast<Json::Int64>(row.Int(1));
    label["name"] = row.Str(2);
    it->second["labels"].append(label);
  }

  rows.clear();
  RETURN_IF_ERROR(db.Query(
      "SELECT a.user_id, a.id, a.photo"
      " FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) AS j"
      " JOIN user_album a ON a.user_id = j.id ORDER BY a.user_id, a.id",
      {id_array}, &rows));
  for (const Row& row : rows) {
    auto it = out->find(row.Int(0));
    if (it == out->end()) continue;
    Json::Value photo(Json::objectValue);
    photo["photo_id"] = static_cast<Json::Int64>(row.Int(1));
    photo["url"] = row.Str(2);
    it->second["photos"].append(photo);
  }
  return Status::Ok();
}

}  // namespace

std::string ProfileKey(int64_t id) { return "dt:profile:" + std::to_string(id); }

bool ParseProfileRecord(std::string_view text, ProfileRecord* out) {
  thread_local std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  std::string errors;
  return reader->parse(text.data(), text.data() + text.size(), out, &errors) && out->isObject();
}

Status LoadProfiles(Db& db, Redis& redis, const Config& config, const std::vector<int64_t>& ids,
                    std::unordered_map<int64_t, ProfileRecord>* out) {
  if (ids.empty()) return Status::Ok();
  // One MGET: every record, then every version.
  std::vector<std::string> keys;
  keys.reserve(ids.size() * 2);
  for (int64_t id : ids) keys.push_back(ProfileKey(id));
  for (int64_t id : ids) keys.push_back(VersionKey(id));
  std::vector<std::string_view> argv = {"MGET"};
  argv.insert(argv.end(), keys.begin(), keys.end());
  RedisReply cached;
  RETURN_IF_ERROR(redis.CommandArgv(argv, &cached));

  std::vector<int64_t> missing;
  std::vector<std::string> versions;
  for (size_t i = 0; i < ids.size(); ++i) {
    const redisReply* hit = i < cached.size() ? cached.Element(i) : nullptr;
    ProfileRecord record;
    if (hit && hit->type == REDIS_REPLY_STRING &&
        ParseProfileRecord(std::string_view(hit->str, hit->len), &record)) {
      (*out)[ids[i]] = std::move(record);
      continue;
    }
    const redisReply* ver = ids.size() + i < cached.size() ? cached.Element(ids.size() + i) : nullptr;
    missing.push_back(ids[i]);
    versions.push_back(ver && ver->type == REDIS_REPLY_STRING ? std::string(ver->str, ver->len)
                                                              : std::string());
  }
  if (missing.empty()) return Status::Ok();

  std::unordered_map<int64_t, ProfileRecord> loaded;
  RETURN_IF_ERROR(ReadFromMysql(db, missing, &loaded));
  std::vector<CacheFill> fills;
  for (size_t i = 0; i < missing.size(); ++i) {
    auto it = loaded.find(missing[i]);
    if (it == loaded.end()) continue;
    fills.push_back({ProfileKey(missing[i]), VersionKey(missing[i]), versions[i], RenderJson(it->second)});
    (*out)[missing[i]] = std::move(it->second);
  }
  return CacheFillIfUnchanged(redis, fills, config.profile_ttl);
}

Status LoadProfile(Db& db, Redis& redis, const Config& config, int64_t id, ProfileRecord* out,
                   bool* found) {
  std::unordered_map<int64_t, ProfileRecord> records;
  RETURN_IF_ERROR(LoadProfiles(db, redis, config, {id}, &records));
  auto it = records.find(id);
  *found = it != records.end();
  if (*found) *out = std::move(it->second);
  return Status::Ok();
}

Status InvalidateProfile(Redis& redis, int64_t id) {
  return CacheInvalidate(redis, ProfileKey(id), VersionKey(id));
}

Json::Value ProfileJson(const ProfileRecord& r, ProfileView view, int64_t now) {
  Json::Value out(Json::objectValue);
  for (const char* key : {"user_id", "nickname", "birthday", "gender", "avatar", "height",
                          "sexual", "education", "salary", "emotion"}) {
    out[key] = r[key];
  }
  out["is_vip"] = r["vip_deadline"].asInt64() > now;
  if (view == ProfileView::kListItem) return out;
  out["labels"] = r["labels"];
  out["photos"] = r["photos"];
  if (view == ProfileView::kSelf) {
    out["phone"] = r["phone"];
    out["email"] = r["email"];
    out["authority"] = r["authority"];
    out["vip_deadline"] = r["vip_deadline"].asInt64() > 0
                              ? Json::Value(FormatUtc(r["vip_deadline"].asInt64()))
                              : Json::Value();
  }
  return out;
}

bool ProfileVisibleTo(const ProfileRecord& record, int64_t viewer) {
  const std::string status = record.get("status", "active").asString();
  if (status == "deleted") return false;
  if (record["user_id"].asInt64() == viewer) return true;
  return status == "active" && record["authority"].asInt() == 1;
}

}  // namespace dt
