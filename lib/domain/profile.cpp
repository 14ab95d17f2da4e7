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

// The items of MariaDB's GROUP_CONCAT of "<a>\x1f<b>[\x1f<c>]" joined by \x1e (no control
// characters occur in label names, URLs or reasons: cheaper than JSON_ARRAYAGG,
// docs/performance.md), each split into its fields.
std::vector<std::vector<std::string_view>> ConcatItems(const Row& row, size_t i) {
  std::vector<std::vector<std::string_view>> items;
  if (row.IsNull(i)) return items;
  const std::string& s = row.Str(i);
  for (size_t start = 0; start < s.size();) {
    size_t end = s.find('\x1e', start);
    if (end == std::string::npos) end = s.size();
    std::vector<std::string_view> fields;
    for (size_t f = start;;) {
      size_t sep = s.find('\x1f', f);
      if (sep == std::string::npos || sep > end) sep = end;
      fields.emplace_back(s.data() + f, sep - f);
      if (sep == end) break;
      f = sep + 1;
    }
    items.push_back(std::move(fields));
    start = end + 1;
  }
  return items;
}

// The member array `name` of objects {id_name: <int>, text_name: <string>} of the items
// whose third field (a review state) `keep` accepts; with `with_state`, that state too.
void ArrayOf(JsonWriter* w, const char* name, const Row& row, size_t i, const char* id_name,
             const char* text_name, bool (*keep)(std::string_view state) = nullptr,
             bool with_state = false) {
  w->Array(name);
  for (const auto& item : ConcatItems(row, i)) {
    int64_t id;
    if (item.size() < 2 || !ParseInt64(item[0], &id)) continue;
    const std::string_view state = item.size() > 2 ? item[2] : "approved";
    if (keep && !keep(state)) continue;
    w->Object().Int(id_name, id).Str(text_name, item[1]);
    if (with_state) w->Str("state", state);
    w->End();
  }
  w->End();
}

bool NotRejected(std::string_view state) { return state != "rejected"; }
bool Approved(std::string_view state) { return state == "approved"; }

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
               " (SELECT GROUP_CONCAT(a.id, '\x1f', a.photo, '\x1f', COALESCE(pr.state, 'approved')"
               "   ORDER BY a.id SEPARATOR '\x1e')"
               "   FROM user_album a LEFT JOIN photo_review pr ON pr.url = a.photo"
               "   WHERE a.user_id = u.id),"
               " COALESCE(UNIX_TIMESTAMP(loc.update_time), 0),"
               " COALESCE(DATE_FORMAT(u.birthday, '%Y%m%d'), 0), COALESCE(p.age_min, 0),"
               " COALESCE(p.age_max, 0), COALESCE(p.distance_km, 0), COALESCE(p.genders, 0),"
               " u.avatar_pending, (SELECT state FROM photo_review"
               "   WHERE url = IF(u.avatar_pending <> '', u.avatar_pending, u.avatar)),"
               " (SELECT GROUP_CONCAT(r.used_as, '\x1f', r.url, '\x1f', r.reason"
               "   ORDER BY r.id DESC SEPARATOR '\x1e') FROM photo_review r"
               "   WHERE r.owner_id = u.id AND r.state = 'rejected'"
               "   AND r.review_time > NOW() - INTERVAL 30 DAY),"
               " (SELECT GROUP_CONCAT(DATE_FORMAT(w.create_time, '%Y-%m-%d %H:%i:%s'), '\x1f',"
               "   w.reason ORDER BY w.id DESC SEPARATOR '\x1e') FROM user_warning w"
               "   WHERE w.user_id = u.id AND w.create_time > NOW() - INTERVAL 30 DAY)"
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
    r.avatar = row.Str(4);
    r.avatar_pending = row.Str(23);
    if (!r.avatar.empty() || !r.avatar_pending.empty()) {
      r.avatar_state = row.IsNull(24) ? "approved" : row.Str(24);  // older than review: approved
    }
    // Kept as rendered members, cached with the record: a reply copies them as they are.
    JsonWriter card(JsonWriter::Start::kMembers), labels(JsonWriter::Start::kMembers),
        photos(JsonWriter::Start::kMembers), approved(JsonWriter::Start::kMembers),
        own(JsonWriter::Start::kMembers), secret(JsonWriter::Start::kMembers);
    Member(&card, "user_id", row, 0, false);
    Member(&card, "nickname", row, 1, true);
    Member(&card, "birthday", row, 2, true);
    Member(&card, "gender", row, 3, false);
    Member(&card, "height", row, 5, false);
    Member(&card, "sexual", row, 6, false);
    Member(&card, "education", row, 7, false);
    Member(&card, "salary", row, 8, false);
    Member(&card, "emotion", row, 9, false);
    ArrayOf(&labels, "labels", row, 15, "label_id", "name");
    ArrayOf(&photos, "photos", row, 16, "photo_id", "url", NotRejected);
    ArrayOf(&approved, "photos", row, 16, "photo_id", "url", Approved);
    ArrayOf(&own, "photos", row, 16, "photo_id", "url", nullptr, true);
    Member(&secret, "phone", row, 10, true);
    Member(&secret, "email", row, 11, true);
    Member(&secret, "authority", row, 12, false);
    secret.Array("rejected_photos");
    for (const auto& item : ConcatItems(row, 25)) {
      if (item.size() < 3) continue;
      secret.Object().Str("used_as", item[0]).Str("url", item[1]).Str("reason", item[2]).End();
    }
    secret.End().Array("warnings");
    for (const auto& item : ConcatItems(row, 26)) {
      if (item.size() < 2) continue;
      secret.Object().Str("reason", item[1]).Str("create_time", item[0]).End();
    }
    secret.End();
    r.card = card.Close();
    r.labels = labels.Close();
    r.photos = photos.Close();
    r.photos_approved = approved.Close();
    r.photos_own = own.Close();
    r.secret = secret.Close();
    (*out)[r.user_id] = std::move(r);
  }
  return Status::Ok();
}

}  // namespace

const Preloader kProfilePreload{"profile", ProfileCommand};

std::string ProfileKey(int64_t id) { return "dt:profile:" + std::to_string(id); }

// "p4" then the fields, tab-separated; neither the URLs nor the JSON parts hold a raw tab
// (JSON escapes it, stored media URLs have none).
std::string SerializeProfile(const ProfileRecord& r) {
  std::string out = "p4\t" + std::to_string(r.user_id) + "\t" + std::to_string(r.gender) + "\t" +
                    std::to_string(r.authority) + "\t" + r.status + "\t" +
                    std::to_string(r.vip_deadline) + "\t" + std::to_string(r.located_at) + "\t";
  for (int64_t v : {r.birth, int64_t{r.sexual}, int64_t{r.pref_age_min}, int64_t{r.pref_age_max},
                    int64_t{r.pref_distance_km}, int64_t{r.pref_genders}}) {
    out.append(std::to_string(v)).append("\t");
  }
  for (const std::string* part : {&r.avatar, &r.avatar_pending, &r.avatar_state, &r.card, &r.labels,
                                  &r.photos, &r.photos_approved, &r.photos_own}) {
    out.append(*part).append("\t");
  }
  out.append(r.secret);
  return out;
}

bool ParseProfileRecord(std::string_view s, ProfileRecord* out, ProfileParts parts) {
  constexpr int kFields = 22;
  std::string_view f[kFields];
  size_t start = 0;
  for (int i = 0; i < kFields; ++i) {
    size_t tab = i < kFields - 1 ? s.find('\t', start) : s.size();
    if (tab == std::string_view::npos) return false;
    f[i] = s.substr(start, tab - start);
    start = tab + 1;
  }
  if (f[0] != "p4") return false;  // another format: a miss, read again from MySQL
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
  out->avatar.assign(f[13]);
  out->card.assign(f[16]);
  if (parts == ProfileParts::kAll) {
    out->avatar_pending.assign(f[14]);
    out->avatar_state.assign(f[15]);
    out->labels.assign(f[17]);
    out->photos.assign(f[18]);
    out->photos_approved.assign(f[19]);
    out->photos_own.assign(f[20]);
    out->secret.assign(f[21]);
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
  const bool self = view == ProfileView::kSelf;
  w->Members(r.card)
      .Str("avatar", self && !r.avatar_pending.empty() ? r.avatar_pending : r.avatar)
      .Bool("is_vip", r.vip_deadline > now);
  if (view == ProfileView::kListItem) return;
  w->Members(r.labels).Members(self                                 ? r.photos_own
                               : view == ProfileView::kPeerApproved ? r.photos_approved
                                                                    : r.photos);
  if (self) {
    w->Str("avatar_state", r.avatar_state).Members(r.secret);
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
