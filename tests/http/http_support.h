// Support for the black-box HTTP tests: the test stack (its config, URL, and direct MySQL
// and Redis connections to check stored state), a libcurl client that signs requests as
// API.md section 3 says, and a login helper. Single-threaded, like the test runner.
#pragma once

#include <json/value.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "lib/core/config.h"
#include "lib/store/db.h"
#include "lib/store/redis.h"
#include "lib/core/sign.h"

namespace dt {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Response {
  long status = 0;
  std::string body;
  std::string content_type;
  std::map<std::string, std::string> headers;  // lower-case names
  Json::Value json;                            // null when the body is not JSON
  bool is_json = false;

  int code() const { return json.isObject() ? json.get("code", -1).asInt() : -1; }
  const Json::Value& data() const { return json["data"]; }
  std::string msg() const { return json.isObject() ? json.get("msg", "").asString() : ""; }
};

// Who signs: an app, and for token routes a logged-in user.
struct Caller {
  std::string appkey = "432ABZ";
  int64_t user_id = 0;
  std::string token;
};

class TestStack {
 public:
  static TestStack& Get();

  const Config& config() const { return config_; }
  const std::string& url() const { return url_; }
  // The operator address (nginx/operator.conf) and the worker-pre pool's port
  // ([moderation] photos = pre).
  const std::string& operator_url() const { return operator_url_; }
  const std::string& pre_url() const { return pre_url_; }
  Db& db() { return db_; }
  Redis& redis() { return redis_; }

  // Runs supervisorctl of the test stack (e.g. "stop redis"); true on success.
  bool Supervisorctl(const std::string& args);
  // The PID supervisord reports for a program of the stack ("mariadb", "worker:worker_00"),
  // or 0.
  int Pid(const std::string& program);
  // Polls /api/health until it answers 200, for at most `seconds`.
  bool WaitHealthy(int seconds);
  // A file of the stack's var/ folder, e.g. "log/worker.log".
  std::string VarPath(const std::string& name) const { return var_ + "/" + name; }

  // Tokens and SMS codes handed out during the run; no log may contain one.
  std::vector<std::string> secrets_seen;

  // The shapes of the successful replies seen during the run, by "METHOD /api/path":
  // every key path of the envelope with its JSON type, e.g. "data.list[].user_id:number"
  // (see JsonShape). docs/openapi.yaml's examples are checked against them at the end.
  std::map<std::string, std::set<std::string>> shapes_seen;

 private:
  TestStack();
  Config config_;
  std::string url_;
  std::string operator_url_;
  std::string pre_url_;
  std::string var_;
  Db db_;
  Redis redis_;
};

// Adds the key paths of `value` under `prefix`, each as "path:type" (type: null, boolean,
// number, string, array, object; array items as "path[]").
void JsonShape(const Json::Value& value, const std::string& prefix, std::set<std::string>* out);

// A mobile number no other test uses, in E.164 ("+86139..."), the form the server stores.
std::string NewPhone();
// Its national spelling ("139..."), as the old clients send numbers.
std::string NationalOf(const std::string& e164);
// A fresh nonce.
std::string NewNonce();
// The current time as a timestamp string (seconds).
std::string NowTimestamp();

// Sends `method` `path` with `fields`: in the query for GET, urlencoded in the body for
// POST. `sign` adds appkey, timestamp, nonce and sign (and token/userId of `caller`)
// unless a field of that name is already given.
Response Call(const std::string& method, const std::string& path, Fields fields,
              const Caller& caller = {}, bool sign = true);

// Call through the worker-pre pool ([moderation] photos = pre), signed as Call signs.
Response CallPre(const std::string& method, const std::string& path, Fields fields,
                 const Caller& caller);

// A request to the operator API: `fields` urlencoded (POST) or in the query (GET), with
// "Authorization: Bearer <token>" when a token is given, from `source` (an address of
// this machine) when one is.
Response OperatorCall(const std::string& method, const std::string& path, Fields fields,
                      const std::string& token = "", const std::string& source = "");

// A new operator of `role` (dtadmin operator add, the password from stdin) logged in
// through the operator API: its session token.
std::string OperatorToken(const std::string& role);

struct FilePart {
  std::string field, filename, content_type, data;
};

// A signed multipart/form-data POST: `fields` as text parts (signed), `files` as file parts.
Response CallMultipart(const std::string& path, Fields fields, const std::vector<FilePart>& files,
                       const Caller& caller);

// GET of a URL outside the API (e.g. an uploaded file under /media/).
Response Fetch(const std::string& url);

// The URL of a GET of `path` signed for `caller` (for clients other than libcurl: a
// WebSocket, a streaming curl); each call is a new nonce.
std::string SignedUrl(const std::string& path, Fields fields, const Caller& caller);

// The partitions of the location index (lib/domain/geo.h) that hold `user`.
std::vector<std::string> GeoPartitionsHolding(int64_t user);

// Runs a shell command (stderr with stdout) and returns what it printed.
std::string RunCommand(const std::string& command);

// A tool built beside the worker under test (dtadmin), with the test config:
// "<build dir>/<tool> --config <test config> <args>".
std::string ToolCommand(const std::string& tool, const std::string& args);

// The test stack's config file.
std::string TestConfigPath();

// The bytes of a file (tests/data fixtures).
std::string ReadBinary(const std::string& path);

// The sign of `fields` for `appkey` (its secret and method from the test config); the
// token slot holds `fields`' token when `with_token` (token routes), else stays empty.
std::string SignFields(const Fields& fields, const std::string& appkey, bool with_token = true);

// Whether `method` `path` is a token route (T) of the router.
bool TakesToken(const std::string& method, const std::string& path);

// A request exactly as given: `target` is path plus query; `body` sent for POST (and for
// a GET when not empty); from the local address `source` when given (e.g. "127.0.0.2":
// another client for nginx's per-address limits).
Response Raw(const std::string& method, const std::string& target, const std::string& body = "",
             const std::string& content_type = "application/x-www-form-urlencoded",
             const std::string& source = "");

// vip_info.vip_deadline of `user` as Unix seconds (0 when none).
int64_t VipDeadline(int64_t user);

// sendsms + login with the echoed code: a logged-in caller.
Caller Login(const std::string& phone, const std::string& appkey = "432ABZ");

// Writes the visits the workers queued (lib/domain/visits.h) to MySQL now, for tests that read
// the visitor table directly.
void FlushQueuedVisits();

// The payment gateway's notify for `trade_no`, signed with `key` (the configured pay key
// when empty), stamped `timestamp` (now when 0).
Response PayNotify(const std::string& trade_no, const std::string& fee, const std::string& transaction_id,
                   int64_t timestamp = 0, const std::string& key = "");

// Fails the test unless `s` (a direct query of the test database) is OK: a failed query
// must not pass for an empty answer.
void CheckDb(const Status& s);

// The first column of a one-row query of the test database (asserts it ran).
int64_t Count(const char* sql, std::initializer_list<Arg> args);

// Whether the list of a successful reply (asserted) holds an item whose `key` is `id`.
bool ListHas(const Response& r, const char* key, int64_t id);

// Whether `id` is on any page of the hot list `viewer` gets.
bool InHotList(const Caller& viewer, int64_t id);

// The url of a file of `kind` ("image", "audio", "video") uploaded once per run: what
// avatars, albums and media messages may name (only this server's own media).
std::string UploadedUrl(const std::string& kind = "image");
// A new upload of an image by `by`, its URL: one no other test uses (a review of it
// changes no one else's).
std::string NewUploadedImage(const Caller& by);

// Forgets the once-a-minute SMS limit of `phone`, for tests that log in twice.
void AllowNextSms(const std::string& phone);

// The code of a successful sendsms for `phone` (asserts on failure).
std::string RequestCode(const std::string& phone, const std::string& appkey = "432ABZ");

}  // namespace dt
