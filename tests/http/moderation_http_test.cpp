// Moderation through nginx: the operator API only on the operator address, its roles,
// sessions and rate-limited logins; photo review in post mode (the stack's) and pre mode
// (the worker-pre pool), a rejected avatar gone from every view; the report queue and its
// actions; the audit log; dtadmin's verbs on the same functions.
#include <cppunit/extensions/HelperMacros.h>
#include <json/reader.h>

#include <memory>

#include "lib/domain/moderation.h"
#include "lib/domain/session.h"
#include "tests/http/http_support.h"

namespace dt {
namespace {

std::string Id(int64_t id) { return std::to_string(id); }
std::string Id(const Caller& c) { return std::to_string(c.user_id); }

Json::Value ParseText(const std::string& text) {
  Json::Value v;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  reader->parse(text.data(), text.data() + text.size(), &v, &errors);
  return v;
}

// The review row of a photo URL: its id (0 when none) and state.
int64_t PhotoId(const std::string& url, std::string* state = nullptr) {
  Row row;
  bool found = false;
  CheckDb(TestStack::Get().db().QueryRow("SELECT id, state FROM photo_review WHERE url = ?", {url},
                                         &row, &found));
  if (state) *state = found ? row.Str(1) : "";
  return found ? row.Int(0) : 0;
}

std::string UserStatus(int64_t user) {
  Row row;
  bool found = false;
  CheckDb(TestStack::Get().db().QueryRow("SELECT status FROM user_info WHERE id = ?", {user}, &row,
                                         &found));
  return found ? row.Str(0) : "";
}

Response Show(const Caller& viewer, const Caller& owner, bool pre = false) {
  const Fields f = {{"peerId", Id(owner)}};
  return pre ? CallPre("GET", "/api/user/show", f, viewer) : Call("GET", "/api/user/show", f, viewer);
}

bool HasPhoto(const Json::Value& photos, const std::string& url) {
  for (const Json::Value& p : photos) {
    if (p["url"].asString() == url) return true;
  }
  return false;
}

// The newest audit row of a target: actor, action, before, after.
Row LastAudit(const char* type, int64_t id) {
  Row row;
  bool found = false;
  CheckDb(TestStack::Get().db().QueryRow(
      "SELECT actor, action, before_state, after_state, operator_id FROM audit_log"
      " WHERE target_type = ? AND target_id = ? ORDER BY id DESC LIMIT 1",
      {std::string(type), id}, &row, &found));
  CPPUNIT_ASSERT_MESSAGE(std::string("no audit row for ") + type + " " + Id(id), found);
  return row;
}

}  // namespace

class ModerationHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(ModerationHttpTest);
  CPPUNIT_TEST(testOperatorApiOnlyOnTheOperatorAddress);
  CPPUNIT_TEST(testRolesAndSessions);
  CPPUNIT_TEST(testBadPasswordsAreRateLimited);
  CPPUNIT_TEST(testPostModeRejectedAvatarVanishes);
  CPPUNIT_TEST(testPostModeAlbumAndChatImages);
  CPPUNIT_TEST(testPreModeShowsOnlyApprovedPhotos);
  CPPUNIT_TEST(testReportQueueAndActions);
  CPPUNIT_TEST(testBansEndAndSupportUnbans);
  CPPUNIT_TEST(testOperatorsAreAdministered);
  CPPUNIT_TEST(testDtadminVerbsAreAudited);
  CPPUNIT_TEST(testConsoleRejectsAPhotoInChromium);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testOperatorApiOnlyOnTheOperatorAddress() {
    // The public server has no operator API: nginx answers 404, as for an unknown path.
    Response pub = Raw("POST", "/api/admin/login", "name=x&password=y",
                       "application/x-www-form-urlencoded");
    CPPUNIT_ASSERT_EQUAL(404L, pub.status);
    CPPUNIT_ASSERT_EQUAL(404, pub.code());
    // The worker-pre pool's port passes /api/ to workers, but without DT_OPERATOR: 404 too.
    Caller me = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(404, CallPre("GET", "/api/admin/me", {}, me).code());
    // On the operator address, from an address outside [operator] allow (127.0.0.2 is
    // inside nginx's allow lines, outside the test config's): 404 from the worker.
    Response far = OperatorCall("POST", "/api/admin/login", {{"name", "nobody"}, {"password", "x"}},
                                "", "127.0.0.2");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(far.body, 404, far.code());
    Response near = OperatorCall("POST", "/api/admin/login", {{"name", "nobody"}, {"password", "x"}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(near.body, 504, near.code());
    CPPUNIT_ASSERT_EQUAL(std::string("wrong name or password."), near.msg());
    // The console is served there, and only there.
    Response page = Fetch(TestStack::Get().operator_url() + "/console/");
    CPPUNIT_ASSERT_EQUAL(200L, page.status);
    CPPUNIT_ASSERT(page.body.find("/api/admin/login") != std::string::npos ||
                   page.body.find("console.js") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(404L, Fetch(TestStack::Get().url() + "/console/").status);
  }

  void testRolesAndSessions() {
    const std::string reviewer = OperatorToken("reviewer"), support = OperatorToken("support"),
                      admin = OperatorToken("admin");
    Response me = OperatorCall("GET", "/api/admin/me", {}, reviewer);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(me.body, 0, me.code());
    CPPUNIT_ASSERT_EQUAL(std::string("reviewer"), me.data()["role"].asString());
    // Each role its routes; admin all of them.
    CPPUNIT_ASSERT_EQUAL(0, OperatorCall("GET", "/api/admin/photos", {}, reviewer).code());
    Response denied = OperatorCall("GET", "/api/admin/photos", {}, support);
    CPPUNIT_ASSERT_EQUAL(504, denied.code());
    CPPUNIT_ASSERT(denied.msg().find("support") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(504, OperatorCall("GET", "/api/admin/audit", {}, reviewer).code());
    CPPUNIT_ASSERT_EQUAL(504, OperatorCall("GET", "/api/admin/operators", {}, support).code());
    Caller user = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, OperatorCall("GET", "/api/admin/user", {{"userId", Id(user)}}, support).code());
    CPPUNIT_ASSERT_EQUAL(504, OperatorCall("POST", "/api/admin/user/unban", {{"userId", Id(user)}}, reviewer).code());
    for (const char* path : {"/api/admin/photos", "/api/admin/reports", "/api/admin/audit", "/api/admin/operators"}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(path, 0, OperatorCall("GET", path, {}, admin).code());
    }
    // No session, a made-up one, and a user's login token are no operator's.
    CPPUNIT_ASSERT_EQUAL(504, OperatorCall("GET", "/api/admin/me", {}).code());
    CPPUNIT_ASSERT_EQUAL(504, OperatorCall("GET", "/api/admin/me", {}, NewToken()).code());
    CPPUNIT_ASSERT_EQUAL(504, OperatorCall("GET", "/api/admin/me", {}, user.token).code());
    // A session ends at its expiry, after the idle time, and at logout.
    Db& db = TestStack::Get().db();
    const std::string expiring = OperatorToken("reviewer");
    CheckDb(db.Exec("UPDATE operator_session SET expire_time = NOW() - INTERVAL 1 SECOND"
                    " WHERE token_hash = UNHEX(?)", {TokenHash(expiring)}));
    Response expired = OperatorCall("GET", "/api/admin/me", {}, expiring);
    CPPUNIT_ASSERT_EQUAL(504, expired.code());
    CPPUNIT_ASSERT(expired.msg().find("expired") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT COUNT(*) FROM operator_session WHERE token_hash = UNHEX(?)",
                                           {TokenHash(expiring)}));
    const std::string idle = OperatorToken("reviewer");
    CheckDb(db.Exec("UPDATE operator_session SET last_seen = NOW() - INTERVAL ? SECOND"
                    " WHERE token_hash = UNHEX(?)",
                    {int64_t{TestStack::Get().config().operator_idle_seconds + 5}, TokenHash(idle)}));
    CPPUNIT_ASSERT_EQUAL(504, OperatorCall("GET", "/api/admin/me", {}, idle).code());
    CPPUNIT_ASSERT_EQUAL(0, OperatorCall("POST", "/api/admin/logout", {}, reviewer).code());
    CPPUNIT_ASSERT_EQUAL(504, OperatorCall("GET", "/api/admin/me", {}, reviewer).code());
  }

  void testBadPasswordsAreRateLimited() {
    const std::string name = "op-limit-" + NewNonce().substr(0, 8);
    const std::string password = "right-password-" + NewNonce().substr(0, 8);
    const std::string out = RunCommand("echo '" + password + "' | " +
                                       ToolCommand("dtadmin", "operator add " + name + " reviewer"));
    CPPUNIT_ASSERT_MESSAGE(out, out.find("added") != std::string::npos);
    TestStack::Get().secrets_seen.push_back(password);
    // Stored as scrypt with the configured cost, never as the password.
    Row row;
    bool found = false;
    CheckDb(TestStack::Get().db().QueryRow("SELECT password_hash FROM operator WHERE name = ?", {name},
                                           &row, &found));
    CPPUNIT_ASSERT(found);
    CPPUNIT_ASSERT_EQUAL(std::string("$scrypt$ln=14,r=8,p=1$"), row.Str(0).substr(0, 22));
    CPPUNIT_ASSERT(row.Str(0).find(password) == std::string::npos);
    const int allowed = TestStack::Get().config().operator_login_failures;
    for (int i = 0; i < allowed; ++i) {
      Response r = OperatorCall("POST", "/api/admin/login", {{"name", name}, {"password", "wrong-" + Id(i)}});
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 504, r.code());
    }
    // Past the limit even the right password is refused, without being checked.
    Response locked = OperatorCall("POST", "/api/admin/login", {{"name", name}, {"password", password}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(locked.body, 429, locked.code());
    CPPUNIT_ASSERT(locked.data()["retry_after"].asInt() > 0);
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT COUNT(*) FROM operator_session s JOIN operator o"
                                           " ON o.id = s.operator_id WHERE o.name = ?", {name}));
  }

  void testPostModeRejectedAvatarVanishes() {
    Caller owner = Login(NewPhone()), peer = Login(NewPhone());
    const std::string url = NewUploadedImage(owner);
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"avatar", url}}, owner).code());
    // Post: shown at once, and waiting in the queue.
    CPPUNIT_ASSERT_EQUAL(url, Show(peer, owner).data()["avatar"].asString());
    Response self = Show(owner, owner);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), self.data()["avatar_state"].asString());
    const int64_t photo = PhotoId(url);
    CPPUNIT_ASSERT(photo > 0);
    // The peer's contacts list shows it too (a message made them contacts).
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/message/send",
                                 {{"peerId", Id(peer)}, {"msgType", "text"}, {"content", "hi"}}, owner).code());
    auto contact_avatar = [&] {
      Response list = Call("GET", "/api/contacts/list", {}, peer);
      for (const Json::Value& c : list.data()["list"]) {
        if (c["peer_id"].asInt64() == owner.user_id || c["user_id"].asInt64() == owner.user_id) {
          return c["avatar"].asString();
        }
      }
      return std::string("<not listed>");
    };
    CPPUNIT_ASSERT_EQUAL(url, contact_avatar());
    const std::string reviewer = OperatorToken("reviewer");
    Response queue = OperatorCall("GET", "/api/admin/photos", {{"pageCount", "100"}}, reviewer);
    bool queued = false;
    for (const Json::Value& p : queue.data()["list"]) {
      if (p["photo_id"].asInt64() == photo) {
        queued = true;
        CPPUNIT_ASSERT_EQUAL(std::string("avatar"), p["used_as"].asString());
        CPPUNIT_ASSERT_EQUAL(owner.user_id, p["owner_id"].asInt64());
      }
    }
    CPPUNIT_ASSERT(queued || queue.data()["has_next"].asBool());
    // A reject needs its reason.
    CPPUNIT_ASSERT_EQUAL(300, OperatorCall("POST", "/api/admin/photo/review",
                                           {{"photoId", Id(photo)}, {"action", "reject"}}, reviewer).code());
    CPPUNIT_ASSERT_EQUAL(508, OperatorCall("POST", "/api/admin/photo/review",
                                           {{"photoId", "999999999"}, {"action", "approve"}}, reviewer).code());
    Response rejected = OperatorCall("POST", "/api/admin/photo/review",
                                     {{"photoId", Id(photo)}, {"action", "reject"}, {"reason", "nudity"}},
                                     reviewer);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(rejected.body, 0, rejected.code());
    // Gone everywhere: the peer's view, the contacts list; the owner is told why.
    CPPUNIT_ASSERT_EQUAL(std::string(""), Show(peer, owner).data()["avatar"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string(""), contact_avatar());
    self = Show(owner, owner);
    CPPUNIT_ASSERT_EQUAL(std::string(""), self.data()["avatar"].asString());
    CPPUNIT_ASSERT_EQUAL(1u, self.data()["rejected_photos"].size());
    CPPUNIT_ASSERT_EQUAL(url, self.data()["rejected_photos"][0]["url"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("nudity"), self.data()["rejected_photos"][0]["reason"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("avatar"), self.data()["rejected_photos"][0]["used_as"].asString());
    // Stored as such, audited, and not usable again.
    std::string state;
    PhotoId(url, &state);
    CPPUNIT_ASSERT_EQUAL(std::string("rejected"), state);
    Row audit = LastAudit("photo", photo);
    CPPUNIT_ASSERT_EQUAL(std::string("photo.reject"), audit.Str(1));
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), ParseText(audit.Str(2))["state"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("nudity"), ParseText(audit.Str(3))["reason"].asString());
    CPPUNIT_ASSERT(audit.Int(4) > 0);
    Response again = Call("POST", "/api/user/update", {{"avatar", url}}, owner);
    CPPUNIT_ASSERT_EQUAL(505, again.code());
    CPPUNIT_ASSERT_EQUAL(511, Call("POST", "/api/album/add", {{"url", url}}, owner).code());
  }

  void testPostModeAlbumAndChatImages() {
    Caller owner = Login(NewPhone()), peer = Login(NewPhone());
    const std::string url = NewUploadedImage(owner);
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/album/add", {{"url", url}}, owner).code());
    auto peer_album = [&] {
      return Call("GET", "/api/album/list", {{"peerId", Id(owner)}}, peer).data()["list"];
    };
    CPPUNIT_ASSERT(HasPhoto(peer_album(), url));
    CPPUNIT_ASSERT(HasPhoto(Show(peer, owner).data()["photos"], url));
    const std::string image = NewUploadedImage(owner);
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/message/send",
                                 {{"peerId", Id(peer)}, {"msgType", "image"}, {"url", image}}, owner).code());
    auto first_message = [&](const Caller& reader) {
      return Call("GET", "/api/message/list", {{"peerId", Id(reader.user_id == owner.user_id ? peer : owner)}},
                  reader).data()["list"][0];
    };
    CPPUNIT_ASSERT_EQUAL(image, first_message(peer)["url"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), first_message(peer)["review"].asString());
    const std::string reviewer = OperatorToken("reviewer");
    for (const std::string& u : {url, image}) {
      CPPUNIT_ASSERT_EQUAL(0, OperatorCall("POST", "/api/admin/photo/review",
                                           {{"photoId", Id(PhotoId(u))}, {"action", "reject"}, {"reason", "spam"}},
                                           reviewer).code());
    }
    CPPUNIT_ASSERT(!HasPhoto(peer_album(), url));
    CPPUNIT_ASSERT(!HasPhoto(Show(peer, owner).data()["photos"], url));
    // The owner still sees it, marked, to delete it.
    Response own = Call("GET", "/api/album/list", {}, owner);
    CPPUNIT_ASSERT_EQUAL(std::string("rejected"), own.data()["list"][0]["state"].asString());
    Json::Value mine = Show(owner, owner).data()["photos"];
    CPPUNIT_ASSERT_EQUAL(std::string("rejected"), mine[0]["state"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string(""), first_message(peer)["url"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("rejected"), first_message(peer)["review"].asString());
    CPPUNIT_ASSERT_EQUAL(image, first_message(owner)["url"].asString());
    CPPUNIT_ASSERT_EQUAL(511, Call("POST", "/api/message/send",
                                   {{"peerId", Id(peer)}, {"msgType", "image"}, {"url", image}}, owner).code());
  }

  void testPreModeShowsOnlyApprovedPhotos() {
    Caller owner = Login(NewPhone()), peer = Login(NewPhone());
    const std::string first = NewUploadedImage(owner), second = NewUploadedImage(owner);
    // Pre: the owner sees the new avatar at once, marked pending; others none yet.
    CPPUNIT_ASSERT_EQUAL(0, CallPre("POST", "/api/user/update", {{"avatar", first}}, owner).code());
    Response self = Show(owner, owner, true);
    CPPUNIT_ASSERT_EQUAL(first, self.data()["avatar"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), self.data()["avatar_state"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string(""), Show(peer, owner, true).data()["avatar"].asString());
    CPPUNIT_ASSERT_EQUAL(0, CallPre("POST", "/api/album/add", {{"url", second}}, owner).code());
    CPPUNIT_ASSERT(!HasPhoto(Show(peer, owner, true).data()["photos"], second));
    CPPUNIT_ASSERT(!HasPhoto(CallPre("GET", "/api/album/list", {{"peerId", Id(owner)}}, peer).data()["list"], second));
    Response own = CallPre("GET", "/api/album/list", {}, owner);
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), own.data()["list"][0]["state"].asString());
    const std::string chat = NewUploadedImage(owner);
    CPPUNIT_ASSERT_EQUAL(0, CallPre("POST", "/api/message/send",
                                    {{"peerId", Id(peer)}, {"msgType", "image"}, {"url", chat}}, owner).code());
    Json::Value received = CallPre("GET", "/api/message/list", {{"peerId", Id(owner)}}, peer).data()["list"][0];
    CPPUNIT_ASSERT_EQUAL(std::string(""), received["url"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), received["review"].asString());
    // The stack's own workers (post) show what pre withholds: one record, two modes.
    CPPUNIT_ASSERT(HasPhoto(Show(peer, owner).data()["photos"], second));
    // Approved, everything shows; the waiting avatar became the avatar.
    const std::string reviewer = OperatorToken("reviewer");
    for (const std::string& u : {first, second, chat}) {
      Response r = OperatorCall("POST", "/api/admin/photo/review",
                                {{"photoId", Id(PhotoId(u))}, {"action", "approve"}}, reviewer);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    }
    Response seen = Show(peer, owner, true);
    CPPUNIT_ASSERT_EQUAL(first, seen.data()["avatar"].asString());
    CPPUNIT_ASSERT(HasPhoto(seen.data()["photos"], second));
    CPPUNIT_ASSERT_EQUAL(std::string("approved"), Show(owner, owner, true).data()["avatar_state"].asString());
    received = CallPre("GET", "/api/message/list", {{"peerId", Id(owner)}}, peer).data()["list"][0];
    CPPUNIT_ASSERT_EQUAL(chat, received["url"].asString());
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT COUNT(*) FROM user_info WHERE id = ? AND avatar_pending <> ''",
                                           {owner.user_id}));
    // A new avatar waits while the approved one stays; rejected, the approved one remains.
    const std::string third = NewUploadedImage(owner);
    CPPUNIT_ASSERT_EQUAL(0, CallPre("POST", "/api/user/update", {{"avatar", third}}, owner).code());
    CPPUNIT_ASSERT_EQUAL(first, Show(peer, owner, true).data()["avatar"].asString());
    CPPUNIT_ASSERT_EQUAL(0, OperatorCall("POST", "/api/admin/photo/review",
                                         {{"photoId", Id(PhotoId(third))}, {"action", "reject"}, {"reason", "blurry"}},
                                         reviewer).code());
    CPPUNIT_ASSERT_EQUAL(first, Show(peer, owner, true).data()["avatar"].asString());
    CPPUNIT_ASSERT_EQUAL(first, Show(owner, owner, true).data()["avatar"].asString());
  }

  void testReportQueueAndActions() {
    Caller bad = Login(NewPhone()), a = Login(NewPhone()), b = Login(NewPhone()), viewer = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/report", {{"peerId", Id(bad)}, {"reason", "spam"}, {"detail", "sells things"}}, a).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/report", {{"peerId", Id(bad)}, {"reason", "fake"}}, b).code());
    const std::string reviewer = OperatorToken("reviewer");
    auto queued = [&]() -> Json::Value {
      for (int page = 1; page < 50; ++page) {
        Response q = OperatorCall("GET", "/api/admin/reports", {{"page", Id(page)}, {"pageCount", "100"}}, reviewer);
        for (const Json::Value& u : q.data()["list"]) {
          if (u["user_id"].asInt64() == bad.user_id) return u;
        }
        if (!q.data()["has_next"].asBool()) break;
      }
      return Json::Value();
    };
    Json::Value entry = queued();
    CPPUNIT_ASSERT_MESSAGE("the reported user is not in the queue", entry.isObject());
    CPPUNIT_ASSERT_EQUAL(2, entry["reports"].asInt());
    CPPUNIT_ASSERT_EQUAL(0, entry["established"].asInt());  // two new accounts
    CPPUNIT_ASSERT_EQUAL(2u, entry["reasons"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("sells things"), entry["details"][0].asString());
    // Warn: stored, shown to the user.
    CPPUNIT_ASSERT_EQUAL(0, OperatorCall("POST", "/api/admin/user/warn", {{"userId", Id(bad)}, {"reason", "no selling"}}, reviewer).code());
    Response self = Show(bad, bad);
    CPPUNIT_ASSERT_EQUAL(std::string("no selling"), self.data()["warnings"][0]["reason"].asString());
    // Hide: under review, hidden from others.
    CPPUNIT_ASSERT_EQUAL(0, OperatorCall("POST", "/api/admin/user/hide", {{"userId", Id(bad)}, {"reason", "checking"}}, reviewer).code());
    CPPUNIT_ASSERT_EQUAL(std::string("review"), UserStatus(bad.user_id));
    CPPUNIT_ASSERT(Show(viewer, bad).code() != 0);
    CPPUNIT_ASSERT_EQUAL(508, OperatorCall("POST", "/api/admin/user/hide", {{"userId", Id(bad)}, {"reason", "again"}}, reviewer).code());
    // Clear: active again, the reports handled, off the queue.
    CPPUNIT_ASSERT_EQUAL(0, OperatorCall("POST", "/api/admin/user/clear", {{"userId", Id(bad)}}, reviewer).code());
    CPPUNIT_ASSERT_EQUAL(std::string("active"), UserStatus(bad.user_id));
    CPPUNIT_ASSERT_EQUAL(0, Show(viewer, bad).code());
    CPPUNIT_ASSERT(queued().isNull());
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT COUNT(*) FROM user_report WHERE reported_id = ? AND handled = 0", {bad.user_id}));
    CPPUNIT_ASSERT_EQUAL(508, OperatorCall("POST", "/api/admin/user/clear", {{"userId", Id(bad)}}, reviewer).code());
    // The audit log holds each action, newest first, with the operator and the states.
    const std::string admin = OperatorToken("admin");
    Response audit = OperatorCall("GET", "/api/admin/audit", {{"targetType", "user"}, {"targetId", Id(bad)}}, admin);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(audit.body, 0, audit.code());
    const Json::Value& rows = audit.data()["list"];
    CPPUNIT_ASSERT_EQUAL(3u, rows.size());
    CPPUNIT_ASSERT_EQUAL(std::string("user.clear"), rows[0]["action"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("user.hide"), rows[1]["action"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("user.warn"), rows[2]["action"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("active"), ParseText(rows[1]["before"].asString())["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("review"), ParseText(rows[1]["after"].asString())["status"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("checking"), ParseText(rows[1]["after"].asString())["reason"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), rows[0]["client_ip"].asString());
    CPPUNIT_ASSERT(rows[0]["actor"].asString().rfind("op-reviewer-", 0) == 0);
    CPPUNIT_ASSERT_EQUAL(300, OperatorCall("GET", "/api/admin/audit", {{"targetType", "user"}}, admin).code());
  }

  void testBansEndAndSupportUnbans() {
    Caller bad = Login(NewPhone());
    const std::string reviewer = OperatorToken("reviewer"), support = OperatorToken("support");
    CPPUNIT_ASSERT_EQUAL(300, OperatorCall("POST", "/api/admin/user/ban", {{"userId", Id(bad)}, {"days", "-1"}, {"reason", "x"}}, reviewer).code());
    CPPUNIT_ASSERT_EQUAL(0, OperatorCall("POST", "/api/admin/user/ban", {{"userId", Id(bad)}, {"days", "2"}, {"reason", "scam"}}, reviewer).code());
    CPPUNIT_ASSERT_EQUAL(std::string("banned"), UserStatus(bad.user_id));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_info WHERE id = ? AND ban_until BETWEEN"
                                           " NOW() + INTERVAL 47 HOUR AND NOW() + INTERVAL 49 HOUR", {bad.user_id}));
    CPPUNIT_ASSERT_EQUAL(504, Call("GET", "/api/user/show", {{"peerId", Id(bad)}}, bad).code());  // sessions ended
    Response looked = OperatorCall("GET", "/api/admin/user", {{"userId", Id(bad)}}, support);
    CPPUNIT_ASSERT_EQUAL(std::string("banned"), looked.data()["status"].asString());
    CPPUNIT_ASSERT_EQUAL(0, looked.data()["sessions"].asInt());
    CPPUNIT_ASSERT_EQUAL(300, OperatorCall("GET", "/api/admin/user", {}, support).code());
    CPPUNIT_ASSERT_EQUAL(501, OperatorCall("GET", "/api/admin/user", {{"userId", "999999999"}}, support).code());
    // Its days over, the server lifts it (the ban-expiry task), audited as "expiry".
    CheckDb(TestStack::Get().db().Exec("UPDATE user_info SET ban_until = NOW() - INTERVAL 1 SECOND WHERE id = ?", {bad.user_id}));
    int lifted = 0;
    CheckDb(LiftExpiredBans(TestStack::Get().db(), TestStack::Get().redis(), time(nullptr), &lifted));
    CPPUNIT_ASSERT(lifted >= 1);
    CPPUNIT_ASSERT_EQUAL(std::string("active"), UserStatus(bad.user_id));
    CPPUNIT_ASSERT_EQUAL(std::string("expiry"), LastAudit("user", bad.user_id).Str(0));
    // For good (days 0), then support unbans.
    CPPUNIT_ASSERT_EQUAL(0, OperatorCall("POST", "/api/admin/user/ban", {{"userId", Id(bad)}, {"days", "0"}, {"reason", "scam"}}, reviewer).code());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_info WHERE id = ? AND ban_until IS NULL", {bad.user_id}));
    CPPUNIT_ASSERT_EQUAL(0, OperatorCall("POST", "/api/admin/user/unban", {{"userId", Id(bad)}}, support).code());
    CPPUNIT_ASSERT_EQUAL(std::string("active"), UserStatus(bad.user_id));
    CPPUNIT_ASSERT_EQUAL(508, OperatorCall("POST", "/api/admin/user/unban", {{"userId", Id(bad)}}, support).code());
  }

  void testOperatorsAreAdministered() {
    const std::string admin = OperatorToken("admin");
    const std::string name = "op-new-" + NewNonce().substr(0, 8);
    CPPUNIT_ASSERT_EQUAL(300, OperatorCall("POST", "/api/admin/operator/add",
                                           {{"name", name}, {"role", "support"}, {"password", "short"}}, admin).code());
    CPPUNIT_ASSERT_EQUAL(300, OperatorCall("POST", "/api/admin/operator/add",
                                           {{"name", "Bad Name"}, {"role", "support"}, {"password", "long-enough-pw"}}, admin).code());
    Response added = OperatorCall("POST", "/api/admin/operator/add",
                                  {{"name", name}, {"role", "support"}, {"password", "long-enough-pw"}}, admin);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(added.body, 0, added.code());
    TestStack::Get().secrets_seen.push_back("long-enough-pw");
    CPPUNIT_ASSERT_EQUAL(509, OperatorCall("POST", "/api/admin/operator/add",
                                           {{"name", name}, {"role", "support"}, {"password", "long-enough-pw"}}, admin).code());
    Response login = OperatorCall("POST", "/api/admin/login", {{"name", name}, {"password", "long-enough-pw"}});
    CPPUNIT_ASSERT_EQUAL(0, login.code());
    const std::string token = login.data()["token"].asString();
    TestStack::Get().secrets_seen.push_back(token);
    bool listed = false;
    Response operators = OperatorCall("GET", "/api/admin/operators", {}, admin);
    for (const Json::Value& o : operators.data()["list"]) {
      listed = listed || o["name"].asString() == name;
    }
    CPPUNIT_ASSERT_MESSAGE(operators.body.substr(0, 300), listed);
    CPPUNIT_ASSERT_EQUAL(504, OperatorCall("POST", "/api/admin/operator/disable", {{"name", name}}, token).code());
    CPPUNIT_ASSERT_EQUAL(0, OperatorCall("POST", "/api/admin/operator/disable", {{"name", name}}, admin).code());
    CPPUNIT_ASSERT_EQUAL(504, OperatorCall("GET", "/api/admin/me", {}, token).code());  // its sessions ended
    CPPUNIT_ASSERT_EQUAL(504, OperatorCall("POST", "/api/admin/login", {{"name", name}, {"password", "long-enough-pw"}}).code());
    CPPUNIT_ASSERT_EQUAL(std::string("operator.disable"), LastAudit("operator", added.data()["operator_id"].asInt64()).Str(1));
  }

  void testDtadminVerbsAreAudited() {
    Caller owner = Login(NewPhone());
    const std::string url = NewUploadedImage(owner);
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/album/add", {{"url", url}}, owner).code());
    const int64_t photo = PhotoId(url);
    CPPUNIT_ASSERT(RunCommand(ToolCommand("dtadmin", "review photos")).find(url) != std::string::npos);
    const std::string out = RunCommand(ToolCommand("dtadmin", "review reject " + Id(photo) + " 'not a person'"));
    CPPUNIT_ASSERT_MESSAGE(out, out.find("failed") == std::string::npos);
    std::string state;
    PhotoId(url, &state);
    CPPUNIT_ASSERT_EQUAL(std::string("rejected"), state);
    Row audit = LastAudit("photo", photo);
    CPPUNIT_ASSERT(audit.Str(0).rfind("dtadmin:", 0) == 0);
    CPPUNIT_ASSERT_EQUAL(std::string("not a person"), ParseText(audit.Str(3))["reason"].asString());
    RunCommand(ToolCommand("dtadmin", "review ban " + Id(owner)));
    CPPUNIT_ASSERT_EQUAL(std::string("banned"), UserStatus(owner.user_id));
    CPPUNIT_ASSERT_EQUAL(std::string("user.ban"), LastAudit("user", owner.user_id).Str(1));
    RunCommand(ToolCommand("dtadmin", "review unban " + Id(owner)));
    CPPUNIT_ASSERT_EQUAL(std::string("active"), UserStatus(owner.user_id));
    CPPUNIT_ASSERT(RunCommand(ToolCommand("dtadmin", "review approve x")).find("usage") != std::string::npos);
  }

  // The console in headless Chromium (tests/tools/console_flow.py drives it over the
  // DevTools protocol: typed name and password, clicked buttons): log in, reject a photo
  // in the queue, and the public side no longer shows it.
  void testConsoleRejectsAPhotoInChromium() {
    Caller owner = Login(NewPhone()), peer = Login(NewPhone());
    const std::string url = NewUploadedImage(owner);
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"avatar", url}}, owner).code());
    CPPUNIT_ASSERT_EQUAL(url, Show(peer, owner).data()["avatar"].asString());
    const std::string name = "op-console-" + NewNonce().substr(0, 8);
    const std::string password = "console-pw-" + NewNonce().substr(0, 8);
    TestStack::Get().secrets_seen.push_back(password);
    CPPUNIT_ASSERT(RunCommand("echo '" + password + "' | " + ToolCommand("dtadmin", "operator add " + name + " reviewer"))
                       .find("added") != std::string::npos);
    TestStack& stack = TestStack::Get();
    const std::string out = RunCommand(
        "timeout 120 /usr/bin/python3 tests/tools/console_flow.py " + stack.operator_url() + "/console/ " + name + " " +
        password + " " + Id(PhotoId(url)) + " " + stack.VarPath("chromium-console") + " " +
        stack.VarPath("log/chromium-console.log"));
    const Json::Value result = ParseText(out.substr(out.rfind('{') == std::string::npos ? 0 : out.rfind('{')));
    CPPUNIT_ASSERT_MESSAGE(out + "\n" + ReadBinary(stack.VarPath("log/chromium-console.log")).substr(0, 1500),
                           result["ok"].asBool());
    CPPUNIT_ASSERT_EQUAL(name + " (reviewer)", result["who"].asString());
    // Rejected through the page: stored, audited as this operator, gone from the public side.
    std::string state;
    PhotoId(url, &state);
    CPPUNIT_ASSERT_EQUAL(std::string("rejected"), state);
    CPPUNIT_ASSERT_EQUAL(name, LastAudit("photo", PhotoId(url)).Str(0));
    CPPUNIT_ASSERT_EQUAL(std::string(""), Show(peer, owner).data()["avatar"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("not allowed here"),
                         Show(owner, owner).data()["rejected_photos"][0]["reason"].asString());
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(ModerationHttpTest, "http");

}  // namespace dt
