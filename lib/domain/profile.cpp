// Profile records: one MySQL query for the misses, the versioned cache, rendering.
#include "lib/domain/profile.h"

#include <cstdio>

#include "lib/core/args.h"
#include "lib/core/clock.h"
#include "lib/core/json_writer.h"
#include "lib/store/cache.h"

namespace dt {
namespace {

std::string VersionKey(int64_t id) { return "dt:profile:ver:" + std::to_string(id); }

bool ProfileCommand(const Args&, int64_t user, std::vector<std::string>* argv) {
  if (user <= 0) return false;
  *argv = {"GET", ProfileKey(user)};
  return true;
}

// The member `name` of a column that may be NULL.
void Member(JsonWriter* w, const char* name, const Row& row, size_t i, bool text) {
  if (row.IsNull(i)) {
    w->Null(name);
  } else if (text) {
    w->Str(name, row.Str(i));
  } else {
    w->Int(name, row.Int(i));
  }
}

// The member array `name` of objects {id_name: <int>, text_name: <string>} from MariaDB's
// GROUP_CONCAT of "<id>\x1f<text>" items joined by \x1e (neither can occur in label names
// or in URLs, which have no control characters): cheaper than JSON_ARRAYAGG
// (docs/performance.md).
void ArrayOf(JsonWriter* w, const char* name, const Row& row, size_t i, const char* id_name,
             const char* text_name) {
  w->Array(name);
  if (!row.IsNull(i)) {
    const std::string& s = row.Str(i);
    size_t start = 0;
    while (start < s.size()) {
      size_t end = s.find('\x1e', start);
      if (end == std::string::npos) end = s.size();
      const std::string_view item(s.data() + start, end - start);
      const size_t sep = item.find('\x1f');
      int64_t id;
      if (sep != std::string_view::npos && ParseInt64(item.substr(0, sep), &id)) {
        w->Object().Int(id_name, id).Str(text_name, item.substr(sep + 1)).End();
      }
      start = end + 1;
    }
  }
  w->End();
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
               " COALESCE(UNIX_TIMESTAMP(loc.update_time), 0),"
               " COALESCE(DATE_FORMAT(u.birthday, '%Y%m%d'), 0), COALESCE(p.age_min, 0),"
               " COALESCE(p.age_max, 0), COALESCE(p.distance_km, 0), COALESCE(p.genders, 0)"
               " FROM JSON_TABLE(?, '$[*]' COLUMNS (id INT UNSIGNED PATH '$')) AS j"
               " JOIN user_info u ON u.id = j.id LEFT JOIN vip_info v ON v.user_id = u.id"
               " LEFT JOIN location loc ON loc.user_id = u.id"
               " LEFT JOIN user_preference p ON p.user_id = u.id",
               {IdList(ids)}, &rows));
  for (const Row& row : rows) {
    ProfileRecord r;
    r.user_id = row.Int(0);
    r.gender = static_cast<int>(row.Int(3));
    r.authority = static_cast<int>(row.Int(12));
    r.status = row.Str(13);
    r.vip_deadline = row.Int(14);
    r.located_at = row.Int(17);
    r.birth = row.Int(18);
    r.sexual = static_cast<int>(row.Int(6));
    r.pref_age_min = static_cast<int>(row.Int(19));
    r.pref_age_max = static_cast<int>(row.Int(20));
    r.pref_distance_km = static_cast<int>(row.Int(21));
    r.pref_genders = static_cast<int>(row.Int(22));
    // Kept as rendered members, cached with the record: a reply copies them as they are.
    JsonWriter card(JsonWriter::Start::kMembers), media(JsonWriter::Start::kMembers),
        secret(JsonWriter::Start::kMembers);
    Member(&card, "user_id", row, 0, false);
    Member(&card, "nickname", row, 1, true);
    Member(&card, "birthday", row, 2, true);
    Member(&card, "gender", row, 3, false);
    Member(&card, "avatar", row, 4, true);
    Member(&card, "height", row, 5, false);
    Member(&card, "sexual", row, 6, false);
    Member(&card, "education", row, 7, false);
    Member(&card, "salary", row, 8, false);
    Member(&card, "emotion", row, 9, false);
    ArrayOf(&media, "labels", row, 15, "label_id", "name");
    ArrayOf(&media, "photos", row, 16, "photo_id", "url");
    Member(&secret, "phone", row, 10, true);
    Member(&secret, "email", row, 11, true);
    Member(&secret, "authority", row, 12, false);
    r.card = card.Close();
    r.media = media.Close();
    r.secret = secret.Close();
    (*out)[r.user_id] = std::move(r);
  }
  return Status::Ok();
}

}  // namespace

const Preloader kProfilePreload{"profile", ProfileCommand};

std::string ProfileKey(int64_t id) { return "dt:profile:" + std::to_string(id); }

// "p3" then the fields, tab-separated; the JSON parts hold no raw tab (JSON escapes it).
std::string SerializeProfile(const ProfileRecord& r) {
  std::string out = "p3\t" + std::to_string(r.user_id) + "\t" + std::to_string(r.gender) + "\t" +
                    std::to_string(r.authority) + "\t" + r.status + "\t" +
                    std::to_string(r.vip_deadline) + "\t" + std::to_string(r.located_at) + "\t";
  for (int64_t v : {r.birth, int64_t{r.sexual}, int64_t{r.pref_age_min}, int64_t{r.pref_age_max},
                    int64_t{r.pref_distance_km}, int64_t{r.pref_genders}}) {
    out.append(std::to_string(v)).append("\t");
  }
  out.append(r.card).append("\t").append(r.media).append("\t").append(r.secret);
  return out;
}

bool ParseProfileRecord(std::string_view s, ProfileRecord* out, ProfileParts parts) {
  constexpr int kFields = 16;
  std::string_view f[kFields];
  size_t start = 0;
  for (int i = 0; i < kFields; ++i) {
    size_t tab = i < kFields - 1 ? s.find('\t', start) : s.size();
    if (tab == std::string_view::npos) return false;
    f[i] = s.substr(start, tab - start);
    start = tab + 1;
  }
  if (f[0] != "p3") return false;  // another format: a miss, read again from MySQL
  int64_t user_id, gender, authority, vip_deadline, located_at;
  if (!ParseInt64(f[1], &user_id) || !ParseInt64(f[2], &gender) || !ParseInt64(f[3], &authority) ||
      !ParseInt64(f[5], &vip_deadline) || !ParseInt64(f[6], &located_at)) {
    return false;
  }
  int64_t discovery[6];
  for (int i = 0; i < 6; ++i) {
    if (!ParseInt64(f[7 + i], &discovery[i])) return false;
  }
  out->birth = discovery[0];
  out->sexual = static_cast<int>(discovery[1]);
  out->pref_age_min = static_cast<int>(discovery[2]);
  out->pref_age_max = static_cast<int>(discovery[3]);
  out->pref_distance_km = static_cast<int>(discovery[4]);
  out->pref_genders = static_cast<int>(discovery[5]);
  out->user_id = user_id;
  out->gender = static_cast<int>(gender);
  out->authority = static_cast<int>(authority);
  out->status.assign(f[4]);
  out->vip_deadline = vip_deadline;
  out->located_at = located_at;
  out->card.assign(f[13]);
  if (parts == ProfileParts::kAll) {
    out->media.assign(f[14]);
    out->secret.assign(f[15]);
  }
  return true;
}

Status UserIsVip(Db& db, Redis& redis, const Config& config, int64_t user, int64_t now, bool* vip) {
  ProfileRecord record;
  bool found = false;
  RETURN_IF_ERROR(LoadProfile(db, redis, config, user, &record, &found));
  if (!found) return Status::Error(kNoUser);
  *vip = record.vip_deadline > now;
  return Status::Ok();
}

std::vector<std::string> ProfilesCommand(const std::vector<int64_t>& ids) {
  std::vector<std::string> argv = {"MGET"};
  argv.reserve(ids.size() + 1);
  for (int64_t id : ids) argv.push_back(ProfileKey(id));
  return argv;
}

Status LoadProfiles(Db& db, Redis& redis, const Config& config, const std::vector<int64_t>& ids,
                    std::unordered_map<int64_t, ProfileRecord>* out, ProfileParts parts) {
  if (ids.empty()) return Status::Ok();
  const std::vector<std::string> command = ProfilesCommand(ids);
  RedisReply cached;
  Status looked =
      redis.CommandArgv(std::vector<std::string_view>(command.begin(), command.end()), &cached);
  return LoadProfilesFrom(db, redis, config, ids, looked, cached, out, parts);
}

Status LoadProfilesFrom(Db& db, Redis& redis, const Config& config, const std::vector<int64_t>& ids,
                        const Status& looked, const RedisReply& cached,
                        std::unordered_map<int64_t, ProfileRecord>* out, ProfileParts parts) {
  // One MGET of the records. Versions matter only to a miss, so they are read (before
  // MySQL, as lib/store/cache.h requires) only when there is one: each key looked up costs
  // Redis's one thread about a microsecond at a million users, and most reads hit.
  if (!looked.ok() && looked.code() != kUnavailable) return looked;

  std::vector<int64_t> missing;
  for (size_t i = 0; i < ids.size(); ++i) {
    const redisReply* hit = i < cached.size() ? cached.Element(i) : nullptr;
    ProfileRecord record;
    if (hit && hit->type == REDIS_REPLY_STRING &&
        ParseProfileRecord(std::string_view(hit->str, hit->len), &record, parts)) {
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

Status LoadOwnProfile(RequestContext& ctx, ProfileRecord* out, bool* found) {
  const Preloaded::Entry* pre = PreloadedOf(ctx).Find(kProfilePreload);
  if (pre && pre->answered && pre->reply.IsString() && ParseProfileRecord(pre->reply.Str(), out) &&
      out->user_id == ctx.user_id) {
    *found = true;
    return Status::Ok();
  }
  return LoadProfile(ctx.db, ctx.redis, ctx.config(), ctx.user_id, out, found);
}

Status InvalidateProfile(Redis& redis, int64_t id) {
  return CacheInvalidate(redis, ProfileKey(id), VersionKey(id));
}

void WriteProfile(const ProfileRecord& r, ProfileView view, int64_t now, JsonWriter* w) {
  w->Members(r.card).Bool("is_vip", r.vip_deadline > now);
  if (view != ProfileView::kListItem) w->Members(r.media);
  if (view == ProfileView::kSelf) {
    w->Members(r.secret);
    if (r.vip_deadline > 0) {
      w->Str("vip_deadline", FormatUtc(r.vip_deadline));
    } else {
      w->Null("vip_deadline");
    }
  }
}

bool ProfileVisibleTo(const ProfileRecord& record, int64_t viewer) {
  if (record.status == "deleted") return false;
  if (record.user_id == viewer) return true;
  return record.status == "active" && record.authority == 1;
}

}  // namespace dt
