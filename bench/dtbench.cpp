// dtbench: the benchmark's data generator and request signer (bench/run.sh drives it).
//   dtbench --config PATH gen USERS
//       loads USERS users (profiles, a login for each, a location in one city, and
//       min(100000, USERS/2) conversations of 4 messages) into the config's database, then
//       the Redis hot ranking and GEO index; skips what is already loaded.
//   dtbench --config PATH warm USERS
//       loads every user's profile into the Redis cache, as a service that has been
//       running a while has it (skipped when a sample shows it is warm already).
//   dtbench --config PATH sign ROUTE COUNT USERS OUT
//       writes COUNT requests for ROUTE, each signed with its own nonce, one per line:
//       METHOD <tab> PATH?QUERY <tab> BODY [<tab> HEADER]... (for bench/wrk.lua). Callers
//       are users 1..2000 (VIP, each liked by 40 others); the payment notifies pay for
//       orders this command stores first, for buyers 2001..4000.
#include <mysql.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <unordered_map>
#include <vector>

#include "lib/core/config.h"
#include "lib/core/crypto.h"
#include "lib/core/json_writer.h"
#include "lib/core/keys.h"
#include "lib/domain/alipay.h"
#include "lib/store/db.h"
#include "lib/domain/geo.h"
#include "lib/domain/hot.h"
#include "lib/core/params.h"
#include "lib/domain/profile.h"
#include "lib/store/redis.h"
#include "lib/core/sign.h"
#include "lib/domain/sms.h"

namespace {

using dt::Status;

constexpr int64_t kCallers = 2000;             // users whose tokens the signer knows
constexpr int64_t kMaxConversations = 100000;
constexpr int64_t kLikesEach = 40;             // likes each caller has received
constexpr int64_t kBuyers = 2000;              // users 2001..4000 pay the notifies' orders
constexpr double kCityLat = 31.2304, kCityLng = 121.4737;  // a city-sized box around it
constexpr double kHalfLat = 0.2, kHalfLng = 0.25;          // about 44 km x 48 km

int Fail(const char* what, const Status& s) {
  fprintf(stderr, "dtbench: %s: %d %s\n", what, s.code(), s.msg().c_str());
  return 1;
}

int64_t Now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string Token(int64_t user) { return dt::Md5Hex("bench-token-" + std::to_string(user)); }

// Runs `sql` over seq in [1, total] in chunks, binding (from, to) last.
Status Chunked(dt::Db& db, const char* what, const char* sql, int64_t total, int64_t extra) {
  const int64_t chunk = 100000;
  for (int64_t from = 1; from <= total; from += chunk) {
    const int64_t to = std::min(total, from + chunk - 1);
    RETURN_IF_ERROR(db.Exec(sql, {extra, from, to}));
    fprintf(stderr, "\r  %s %lld/%lld", what, static_cast<long long>(to), static_cast<long long>(total));
  }
  fprintf(stderr, "\n");
  return Status::Ok();
}

Status LoadMysql(dt::Db& db, int64_t users) {
  for (const char* table : {"user_info", "user_auth", "user_session", "location", "message", "contacts", "visitor",
                            "user_like", "user_block", "user_report", "user_album", "user_label",
                            "vip_info", "user_order"}) {
    std::string sql = std::string("TRUNCATE TABLE ") + table;  // fixed names, no data
    RETURN_IF_ERROR(db.Exec(sql.c_str(), {}));
  }
  const int64_t conversations = std::min(kMaxConversations, users / 2);
  RETURN_IF_ERROR(Chunked(db, "users",
      "INSERT INTO user_info (id, nickname, phone, gender, birthday, avatar, height, sexual,"
      " education, salary, emotion, authority, create_time, update_time)"
      " SELECT seq, CONCAT('bench', seq), CONCAT('+86130', LPAD(seq, 8, '0')), 1 + seq % 2,"
      " DATE('1975-01-01') + INTERVAL (seq * 7919) % 10000 DAY,"
      " CONCAT('https://cdn.example.com/avatar/', seq % 1000, '.jpg'), 150 + seq % 45,"
      " 2 - seq % 2, seq % 6, seq % 7, seq % 4, 1, UTC_TIMESTAMP() - INTERVAL (? - seq) SECOND,"
      " UTC_TIMESTAMP() FROM seq_1_to_1000000 WHERE seq BETWEEN ? AND ?",
      users, users));
  RETURN_IF_ERROR(Chunked(db, "logins",
      "INSERT INTO user_auth (user_id, open_id, login_type, login_time)"
      " SELECT seq, CONCAT('+86130', LPAD(seq, 8, '0')), 'phone', UTC_TIMESTAMP() + INTERVAL ? SECOND"
      " FROM seq_1_to_1000000 WHERE seq BETWEEN ? AND ?",
      users, 0));
  RETURN_IF_ERROR(Chunked(db, "sessions",
      "INSERT INTO user_session (user_id, token, device, create_time, last_seen, expired_time)"
      " SELECT seq, SHA2(MD5(CONCAT('bench-token-', seq)), 256), NULL, UTC_TIMESTAMP(),"
      " UTC_TIMESTAMP(), UTC_TIMESTAMP() + INTERVAL ? DAY FROM seq_1_to_1000000"
      " WHERE seq BETWEEN ? AND ?",
      users, 365));
  // Locations: random in the box, snapped as a report would be, 5000 rows a statement.
  std::mt19937_64 rng(20261127);
  std::uniform_real_distribution<double> dlat(-kHalfLat, kHalfLat), dlng(-kHalfLng, kHalfLng);
  for (int64_t from = 1; from <= users; from += 5000) {
    std::string rows = "[";
    for (int64_t id = from; id < from + 5000 && id <= users; ++id) {
      const dt::LatLng p = dt::SnapToGrid({kCityLat + dlat(rng), kCityLng + dlng(rng)});
      char row[96];
      snprintf(row, sizeof row, "%s[%lld,%.7f,%.7f]", id == from ? "" : ",", static_cast<long long>(id), p.lng, p.lat);
      rows += row;
    }
    rows += "]";
    RETURN_IF_ERROR(db.Exec(
        "INSERT INTO location (user_id, longitude, latitude, ip_addr, update_time)"
        " SELECT id, lng, lat, '127.0.0.1', UTC_TIMESTAMP() FROM JSON_TABLE(?, '$[*]' COLUMNS"
        " (id INT UNSIGNED PATH '$[0]', lng DOUBLE PATH '$[1]', lat DOUBLE PATH '$[2]')) AS j",
        {rows}));
    fprintf(stderr, "\r  locations %lld/%lld", static_cast<long long>(std::min(users, from + 4999)),
            static_cast<long long>(users));
  }
  fprintf(stderr, "\n");
  // Conversation k is users 2k-1 and 2k: four messages, two each way (read), and both
  // contacts.
  RETURN_IF_ERROR(Chunked(db, "messages",
      "INSERT INTO message (id, from_uid, to_uid, uid_lo, uid_hi, msg_type, content, send_time, `read`)"
      " SELECT seq, 2 * ((seq - 1) DIV 4) + 1 + (seq + 1) % 2, 2 * ((seq - 1) DIV 4) + 2 - (seq + 1) % 2,"
      " 2 * ((seq - 1) DIV 4) + 1, 2 * ((seq - 1) DIV 4) + 2,"
      " 'text', CONCAT('bench message ', seq), UTC_TIMESTAMP() - INTERVAL (? - seq) SECOND, 1"
      " FROM seq_1_to_1000000 WHERE seq BETWEEN ? AND ?",
      conversations * 4, conversations * 4));
  RETURN_IF_ERROR(Chunked(db, "contacts",
      "INSERT INTO contacts (user_id, peer_id, creator_id, update_time, create_time, last_msg, last_msg_id,"
      " unread, sent)"
      " SELECT seq, IF(seq % 2 = 1, seq + 1, seq - 1), seq - 1 + seq % 2, UTC_TIMESTAMP(),"
      " UTC_TIMESTAMP(), CONCAT('bench message ', 4 * ((seq + 1) DIV 2)), 4 * ((seq + 1) DIV 2), 0, 2"
      " FROM seq_1_to_1000000 WHERE ? > 0 AND seq BETWEEN ? AND ?",
      conversations * 2, 1));
  return Status::Ok();
}

Status LoadRedis(dt::Db& db, dt::Redis& redis, int64_t users) {
  const int64_t now = Now();
  dt::RedisReply reply;
  RETURN_IF_ERROR(redis.Command(&reply, "FLUSHDB"));
  // Views today for every tenth user, so the ranking has an order to keep.
  std::mt19937_64 rng(7);
  const std::string day = "dt:hot:day:" + std::to_string(dt::DayNumber(now));
  for (int64_t from = 1; from <= users; from += 10000) {
    std::vector<std::string> args = {"ZADD", day};
    for (int64_t id = from; id < from + 10000 && id <= users; id += 10) {
      char member[24];
      snprintf(member, sizeof member, "%010lld", static_cast<long long>(id));
      args.push_back(std::to_string(1 + rng() % 50));
      args.push_back(member);
    }
    RETURN_IF_ERROR(redis.CommandArgv(std::vector<std::string_view>(args.begin(), args.end()), &reply));
  }
  fprintf(stderr, "  hot ranking\n");
  RETURN_IF_ERROR(dt::HotRebuild(db, redis, now));
  fprintf(stderr, "  geo index\n");
  return dt::GeoRebuild(db, redis, now);
}

// What the routes beyond the first set need, on data of any age: the callers are VIP and
// have received likes (a tenth of them superlikes); orders start empty every run (the
// notifies store their own; none is left for reconciliation to ask about).
Status LoadExtras(dt::Db& db, dt::Redis& redis, const dt::Config& config, int64_t users) {
  RETURN_IF_ERROR(db.Exec("TRUNCATE TABLE user_order", {}));
  dt::Row row;
  bool found = false;
  RETURN_IF_ERROR(db.QueryRow("SELECT value FROM bench_meta WHERE name = 'likes'", {}, &row, &found));
  if (found && row.Int(0) == kLikesEach) return Status::Ok();
  fprintf(stderr, "  VIP callers and their received likes\n");
  const int64_t callers = std::min(kCallers, users);
  RETURN_IF_ERROR(db.Exec("DELETE FROM user_like WHERE peer_id <= ?", {callers}));
  RETURN_IF_ERROR(db.Exec(
      "INSERT IGNORE INTO user_like (user_id, peer_id, action, update_time)"
      " SELECT ? + 1 + (c.seq * 7919 + k.seq * 104729) % (? - ?), c.seq, IF(k.seq % 10 = 0, 2, 1),"
      " UTC_TIMESTAMP() - INTERVAL (c.seq * 40 + k.seq) SECOND"
      " FROM seq_1_to_2000 c JOIN seq_1_to_40 k WHERE c.seq <= ?",
      {callers, users, callers, callers}));
  RETURN_IF_ERROR(db.Exec(
      "INSERT INTO vip_info (user_id, vip_deadline) SELECT seq, UTC_TIMESTAMP() + INTERVAL 10 YEAR"
      " FROM seq_1_to_2000 WHERE seq <= ? ON DUPLICATE KEY UPDATE vip_deadline = VALUES(vip_deadline)",
      {callers}));
  std::vector<int64_t> ids;
  for (int64_t id = 1; id <= callers; ++id) {
    ids.push_back(id);
    RETURN_IF_ERROR(dt::InvalidateProfile(redis, id));
  }
  std::unordered_map<int64_t, dt::ProfileRecord> records;
  RETURN_IF_ERROR(dt::LoadProfiles(db, redis, config, ids, &records));
  return db.Exec("REPLACE INTO bench_meta (name, value) VALUES ('likes', ?)", {kLikesEach});
}

int Gen(const dt::Config& config, int64_t users) {
  dt::Db db(config);
  dt::Redis redis(config);
  Status s = db.Exec("CREATE TABLE IF NOT EXISTS bench_meta (name VARCHAR(32) PRIMARY KEY, value BIGINT NOT NULL)", {});
  if (!s.ok()) return Fail("bench_meta", s);
  dt::Row row;
  bool found = false;
  // The data's format: 2 since phones are E.164 mobiles (+86130...), as login requires.
  constexpr int64_t kFormat = 2;
  s = db.QueryRow("SELECT (SELECT value FROM bench_meta WHERE name = 'users'),"
                  " (SELECT value FROM bench_meta WHERE name = 'format')", {}, &row, &found);
  if (!s.ok()) return Fail("bench_meta", s);
  const auto start = std::chrono::steady_clock::now();
  if (!found || row.IsNull(0) || row.Int(0) != users || row.IsNull(1) || row.Int(1) != kFormat) {
    fprintf(stderr, "dtbench: loading %lld users into %s\n", static_cast<long long>(users),
            config.mysql_database.c_str());
    if (!(s = db.Exec("DELETE FROM bench_meta", {})).ok()) return Fail("bench_meta", s);
    if (!(s = LoadMysql(db, users)).ok()) return Fail("mysql", s);
    if (!(s = db.Exec("INSERT INTO bench_meta (name, value) VALUES ('users', ?), ('format', ?)",
                      {users, kFormat})).ok()) {
      return Fail("bench_meta", s);
    }
  }
  dt::RedisReply reply;
  redis.Command(&reply, "ZCARD dt:geo");
  const long long located = reply.Integer();
  redis.Command(&reply, "ZCARD dt:hot:week");
  if (reply.Integer() < users || located < users) {
    fprintf(stderr, "dtbench: loading Redis db %d for %lld users\n", config.redis_db, static_cast<long long>(users));
    if (!(s = LoadRedis(db, redis, users)).ok()) return Fail("redis", s);
  } else if (redis.Command(&reply, "SCARD dt:geo:parts"); reply.Integer() == 0) {
    fprintf(stderr, "dtbench: partitioning the geo index of Redis db %d\n", config.redis_db);
    if (!(s = dt::GeoRebuild(db, redis, Now())).ok()) return Fail("redis", s);
  }
  if (!(s = LoadExtras(db, redis, config, users)).ok()) return Fail("extras", s);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  printf("dtbench gen: %lld users ready in %s (%.1f s)\n", static_cast<long long>(users),
         config.mysql_database.c_str(), seconds);
  return 0;
}

int Warm(const dt::Config& config, int64_t users) {
  dt::Db db(config);
  dt::Redis redis(config);
  std::mt19937_64 rng(1);
  std::vector<std::string> sample;
  for (int i = 0; i < 200; ++i) sample.push_back(dt::ProfileKey(1 + static_cast<int64_t>(rng() % users)));
  // Warm: nearly every sampled record cached, in this build's format, for at least half
  // the cache's lifetime.
  std::vector<std::vector<std::string_view>> ttls;
  for (const std::string& key : sample) {
    ttls.push_back({"TTL", key});
    ttls.push_back({"GET", key});
  }
  std::vector<dt::RedisReply> replies;
  Status s = redis.Pipeline(ttls, &replies);
  if (!s.ok()) return Fail("redis", s);
  int warm = 0;
  for (size_t i = 0; i + 1 < replies.size(); i += 2) {
    dt::ProfileRecord record;
    warm += replies[i].Integer() > config.profile_ttl / 2 && replies[i + 1].IsString() &&
            dt::ParseProfileRecord(replies[i + 1].Str(), &record);
  }
  if (warm >= 190) {
    printf("dtbench warm: profile cache of %s is warm\n", config.mysql_database.c_str());
    return 0;
  }
  const auto start = std::chrono::steady_clock::now();
  for (int64_t from = 1; from <= users; from += 1000) {
    std::vector<int64_t> ids;
    for (int64_t id = from; id < from + 1000 && id <= users; ++id) ids.push_back(id);
    // Dropped first: a record still cached would be read, not refilled, and could expire
    // in the middle of the run.
    std::vector<std::string> keys;
    for (int64_t id : ids) keys.push_back(dt::ProfileKey(id));
    std::vector<std::string_view> unlink = {"UNLINK"};
    unlink.insert(unlink.end(), keys.begin(), keys.end());
    if (!(s = redis.Pipeline({unlink}, &replies)).ok()) return Fail("redis", s);
    std::unordered_map<int64_t, dt::ProfileRecord> records;
    if (!(s = dt::LoadProfiles(db, redis, config, ids, &records)).ok()) return Fail("warm", s);
    if (from % 100000 == 1) fprintf(stderr, "\r  profiles %lld/%lld", static_cast<long long>(from - 1), static_cast<long long>(users));
  }
  fprintf(stderr, "\n");
  printf("dtbench warm: %lld profiles cached in %.1f s\n", static_cast<long long>(users),
         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  return 0;
}

// One request line: GET puts the fields in the query, POST in the body.
std::string Line(const char* method, const char* path, const std::string& query) {
  if (!strcmp(method, "GET")) return std::string("GET\t") + path + "?" + query + "\t";
  return std::string("POST\t") + path + "\t" + query;
}

std::string Encode(const std::string& s) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

dt::RsaKey PrivateKey(const char* path) {
  std::ifstream in(path);
  std::stringstream pem;
  pem << in.rdbuf();
  dt::RsaKey key;
  std::string error;
  if (!dt::RsaKey::FromPrivatePem(pem.str(), &key, &error)) {
    fprintf(stderr, "dtbench: %s: %s\n", path, error.c_str());
    exit(1);
  }
  return key;
}

// Stores `count` unpaid orders of product 1 (30.00 yuan) on `channel`, their trade numbers
// "BN<run><i>", for the buyers.
Status StoreOrders(dt::Db& db, const std::string& channel, const std::string& run, int64_t count) {
  for (int64_t from = 0; from < count; from += 5000) {
    std::string rows = "[";
    for (int64_t i = from; i < from + 5000 && i < count; ++i) {
      rows += (i == from ? "[" : ",[") + std::to_string(kCallers + 1 + i % kBuyers) + ",\"BN" + run +
              std::to_string(i) + "\"]";
    }
    rows += "]";
    RETURN_IF_ERROR(db.Exec(
        "INSERT INTO user_order (user_id, product_id, product_name, fee, channel, trade_no, pay, order_time)"
        " SELECT id, 1, '月度会员', 30.00, ?, trade_no, 0, UTC_TIMESTAMP() FROM JSON_TABLE(?, '$[*]' COLUMNS"
        " (id INT UNSIGNED PATH '$[0]', trade_no VARCHAR(64) PATH '$[1]')) AS j",
        {channel, rows}));
  }
  return Status::Ok();
}

// Alipay's notify of order i paid, signed with "Alipay's" key of config/dev/alipay.
std::string AlipayNotify(const dt::Config& config, const dt::RsaKey& key, const std::string& run, int64_t i) {
  const std::string n = std::to_string(i);
  dt::AlipayParams p = {
      {"notify_time", "2026-12-01 12:00:00"}, {"charset", "utf-8"}, {"notify_type", "trade_status_sync"},
      {"notify_id", "bench" + run + n}, {"trade_status", "TRADE_SUCCESS"}, {"app_id", config.alipay_app_id},
      {"seller_id", config.alipay_seller_id}, {"version", "1.0"}, {"out_trade_no", "BN" + run + n},
      {"total_amount", "30.00"}, {"trade_no", "2026" + run + n}, {"subject", "DatingToday 月度会员"},
  };
  const std::string sign = dt::RsaSha256SignBase64(key, dt::AlipaySignContent(p, {"sign", "sign_type"}));
  std::string body;
  for (const auto& [k, v] : p) body += k + "=" + dt::FormEncode(v) + "&";
  return body + "sign_type=RSA2&sign=" + dt::FormEncode(sign);
}

// WeChat Pay's notify of order i paid: the resource sealed with the APIv3 key, the body
// signed with "the platform's" key of config/dev/wechatpay; the body, then its headers.
std::string WechatNotify(const dt::Config& config, const dt::RsaKey& key, const std::string& run, int64_t i,
                         const std::string& timestamp) {
  const std::string n = std::to_string(i);
  dt::JsonWriter tx;
  tx.Str("mchid", config.wechat_mchid).Str("appid", config.wechat_appid).Str("out_trade_no", "BN" + run + n);
  tx.Str("transaction_id", "42" + run + n).Str("trade_type", "APP").Str("trade_state", "SUCCESS");
  tx.Object("amount").Int("total", 3000).Int("payer_total", 3000).Str("currency", "CNY").End();
  std::string sealed;
  const std::string nonce = dt::HexEncode(dt::RandomBytes(6));
  if (!dt::Aes256GcmSeal(config.wechat_api_v3_key, nonce, "transaction", tx.Close(), &sealed)) {
    fprintf(stderr, "dtbench: sealing a wechat resource failed\n");
    exit(1);
  }
  dt::JsonWriter w;
  w.Str("id", "EV-" + run + n).Str("create_time", "2026-12-01T12:00:00+08:00").Str("resource_type", "encrypt-resource");
  w.Str("event_type", "TRANSACTION.SUCCESS").Str("summary", "支付成功");
  w.Object("resource").Str("original_type", "transaction").Str("algorithm", "AEAD_AES_256_GCM");
  w.Str("ciphertext", dt::Base64Encode(sealed)).Str("associated_data", "transaction").Str("nonce", nonce).End();
  const std::string body = w.Close();
  const std::string sign_nonce = dt::HexEncode(dt::RandomBytes(16));
  const std::string sign = dt::RsaSha256SignBase64(key, timestamp + "\n" + sign_nonce + "\n" + body + "\n");
  return body + "\tContent-Type: application/json\tWechatpay-Timestamp: " + timestamp +
         "\tWechatpay-Nonce: " + sign_nonce + "\tWechatpay-Serial: " + config.wechat_public_key_id +
         "\tWechatpay-Signature: " + sign;
}

int Sign(const dt::Config& config, const std::string& route, int64_t count, int64_t users,
         const std::string& out_path) {
  const auto& app = config.apps.begin();
  std::ofstream out(out_path);
  std::mt19937_64 rng(std::random_device{}());
  const std::string run = dt::HexEncode(dt::RandomBytes(6));
  const uint32_t run_digits = dt::RandomBelow(100000000);  // sendsms phones of this file
  const std::string timestamp = std::to_string(Now());
  const int64_t callers = std::min(kCallers, users);
  std::uniform_real_distribution<double> dlat(-kHalfLat * 0.8, kHalfLat * 0.8), dlng(-kHalfLng * 0.8, kHalfLng * 0.8);
  dt::Redis redis(config);
  if (route == "alipaynotify" || route == "wechatnotify") {  // the gateways' own protocols
    const bool alipay = route == "alipaynotify";
    dt::Db db(config);
    Status s = StoreOrders(db, alipay ? "alipay" : "wechat", run, count);
    if (!s.ok()) return Fail("orders", s);
    const dt::RsaKey key = PrivateKey(alipay ? "config/dev/alipay/alipay_private_key.pem"
                                             : "config/dev/wechatpay/wechatpay_private_key.pem");
    for (int64_t i = 0; i < count; ++i) {
      out << (alipay ? Line("POST", "/api/vip/pay/alipay/notify", AlipayNotify(config, key, run, i))
                     : Line("POST", "/api/vip/pay/wechat/notify", WechatNotify(config, key, run, i, timestamp)))
          << "\n";
    }
    return out ? 0 : 1;
  }
  std::vector<std::string> codes;  // login: phones whose code is seeded below
  const int64_t login_start = static_cast<int64_t>(rng() % static_cast<uint64_t>(std::max<int64_t>(1, users)));
  for (int64_t i = 0; i < count; ++i) {
    const int64_t caller = 1 + static_cast<int64_t>(rng() % callers);
    std::vector<std::pair<std::string, std::string>> f;
    const char* method = "GET";
    const char* path = "";
    bool token = true;
    if (route == "show") {
      path = "/api/user/show";
    } else if (route == "peer") {
      path = "/api/user/show";
      f.emplace_back("peerId", std::to_string(1 + rng() % users));
    } else if (route == "hot") {
      path = "/api/user/hot/list";
      f.emplace_back("page", std::to_string(1 + rng() % 5));
      f.emplace_back("pageCount", "10");
    } else if (route == "nearby") {
      path = "/api/user/nearby/list";
      char latlng[64];
      snprintf(latlng, sizeof latlng, "%.5f,%.5f", kCityLat + dlat(rng), kCityLng + dlng(rng));
      f.emplace_back("latlng", latlng);
      f.emplace_back("radius", "5");
      f.emplace_back("pageCount", "10");
    } else if (route == "recs") {  // a deck's first page, where the caller is
      path = "/api/user/recs";
      f.emplace_back("pageCount", "10");
    } else if (route == "likes") {
      path = "/api/user/likes/received";
      f.emplace_back("pageCount", "20");
    } else if (route == "order") {
      method = "POST";
      path = "/api/vip/order/create";
      f.emplace_back("productId", std::to_string(1 + rng() % 3));
      f.emplace_back("channel", "alipay");
    } else if (route == "send" || route == "msglist") {
      const int64_t partner = caller % 2 ? caller + 1 : caller - 1;
      f.emplace_back("peerId", std::to_string(partner));
      if (route == "send") {
        method = "POST";
        path = "/api/message/send";
        f.emplace_back("msgType", "text");
        f.emplace_back("content", "bench 你好 " + std::to_string(i));
      } else {
        path = "/api/message/list";
        f.emplace_back("pageCount", "20");
      }
    } else if (route == "contacts") {
      path = "/api/contacts/list";
      f.emplace_back("pageCount", "20");
    } else if (route == "sendsms" || route == "login") {
      method = "POST";
      token = false;
      path = route == "sendsms" ? "/api/auth/sendsms" : "/api/auth/login";
      // sendsms: a phone nobody used; login: a distinct existing user's (not a caller,
      // whose token must stay), with a seeded code.
      std::string phone;
      if (route == "sendsms") {
        char digits[16];
        snprintf(digits, sizeof digits, "%08u", static_cast<unsigned>((run_digits + i) % 100000000));
        phone = std::string("+86199") + digits;
      } else {
        char digits[24];
        snprintf(digits, sizeof digits, "%08lld",
                 static_cast<long long>(callers + 1 + (login_start + i) % (users - callers)));
        phone = std::string("+86130") + digits;
      }
      f.emplace_back("phone", phone);
      if (route == "login") {
        f.emplace_back("code", "246810");
        codes.push_back(phone);
      }
    } else {
      fprintf(stderr, "dtbench: unknown route %s\n", route.c_str());
      return 2;
    }
    if (token) {
      f.emplace_back("userId", std::to_string(caller));
      f.emplace_back("token", Token(caller));
    }
    f.emplace_back("appkey", app->first);
    f.emplace_back("timestamp", timestamp);
    f.emplace_back("nonce", run + std::to_string(i));
    dt::Params p;
    for (const auto& [k, v] : f) p.Add(k, v);
    f.emplace_back("sign", dt::SignParams(app->second.method, app->second.secret, p, token));
    std::string query;
    for (const auto& [k, v] : f) query += (query.empty() ? "" : "&") + k + "=" + Encode(v);
    out << Line(method, path, query) << "\n";
  }
  for (const std::string& phone : codes) {
    Status s = dt::StoreSmsCode(redis, phone, "246810");
    if (!s.ok()) return Fail("seeding codes", s);
  }
  return out ? 0 : 1;
}

int Usage() {
  fprintf(stderr, "usage: dtbench --config PATH gen USERS | warm USERS | sign ROUTE COUNT USERS OUT\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || strcmp(argv[1], "--config")) return Usage();
  dt::Config config;
  Status s = dt::LoadConfig(argv[2], &config);
  if (!s.ok()) return Fail("config", s);
  mysql_library_init(0, nullptr, nullptr);
  const std::string command = argv[3];
  if (command == "gen" && argc == 5) return Gen(config, atoll(argv[4]));
  if (command == "warm" && argc == 5) return Warm(config, atoll(argv[4]));
  if (command == "sign" && argc == 8) return Sign(config, argv[4], atoll(argv[5]), atoll(argv[6]), argv[7]);
  return Usage();
}
