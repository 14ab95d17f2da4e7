// Profile records: one MySQL query for the misses, the versioned cache, rendering.
#include "lib/domain/profile.h"

#include <cstdio>

#include "lib/core/args.h"
#include "lib/core/clock.h"
#include "lib/core/reply.h"
#include "lib/store/cache.h"

namespace dt {
namespace {

std::string VersionKey(int64_t id) { return "dt:profile:ver:" + std::to_string(id); }

bool ProfileCommand(const Args&, int64_t user, std::vector<std::string>* argv) {
  if (user <= 0) return false;
  *argv = {"GET", ProfileKey(user)};
  return true;
}

// Appends ,"name":value for a column that may be NULL; strings are JSON-escaped.
void Member(std::string* out, const char* name, const Row& row, size_t i, bool text) {
  if (!out->empty()) out->push_back(',');
  out->append("\"").append(name).append("\":");
  if (row.IsNull(i)) {
    out->append("null");
  } else if (text) {
    AppendJsonString(row.Str(i), out);
  } else {
    out->append(std::to_string(row.Int(i)));
  }
}

// A JSON array of objects {id_name: <int>, text_name: <string>} from MariaDB's
// GROUP_CONCAT of "<id>\x1f<text>" items joined by \x1e (neither can occur in label names
// or in URLs, which have no control characters). MariaDB's JSON_ARRAYAGG would build the
// same, at three times the query's cost.
std::string ArrayOf(const Row& row, size_t i, const char* id_name, const char* text_name) {
  std::string out = "[";
  if (!row.IsNull(i)) {
    const std::string& s = row.Str(i);
    size_t start = 0;
    while (start < s.size()) {
      size_t end = s.find('\x1e', start);
      if (end == std::string::npos) end = s.size();
      const std::string_view item(s.data() + start, end - start);
      const size_t sep = item.find('\x1f');
      if (sep != std::string_view::npos) {
        if (out.size() > 1) out += ',';
        out.append("{\"").append(id_name).append("\":").append(item.substr(0, sep));
        out.append(",\"").append(text_name).append("\":");
        AppendJsonString(item.substr(sep + 1), &out);
        out += '}';
      }
      start = end + 1;
    }
  }
  return out + "]";
}

// Reads the records of `ids` from MySQL into *out, in one query.
Status ReadFromMysql(Db& db, const std::vector<int64_t>& ids,
                     std::unordered_map<int64_t, ProfileRecord>* out) {
  std::vector<Row> rows;
  RETURN_IF_ERROR(
      db.Query("SELECT u.id, u.nickname, u.birthday, u.gender, u.avatar, u.height, u.sexual,"
               " u.education, u.salary, u.emotion, u.phone, u.email, u.authority, u.status,"
               " COALESCE(UNIX_TIMESTAMP(v.vip_deadline), 0),"
               " (SELECT GROUP_CONCAT(l.id, '\x1f', l.name ORDER BY l.id SEPARATOR '\x1e')"
               "   FROM user_label ul JOIN label l ON l.id = ul.label_id WHERE ul.user_id = u.id),"
               " (SELECT GROUP_CONCAT(a.id, '\x1f', a.photo ORDER BY a.id SEPARATOR '\x1e')"
               "   FROM user_album a WHERE a.user_id = u.id),"
               " COALESCE(UNIX_TIMESTAMP(loc.update_time), 0)"
               " FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) AS j"
               " JOIN user_info u ON u.id = j.id LEFT JOIN vip_info v ON v.user_id = u.id"
               " LEFT JOIN location loc ON loc.user_id = u.id",
               {IdList(ids)}, &rows));
  for (const Row& row : rows) {
    ProfileRecord r;
    r.user_id = row.Int(0);
    r.gender = static_cast<int>(row.Int(3));
    r.authority = static_cast<int>(row.Int(12));
    r.status = row.Str(13);
    r.vip_deadline = row.Int(14);
    r.located_at = row.Int(17);
    Member(&r.card, "user_id", row, 0, false);
    Member(&r.card, "nickname", row, 1, true);
    Member(&r.card, "birthday", row, 2, true);
    Member(&r.card, "gender", row, 3, false);
    Member(&r.card, "avatar", row, 4, true);
    Member(&r.card, "height", row, 5, false);
    Member(&r.card, "sexual", row, 6, false);
    Member(&r.card, "education", row, 7, false);
    Member(&r.card, "salary", row, 8, false);
    Member(&r.card, "emotion", row, 9, false);
    r.media = "\"labels\":" + ArrayOf(row, 15, "label_id", "name") +
              ",\"photos\":" + ArrayOf(row, 16, "photo_id", "url");
    Member(&r.secret, "phone", row, 10, true);
    Member(&r.secret, "email", row, 11, true);
    Member(&r.secret, "authority", row, 12, false);
    (*out)[r.user_id] = std::move(r);
  }
  return Status::Ok();
}

}  // namespace

const Preloader kProfilePreload{"profile", ProfileCommand};

std::string ProfileKey(int64_t id) { return "dt:profile:" + std::to_string(id); }

// "p2" then the fields, tab-separated; the JSON parts hold no raw tab (JSON escapes it).
std::string SerializeProfile(const ProfileRecord& r) {
  std::string out = "p2\t" + std::to_string(r.user_id) + "\t" + std::to_string(r.gender) + "\t" +
                    std::to_string(r.authority) + "\t" + r.status + "\t" +
                    std::to_string(r.vip_deadline) + "\t" + std::to_string(r.located_at) + "\t";
  out.append(r.card).append("\t").append(r.media).append("\t").append(r.secret);
  return out;
}

bool ParseProfileRecord(std::string_view s, ProfileRecord* out) {
  constexpr int kFields = 10;
  std::string_view f[kFields];
  size_t start = 0;
  for (int i = 0; i < kFields; ++i) {
    size_t tab = i < kFields - 1 ? s.find('\t', start) : s.size();
    if (tab == std::string_view::npos) return false;
    f[i] = s.substr(start, tab - start);
    start = tab + 1;
  }
  if (f[0] != "p2") return false;  // another format: a miss, read again from MySQL
  int64_t user_id, gender, authority, vip_deadline, located_at;
  if (!ParseInt64(f[1], &user_id) || !ParseInt64(f[2], &gender) || !ParseInt64(f[3], &authority) ||
      !ParseInt64(f[5], &vip_deadline) || !ParseInt64(f[6], &located_at)) {
    return false;
  }
  out->user_id = user_id;
  out->gender = static_cast<int>(gender);
  out->authority = static_cast<int>(authority);
  out->status.assign(f[4]);
  out->vip_deadline = vip_deadline;
  out->located_at = located_at;
  out->card.assign(f[7]);
  out->media.assign(f[8]);
  out->secret.assign(f[9]);
  return true;
}

Status LoadProfiles(Db& db, Redis& redis, const Config& config, const std::vector<int64_t>& ids,
                    std::unordered_map<int64_t, ProfileRecord>* out) {
  if (ids.empty()) return Status::Ok();
  // One MGET of the records. Versions matter only to a miss, so they are read (before
  // MySQL, as lib/store/cache.h requires) only when there is one: each key looked up costs
  // Redis's one thread about a microsecond at a million users, and most reads hit.
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (int64_t id : ids) keys.push_back(ProfileKey(id));
  std::vector<std::string_view> argv = {"MGET"};
  argv.insert(argv.end(), keys.begin(), keys.end());
  RedisReply cached;
  Status looked = redis.CommandArgv(argv, &cached);
  if (!looked.ok() && looked.code() != kUnavailable) return looked;

  std::vector<int64_t> missing;
  for (size_t i = 0; i < ids.size(); ++i) {
    const redisReply* hit = i < cached.size() ? cached.Element(i) : nullptr;
    ProfileRecord record;
    if (hit && hit->type == REDIS_REPLY_STRING &&
        ParseProfileRecord(std::string_view(hit->str, hit->len), &record)) {
      (*out)[ids[i]] = std::move(record);
    } else {
      missing.push_back(ids[i]);
    }
  }
  if (missing.empty()) return Status::Ok();

  bool fill = looked.ok();  // Redis down: MySQL answers and nothing is cached
  RedisReply seen;
  if (fill) {
    std::vector<std::string> version_keys;
    for (int64_t id : missing) version_keys.push_back(VersionKey(id));
    std::vector<std::string_view> get = {"MGET"};
    get.insert(get.end(), version_keys.begin(), version_keys.end());
    Status versions = redis.CommandArgv(get, &seen);
    if (!versions.ok() && versions.code() != kUnavailable) return versions;
    fill = versions.ok() && seen.size() == missing.size();
  }
  std::unordered_map<int64_t, ProfileRecord> loaded;
  RETURN_IF_ERROR(ReadFromMysql(db, missing, &loaded));
  std::vector<CacheFill> fills;
  for (size_t i = 0; i < missing.size(); ++i) {
    auto it = loaded.find(missing[i]);
    if (it == loaded.end()) continue;
    if (fill) {
      const redisReply* ver = seen.Element(i);
      fills.push_back(
          {ProfileKey(missing[i]), VersionKey(missing[i]),
           ver->type == REDIS_REPLY_STRING ? std::string(ver->str, ver->len) : std::string(),
           SerializeProfile(it->second)});
    }
    (*out)[missing[i]] = std::move(it->second);
  }
  return fill ? CacheFillIfUnchanged(redis, fills, config.profile_ttl) : Status::Ok();
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

std::string ProfileJson(const ProfileRecord& r, ProfileView view, int64_t now,
                        std::string_view extra) {
  std::string out;
  out.reserve(r.card.size() + r.media.size() + r.secret.size() + extra.size() + 64);
  out.append("{").append(r.card);
  out.append(r.vip_deadline > now ? ",\"is_vip\":true" : ",\"is_vip\":false");
  if (view != ProfileView::kListItem) out.append(",").append(r.media);
  if (view == ProfileView::kSelf) {
    out.append(",").append(r.secret).append(",\"vip_deadline\":");
    out.append(r.vip_deadline > 0 ? "\"" + FormatUtc(r.vip_deadline) + "\"" : std::string("null"));
  }
  if (!extra.empty()) out.append(",").append(extra);
  out.append("}");
  return out;
}

bool ProfileVisibleTo(const ProfileRecord& record, int64_t viewer) {
  if (record.status == "deleted") return false;
  if (record.user_id == viewer) return true;
  return record.status == "active" && record.authority == 1;
}

}  // namespace dt
