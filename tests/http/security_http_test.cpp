// Security tests along the OWASP API Security Top 10 (2023) items that apply, and a
// SQL-injection sweep over every parameter of every route.
#include <cppunit/extensions/HelperMacros.h>
#include <json/reader.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <set>

#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/domain/guard.h"
#include "lib/domain/operator.h"
#include "lib/core/crypto.h"
#include "lib/domain/session.h"
#include "tests/http/http_support.h"

namespace dt {
namespace {

std::string Id(const Caller& c) { return std::to_string(c.user_id); }

// The parameters a route reads, from its row: its declarations, and the fields of an
// authenticator that is not the app's (which Call signs itself).
std::vector<std::string> ParamsOf(const Route& r) {
  std::vector<std::string> out;
  for (const ArgSpec& spec : r.args) out.emplace_back(spec.name);
  const bool app_signed = r.auth == &kAppSigned || r.auth == &kAppToken;
  if (r.auth && !app_signed) out.insert(out.end(), r.auth->params.begin(), r.auth->params.end());
  return out;
}

const ArgSpec* SpecOf(const Route& r, const std::string& name) {
  for (const ArgSpec& spec : r.args) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

// A valid value of each parameter, so that a request with one payload among valid fields
// gets past validation of the others and the payload reaches the queries: from the
// declaration where it says enough (a range, a set of choices), else what the parameter
// means (testEveryParameterHasAValidValue checks that each is accepted).
std::string ValidValue(const Route& r, const std::string& param, const Caller& peer) {
  static const std::map<std::string, std::string> values = {
      {"code", "123456"}, {"email", "a@example.com"}, {"birthday", "1990-01-01"},
      {"latlng", "30,120"}, {"md5", "0123456789abcdef0123456789abcdef"}, {"total_fee", "30.00"},
      {"content", "hi"}, {"duration", "3"}, {"beforeId", "1000"}, {"height", "170"},
      {"gender", "1"}, {"authority", "1"}, {"last_event_id", "1796133026:0"},
      {"deviceToken", "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90"},  // APNs'
      {"quietStart", "22:00"}, {"quietEnd", "07:00"}, {"appVersion", "3.1.0"},
  };
  if (param == "phone") return NewPhone();
  if (param == "avatar" || param == "url") return UploadedUrl("image");  // this server's media only
  if (param == "peerId") return std::to_string(peer.user_id);
  if (param == "genders") return "1,2";
  if (param == "cursor") return "0123456789abcdef";  // a deck of recs (a new one)
  if (param == "timestamp") return NowTimestamp();
  if (param == "signedTransaction") {  // a real App Store JWS (another account's: 504)
    static const std::string jws = [] {
      const std::string text = ReadBinary("tests/data/vectors/appstore/vectors.json");
      Json::Value v;
      std::string errors;
      std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
      reader->parse(text.data(), text.data() + text.size(), &v, &errors);
      return v["jws"]["transaction_ok"].asString();
    }();
    return jws;
  }
  auto it = values.find(param);
  if (it != values.end()) return it->second;
  const ArgSpec* spec = SpecOf(r, param);
  if (!spec) return "x";  // an authenticator's field
  switch (spec->type) {
    case ArgType::kInt: return std::to_string(spec->min);
    case ArgType::kDecimal: return "1";
    case ArgType::kIdList: return "1";
    case ArgType::kText: return spec->choices.empty() ? "x" : spec->choices.front();
  }
  return "x";
}

Fields ValidFields(const Route& r, const Caller& peer, const std::string& except = "") {
  Fields f;
  for (const std::string& name : ParamsOf(r)) {
    if (name != except) f.emplace_back(name, ValidValue(r, name, peer));
  }
  return f;
}

bool AppSigned(const Route& r) { return r.auth == &kAppSigned || r.auth == &kAppToken; }

// A route of the operator API (lib/domain/operator.h): on the operator address only.
bool OperatorRoute(const Route& r) { return r.auth && std::string(r.auth->name) == "operator"; }

// Valid fields of an operator route whose acts fall on `target` (a throwaway user) or on
// nothing (no such photo or operator), never on anyone another test relies on.
Fields OperatorFields(const Route& r, const Caller& target, const std::string& except = "") {
  Fields f;
  for (const ArgSpec& spec : r.args) {
    const std::string name = spec.name;
    if (name == except) continue;
    if (name == "userId" || name == "targetId") {
      f.emplace_back(name, std::to_string(target.user_id));
    } else if (name == "photoId") {
      f.emplace_back(name, "999999999");
    } else if (name == "name") {
      f.emplace_back(name, "nobody-such");
    } else if (name == "password") {
      f.emplace_back(name, "not-the-password-1");
    } else if (name == "reason") {
      f.emplace_back(name, "sweep");
    } else if (name == "days") {
      f.emplace_back(name, "1");
    } else if (name == "phone" || name == "page" || name == "pageCount") {
      continue;  // userId given instead; the defaults
    } else {
      f.emplace_back(name, spec.choices.empty() ? "x" : spec.choices.front());
    }
  }
  return f;
}

// A user row as text, every column.
std::string UserRow(int64_t id) {
  Row row;
  bool found = false;
  CheckDb(TestStack::Get().db().QueryRow(
      "SELECT CONCAT_WS('|', id, email, nickname, phone, gender, birthday, avatar, emotion, height,"
      " sexual, education, salary, authority, status) FROM user_info WHERE id = ?", {id}, &row, &found));
  return found ? row.Str(0) : "<none>";
}

bool LeaksSqlError(const std::string& body) {
  for (const char* marker : {"SQL syntax", "MariaDB", "mysql", "MySQL", "You have an error", "near '"}) {
    if (body.find(marker) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

class SecurityHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SecurityHttpTest);
  CPPUNIT_TEST(testEveryParameterHasAValidValue);
  CPPUNIT_TEST(testObjectLevelAuthorizationOnEveryTokenRoute);
  CPPUNIT_TEST(testObjectLevelAuthorizationOnIds);
  CPPUNIT_TEST(testBrokenAuthenticationBruteForce);
  CPPUNIT_TEST(testPropertyLevelMassAssignment);
  CPPUNIT_TEST(testUnrestrictedResourceConsumption);
  CPPUNIT_TEST(testPerUserRateLimits);
  CPPUNIT_TEST(testFunctionLevelAuthorization);
  CPPUNIT_TEST(testSqlInjectionSweep);
  CPPUNIT_TEST_SUITE_END();

 public:
  // The sweeps below rest on ValidValue: every route's parameters, all valid, pass its
  // validation (a refusal naming a parameter would be 300, 502 or 505).
  void testEveryParameterHasAValidValue() {
    Caller me = Login(NewPhone()), peer = Login(NewPhone());
    int checked = 0;
    for (const Route& r : AllRoutes()) {
      const std::string path = r.path;
      // These would end the caller's session; upload's file is a part, not a parameter.
      if (path == "/api/account/delete" || path == "/api/auth/logout" || path == "/api/upload") continue;
      if (path == "/api/events") continue;  // admitted, it becomes a stream (EventsHttpTest)
      // Its two parameters are either/or, never both (SessionsHttpTest).
      if (path == "/api/auth/sessions/revoke") continue;
      if (!AppSigned(r)) continue;  // the gateway's fields cannot be valid without its key
      Response resp = Call(r.method, path, ValidFields(r, peer), me);
      CPPUNIT_ASSERT_MESSAGE(path + ": " + resp.body, resp.code() != 300 && resp.code() != 502 && resp.code() != 505);
      ++checked;
    }
    CPPUNIT_ASSERT(checked > 25);
  }

  // API1: another user's id with one's own token is refused by the guard, on every route.
  void testObjectLevelAuthorizationOnEveryTokenRoute() {
    Caller alice = Login(NewPhone()), bob = Login(NewPhone());
    Caller forged = bob;
    forged.user_id = alice.user_id;
    for (const Route& r : AllRoutes()) {
      if (!TakesToken(r)) continue;
      Response resp = Call(r.method, r.path, {}, forged);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.path, 504, resp.code());
    }
  }

  // API1: ids of objects that belong to someone else.
  void testObjectLevelAuthorizationOnIds() {
    Caller alice = Login(NewPhone()), bob = Login(NewPhone()), carol = Login(NewPhone());
    const std::string photo = Call("POST", "/api/album/add", {{"url", UploadedUrl("image")}}, alice).data()["photo_id"].asString();
    const std::string order = Call("POST", "/api/vip/order/create", {{"productId", "1"}}, alice).data()["order_id"].asString();
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/message/send", {{"peerId", Id(carol)}, {"msgType", "text"}, {"content", "private"}}, alice).code());
    CPPUNIT_ASSERT_EQUAL(508, Call("POST", "/api/album/delete", {{"photoId", photo}}, bob).code());
    CPPUNIT_ASSERT_EQUAL(508, Call("POST", "/api/vip/order/cancel", {{"orderId", order}}, bob).code());
    // bob names carol: he gets his own (empty) conversation with her, never alice's.
    Response list = Call("GET", "/api/message/list", {{"peerId", Id(carol)}}, bob);
    CPPUNIT_ASSERT_EQUAL(0u, list.data()["list"].size());
    CPPUNIT_ASSERT(list.body.find("private") == std::string::npos);
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/message/read", {{"peerId", Id(alice)}}, bob).data()["updated"].asInt());
    CPPUNIT_ASSERT_EQUAL(1, Call("GET", "/api/message/unread", {}, carol).data()["total"].asInt());
    CPPUNIT_ASSERT_EQUAL(1u, Call("GET", "/api/album/list", {}, alice).data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/vip/order/list", {}, alice).data()["list"][0]["pay"].asInt());
  }

  // API2: an SMS code cannot be brute-forced: 5 tries kill it, and new codes are limited
  // per phone and per client IP.
  void testBrokenAuthenticationBruteForce() {
    const std::string phone = NewPhone();
    std::string code = RequestCode(phone);
    int refused = 0;
    for (int guess = 0; guess < 20; ++guess) {
      char g[8];
      snprintf(g, sizeof g, "%06d", (atoi(code.c_str()) + 1 + guess) % 1000000);
      refused += Call("POST", "/api/auth/login", {{"phone", phone}, {"code", g}}).code() == 503;
    }
    CPPUNIT_ASSERT_EQUAL(20, refused);
    CPPUNIT_ASSERT_EQUAL(503, Call("POST", "/api/auth/login", {{"phone", phone}, {"code", code}}).code());  // dead
    CPPUNIT_ASSERT_EQUAL(429, Call("POST", "/api/auth/sendsms", {{"phone", phone}}).code());  // no new code yet
    // Random tokens never pass.
    Caller guessed = Login(NewPhone());
    for (int i = 0; i < 20; ++i) {
      guessed.token = NewToken();  // well-formed, just not theirs
      CPPUNIT_ASSERT_EQUAL(504, Call("GET", "/api/user/show", {}, guessed).code());
    }
  }

  // API3: fields a client must not set are ignored, whatever it sends.
  void testPropertyLevelMassAssignment() {
    Caller me = Login(NewPhone()), other = Login(NewPhone());
    const std::string before = UserRow(me.user_id);
    Response r = Call("POST", "/api/user/update",
                      {{"status", "banned"}, {"vip_deadline", "2099-01-01 00:00:00"}, {"is_vip", "1"},
                       {"phone", "10000000000"}, {"id", Id(other)}, {"user_id", Id(other)},
                       {"create_time", "2000-01-01"}, {"token", me.token}},
                      me);
    CPPUNIT_ASSERT_EQUAL(0, r.code());
    CPPUNIT_ASSERT_EQUAL(before, UserRow(me.user_id));
    CPPUNIT_ASSERT(!Call("GET", "/api/vip/info", {}, me).data()["is_vip"].asBool());
    Response order = Call("POST", "/api/vip/order/create", {{"productId", "3"}, {"fee", "0.01"}, {"product_name", "free"}, {"pay", "1"}}, me);
    CPPUNIT_ASSERT(order.body.find("\"fee\":258.00") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(0, order.data()["pay"].asInt());
    Response sent = Call("POST", "/api/message/send", {{"peerId", Id(other)}, {"msgType", "text"}, {"content", "x"}, {"from_uid", Id(other)}}, me);
    CPPUNIT_ASSERT_EQUAL(0, sent.code());
    Response list = Call("GET", "/api/message/list", {{"peerId", Id(me)}}, other);
    CPPUNIT_ASSERT_EQUAL(me.user_id, list.data()["list"][0]["from_uid"].asInt64());
  }

  // API4: sizes are bounded everywhere.
  void testUnrestrictedResourceConsumption() {
    Caller me = Login(NewPhone());
    int paged = 0;
    const std::string admin = OperatorToken("admin");
    for (const Route& r : AllRoutes()) {
      if (!SpecOf(r, "pageCount")) continue;
      Fields f = OperatorRoute(r) ? OperatorFields(r, me, "pageCount") : ValidFields(r, me, "pageCount");
      f.emplace_back("pageCount", "100000");
      Response resp = OperatorRoute(r) ? OperatorCall(r.method, r.path, f, admin) : Call(r.method, r.path, f, me);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.path, 300, resp.code());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.path, std::string("pageCount is invalid."), resp.msg());
      ++paged;
    }
    CPPUNIT_ASSERT(paged >= 9);
    CPPUNIT_ASSERT_EQUAL(300, Call("GET", "/api/user/nearby/list", {{"latlng", "30,120"}, {"radius", "20000"}}, me).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("GET", "/api/user/search", {{"keyword", std::string(200, 'k')}}, me).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/message/send", {{"peerId", "1"}, {"msgType", "text"}, {"content", std::string(1001, 'c')}}, me).code());
    CPPUNIT_ASSERT_EQUAL(400, Call("POST", "/api/user/update", {{"x", std::string(20000, 'x')}}, me).code());
    Response line = Call("GET", "/api/user/show", {{"x", std::string(20000, 'x')}}, me);  // nginx's limit
    CPPUNIT_ASSERT_EQUAL(414L, line.status);
    CPPUNIT_ASSERT_EQUAL(400, line.code());
    Fields many;
    for (int i = 0; i < 80; ++i) many.emplace_back("p" + std::to_string(i), "1");
    CPPUNIT_ASSERT_EQUAL(400, Call("GET", "/api/user/show", many, me).code());
    CPPUNIT_ASSERT_EQUAL(413L, Raw("POST", "/api/user/update", std::string(1500000, 'a')).status);
    const std::string phone = NewPhone();
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/auth/sendsms", {{"phone", phone}}).code());
    CPPUNIT_ASSERT_EQUAL(429, Call("POST", "/api/auth/sendsms", {{"phone", phone}}).code());
  }

  // Found by review (issue 16, item 4): upload, order creation, report, search and like
  // had no limit at all. Each now has a per-user one ([limits]), answered like the SMS and
  // message limits: 429 with retry_after, and nothing done.
  void testPerUserRateLimits() {
    const Config& config = TestStack::Get().config();
    Caller me = Login(NewPhone()), reported = Login(NewPhone()), liked = Login(NewPhone()),
           other = Login(NewPhone());
    const std::string png = ReadBinary("tests/data/sample.png");
    const struct {
      const char* method;
      const char* path;
      Fields fields;
      const char* key;  // dt:rl:<key>:<uid>
      int limit;
      const char* stored;  // what a request that passed would have added, counted per caller
    } routes[] = {
        {"POST", "/api/vip/order/create", {{"productId", "1"}}, "order", config.order_per_hour,
         "SELECT COUNT(*) FROM user_order WHERE user_id = ?"},
        {"POST", "/api/user/report", {{"peerId", Id(reported)}, {"reason", "spam"}}, "report", config.report_per_day,
         "SELECT COUNT(*) FROM user_report WHERE reporter_id = ?"},
        {"POST", "/api/user/like", {{"peerId", Id(liked)}, {"action", "like"}}, "like", config.like_per_minute,
         "SELECT COUNT(*) FROM user_like WHERE user_id = ?"},
        {"GET", "/api/user/search", {{"keyword", "x"}}, "search", config.search_per_minute, nullptr},
    };
    RedisReply reply;
    for (const auto& r : routes) {
      const std::string key = std::string("dt:rl:") + r.key + ":" + Id(me);
      TestStack::Get().redis().Command(&reply, "SET %s %d EX 50", key.c_str(), r.limit);
      Response limited = Call(r.method, r.path, r.fields, me);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(r.path) + " " + limited.body, 429, limited.code());
      CPPUNIT_ASSERT_EQUAL(429L, limited.status);
      const int retry = limited.data()["retry_after"].asInt();
      CPPUNIT_ASSERT_MESSAGE(r.path, retry >= 1 && retry <= 50);
      CPPUNIT_ASSERT_EQUAL(std::to_string(retry), limited.headers["retry-after"]);
      if (r.stored) CPPUNIT_ASSERT_EQUAL_MESSAGE(r.path, int64_t{0}, Count(r.stored, {me.user_id}));
      // The counter is the caller's: another user goes on, and is counted.
      Response fine = Call(r.method, r.path, r.fields, other);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(std::string(r.path) + " " + fine.body, 0, fine.code());
      TestStack::Get().redis().Command(&reply, "GET dt:rl:%s:%lld", r.key, static_cast<long long>(other.user_id));
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.path, std::string("1"), std::string(reply.Str()));
      TestStack::Get().redis().Command(&reply, "DEL %s", key.c_str());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.path, 0, Call(r.method, r.path, r.fields, me).code());
    }
    // Uploads: refused before the file is stored.
    const std::string key = "dt:rl:upload:" + Id(me);
    TestStack::Get().redis().Command(&reply, "SET %s %d EX 50", key.c_str(), config.upload_per_hour);
    Response upload = CallMultipart("/api/upload", {{"kind", "image"}, {"md5", Md5Hex(png)}},
                                    {{"file", "a.png", "image/png", png}}, me);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(upload.body, 429, upload.code());
    TestStack::Get().redis().Command(&reply, "DEL %s", key.c_str());
    CPPUNIT_ASSERT_EQUAL(0, CallMultipart("/api/upload", {{"kind", "image"}, {"md5", Md5Hex(png)}},
                                          {{"file", "a.png", "image/png", png}}, me).code());
  }

  // API5: operator functions exist only under /api/admin/, which the public address
  // answers with 404 and the operator address only to an operator's session (a user's
  // token is none); dtadmin has the rest. The gateway's route answers only the gateway's key.
  void testFunctionLevelAuthorization() {
    Caller me = Login(NewPhone());
    for (const Route& r : AllRoutes()) {
      const std::string path = r.path;
      if (OperatorRoute(r)) {
        CPPUNIT_ASSERT_MESSAGE(path, path.rfind("/api/admin/", 0) == 0);
        Response pub = Call(r.method, path, {}, me);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 404L, pub.status);
        if (r.auth == &kOperatorDoor) continue;
        Response user = OperatorCall(r.method, path, OperatorFields(r, me), me.token);
        CPPUNIT_ASSERT_EQUAL_MESSAGE(path + ": " + user.body, 504, user.code());
        continue;
      }
      for (const char* word : {"admin", "review", "ban", "rebuild", "operator", "internal"}) {
        CPPUNIT_ASSERT_MESSAGE(path, path.find(word) == std::string::npos);
      }
    }
    for (const char* path : {"/api/admin", "/api/admin/review/list", "/api/user/ban", "/api/review/clear", "/api/rebuild-hot"}) {
      Response r = Call("POST", path, {}, me);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 404L, r.status);
      CPPUNIT_ASSERT(r.is_json);
    }
    // An app's own signature is not the gateway's.
    Response notify = Call("POST", "/api/vip/pay/notify", {{"trade_no", "x"}, {"total_fee", "30.00"},
                           {"transaction_id", "t"}, {"nonce_str", "n"}}, me);
    CPPUNIT_ASSERT_EQUAL(500, notify.code());
  }

  // Classic injection payloads in every parameter of every route: never a 5xx, never
  // SQL error text, and a bystander's data unchanged.
  void testSqlInjectionSweep() {
    Caller attacker = Login(NewPhone()), bystander = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"nickname", "bystander"}}, bystander).code());
    const std::string before = UserRow(bystander.user_id);
    Row tables;
    bool found = false;
    CheckDb(TestStack::Get().db().QueryRow("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()", {}, &tables, &found));
    const char* payloads[] = {
        "' OR '1'='1", "1 OR 1=1", "1; DROP TABLE user_info; --", "\" OR \"\"=\"",
        "1' UNION SELECT phone FROM user_info -- ", "\\'; SHUTDOWN; --", "%' AND SLEEP(3) AND '%'='",
    };
    int requests = 0;
    const std::string admin = OperatorToken("admin");
    const Caller target = Login(NewPhone());  // whom the operator routes' acts fall on
    for (const Route& r : AllRoutes()) {
      const std::string path = r.path;
      if (path == "/api/account/delete" || path == "/api/auth/logout") continue;  // would end the attacker's session
      if (path == "/api/admin/logout") continue;  // would end the admin's session
      for (const std::string& param : ParamsOf(r)) {
        if (OperatorRoute(r) && param == "Authorization") continue;  // a header, sent as such
        for (const char* payload : payloads) {
          Fields f = OperatorRoute(r) ? OperatorFields(r, target, param) : ValidFields(r, bystander, param);
          f.emplace_back(param, payload);
          Response resp = OperatorRoute(r)  ? OperatorCall(r.method, path, f, admin)
                          : AppSigned(r) ? Call(r.method, path, f, attacker)
                                         : Call(r.method, path, f, {}, false);
          ++requests;
          const std::string where = path + " " + param + "=" + payload + ": " + resp.body.substr(0, 160);
          CPPUNIT_ASSERT_MESSAGE(where, resp.status > 0 && resp.status < 500);
          // A gateway's route answers in the gateway's form (Alipay: plain "failure").
          CPPUNIT_ASSERT_MESSAGE(where, resp.is_json || (r.reply_form && resp.body == "failure"));
          CPPUNIT_ASSERT_MESSAGE(where, !LeaksSqlError(resp.body));
        }
      }
    }
    // The sweep's failed operator logins are this machine's: not the next tests' limit.
    RedisReply cleared;
    TestStack::Get().redis().Command(&cleared, "DEL dt:rl:oplogin:ip:127.0.0.1");
    printf("     sql-injection sweep: %d requests (%zu payloads in every parameter of every route, the others valid)\n", requests,
           sizeof payloads / sizeof payloads[0]);
    CPPUNIT_ASSERT(requests > 300);
    CPPUNIT_ASSERT_EQUAL(before, UserRow(bystander.user_id));
    Row after;
    CheckDb(TestStack::Get().db().QueryRow("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()", {}, &after, &found));
    CPPUNIT_ASSERT_EQUAL(tables.Int(0), after.Int(0));
    // Stored as text, literally: the attacker's nickname is the payload itself.
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"nickname", "x' OR '1'='1"}}, attacker).code());
    CPPUNIT_ASSERT_EQUAL(std::string("x' OR '1'='1"), Call("GET", "/api/user/show", {}, attacker).data()["nickname"].asString());
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SecurityHttpTest, "http");

}  // namespace dt
