// docs/openapi.yaml against the server as built: its operations are exactly the router's
// routes with the same authentication (unit); its examples have the shape of the real
// replies the whole run received (final: JsonShape of every successful reply, recorded
// by http_support); and the docs page renders it in headless Chromium with no error and
// every route shown (http). The YAML is read with Python's yaml module (python3-yaml).
#include <cppunit/extensions/HelperMacros.h>
#include <json/reader.h>

#include <map>
#include <memory>
#include <set>
#include <string>

#include "handlers/handlers.h"
#include "lib/core/args.h"
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

// The media type of a 200 that is not the JSON envelope: a gateway's own text
// (text/plain), the live events' stream (text/event-stream); "" for the envelope.
std::string OtherForm(const Json::Value& operation) {
  const Json::Value& content = operation["responses"]["200"]["content"];
  if (content.isMember("application/json")) return "";
  for (const char* type : {"text/plain", "text/event-stream"}) {
    if (content.isMember(type)) return type;
  }
  return "";
}

// Whether an operation answers in another form than the JSON envelope.
bool RepliesInAnotherForm(const Json::Value& operation) { return !OtherForm(operation).empty(); }

// The example of an operation's 200 reply (JSON content), or null.
Json::Value Example(const Json::Value& operation) {
  const Json::Value& content = operation["responses"]["200"]["content"]["application/json"];
  if (content.isMember("example")) return content["example"];
  if (content["examples"].isObject() && !content["examples"].getMemberNames().empty()) {
    return content["examples"][content["examples"].getMemberNames().front()]["value"];
  }
  return Json::Value();
}

// `node`, or what its $ref names ("#/components/schemas/Id").
const Json::Value& Resolve(const Json::Value& spec, const Json::Value& node) {
  if (!node.isObject() || !node.isMember("$ref")) return node;
  const std::string ref = node["$ref"].asString();
  CPPUNIT_ASSERT_MESSAGE("unsupported $ref " + ref, ref.rfind("#/", 0) == 0);
  const Json::Value* at = &spec;
  size_t start = 2;
  while (start <= ref.size()) {
    size_t slash = ref.find('/', start);
    if (slash == std::string::npos) slash = ref.size();
    at = &(*at)[ref.substr(start, slash - start)];
    start = slash + 1;
  }
  return Resolve(spec, *at);
}

// A schema with its allOf parts merged in (the spec writes a described $ref that way).
Json::Value Flatten(const Json::Value& spec, const Json::Value& node) {
  Json::Value out = Resolve(spec, node);
  if (!out.isObject() || !out.isMember("allOf")) return out;
  for (const Json::Value& part : out["allOf"]) {
    const Json::Value flat = Flatten(spec, part);
    for (const std::string& k : flat.getMemberNames()) {
      if (!out.isMember(k)) out[k] = flat[k];
    }
  }
  out.removeMember("allOf");
  return out;
}

// One documented parameter: required or not, and its schema (resolved).
struct Documented {
  bool required = false;
  Json::Value schema;
};

// An operation's parameters: the query's and the form or multipart body's properties
// (a file part, format binary, is not a parameter).
std::map<std::string, Documented> DocumentedParams(const Json::Value& spec, const Json::Value& op) {
  std::map<std::string, Documented> out;
  for (const Json::Value& p : op["parameters"]) {
    const Json::Value& param = Resolve(spec, p);
    out[param["name"].asString()] = {param["required"].asBool(), Flatten(spec, param["schema"])};
  }
  for (const std::string& type : op["requestBody"]["content"].getMemberNames()) {
    // A JSON body (a gateway's notify) is a document, not parameters.
    if (type != "application/x-www-form-urlencoded" && type != "multipart/form-data") continue;
    const Json::Value& schema = Resolve(spec, op["requestBody"]["content"][type]["schema"]);
    std::set<std::string> required;
    for (const Json::Value& r : schema["required"]) required.insert(r.asString());
    for (const std::string& name : schema["properties"].getMemberNames()) {
      const Json::Value property = Flatten(spec, schema["properties"][name]);
      if (property["format"].asString() == "binary" || property.isMember("contentMediaType")) continue;
      out[name] = {required.count(name) > 0, property};
    }
  }
  return out;
}

// How the documented schema of `name` differs from its declaration ("" when it does not).
std::string Differences(const ArgSpec& a, const Documented& d) {
  std::string out;
  auto differ = [&](const std::string& what, const std::string& declared, const std::string& documented) {
    if (declared != documented) out += " " + what + ": declared " + declared + ", documented " + documented + ";";
  };
  const Json::Value& s = d.schema;
  differ("required", a.required ? "yes" : "no", d.required ? "yes" : "no");
  auto number = [](const Json::Value& v) {
    if (v.isNull()) return std::string("none");
    if (v.type() == Json::realValue) {
      char buf[32];
      snprintf(buf, sizeof buf, "%g", v.asDouble());
      return std::string(buf);
    }
    return v.asString();
  };
  switch (a.type) {
    case ArgType::kInt: {
      differ("type", "integer", s["type"].asString());
      differ("minimum", std::to_string(a.min), number(s["minimum"]));
      differ("maximum", std::to_string(a.max), number(s["maximum"]));
      differ("default", a.has_default ? std::to_string(a.fallback) : "none", number(s["default"]));
      break;
    }
    case ArgType::kDecimal: {
      differ("type", "number", s["type"].asString());
      auto text = [&](double v) { return number(Json::Value(v)); };
      differ(a.dmin_exclusive ? "exclusiveMinimum" : "minimum", text(a.dmin),
             number(s[a.dmin_exclusive ? "exclusiveMinimum" : "minimum"]));
      differ("maximum", text(a.dmax), number(s["maximum"]));
      differ("default", a.has_default ? text(a.dfallback) : "none", number(s["default"]));
      break;
    }
    case ArgType::kText: {
      differ("type", "string", s["type"].asString());
      if (a.max > 0) differ("maxLength", std::to_string(a.max), number(s["maxLength"]));
      if (a.min > 0) differ("minLength", std::to_string(a.min), number(s["minLength"]));
      std::string declared, documented;
      for (const char* c : a.choices) declared += std::string(declared.empty() ? "" : ",") + c;
      for (const Json::Value& e : s["enum"]) documented += (documented.empty() ? "" : ",") + e.asString();
      differ("enum", declared.empty() ? "none" : declared, documented.empty() ? "none" : documented);
      break;
    }
    case ArgType::kIdList:
      differ("type", "string", s["type"].asString());
      break;
  }
  return out;
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
  CPPUNIT_TEST(testParametersAreTheRowsDeclarations);
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

  // Each operation documents exactly the parameters its row declares (and its
  // authenticator reads), with the same required flag, type, range, default, length and
  // choices (lib/core/args.h).
  void testParametersAreTheRowsDeclarations() {
    const Json::Value spec = LoadSpec();
    std::string problems;
    for (const Route& route : AllRoutes()) {
      const std::string key = std::string(route.method) + " " + route.path;
      const Json::Value& operation = spec["paths"][route.path][Lower(route.method)];
      if (!operation.isObject()) continue;  // testEveryRouteAndOnlyThose reports it
      std::map<std::string, Documented> documented = DocumentedParams(spec, operation);
      if (route.auth) {
        for (const char* name : route.auth->params) {
          if (!documented.erase(name)) problems += "\n" + key + ": " + name + " (the authenticator's) is not documented";
        }
      }
      for (const ArgSpec& a : route.args) {
        auto it = documented.find(a.name);
        if (it == documented.end()) {
          problems += "\n" + key + ": " + a.name + " is declared, not documented";
          continue;
        }
        const std::string diff = Differences(a, it->second);
        if (!diff.empty()) problems += "\n" + key + ": " + a.name + ":" + diff;
        documented.erase(it);
      }
      for (const auto& [name, d] : documented) problems += "\n" + key + ": " + name + " is documented, not declared";
    }
    CPPUNIT_ASSERT_MESSAGE("docs/openapi.yaml's parameters against the route rows:" + problems, problems.empty());
  }

  void testEveryOperationHasAnExample() {
    const Json::Value spec = LoadSpec();
    for (const std::string& op : Operations(spec)) {
      const size_t space = op.find(' ');
      const Json::Value& operation = spec["paths"][op.substr(space + 1)][Lower(op.substr(0, space))];
      if (RepliesInAnotherForm(operation)) {
        CPPUNIT_ASSERT_MESSAGE(op + ": no text example",
                               operation["responses"]["200"]["content"][OtherForm(operation)].isMember("example"));
        continue;
      }
      const Json::Value example = Example(operation);
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
      const Json::Value& operation = spec["paths"][op.substr(space + 1)][Lower(op.substr(0, space))];
      if (RepliesInAnotherForm(operation)) continue;  // no envelope to compare
      const Json::Value example = Example(operation);
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

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(OpenApiRouterTest, "unit");
CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(DocsPageTest, "http");
CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(OpenApiExamplesTest, "final");

}  // namespace dt
