// docs/openapi.yaml against the server as built: its operations are exactly the router's
// routes with the same authentication (unit); its examples have the shape of the real
// replies the whole run received (final: JsonShape of every successful reply, recorded
// by http_support); and the docs page renders it in headless Chromium with no error and
// every route shown (http). The YAML is read with Python's yaml module (python3-yaml).
#include <cppunit/extensions/HelperMacros.h>
#include <json/reader.h>

#include <memory>
#include <set>
#include <string>

#include "handlers/handlers.h"
#include "lib/domain/guard.h"
#include "tests/http/http_support.h"

namespace dt {
namespace {

constexpr const char* kSpec = "docs/openapi.yaml";

Json::Value LoadSpec() {
  const std::string json = RunCommand(
      std::string("python3 -c 'import json, sys, yaml; json.dump(yaml.safe_load(open(sys.argv[1])), sys.stdout)' ") +
      kSpec);
  Json::Value spec;
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  std::string errors;
  const bool parsed = reader->parse(json.data(), json.data() + json.size(), &spec, &errors);
  CPPUNIT_ASSERT_MESSAGE("docs/openapi.yaml does not load: " + json.substr(0, 300), parsed && spec.isObject());
  return spec;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return s;
}

const char* AuthOf(const Route& route) {
  return route.auth ? route.auth->name : "public";
}

// Every operation of the spec as "METHOD /path".
std::set<std::string> Operations(const Json::Value& spec) {
  std::set<std::string> out;
  for (const std::string& path : spec["paths"].getMemberNames()) {
    for (const std::string& method : spec["paths"][path].getMemberNames()) {
      if (method == "get" || method == "post" || method == "put" || method == "delete" || method == "patch") {
        out.insert(Upper(method) + " " + path);
      }
    }
  }
  return out;
}

// The example of an operation's 200 reply (JSON content), or null.
Json::Value Example(const Json::Value& operation) {
  const Json::Value& content = operation["responses"]["200"]["content"]["application/json"];
  if (content.isMember("example")) return content["example"];
  if (content["examples"].isObject() && !content["examples"].getMemberNames().empty()) {
    return content["examples"][content["examples"].getMemberNames().front()]["value"];
  }
  return Json::Value();
}

std::string Join(const std::set<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += "\n  " + s;
  return out;
}

}  // namespace

class OpenApiRouterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OpenApiRouterTest);
  CPPUNIT_TEST(testEveryRouteAndOnlyThose);
  CPPUNIT_TEST(testEveryOperationHasAnExample);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testEveryRouteAndOnlyThose() {
    const Json::Value spec = LoadSpec();
    CPPUNIT_ASSERT_EQUAL(std::string("3.1"), spec["openapi"].asString().substr(0, 3));
    std::set<std::string> routed;
    for (const Route& route : AllRoutes()) {
      const std::string key = std::string(route.method) + " " + route.path;
      routed.insert(key);
      const Json::Value& operation = spec["paths"][route.path][Lower(route.method)];
      if (!operation.isObject()) continue;  // reported below
      CPPUNIT_ASSERT_EQUAL_MESSAGE(key + ": x-auth", std::string(AuthOf(route)),
                                   operation["x-auth"].asString());
    }
    const std::set<std::string> documented = Operations(spec);
    std::set<std::string> undocumented, not_routed;
    for (const std::string& r : routed) {
      if (!documented.count(r)) undocumented.insert(r);
    }
    for (const std::string& d : documented) {
      if (!routed.count(d)) not_routed.insert(d);
    }
    CPPUNIT_ASSERT_MESSAGE("routes missing from docs/openapi.yaml:" + Join(undocumented), undocumented.empty());
    CPPUNIT_ASSERT_MESSAGE("documented but not routed:" + Join(not_routed), not_routed.empty());
  }

  void testEveryOperationHasAnExample() {
    const Json::Value spec = LoadSpec();
    for (const std::string& op : Operations(spec)) {
      const size_t space = op.find(' ');
      const Json::Value example = Example(spec["paths"][op.substr(space + 1)][Lower(op.substr(0, space))]);
      CPPUNIT_ASSERT_MESSAGE(op + ": no 200 example", example.isObject());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(op + ": example code", 0, example["code"].asInt());
      CPPUNIT_ASSERT_MESSAGE(op + ": example msg", example["msg"].isString());
    }
  }
};

// Runs last: by then every test has made its calls.
class OpenApiExamplesTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OpenApiExamplesTest);
  CPPUNIT_TEST(testExamplesHaveTheShapeOfRealReplies);
  CPPUNIT_TEST_SUITE_END();

 public:
  // For every operation: the example's key paths are exactly those the run's real
  // successful replies had (union over the run), and each example value's type is one
  // the server really sent there. A run filtered with T= sees too few replies to judge.
  void testExamplesHaveTheShapeOfRealReplies() {
    TestStack& stack = TestStack::Get();
    if (stack.shapes_seen.size() < 10) return;
    const Json::Value spec = LoadSpec();
    std::string problems;
    for (const std::string& op : Operations(spec)) {
      const size_t space = op.find(' ');
      const Json::Value example = Example(spec["paths"][op.substr(space + 1)][Lower(op.substr(0, space))]);
      auto seen = stack.shapes_seen.find(op);
      if (seen == stack.shapes_seen.end()) {
        problems += "\n" + op + ": no successful reply in the whole run (untested?)";
        continue;
      }
      std::set<std::string> documented;
      JsonShape(example, "", &documented);
      std::set<std::string> real_paths, documented_paths;
      for (const std::string& s : seen->second) real_paths.insert(s.substr(0, s.rfind(':')));
      for (const std::string& s : documented) {
        const std::string path = s.substr(0, s.rfind(':'));
        documented_paths.insert(path);
        if (!real_paths.count(path)) {
          problems += "\n" + op + ": example has " + path + ", no real reply had it";
        } else if (!seen->second.count(s)) {
          problems += "\n" + op + ": example has " + s + ", real replies had another type there";
        }
      }
      for (const std::string& path : real_paths) {
        if (!documented_paths.count(path)) problems += "\n" + op + ": real replies have " + path + ", the example lacks it";
      }
    }
    CPPUNIT_ASSERT_MESSAGE("docs/openapi.yaml's examples against real replies:" + problems, problems.empty());
  }
};

class DocsPageTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(DocsPageTest);
  CPPUNIT_TEST(testPageShowsEveryRouteWithoutErrors);
  CPPUNIT_TEST_SUITE_END();

 public:
  // Headless Chromium loads /docs/ from the test stack's nginx and prints the DOM once
  // the page is idle. The page itself lists what went wrong in #dt-errors (script errors,
  // resources that failed to load, console.error: docs/site/index.html), since headless
  // Chromium does not log the console; its log (var/test/log/chromium.log) is checked too
  // and kept for a failure's diagnosis.
  void testPageShowsEveryRouteWithoutErrors() {
    TestStack& stack = TestStack::Get();
    const std::string profile = stack.VarPath("chromium");
    const std::string log = stack.VarPath("log/chromium.log");
    // In a subshell: RunCommand's own 2>&1 must not take Chromium's log into the DOM.
    const std::string dom = RunCommand(
        "(rm -rf " + profile + "; timeout 90 chromium --headless --no-sandbox --disable-gpu --no-first-run"
        " --disable-background-networking --disable-dev-shm-usage --user-data-dir=" + profile +
        " --enable-logging=stderr --v=0 --virtual-time-budget=15000 --dump-dom " + stack.url() +
        "/docs/ 2> " + log + ")");
    const std::string console = ReadBinary(log);
    CPPUNIT_ASSERT_MESSAGE("the page did not render:\n" + dom.substr(0, 2000) + "\n" + console.substr(0, 2000),
                           dom.find("data-dt-ready=\"yes\"") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE("errors on the page:\n" + dom.substr(0, 3000),
                           dom.find("<pre id=\"dt-errors\"></pre>") != std::string::npos);
    for (const char* bad : {":ERROR:CONSOLE", "Uncaught", "Failed to load resource"}) {
      CPPUNIT_ASSERT_MESSAGE(std::string(bad) + " in Chromium's log:\n" + console.substr(0, 3000),
                             console.find(bad) == std::string::npos);
    }
    for (const Route& route : AllRoutes()) {
      // Swagger UI shows each operation's path (with its method) in the list.
      CPPUNIT_ASSERT_MESSAGE(std::string("not shown: ") + route.path,
                             dom.find(std::string("data-path=\"") + route.path + "\"") != std::string::npos);
    }
  }
};

// The Postman collection: what docs/openapi.yaml gives (scripts/postman.py), and its
// pre-request script signs requests the server accepts (tests/http/postman_run.js runs it
// as Postman would), for an md5 app, an hmac-sha256 app, and a token route.
class PostmanTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PostmanTest);
  CPPUNIT_TEST(testCollectionIsCurrent);
  CPPUNIT_TEST(testPreRequestScriptSigns);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testCollectionIsCurrent() {
    const std::string out = RunCommand("python3 scripts/postman.py --check");
    CPPUNIT_ASSERT_MESSAGE(out, out.find("up to date") != std::string::npos);
  }

  void testPreRequestScriptSigns() {
    TestStack& stack = TestStack::Get();
    auto run = [&](const std::string& appkey, const std::string& method, const std::string& args) {
      const AppConfig& app = stack.config().apps.find(appkey)->second;
      const std::string out = RunCommand(
          "node tests/http/postman_run.js docs/datingtoday.postman_collection.json " + stack.url() + " " +
          method + " " + args + " --var appkey=" + appkey + " --var secret=" + app.secret +
          " --var signMethod=" + (app.method == SignMethod::kHmacSha256 ? "hmac-sha256" : "md5"));
      Json::Value reply;
      Json::CharReaderBuilder builder;
      std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
      std::string errors;
      CPPUNIT_ASSERT_MESSAGE(out, reader->parse(out.data(), out.data() + out.size(), &reply, &errors));
      return reply;
    };
    const std::string phone = NewPhone();
    Json::Value sent = run("432ABZ", "POST", "/api/auth/sendsms phone=" + phone);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(sent.toStyledString(), 0, sent["code"].asInt());
    CPPUNIT_ASSERT_EQUAL(phone, sent["data"]["phone"].asString());
    const std::string other = NewPhone();
    sent = run("HM256K", "POST", "/api/auth/sendsms phone=" + other);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(sent.toStyledString(), 0, sent["code"].asInt());
    // A token route, as the user of the collection's variables.
    const Caller me = Login(NewPhone());
    Json::Value shown = run("432ABZ", "GET", "/api/user/show --var userId=" + std::to_string(me.user_id) +
                                                 " --var token=" + me.token);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(shown.toStyledString(), 0, shown["code"].asInt());
    CPPUNIT_ASSERT_EQUAL(me.user_id, shown["data"]["user_id"].asInt64());
    // A wrong secret is refused: the script really signs.
    const std::string out = RunCommand("node tests/http/postman_run.js docs/datingtoday.postman_collection.json " +
                                       stack.url() + " POST /api/auth/sendsms phone=" + NewPhone() +
                                       " --var secret=wrong --var signMethod=md5");
    CPPUNIT_ASSERT_MESSAGE(out, out.find("\"code\":500") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(OpenApiRouterTest, "unit");
CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(PostmanTest, "http");
CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(DocsPageTest, "http");
CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(OpenApiExamplesTest, "final");

}  // namespace dt
