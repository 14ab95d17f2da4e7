// Profile module (API.md "Profile"): show, update, hot list, search.
#include <ctime>

#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/core/utf8.h"
#include "lib/domain/discovery.h"
#include "lib/domain/geo.h"
#include "lib/domain/guard.h"
#include "lib/domain/hot.h"
#include "lib/domain/media.h"
#include "lib/domain/moderation.h"
#include "lib/domain/profile.h"
#include "lib/domain/visibility.h"
#include "lib/domain/visits.h"
#include "lib/store/replica.h"

namespace dt {
namespace {

struct Date {
  int year, month, day;
};

Date DateOf(int64_t unix_seconds) {
  time_t t = static_cast<time_t>(unix_seconds);
  struct tm tm;
  gmtime_r(&t, &tm);
  return {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday};
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

// "YYYY-MM-DD" into *out when it is a real calendar date.
bool ParseDate(const std::string& s, Date* out) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (s[i] < '0' || s[i] > '9') return false;
  }
  Date d{std::stoi(s.substr(0, 4)), std::stoi(s.substr(5, 2)), std::stoi(s.substr(8, 2))};
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (d.month < 1 || d.month > 12 || d.day < 1) return false;
  int days = kDays[d.month - 1] + (d.month == 2 && IsLeap(d.year) ? 1 : 0);
  if (d.day > days) return false;
  *out = d;
  return true;
}

int AgeAt(const Date& birth, const Date& today) {
  bool before_birthday =
      today.month < birth.month || (today.month == birth.month && today.day < birth.day);
  return today.year - birth.year - (before_birthday ? 1 : 0);
}

// The date `years` before `today` (Feb 29 becomes Feb 28 in a common year).
std::string YearsBefore(const Date& today, int years) {
  Date d{today.year - years, today.month, today.day};
  if (d.month == 2 && d.day == 29 && !IsLeap(d.year)) d.day = 28;
  char buf[16];
  snprintf(buf, sizeof buf, "%04d-%02d-%02d", d.year, d.month, d.day);
  return buf;
}

Status InvalidField(const char* field) {
  return Status::Error(kBadProfileField, std::string(field) + " is invalid.");
}

Reply HandleShow(RequestContext& ctx) {
  const int64_t peer = ctx.args.Int("peerId");
  const int64_t now = ctx.clock().NowSeconds();
  ProfileRecord record;
  // One's own profile usually came with the authenticator's round trip to Redis.
  const Preloaded::Entry* pre = PreloadedOf(ctx).Find(kProfilePreload);
  const bool cached_self = peer == ctx.user_id && pre && pre->answered && pre->reply.IsString() &&
                           ParseProfileRecord(pre->reply.Str(), &record) &&
                           ProfileVisibleTo(record, ctx.user_id);
  if (!cached_self) {
    RETURN_IF_ERROR(LoadVisibleProfile(ctx, peer, &record));
  }
  // A visit: one visitor row per pair, moved to now and unread again on a repeat, and a
  // view for the hot ranking (lib/domain/visits.h).
  if (peer != ctx.user_id) RETURN_IF_ERROR(RecordView(ctx.redis, peer, ctx.user_id, now));
  JsonWriter data;
  WriteProfile(record, peer == ctx.user_id ? ProfileView::kSelf : PeerView(ctx.config()), now,
               &data);
  return Reply::Ok(data);
}

// The small integer fields of a profile, in the order of the UPDATE's binds.
constexpr const char* kIntFields[] = {"gender",  "sexual", "height",   "education",
                                      "emotion", "salary", "authority"};

// A profile field of user/update: optional, and given empty it is a value (which clears
// email and avatar, and is invalid for the others); refused with 505 naming it.
ArgSpec Field(ArgSpec spec) { return spec.Optional().KeepEmpty().Refuse(kBadProfileField); }

bool ValidEmail(const std::string& email) {
  size_t at = email.find('@');
  if (email.size() > 64 || at == std::string::npos || at == 0 ||
      email.find('@', at + 1) != std::string::npos) {
    return false;
  }
  size_t dot = email.find('.', at);
  if (dot == std::string::npos || dot == at + 1 || dot + 1 == email.size()) return false;
  for (unsigned char c : email) {
    if (c <= 0x20 || c == 0x7F) return false;
  }
  return true;
}

bool EmailArg(const RequestContext&, ArgValue* value) {
  return value->text.empty() || ValidEmail(value->text);
}

// A real date YYYY-MM-DD making the age 18-120 today (UTC).
bool BirthdayArg(const RequestContext& ctx, ArgValue* value) {
  Date date;
  if (!ParseDate(value->text, &date)) return false;
  const int age = AgeAt(date, DateOf(ctx.clock().NowSeconds()));
  return age >= 18 && age <= 120;
}

Reply HandleUpdate(RequestContext& ctx) {
  const Args& args = ctx.args;
  const int64_t now = ctx.clock().NowSeconds();
  // A nickname of the word list ([moderation] words) is refused, however it is spelled.
  if (args.Has("nickname") &&
      CountWords(ctx.redis, ctx.config(), "nickname", args.Text("nickname")) > 0) {
    return Status::Error(kBadProfileField, "nickname is not allowed.");
  }
  auto text = [&](const char* name) {
    return args.Has(name) ? Arg(args.Text(name)) : Arg(nullptr);
  };
  // Every given field was checked by its row, in order; one invalid field changes nothing.
  // Last the avatar: an image of /api/upload, nothing from elsewhere; but an old client
  // sends its whole profile back, with the avatar the old service stored: unchanged, it
  // may stay.
  const std::string& avatar = args.Text("avatar");
  const Config& config = ctx.config();
  // The avatar (others see) and the one waiting for review ([moderation] photos = pre: a
  // new avatar waits there until approved, the approved one still shown); NULL: unchanged.
  Arg avatar_arg = text("avatar"), pending_arg = args.Has("avatar") ? Arg("") : Arg(nullptr);
  if (!avatar.empty() &&
      !IsStoredMedia(config.media_url, config.media_root, avatar, MediaKind::kImage)) {
    Row current;
    bool found = false;
    RETURN_IF_ERROR(ctx.db.QueryRow("SELECT avatar FROM user_info WHERE id = ?", {ctx.user_id},
                                    &current, &found));
    if (!found || current.Str(0) != avatar) return InvalidField("avatar");
    pending_arg = nullptr;
  } else if (!avatar.empty()) {
    std::string state;
    RETURN_IF_ERROR(NotePhoto(ctx.db, avatar, ctx.user_id, "avatar", now, &state));
    if (state == "rejected") {
      return Status::Error(kBadProfileField, "avatar was rejected by review.");
    }
    if (config.photos_pre && state != "approved") {
      avatar_arg = nullptr;
      pending_arg = avatar;
    }
  }
  Arg ints[std::size(kIntFields)] = {nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr};
  for (size_t i = 0; i < std::size(kIntFields); ++i) {
    if (args.Has(kIntFields[i])) ints[i] = args.Int(kIntFields[i]);
  }

  RETURN_IF_ERROR(ctx.db.Exec(
      "UPDATE user_info SET nickname = COALESCE(?, nickname), email = COALESCE(?, email),"
      " avatar = COALESCE(?, avatar), avatar_pending = COALESCE(?, avatar_pending),"
      " birthday = COALESCE(?, birthday),"
      " gender = COALESCE(?, gender), sexual = COALESCE(?, sexual),"
      " height = COALESCE(?, height), education = COALESCE(?, education),"
      " emotion = COALESCE(?, emotion), salary = COALESCE(?, salary),"
      " authority = COALESCE(?, authority), update_time = FROM_UNIXTIME(?)"
      " WHERE id = ?",
      {text("nickname"), text("email"), avatar_arg, pending_arg, text("birthday"), ints[0], ints[1],
       ints[2], ints[3], ints[4], ints[5], ints[6], now, ctx.user_id}));
  // A new authority may put the user on the hot list or take them off it.
  RETURN_IF_ERROR(args.Has("authority") ? AfterStatusChange(ctx.db, ctx.redis, ctx.user_id, now)
                                        : InvalidateProfile(ctx.redis, ctx.user_id));
  // Who the recs should hold follows the profile (the default preferences too).
  RETURN_IF_ERROR(DropDeckPool(ctx.redis, ctx.user_id));
  // The location index is partitioned by gender and birth year (lib/domain/geo.h).
  if (args.Has("gender") || args.Has("birthday")) {
    ProfileRecord record;
    bool found = false;
    RETURN_IF_ERROR(LoadProfile(ctx.db, ctx.redis, ctx.config(), ctx.user_id, &record, &found));
    if (found) {
      RETURN_IF_ERROR(
          GeoIndexPlace(ctx.redis, ctx.user_id, GeoPartKey(record.gender, record.birth)));
    }
  }
  // The old service answered {"data": <user id>} inside the envelope's data, and its
  // clients read data.data; user_id is this contract's name for it.
  JsonWriter data;
  data.Int("data", ctx.user_id).Int("user_id", ctx.user_id);
  return Reply::Ok(data);
}

// {total, list, has_next} of list items for `ids`, in their order.
Reply ListReply(RequestContext& ctx, const std::vector<int64_t>& ids, int64_t total,
                const Page& page) {
  std::unordered_map<int64_t, ProfileRecord> records;
  RETURN_IF_ERROR(
      LoadProfiles(ctx.db, ctx.redis, ctx.config(), ids, &records, ProfileParts::kCard));
  const int64_t now = ctx.clock().NowSeconds();
  JsonWriter data;
  data.Int("total", total).Array("list");
  for (int64_t id : ids) {
    auto it = records.find(id);
    if (it == records.end() || !ProfileVisibleTo(it->second, ctx.user_id)) continue;
    data.Object();
    WriteProfile(it->second, ProfileView::kListItem, now, &data);
    data.End();
  }
  data.End();
  data.Bool("has_next", page.offset() + page.count < total);
  return Reply::Ok(data);
}

Reply HandleHotList(RequestContext& ctx) {
  const Page page = PageOf(ctx.args);
  HiddenSet hidden;
  RETURN_IF_ERROR(LoadHidden(ctx, HiddenScope::kHotList, &hidden));
  std::vector<int64_t> excluded = hidden.ids;
  excluded.push_back(ctx.user_id);
  std::vector<int64_t> ids;
  int64_t total = 0;
  RETURN_IF_ERROR(HotPage(ctx.redis, excluded, page.offset(), page.count, &ids, &total));
  return ListReply(ctx, ids, total, page);
}

// `keyword` for LIKE: its %, _ and \ escaped, wrapped in %...%.
std::string LikePattern(const std::string& keyword) {
  std::string out = "%";
  for (char c : keyword) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

Reply HandleSearch(RequestContext& ctx) {
  const Page page = PageOf(ctx.args);
  const std::string& keyword = ctx.args.Text("keyword");
  const Args& args = ctx.args;
  const int64_t gender = args.Has("gender") ? args.Int("gender") : -1;
  const int64_t age_min = args.Has("ageMin") ? args.Int("ageMin") : -1;
  const int64_t age_max = args.Has("ageMax") ? args.Int("ageMax") : -1;
  if (age_min >= 0 && age_max >= 0 && age_max < age_min) return InvalidParam("ageMax");

  const Date today = DateOf(ctx.clock().NowSeconds());
  const std::string pattern = LikePattern(keyword);
  // Born on or before this date: at least ageMin; born after that one: at most ageMax.
  const std::string born_by = age_min >= 0 ? YearsBefore(today, static_cast<int>(age_min)) : "";
  const std::string born_after =
      age_max >= 0 ? YearsBefore(today, static_cast<int>(age_max) + 1) : "";
  const Arg g = gender >= 0 ? Arg(gender) : Arg(nullptr);
  const Arg by = age_min >= 0 ? Arg(born_by) : Arg(nullptr);
  const Arg after = age_max >= 0 ? Arg(born_after) : Arg(nullptr);

  HiddenSet hidden;
  RETURN_IF_ERROR(LoadHidden(ctx, HiddenScope::kListings, &hidden));
  const std::string hidden_ids = hidden.json();
  // The matches, counted and paged, from a replica if there is one (a search may lag).
  // Binds: caller, pattern, gender x2, born_by x2, born_after x2, hidden ids.
#define DT_SEARCH_MATCHES                                                               \
  " FROM user_info WHERE authority = 1 AND status = 'active' AND id <> ?"               \
  " AND nickname LIKE ? AND (? IS NULL OR gender = ?) AND (? IS NULL OR birthday <= ?)" \
  " AND (? IS NULL OR birthday > ?) AND " DT_SQL_NOT_HIDDEN("id")
  std::vector<Row> count;
  RETURN_IF_ERROR(ctx.reads.Query("SELECT COUNT(*)" DT_SEARCH_MATCHES,
                                  {ctx.user_id, pattern, g, g, by, by, after, after, hidden_ids},
                                  &count));
  std::vector<Row> rows;
  RETURN_IF_ERROR(ctx.reads.Query(
      "SELECT id" DT_SEARCH_MATCHES " ORDER BY id DESC LIMIT ? OFFSET ?",
      {ctx.user_id, pattern, g, g, by, by, after, after, hidden_ids, page.count, page.offset()},
      &rows));
#undef DT_SEARCH_MATCHES
  std::vector<int64_t> ids;
  for (const Row& row : rows) ids.push_back(row.Int(0));
  return ListReply(ctx, ids, count.empty() ? 0 : count[0].Int(0), page);
}

}  // namespace

std::vector<Route> UserRoutes() {
  return {
      Get("/api/user/show", HandleShow)
          .Auth(kAppToken)
          .Accepts({IdArg("peerId").OrCaller()})
          .Preload({&kProfilePreload, &kHiddenForPeerPreload}),
      Post("/api/user/update", HandleUpdate)
          .Auth(kAppToken)
          .Accepts({Field(TextArg("nickname").Length(1, 32).NoControls()),
                    Field(TextArg("email").MaxBytes(64).As(EmailArg)),
                    Field(TextArg("avatar").MaxBytes(255)),
                    Field(TextArg("birthday").As(BirthdayArg)), Field(IntArg("gender", 0, 2)),
                    Field(IntArg("sexual", 0, 2)), Field(IntArg("height", 50, 250)),
                    Field(IntArg("education", 0, 5)), Field(IntArg("emotion", 0, 3)),
                    Field(IntArg("salary", 0, 6)), Field(IntArg("authority", 0, 2))}),
      Get("/api/user/hot/list", HandleHotList)
          .Auth(kAppToken)
          .Paged(50, 10)
          .Preload({&kHiddenPreload}),
      Get("/api/user/search", HandleSearch)
          .Auth(kAppToken)
          .Accepts({TextArg("keyword").Optional().MaxLength(32).NoControls(),
                    IntArg("gender", 0, 2).Optional(), IntArg("ageMin", 18, 120).Optional(),
                    IntArg("ageMax", 18, 120).Optional()})
          .Paged(50, 10)
          .Rate(RateClass::kSearch)
          .Preload({&kHiddenPreload}),
  };
}

}  // namespace dt
