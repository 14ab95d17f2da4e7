// libcurl, signing and stack control for the HTTP tests.
#include "tests/http/http_support.h"

#include <cppunit/extensions/HelperMacros.h>
#include <curl/curl.h>
#include <json/reader.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <thread>

#include <unistd.h>

#include "handlers/handlers.h"
#include "lib/domain/guard.h"
#include "lib/core/crypto.h"
#include "lib/core/params.h"
#include "lib/domain/visits.h"

namespace dt {
namespace {

const char* EnvOr(const char* name, const char* fallback) {
  const char* v = getenv(name);
  return v ? v : fallback;
}

size_t WriteBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t WriteHeader(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(), ::tolower);
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t\r\n") + 1);
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * n;
}

std::string Escape(CURL* curl, const std::string& s) {
  char* e = curl_easy_escape(curl, s.data(), static_cast<int>(s.size()));
  std::string out(e);
  curl_free(e);
  return out;
}

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

std::unique_ptr<CURL, CurlFree> NewCurl() { return std::unique_ptr<CURL, CurlFree>(curl_easy_init()); }

// Keeps the shape of a successful API reply for the OpenAPI examples' check.
void RecordShape(const std::string& method, const std::string& url, const Response& r) {
  TestStack& stack = TestStack::Get();
  if (r.status != 200 || r.code() != 0) return;
  size_t base = 0;
  for (const std::string* origin : {&stack.url(), &stack.operator_url(), &stack.pre_url()}) {
    if (url.compare(0, origin->size(), *origin) == 0) base = origin->size();
  }
  if (base == 0) return;
  std::string path = url.substr(base);
  path = path.substr(0, path.find('?'));
  if (path.compare(0, 5, "/api/") != 0) return;
  static std::mutex mutex;  // the load tests call from several threads
  std::lock_guard<std::mutex> lock(mutex);
  JsonShape(r.json, "", &stack.shapes_seen[(method == "MIME" ? "POST" : method) + " " + path]);
}

Response Perform(CURL* curl, const std::string& method, const std::string& url,
                 const std::string* body, const std::string& content_type,
                 const std::string& source = "", const std::string& extra_header = "") {
  Response r;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  if (!source.empty()) curl_easy_setopt(curl, CURLOPT_INTERFACE, ("host!" + source).c_str());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &r.headers);
  struct curl_slist* headers = nullptr;
  if (method == "POST" || (method == "GET" && body && !body->empty())) {
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    if (method == "GET") curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "GET");  // a GET with a form body
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body ? body->data() : "");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(body ? body->size() : 0));
    headers = curl_slist_append(headers, ("Content-Type: " + content_type).c_str());
  } else if (method != "GET" && method != "MIME") {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  headers = curl_slist_append(headers, "Expect:");
  if (!extra_header.empty()) headers = curl_slist_append(headers, extra_header.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    r.status = -1;
    r.body = curl_easy_strerror(rc);
    return r;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &r.status);
  r.content_type = r.headers["content-type"];
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  std::string errors;
  r.is_json = reader->parse(r.body.data(), r.body.data() + r.body.size(), &r.json, &errors);
  if (!r.is_json) r.json = Json::Value();
  RecordShape(method, url, r);
  return r;
}

bool HasField(const Fields& fields, const std::string& key) {
  for (const auto& [k, v] : fields) {
    if (k == key) return true;
  }
  return false;
}

}  // namespace

TestStack& TestStack::Get() {
  static TestStack stack;
  return stack;
}

TestStack::TestStack()
    : url_(EnvOr("DT_TEST_URL", "http://127.0.0.1:18080")),
      operator_url_(EnvOr("DT_TEST_OPERATOR_URL", "http://127.0.0.1:18081")),
      pre_url_(EnvOr("DT_TEST_PRE_URL", "http://127.0.0.1:18082")),
      var_(EnvOr("DT_TEST_VAR", "var/test")),
      db_(config_),
      redis_(config_) {
  Status s = LoadConfig(EnvOr("DT_TEST_CONFIG", "config/test.ini"), &config_);
  if (!s.ok()) {
    fprintf(stderr, "tests: %s\n", s.msg().c_str());
    exit(2);
  }
}

bool TestStack::Supervisorctl(const std::string& args) {
  std::string cmd = "supervisorctl -c " + var_ + "/supervisord.conf " + args + " > /dev/null 2>&1";
  return system(cmd.c_str()) == 0;
}

int TestStack::Pid(const std::string& program) {
  return atoi(RunCommand("supervisorctl -c " + var_ + "/supervisord.conf pid " + program).c_str());
}

bool TestStack::WaitHealthy(int seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (Raw("GET", "/api/health").status == 200) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

std::string NewPhone() {
  static std::atomic<int> counter{0};  // the soak's threads ask at once
  // A China Mobile number in E.164, as the server stores it: +86 139, 4 random digits (per
  // run) and 4 counting digits: unique within a run.
  static const uint32_t run = RandomBelow(10000);
  char buf[32];
  snprintf(buf, sizeof buf, "+86139%04u%04d", run, ++counter);
  return buf;
}

std::string NationalOf(const std::string& e164) { return e164.substr(3); }

std::string NewNonce() { return HexEncode(RandomBytes(12)); }

std::string NowTimestamp() {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(
          std::chrono::system_clock::now().time_since_epoch()).count());
}

std::string SignFields(const Fields& fields, const std::string& appkey, bool with_token) {
  Params params;
  for (const auto& [k, v] : fields) params.Add(k, v);
  const Config& config = TestStack::Get().config();
  auto app = config.apps.find(appkey);
  if (app == config.apps.end()) return std::string(32, '0');  // an app the server does not know
  return SignParams(app->second.method, app->second.secret, params, with_token);
}

bool TakesToken(const std::string& method, const std::string& path) {
  static const std::vector<Route> routes = AllRoutes();
  for (const Route& r : routes) {
    if (path == r.path && method == r.method) return dt::TakesToken(r);
  }
  return true;  // a path the router does not know: sign as a token route would
}

// Adds userId and token (on token routes), appkey, timestamp, nonce and sign to `fields`
// unless given.
static void AddSignature(const std::string& method, const std::string& path, Fields* out,
                         const Caller& caller) {
  Fields& fields = *out;
  const bool with_token = TakesToken(method, path);
  if (with_token && caller.user_id && !HasField(fields, "userId")) {
    fields.emplace_back("userId", std::to_string(caller.user_id));
  }
  if (with_token && !caller.token.empty() && !HasField(fields, "token")) {
    fields.emplace_back("token", caller.token);
  }
  if (!HasField(fields, "appkey")) fields.emplace_back("appkey", caller.appkey);
  if (!HasField(fields, "timestamp")) fields.emplace_back("timestamp", NowTimestamp());
  if (!HasField(fields, "nonce")) fields.emplace_back("nonce", NewNonce());
  if (!HasField(fields, "sign")) fields.emplace_back("sign", SignFields(fields, caller.appkey, with_token));
}

Response CallMultipart(const std::string& path, Fields fields, const std::vector<FilePart>& files,
                       const Caller& caller) {
  AddSignature("POST", path, &fields, caller);
  auto curl = NewCurl();
  curl_mime* mime = curl_mime_init(curl.get());
  for (const auto& [k, v] : fields) {
    curl_mimepart* part = curl_mime_addpart(mime);
    curl_mime_name(part, k.c_str());
    curl_mime_data(part, v.data(), v.size());
  }
  for (const FilePart& f : files) {
    curl_mimepart* part = curl_mime_addpart(mime);
    curl_mime_name(part, f.field.c_str());
    curl_mime_filename(part, f.filename.c_str());
    curl_mime_type(part, f.content_type.c_str());
    curl_mime_data(part, f.data.data(), f.data.size());
  }
  curl_easy_setopt(curl.get(), CURLOPT_MIMEPOST, mime);
  Response r = Perform(curl.get(), "MIME", TestStack::Get().url() + path, nullptr, "");
  curl_mime_free(mime);
  return r;
}

void JsonShape(const Json::Value& value, const std::string& prefix, std::set<std::string>* out) {
  const char* type = "null";
  switch (value.type()) {
    case Json::nullValue: break;
    case Json::booleanValue: type = "boolean"; break;
    case Json::intValue: case Json::uintValue: case Json::realValue: type = "number"; break;
    case Json::stringValue: type = "string"; break;
    case Json::arrayValue: type = "array"; break;
    case Json::objectValue: type = "object"; break;
  }
  if (!prefix.empty()) out->insert(prefix + ":" + type);
  if (value.isObject()) {
    for (const std::string& name : value.getMemberNames()) {
      JsonShape(value[name], prefix.empty() ? name : prefix + "." + name, out);
    }
  } else if (value.isArray()) {
    for (const Json::Value& item : value) JsonShape(item, prefix + "[]", out);
  }
}

Response Fetch(const std::string& url) {
  auto curl = NewCurl();
  return Perform(curl.get(), "GET", url, nullptr, "");
}

std::vector<std::string> GeoPartitionsHolding(int64_t user) {
  Redis& redis = TestStack::Get().redis();
  RedisReply parts;
  CheckDb(redis.Command(&parts, "SMEMBERS dt:geo:parts"));
  std::vector<std::string> holding;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string part(parts.Element(i)->str, parts.Element(i)->len);
    RedisReply score;
    CheckDb(redis.Command(&score, "ZSCORE %s %lld", part.c_str(), static_cast<long long>(user)));
    if (!score.IsNil()) holding.push_back(part);
  }
  return holding;
}

std::string RunCommand(const std::string& command) {
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  std::string out;
  char buf[4096];
  size_t n;
  while (p && (n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  if (p) pclose(p);
  return out;
}

std::string TestConfigPath() { return EnvOr("DT_TEST_CONFIG", "config/test.ini"); }

std::string ToolCommand(const std::string& tool, const std::string& args) {
  const std::string worker = EnvOr("WORKER", "build/datingtoday");
  return worker.substr(0, worker.rfind('/') + 1) + tool + " --config " + TestConfigPath() + " " + args;
}

std::string ReadBinary(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

Response Call(const std::string& method, const std::string& path, Fields fields,
              const Caller& caller, bool sign) {
  if (sign) AddSignature(method, path, &fields, caller);
  auto curl = NewCurl();
  std::string encoded;
  for (const auto& [k, v] : fields) {
    if (!encoded.empty()) encoded += '&';
    encoded += Escape(curl.get(), k) + "=" + Escape(curl.get(), v);
  }
  const std::string& url = TestStack::Get().url();
  if (method == "POST") {
    return Perform(curl.get(), method, url + path, &encoded, "application/x-www-form-urlencoded");
  }
  return Perform(curl.get(), method, url + path + (encoded.empty() ? "" : "?" + encoded), nullptr,
                 "");
}

namespace {

std::string Encoded(CURL* curl, const Fields& fields) {
  std::string encoded;
  for (const auto& [k, v] : fields) {
    if (!encoded.empty()) encoded += '&';
    encoded += Escape(curl, k) + "=" + Escape(curl, v);
  }
  return encoded;
}

Response Send(const std::string& base, const std::string& method, const std::string& path,
              const Fields& fields, const std::string& source, const std::string& header) {
  auto curl = NewCurl();
  const std::string encoded = Encoded(curl.get(), fields);
  if (method == "POST") {
    return Perform(curl.get(), method, base + path, &encoded, "application/x-www-form-urlencoded",
                   source, header);
  }
  return Perform(curl.get(), method, base + path + (encoded.empty() ? "" : "?" + encoded), nullptr,
                 "", source, header);
}

}  // namespace

Response CallPre(const std::string& method, const std::string& path, Fields fields,
                 const Caller& caller) {
  AddSignature(method, path, &fields, caller);
  return Send(TestStack::Get().pre_url(), method, path, fields, "", "");
}

Response OperatorCall(const std::string& method, const std::string& path, Fields fields,
                      const std::string& token, const std::string& source) {
  return Send(TestStack::Get().operator_url(), method, path, fields, source,
              token.empty() ? "" : "Authorization: Bearer " + token);
}

std::string OperatorToken(const std::string& role) {
  static std::atomic<int> serial{0};
  const std::string name = "op-" + role + "-" + std::to_string(getpid()) + "-" +
                           std::to_string(serial++) + "-" + NewNonce().substr(0, 6);
  const std::string password = "pw-" + NewNonce() + "-long";
  const std::string out =
      RunCommand("echo '" + password + "' | " + ToolCommand("dtadmin", "operator add " + name + " " + role));
  CPPUNIT_ASSERT_MESSAGE(out, out.find("added") != std::string::npos);
  Response r = OperatorCall("POST", "/api/admin/login", {{"name", name}, {"password", password}});
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
  TestStack::Get().secrets_seen.push_back(r.data()["token"].asString());
  TestStack::Get().secrets_seen.push_back(password);
  return r.data()["token"].asString();
}

std::string SignedUrl(const std::string& path, Fields fields, const Caller& caller) {
  AddSignature("GET", path, &fields, caller);
  auto curl = NewCurl();
  std::string encoded;
  for (const auto& [k, v] : fields) {
    if (!encoded.empty()) encoded += '&';
    encoded += Escape(curl.get(), k) + "=" + Escape(curl.get(), v);
  }
  return TestStack::Get().url() + path + "?" + encoded;
}

Response Raw(const std::string& method, const std::string& target, const std::string& body,
             const std::string& content_type, const std::string& source) {
  auto curl = NewCurl();
  return Perform(curl.get(), method, TestStack::Get().url() + target, &body, content_type, source);
}

void FlushQueuedVisits() {
  Status s = FlushVisits(TestStack::Get().db(), TestStack::Get().redis());
  CPPUNIT_ASSERT_MESSAGE(s.msg(), s.ok());
}

Response PayNotify(const std::string& trade_no, const std::string& fee, const std::string& transaction_id,
                   int64_t timestamp, const std::string& key) {
  Fields f = {{"trade_no", trade_no}, {"total_fee", fee}, {"transaction_id", transaction_id},
              {"timestamp", timestamp ? std::to_string(timestamp) : NowTimestamp()}, {"nonce_str", NewNonce()}};
  Params p;
  for (const auto& [k, v] : f) p.Add(k, v);
  f.emplace_back("sign", HmacSha256Hex(key.empty() ? TestStack::Get().config().pay_key : key,
                                       SortedPairs(p, {"sign"})));
  return Call("POST", "/api/vip/pay/notify", f, {}, false);
}

void CheckDb(const Status& s) {
  CPPUNIT_ASSERT_MESSAGE("test database: " + std::to_string(s.code()) + " " + s.msg(), s.ok());
}

int64_t Count(const char* sql, std::initializer_list<Arg> args) {
  Row row;
  bool found = false;
  Status s = TestStack::Get().db().QueryRow(sql, args, &row, &found);
  CPPUNIT_ASSERT_MESSAGE(sql, s.ok() && found);
  return row.Int(0);
}

bool ListHas(const Response& r, const char* key, int64_t id) {
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());  // a failed call holds no list to judge
  for (const Json::Value& item : r.data()["list"]) {
    if (item[key].asInt64() == id) return true;
  }
  return false;
}

bool InHotList(const Caller& viewer, int64_t id) {
  for (int page = 1; page < 200; ++page) {
    Response r = Call("GET", "/api/user/hot/list", {{"page", std::to_string(page)}, {"pageCount", "50"}}, viewer);
    if (ListHas(r, "user_id", id)) return true;
    if (!r.data()["has_next"].asBool()) return false;
  }
  return false;
}

std::string UploadedUrl(const std::string& kind) {
  static std::mutex mutex;
  static std::map<std::string, std::string> urls;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = urls.find(kind);
  if (it != urls.end()) return it->second;
  static const Caller uploader = Login(NewPhone());
  std::string data;
  if (kind == "image") {
    data = ReadBinary("tests/data/sample.png");
  } else if (kind == "audio") {
    data = ReadBinary("tests/data/sample.mp3");
  } else {
    data = std::string("\0\0\0\x18" "ftypisom\0\0\x02\0" "isomiso2", 24) + std::string(1000, '\0');  // an MP4 box
  }
  Response r = CallMultipart("/api/upload", {{"kind", kind}, {"md5", Md5Hex(data)}},
                             {{"file", "f", "application/octet-stream", data}}, uploader);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
  return urls[kind] = r.data()["url"].asString();
}

std::string NewUploadedImage(const Caller& by) {
  const std::string data = ReadBinary("tests/data/sample.png");
  Response r = CallMultipart("/api/upload", {{"kind", "image"}, {"md5", Md5Hex(data)}},
                             {{"file", "f", "application/octet-stream", data}}, by);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
  return r.data()["url"].asString();
}

void AllowNextSms(const std::string& phone) {
  RedisReply reply;
  TestStack::Get().redis().Command(&reply, "DEL dt:rl:sms:m:%s", phone.c_str());
}

std::string RequestCode(const std::string& phone, const std::string& appkey) {
  Caller app;
  app.appkey = appkey;
  Response r = Call("POST", "/api/auth/sendsms", {{"phone", phone}}, app);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
  std::string code = r.data()["code"].asString();
  TestStack::Get().secrets_seen.push_back(code);
  return code;
}

Caller Login(const std::string& phone, const std::string& appkey) {
  std::string code = RequestCode(phone, appkey);
  Caller app;
  app.appkey = appkey;
  Response r = Call("POST", "/api/auth/login", {{"phone", phone}, {"code", code}}, app);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
  Caller caller;
  caller.appkey = appkey;
  caller.user_id = r.data()["user_id"].asInt64();
  caller.token = r.data()["token"].asString();
  TestStack::Get().secrets_seen.push_back(caller.token);
  return caller;
}

int64_t VipDeadline(int64_t user) {
  Row row;
  bool found = false;
  CheckDb(TestStack::Get().db().QueryRow("SELECT UNIX_TIMESTAMP(vip_deadline) FROM vip_info WHERE user_id = ?", {user},
                                         &row, &found));
  return found ? row.Int(0) : 0;
}

}  // namespace dt
