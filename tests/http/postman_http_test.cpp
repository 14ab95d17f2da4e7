// The Postman collection (docs/datingtoday.postman_collection.json, from docs/openapi.yaml
// by scripts/postman.py) run with Newman against the test stack, as a workflow: every
// request runs in order and every one passes its assertions (tests/newman/run.js writes
// what each gave); then the stored state is what the workflow did.
#include <cppunit/extensions/HelperMacros.h>

#include <json/json.h>

#include <memory>
#include <algorithm>

#include "tests/http/http_support.h"

namespace dt {
namespace {

constexpr char kCollection[] = "docs/datingtoday.postman_collection.json";

Json::Value ReadJson(const std::string& path) {
  const std::string text = ReadBinary(path);
  Json::Value value;
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  std::string errors;
  CPPUNIT_ASSERT_MESSAGE(path + ": " + errors, reader->parse(text.data(), text.data() + text.size(), &value, &errors));
  return value;
}

std::string Quote(const std::string& s) { return "'" + s + "'"; }  // no ' in what is quoted here

// Runs the collection (the folders named, or all) with these environment variables; the
// report of tests/newman/run.js, after checking that every request ran, had assertions
// and passed them all.
Json::Value RunCollection(const std::vector<std::pair<std::string, std::string>>& vars,
                          const std::vector<std::string>& folders, const std::string& extra = "") {
  TestStack& stack = TestStack::Get();
  const std::string report = stack.VarPath("newman-" + NewNonce() + ".json");
  std::string command = "NODE_PATH=build/newman/node_modules node tests/newman/run.js " + std::string(kCollection) +
                        " " + report + " baseUrl=" + stack.url() + " operatorUrl=" + stack.operator_url();
  for (const auto& [name, value] : vars) command += " " + Quote(name + "=" + value);
  for (const std::string& folder : folders) command += " --folder " + Quote(folder);
  const std::string out = RunCommand(command + " " + extra);
  const Json::Value result = ReadJson(report);
  CPPUNIT_ASSERT_MESSAGE(out + result["failures"].toStyledString(), result["failures"].empty());

  size_t expected = 0;  // the requests of the folders run
  const Json::Value collection = ReadJson(kCollection);
  for (const Json::Value& folder : collection["item"]) {
    if (folders.empty() || std::find(folders.begin(), folders.end(), folder["name"].asString()) != folders.end()) {
      expected += folder["item"].size();
    }
  }
  CPPUNIT_ASSERT_EQUAL_MESSAGE(out, expected, static_cast<size_t>(result["requests"].size()));
  for (const Json::Value& request : result["requests"]) {
    const std::string name = request["folder"].asString() + " / " + request["item"].asString();
    CPPUNIT_ASSERT_MESSAGE(name + " asserts nothing", !request["assertions"].empty());
    for (const Json::Value& assertion : request["assertions"]) {
      CPPUNIT_ASSERT_MESSAGE(name + ": " + assertion["name"].asString() + ": " + assertion["error"].asString() +
                                 "\n  reply: " + request["body"].asString(),
                             assertion["error"].asString().empty());
    }
  }
  for (const char* secret : {"token", "peerToken", "operatorToken", "smsCode", "peerSmsCode"}) {
    if (!result["variables"][secret].asString().empty()) {
      stack.secrets_seen.push_back(result["variables"][secret].asString());  // never in a log (LogTest)
    }
  }
  return result;
}

}  // namespace

class PostmanTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PostmanTest);
  CPPUNIT_TEST(testCollectionIsCurrent);
  CPPUNIT_TEST(testSignUpWithEitherSignMethod);
  CPPUNIT_TEST(testWrongSecretIsRefused);
  CPPUNIT_TEST(testTheWorkflowRunsEveryRequestAsserted);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testCollectionIsCurrent() {
    const std::string out = RunCommand("python3 scripts/postman.py --check");
    CPPUNIT_ASSERT_MESSAGE(out, out.find("up to date") != std::string::npos);
  }

  // The first folder with an md5 app and an hmac-sha256 one: the pre-request script signs
  // both as the server checks, and login keeps the session for the request after it.
  void testSignUpWithEitherSignMethod() {
    for (const char* appkey : {"432ABZ", "HM256K"}) {
      const AppConfig& app = TestStack::Get().config().apps.find(appkey)->second;
      const std::string phone = NewPhone(), peer = NewPhone();
      const Json::Value result = RunCollection(
          {{"appkey", appkey}, {"secret", app.secret},
           {"signMethod", app.method == SignMethod::kHmacSha256 ? "hmac-sha256" : "md5"}, {"phone", phone},
           {"peerPhone", peer}},
          {"1 Sign up"});
      const int64_t user = Count("SELECT id FROM user_info WHERE phone = ?", {phone});
      CPPUNIT_ASSERT(user > 0);
      CPPUNIT_ASSERT_EQUAL(std::to_string(user), result["variables"]["userId"].asString());
      CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_session WHERE user_id = ? AND device = 'Postman'", {user}));
      // The peer's like, sent with the peer's session, is stored as the peer's.
      const int64_t peer_id = Count("SELECT id FROM user_info WHERE phone = ?", {peer});
      CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_like WHERE user_id = ? AND peer_id = ?", {peer_id, user}));
    }
  }

  // The script really signs: with another secret, the first signed request is refused.
  void testWrongSecretIsRefused() {
    TestStack& stack = TestStack::Get();
    const std::string report = stack.VarPath("newman-" + NewNonce() + ".json");
    RunCommand("NODE_PATH=build/newman/node_modules node tests/newman/run.js " + std::string(kCollection) + " " +
               report + " baseUrl=" + stack.url() + " secret=not-the-secret peerPhone=" + NewPhone() +
               " --folder '1 Sign up'");
    const Json::Value result = ReadJson(report);
    CPPUNIT_ASSERT(!result["failures"].empty());
    const Json::Value& sendsms = result["requests"][1];
    CPPUNIT_ASSERT_EQUAL(std::string("The peer asks for a code"), sendsms["item"].asString());
    CPPUNIT_ASSERT_MESSAGE(sendsms.toStyledString(), sendsms["assertions"][0]["error"].asString().find("500") != std::string::npos);
  }

  // All of it, in order: a new user and a peer through sign-up, profile, upload, discovery,
  // chat, VIP, safety, the peer's account deletion and logout, then an operator. The
  // minute between the peer's two SMS codes is skipped as AllowNextSms does.
  void testTheWorkflowRunsEveryRequestAsserted() {
    TestStack& stack = TestStack::Get();
    const std::string phone = NewPhone(), peer = NewPhone();
    const std::string op_password = "pw-" + NewNonce() + "-postman";
    const std::string op_name = "postman-" + NewNonce().substr(0, 8);
    const std::string added = RunCommand("echo '" + op_password + "' | " + ToolCommand("dtadmin", "operator add " + op_name + " admin"));
    CPPUNIT_ASSERT_MESSAGE(added, added.find("added") != std::string::npos);
    stack.secrets_seen.push_back(op_password);
    const std::string allow_sms = "redis-cli -s " + stack.VarPath("run/redis.sock") + " DEL dt:rl:sms:m:" + peer + " > /dev/null";
    const Json::Value result = RunCollection(
        {{"phone", phone}, {"peerPhone", peer}, {"operatorName", op_name}, {"operatorPassword", op_password}, {"peerSmsAt", "0"}},
        {}, "--before " + Quote("The peer asks for a code again (a minute after the first)=" + allow_sms));
    const Json::Value& vars = result["variables"];
    const int64_t me = std::stoll(vars["userId"].asString()), them = std::stoll(vars["peerId"].asString());
    CPPUNIT_ASSERT_EQUAL(me, Count("SELECT id FROM user_info WHERE phone = ?", {phone}));

    // What the requests stored: the profile, a match and the messages both ways, VIP
    // bought through the sandbox gateway, the report, the peer's account gone, the
    // session ended, the operator's decisions audited and the new operator disabled.
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_info WHERE id = ? AND nickname = '小明' AND height = 178", {me}));
    CPPUNIT_ASSERT_EQUAL(int64_t{2}, Count("SELECT COUNT(*) FROM user_label WHERE user_id = ?", {me}));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_album WHERE user_id = ?", {me}));
    // (The peer's deletion took the likes both ways; the match's contact row stays.)
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM contacts WHERE user_id = ? AND peer_id = ?", {me, them}));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM message WHERE from_uid = ? AND to_uid = ?", {me, them}));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM message WHERE from_uid = ? AND to_uid = ?", {them, me}));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_order WHERE user_id = ? AND pay = 1", {me}));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_order WHERE user_id = ? AND pay = 2", {me}));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM vip_info WHERE user_id = ? AND vip_deadline > NOW()", {me}));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_report WHERE reporter_id = ? AND reported_id = ? AND reason = 'spam'", {me, them}));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT COUNT(*) FROM user_block WHERE user_id = ?", {me}));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_info WHERE id = ? AND status = 'deleted'", {them}));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM user_info WHERE id = ? AND status = 'active'", {me}));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT COUNT(*) FROM user_session WHERE user_id = ?", {me}));
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM photo_review WHERE id = ? AND state = 'approved'",
                                           {static_cast<int64_t>(std::stoll(vars["reviewPhotoId"].asString()))}));
    CPPUNIT_ASSERT(Count("SELECT COUNT(*) FROM audit_log WHERE target_type = 'user' AND target_id = ?", {me}) >= 5);
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM operator WHERE name = ? AND status = 'disabled'",
                                           {vars["newOperator"].asString()}));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(PostmanTest, "http");

}  // namespace dt
