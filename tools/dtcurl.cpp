// dtcurl: signs a request to the DatingToday API exactly as the server checks it (API.md
// section 3, with lib/sign's code), sends it with libcurl and prints the reply as indented
// JSON. Also plays the payment gateway (`pay`), the App Store with a test chain
// (`appstore`), and logs in on a dev server (`login`).
// Replaces scripts/signcurl.sh and scripts/paysim.sh; `dtcurl -h` for the usage.
#include <curl/curl.h>
#include <json/reader.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "handlers/handlers.h"
#include "lib/core/clock.h"
#include "lib/core/config.h"
#include "lib/core/crypto.h"
#include "lib/core/json_writer.h"
#include "lib/core/keys.h"
#include "lib/core/params.h"
#include "lib/core/request_params.h"
#include "lib/core/sign.h"
#include "lib/domain/appstore.h"
#include "lib/domain/guard.h"

namespace {

constexpr char kDefaultConfig[] = "config/dev.ini";
constexpr char kDefaultAppKey[] = "432ABZ";
constexpr char kDefaultBase[] = "http://127.0.0.1:8080";
constexpr char kPayNotifyPath[] = "/api/vip/pay/notify";

constexpr int kExitOk = 0;
constexpr int kExitReplyError = 1;
constexpr int kExitUsage = 2;
constexpr int kExitUnreachable = 3;

constexpr char kUsage[] =
    "usage: dtcurl [OPTIONS] METHOD PATH [name=value ...] [-F name=@FILE ...]\n"
    "       dtcurl [OPTIONS] pay TRADE_NO TOTAL_FEE [TRANSACTION_ID]\n"
    "       dtcurl [OPTIONS] pay alipay TRADE_NO TOTAL_FEE | pay wechat TRADE_NO\n"
    "       dtcurl [OPTIONS] appstore buy monthly|quarterly|yearly\n"
    "       dtcurl [OPTIONS] appstore notify TYPE TRANSACTION_ID [SUBTYPE]\n"
    "       dtcurl [OPTIONS] events\n"
    "       dtcurl [OPTIONS] login PHONE\n"
    "Signs a request to the DatingToday API as the server checks it (docs/API.md section 3:\n"
    "appkey, timestamp, nonce, sign; on routes marked T also userId and token when given),\n"
    "sends it and prints the reply as indented JSON. Options may come anywhere on the line.\n"
    "  -c CONFIG        the app secrets, sign methods and [pay] key (default: config/dev.ini\n"
    "                   of the checkout holding this binary, else of the current directory)\n"
    "  -k APPKEY        the app (default 432ABZ, md5; HM256K signs with hmac-sha256)\n"
    "  -s SECRET        sign with this secret instead of the config's (pay: the [pay] key)\n"
    "  -t, --token T    a login token (default $DT_TOKEN)\n"
    "  -u, --user U     its user id, sent as userId (default $DT_USER)\n"
    "  -b BASE_URL      default http://127.0.0.1:8080\n"
    "  -F name=@FILE    a file part: the request becomes multipart/form-data. Files are not\n"
    "                   signed; a lone file's md5 is added as the (signed) md5 field unless\n"
    "                   md5=... is given, as /api/upload checks it\n"
    "  -p, --print      print the equivalent curl command instead of sending\n"
    "  --raw            print the reply as received instead of re-indented\n"
    "  -h, --help       this text\n"
    "GET sends the parameters in the query string, other methods as a urlencoded body.\n"
    "timestamp=... or nonce=... given replace the generated ones (to try 506 and 507).\n"
    "pay plays the payment gateway: a notify signed with the [pay] key, posted to\n"
    "/api/vip/pay/notify (TRANSACTION_ID default: sim<time><random>). pay alipay has the\n"
    "local fake Alipay (make run starts it: tools/fakegate.cpp, where [pay.alipay] gateway\n"
    "points) take the buyer's payment of an alipay order and send Alipay's signed notify\n"
    "(the fake never saw the order, which the app's SDK would have handed it: say its fee);\n"
    "pay wechat has the fake WeChat Pay pay its prepay order and notify.\n"
    "appstore plays StoreKit 2 and the App Store, signing with the test chain beside the\n"
    "config's [pay.appstore] root_ca (its test_chain/ folder: leaf.key, leaf.pem,\n"
    "inter.pem; dev and test configs have one, production's root has none). buy mints the\n"
    "signed transaction of a purchase by the caller (-t/-u: its appAccountToken from\n"
    "vip/info; the period 30, 90 or 365 days from now) and posts it to\n"
    "/api/vip/appstore/verify. notify posts a signed App Store Server Notification V2 of\n"
    "TYPE about TRANSACTION_ID: SUBSCRIBED and DID_RENEW a new transaction of that\n"
    "subscription (monthly, 30 days from now); REFUND and REVOKE that transaction, revoked\n"
    "now; DID_FAIL_TO_RENEW (SUBTYPE GRACE_PERIOD: a grace of 16 days), GRACE_PERIOD_EXPIRED,\n"
    "EXPIRED and DID_CHANGE_RENEWAL_STATUS (SUBTYPE AUTO_RENEW_DISABLED or _ENABLED) the\n"
    "subscription's renewal info; TEST nothing. It prints the HTTP status and the answer.\n"
    "events prints the caller's live events (GET /api/events as EventSource, -t/-u) as\n"
    "they come, until Ctrl-C; when a stream ends (each lasts a minute) it reconnects with a\n"
    "fresh signature and the last event id, so nothing is missed.\n"
    "login asks for an SMS code and logs in with the code a dev server echoes ([sms] echo),\n"
    "then prints export DT_TOKEN=... DT_USER=... for eval.\n"
    "Exit status: 0 reply code 0; 1 another code (the reply is printed too); 2 usage error;\n"
    "3 the server could not be reached.\n"
    "Examples:\n"
    "  dtcurl GET /api/health\n"
    "  dtcurl POST /api/auth/sendsms phone=13800138000\n"
    "  dtcurl POST /api/auth/login phone=13800138000 code=480125\n"
    "  dtcurl GET /api/user/show peerId=5 --token 83af8a54... --user 3\n"
    "  eval \"$(dtcurl login 13800138000)\"; dtcurl POST /api/user/update nickname=小明\n"
    "  dtcurl POST /api/upload kind=image -F file=@photo.jpg\n"
    "  dtcurl -k HM256K --print GET /api/vip/products\n"
    "  dtcurl pay 20260101120000a1b2c3d4e5f60718 30.00\n"
    "  dtcurl pay alipay 20260101120000a1b2c3d4e5f60718 30.00\n"
    "  dtcurl pay wechat 20260101120000a1b2c3d4e5f60718\n"
    "  dtcurl events --token 83af8a54... --user 3\n"
    "  dtcurl appstore buy monthly\n"
    "  dtcurl appstore notify DID_FAIL_TO_RENEW 2000001748269112 GRACE_PERIOD\n";

struct Options {
  std::string config;  // empty: found next to the binary or in the current directory
  std::string appkey = kDefaultAppKey;
  std::string secret;  // empty: the config's
  std::string token;
  std::string user;
  std::string base = kDefaultBase;
  std::vector<std::string> files;  // -F name=@FILE
  std::vector<std::string> args;   // the command and its operands
  bool print = false;
  bool raw = false;
  bool help = false;
};

// The options taking a value, and where it goes.
struct ValueOption {
  const char* short_name;
  const char* long_name;
  std::string Options::*field;
};

constexpr ValueOption kValueOptions[] = {
    {"-c", "--config", &Options::config}, {"-k", "--appkey", &Options::appkey},
    {"-s", "--secret", &Options::secret}, {"-t", "--token", &Options::token},
    {"-u", "--user", &Options::user},     {"-b", "--base", &Options::base},
};

struct App {
  std::string appkey;
  std::string secret;
  dt::SignMethod method = dt::SignMethod::kMd5;
};

struct FilePart {
  std::string field;
  std::string path;
  std::string data;
};

// One HTTP request as it goes out: a urlencoded body, or multipart fields and files.
struct Request {
  std::string method;
  std::string url;  // with the query string for GET
  std::string body;
  std::string content_type;  // of `body`; empty: application/x-www-form-urlencoded
  bool multipart = false;
  dt::Params fields;
  std::vector<FilePart> files;
};

struct Response {
  long status = 0;
  std::string body;
};

int UsageError(const std::string& why) {
  fprintf(stderr, "dtcurl: %s (dtcurl -h for help)\n", why.c_str());
  return kExitUsage;
}

int Fail(int status, const std::string& why) {
  fprintf(stderr, "dtcurl: %s\n", why.c_str());
  return status;
}

// Sets *error and returns false: the failure path of the Build/Parse helpers.
bool Error(std::string* error, std::string why) {
  *error = std::move(why);
  return false;
}

// Matches "-x", "--long" and "--long=value"; the value of the last form goes to *inline_value.
bool MatchOption(const std::string& arg, const ValueOption& opt, std::string* inline_value,
                 bool* has_inline) {
  const std::string long_name = opt.long_name;
  *has_inline = arg.rfind(long_name + "=", 0) == 0;
  if (*has_inline) *inline_value = arg.substr(long_name.size() + 1);
  return *has_inline || arg == opt.short_name || arg == long_name;
}

bool ParseArgs(int argc, char** argv, Options* o, std::string* error) {
  if (const char* token = getenv("DT_TOKEN")) o->token = token;
  if (const char* user = getenv("DT_USER")) o->user = user;
  bool options_done = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (options_done || arg.size() < 2 || arg[0] != '-') {
      o->args.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
    } else if (arg == "-h" || arg == "--help") {
      o->help = true;
    } else if (arg == "-p" || arg == "--print") {
      o->print = true;
    } else if (arg == "--raw") {
      o->raw = true;
    } else if (arg == "-F" || arg == "--form") {
      if (++i == argc) return Error(error, arg + " needs name=@FILE");
      o->files.push_back(argv[i]);
    } else {
      const ValueOption* match = nullptr;
      std::string value;
      bool has_inline = false;
      for (const ValueOption& opt : kValueOptions) {
        if (!match && MatchOption(arg, opt, &value, &has_inline)) match = &opt;
      }
      if (!match) return Error(error, "unknown option " + arg);
      if (!has_inline) {
        if (++i == argc) return Error(error, arg + " needs a value");
        value = argv[i];
      }
      o->*(match->field) = value;
    }
  }
  return true;
}

std::string Dirname(const std::string& path) {
  size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

bool Readable(const std::string& path) { return access(path.c_str(), R_OK) == 0; }

// config/dev.ini of the checkout holding this binary (build/dtcurl, build/asan/dtcurl),
// else of the current directory.
std::string FindDefaultConfig() {
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
  if (n > 0) {
    std::string dir = Dirname(std::string(exe, n));
    for (int up = 0; up < 3 && dir.size() > 1; ++up) {
      dir = Dirname(dir);
      std::string candidate = dir + "/" + kDefaultConfig;
      if (Readable(candidate)) return candidate;
    }
  }
  return kDefaultConfig;
}

bool LoadConfigFile(Options* o, dt::Config* config, std::string* error) {
  if (o->config.empty()) o->config = FindDefaultConfig();
  dt::Status s = dt::LoadConfig(o->config, config);
  if (!s.ok()) *error = o->config + ": " + s.msg();
  return s.ok();
}

bool ResolveApp(const Options& o, const dt::Config& config, App* app, std::string* error) {
  app->appkey = o.appkey;
  auto it = config.apps.find(o.appkey);
  if (it != config.apps.end()) {
    app->secret = it->second.secret;
    app->method = it->second.method;
  } else if (o.secret.empty()) {
    return Error(error, "no [app." + o.appkey + "] in " + o.config + " (give its secret with -s)");
  }
  if (!o.secret.empty()) app->secret = o.secret;
  return true;
}

std::string FormEncode(const dt::Params& params) {
  std::string out;
  for (const auto& [k, v] : params.entries()) {
    if (!out.empty()) out.push_back('&');
    out.append(dt::PercentEncode(k)).append(1, '=').append(dt::PercentEncode(v));
  }
  return out;
}

// `s` as one word for a POSIX shell.
std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out.push_back(c);
    }
  }
  return out + "'";
}

bool AddParam(dt::Params* params, const std::string& key, const std::string& value,
              std::string* error) {
  if (params->Add(key, value)) return true;
  return Error(error, "parameter '" + key + "' is given twice");
}

// "name=value" operands into `params` (the server refuses a pair without '=').
bool AddPairs(const std::vector<std::string>& pairs, dt::Params* params, std::string* error) {
  for (const std::string& pair : pairs) {
    size_t eq = pair.find('=');
    if (eq == 0 || eq == std::string::npos) return Error(error, "'" + pair + "' is not name=value");
    if (!AddParam(params, pair.substr(0, eq), pair.substr(eq + 1), error)) return false;
  }
  return true;
}

bool ReadFile(const std::string& path, std::string* data, std::string* error) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(fopen(path.c_str(), "rb"), fclose);
  char buffer[65536];
  size_t n;
  while (file && (n = fread(buffer, 1, sizeof(buffer), file.get())) > 0) data->append(buffer, n);
  if (file && !ferror(file.get())) return true;
  return Error(error, "cannot read " + path + ": " + strerror(errno));
}

bool ReadFileParts(const std::vector<std::string>& specs, std::vector<FilePart>* files,
                   std::string* error) {
  for (const std::string& spec : specs) {
    size_t at = spec.find("=@");
    if (at == 0 || at == std::string::npos || at + 2 == spec.size()) {
      return Error(error,
                   "-F takes name=@FILE, not '" + spec + "' (give other fields as name=value)");
    }
    FilePart part{spec.substr(0, at), spec.substr(at + 2), {}};
    if (!ReadFile(part.path, &part.data, error)) return false;
    files->push_back(std::move(part));
  }
  return true;
}

// Whether the router marks `method` `path` T (a path it does not know counts as one, so
// that a token given is signed).
bool TakesToken(const std::string& method, const std::string& path) {
  for (const dt::Route& r : dt::AllRoutes()) {
    if (path == r.path && method == r.method) return dt::TakesToken(r);
  }
  return true;
}

// Adds appkey, timestamp, nonce (unless given), token, then the sign over all of them,
// with lib/sign's SignParams: the very function the server's guard checks with. A route
// without a token gets none (the server would not sign it).
bool SignRequest(const App& app, const std::string& token, bool with_token, dt::Params* params,
                 std::string* error) {
  if (!AddParam(params, "appkey", app.appkey, error)) return false;
  if (!params->Has("timestamp")) {
    params->Add("timestamp", std::to_string(dt::SystemClock().NowSeconds()));
  }
  if (!params->Has("nonce")) params->Add("nonce", dt::HexEncode(dt::RandomBytes(12)));
  if (with_token && !token.empty() && !AddParam(params, "token", token, error)) return false;
  return AddParam(params, "sign", dt::SignParams(app.method, app.secret, *params, with_token),
                  error);
}

std::string BaseUrl(const std::string& base) {
  return base.substr(0, base.find_last_not_of('/') + 1);
}

// The request for `params`: a query string for GET, a form body otherwise, multipart
// when there are files.
Request MakeRequest(const std::string& method, const std::string& url, dt::Params params,
                    std::vector<FilePart> files) {
  Request r;
  r.method = method;
  r.url = url;
  if (!files.empty()) {
    r.multipart = true;
    r.fields = std::move(params);
    r.files = std::move(files);
  } else if (method == "GET") {
    r.url += "?" + FormEncode(params);
  } else {
    r.body = FormEncode(params);
  }
  return r;
}

bool ValidMethod(const std::string& method) {
  if (method.empty()) return false;
  for (char c : method) {
    if (c < 'A' || c > 'Z') return false;
  }
  return true;
}

// METHOD PATH name=value... with -F files: the signed request.
bool BuildApiRequest(const Options& o, const App& app, Request* request, std::string* error) {
  std::string method = o.args[0];
  for (char& c : method) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  const std::string& path = o.args.size() > 1 ? o.args[1] : "";
  if (!ValidMethod(method)) return Error(error, "'" + o.args[0] + "' is not an HTTP method");
  if (path.empty() || path[0] != '/' || path.find_first_of("?# ") != std::string::npos) {
    return Error(error, "PATH must be like /api/user/show (parameters as name=value)");
  }
  if (!o.files.empty() && method != "POST") return Error(error, "-F needs POST");
  dt::Params params;
  std::vector<FilePart> files;
  if (!AddPairs(std::vector<std::string>(o.args.begin() + 2, o.args.end()), &params, error) ||
      !ReadFileParts(o.files, &files, error)) {
    return false;
  }
  // The server signs only the non-file fields; a file is covered by the signed md5 field.
  if (files.size() == 1 && !params.Has("md5")) params.Add("md5", dt::Md5Hex(files[0].data));
  const bool with_token = TakesToken(method, path);
  if (with_token && !o.user.empty() && !AddParam(&params, "userId", o.user, error)) return false;
  if (!SignRequest(app, o.token, with_token, &params, error)) return false;
  *request = MakeRequest(method, BaseUrl(o.base) + path, std::move(params), std::move(files));
  return true;
}

// The gateway's notify (handlers/vip.cpp): HMAC-SHA256 with the pay key over the sorted
// k=v of every other field.
Request BuildPayRequest(const Options& o, const std::string& pay_key) {
  const std::string& fee = o.args[2];
  std::string transaction_id = o.args.size() > 3 ? o.args[3] : "";
  const int64_t now = dt::SystemClock().NowSeconds();
  if (transaction_id.empty()) {
    transaction_id = "sim" + std::to_string(now) + std::to_string(dt::RandomBelow(32768));
  }
  dt::Params params;
  params.Add("trade_no", o.args[1]);
  params.Add("total_fee", fee);
  params.Add("transaction_id", transaction_id);
  params.Add("timestamp", std::to_string(now));
  params.Add("nonce_str", dt::HexEncode(dt::RandomBytes(12)));
  params.Add("sign", dt::HmacSha256Hex(pay_key, dt::SortedPairs(params, {"sign"})));
  return MakeRequest("POST", BaseUrl(o.base) + kPayNotifyPath, std::move(params), {});
}

// A file part for curl's -F: the path in double quotes when curl would split it.
std::string CurlFileSpec(const FilePart& f) {
  if (f.path.find_first_of(";,\"\\") == std::string::npos) return f.field + "=@" + f.path;
  std::string quoted;
  for (char c : f.path) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return f.field + "=@\"" + quoted + "\"";
}

// The one-line curl command that sends `r` (scripts/signcurl.sh's format).
std::string CurlCommand(const Request& r) {
  if (r.multipart) {
    std::string cmd = "curl -s " + ShellQuote(r.url);
    for (const auto& [k, v] : r.fields.entries()) {
      cmd += " --form-string " + ShellQuote(k + "=" + v);
    }
    for (const FilePart& f : r.files) cmd += " -F " + ShellQuote(CurlFileSpec(f));
    return cmd;
  }
  if (r.method == "GET") return "curl -s " + ShellQuote(r.url);
  const std::string type =
      r.content_type.empty() ? "" : " -H " + ShellQuote("Content-Type: " + r.content_type);
  return "curl -s -X " + r.method + " " + ShellQuote(r.url) + type + " --data " +
         ShellQuote(r.body);
}

size_t AppendBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
  void operator()(curl_mime* m) const { curl_mime_free(m); }
};

// Sends `r`; false, with curl's reason, when no HTTP exchange took place.
bool Send(const Request& r, Response* response, std::string* error) {
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return Error(error, "curl_easy_init failed");
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, AppendBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &response->body);
  std::unique_ptr<curl_slist, CurlDeleter> headers(curl_slist_append(nullptr, "Expect:"));
  if (!r.content_type.empty()) {
    headers.reset(
        curl_slist_append(headers.release(), ("Content-Type: " + r.content_type).c_str()));
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  std::unique_ptr<curl_mime, CurlDeleter> mime;
  if (r.multipart) {
    mime.reset(curl_mime_init(c));
    for (const auto& [k, v] : r.fields.entries()) {
      curl_mimepart* part = curl_mime_addpart(mime.get());
      curl_mime_name(part, k.c_str());
      curl_mime_data(part, v.data(), v.size());
    }
    for (const FilePart& f : r.files) {
      curl_mimepart* part = curl_mime_addpart(mime.get());
      curl_mime_name(part, f.field.c_str());
      curl_mime_filename(part, f.path.substr(f.path.find_last_of('/') + 1).c_str());
      curl_mime_data(part, f.data.data(), f.data.size());
    }
    curl_easy_setopt(c, CURLOPT_MIMEPOST, mime.get());
  } else if (r.method != "GET") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    if (r.method != "POST") curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  } else {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    *error = "cannot reach " + r.url.substr(0, r.url.find('?')) + ": " + curl_easy_strerror(rc);
    return false;
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response->status);
  return true;
}

// The envelope of a reply: true for a JSON object with an integer `code`.
bool ParseEnvelope(const std::string& body, Json::Value* reply) {
  Json::CharReaderBuilder builder;
  std::unique_ptr<Json::CharReader> reader(builder.newCharReader());
  std::string errors;
  if (!reader->parse(body.data(), body.data() + body.size(), reply, &errors)) return false;
  return reply->isObject() && (*reply)["code"].isInt();
}

// Valid JSON text indented two spaces a level, its bytes otherwise kept: jsoncpp's writers
// would sort the keys and print the money 30.00 as 30.0, misstating the reply.
std::string IndentJson(const std::string& json) {
  std::string out;
  int depth = 0;
  bool in_string = false, escaped = false;
  auto new_line = [&] { out.append(1, '\n').append(2 * depth, ' '); };
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      out.push_back(c);
      in_string = escaped || c != '"';
      escaped = !escaped && c == '\\';
      continue;
    }
    const size_t next = json.find_first_not_of(" \t\r\n", i + 1);
    const bool empty = next != std::string::npos && (json[next] == '}' || json[next] == ']');
    if (c == '"') {
      in_string = true;
      out.push_back(c);
    } else if ((c == '{' || c == '[') && empty) {
      out.append(1, c).append(1, json[next]);  // {} and [] stay as they are
      i = next;
    } else if (c == '{' || c == '[') {
      out.push_back(c);
      ++depth;
      new_line();
    } else if (c == '}' || c == ']') {
      --depth;
      new_line();
      out.push_back(c);
    } else if (c == ',') {
      out.push_back(c);
      new_line();
    } else if (c == ':') {
      out += ": ";
    } else if (!isspace(static_cast<unsigned char>(c))) {
      out.push_back(c);
    }
  }
  return out;
}

// Prints the reply to `out` (indented unless `raw`); the exit status its code calls for.
int PrintReply(const Response& response, bool raw, FILE* out) {
  if (response.status != 200) fprintf(stderr, "dtcurl: HTTP %ld\n", response.status);
  Json::Value reply;
  const bool envelope = ParseEnvelope(response.body, &reply);
  std::string text = envelope && !raw ? IndentJson(response.body) : response.body;
  if (text.empty() || text.back() != '\n') text.push_back('\n');
  fputs(text.c_str(), out);
  return envelope && reply["code"].asInt() == 0 ? kExitOk : kExitReplyError;
}

// The fake gateway's answer as it is; success when our server acknowledged its notify
// (Alipay's with "success", WeChat Pay's with 204).
int PrintGatewayReply(const Response& response, bool, FILE* out) {
  fputs(response.body.c_str(), out);
  fputs("\n", out);
  const bool acknowledged =
      response.body.find("\"notify_answer\":\"success\"") != std::string::npos ||
      response.body.find("\"notify_answer\":\"204\"") != std::string::npos;
  return response.status == 200 && acknowledged ? kExitOk : kExitReplyError;
}

// Prints the curl command, or sends the request and prints the reply with `print`.
int PrintOrSend(const Options& o, const Request& request,
                int (*print)(const Response&, bool, FILE*) = PrintReply) {
  if (o.print) {
    printf("%s\n", CurlCommand(request).c_str());
    return kExitOk;
  }
  Response response;
  std::string error;
  if (!Send(request, &response, &error)) return Fail(kExitUnreachable, error);
  return print(response, o.raw, stdout);
}

int RunApi(const Options& o, const dt::Config& config) {
  if (o.args.size() < 2) return UsageError("METHOD and PATH are needed");
  App app;
  Request request;
  std::string error;
  if (!ResolveApp(o, config, &app, &error)) return Fail(kExitUsage, error);
  if (!BuildApiRequest(o, app, &request, &error)) return UsageError(error);
  return PrintOrSend(o, request);
}

// The fake Alipay's control endpoint: the buyer pays, Alipay notifies the server.
int RunPayAlipay(const Options& o, const dt::Config& config) {
  if (o.args.size() != 4) return UsageError("pay alipay takes TRADE_NO TOTAL_FEE");
  const std::string& gateway = config.alipay_gateway;
  const size_t host = gateway.find("://");
  const size_t path = host == std::string::npos ? host : gateway.find('/', host + 3);
  if (config.alipay_app_id.empty() || path == std::string::npos) {
    return Fail(kExitUsage, "the config has no [pay.alipay] gateway (the fake's address)");
  }
  dt::Params params;
  params.Add("out_trade_no", o.args[2]);
  params.Add("total_amount", o.args[3]);
  params.Add("notify_url", config.alipay_notify_url);
  return PrintOrSend(
      o,
      MakeRequest("POST", gateway.substr(0, path) + "/control/alipay/pay", std::move(params), {}),
      PrintGatewayReply);
}

// The fake WeChat Pay's control endpoint: the buyer pays a prepay order, WeChat Pay
// notifies the server.
int RunPayWechat(const Options& o, const dt::Config& config) {
  if (o.args.size() != 3) return UsageError("pay wechat takes TRADE_NO");
  if (config.wechat_mchid.empty()) {
    return Fail(kExitUsage, "the config has no [pay.wechat] base_url (the fake's address)");
  }
  dt::Params params;
  params.Add("out_trade_no", o.args[2]);
  return PrintOrSend(
      o, MakeRequest("POST", config.wechat_base_url + "/control/wechat/pay", std::move(params), {}),
      PrintGatewayReply);
}

int RunPay(const Options& o, const dt::Config& config) {
  if (o.args.size() > 1 && o.args[1] == "alipay") return RunPayAlipay(o, config);
  if (o.args.size() > 1 && o.args[1] == "wechat") return RunPayWechat(o, config);
  if (o.args.size() < 3 || o.args.size() > 4) {
    return UsageError("pay takes TRADE_NO TOTAL_FEE [TRANSACTION_ID]");
  }
  if (!o.files.empty()) return UsageError("pay takes no -F");
  return PrintOrSend(o, BuildPayRequest(o, o.secret.empty() ? config.pay_key : o.secret));
}

// What `appstore` signs with: the test chain's leaf key and x5c (leaf, intermediate, the
// configured root), from the test_chain/ folder beside [pay.appstore] root_ca.
bool LoadTestChain(const dt::Config& config, dt::EcKey* key, std::vector<std::string>* der,
                   std::string* error) {
  if (config.appstore_bundle_id.empty()) return Error(error, "the config has no [pay.appstore]");
  const std::string dir = Dirname(config.appstore_root_file) + "/test_chain/";
  std::string pem, leaf, inter;
  if (!ReadFile(dir + "leaf.key", &pem, error)) {
    return Error(error, *error + " (appstore signs with a test chain, beside a test root only)");
  }
  if (!dt::EcKey::FromPrivatePem(pem, key, error)) return Error(error, dir + "leaf.key: " + *error);
  for (const char* name : {"leaf.pem", "inter.pem"}) {
    std::string text, cert;
    if (!ReadFile(dir + name, &text, error)) return false;
    if (!dt::CertificateDerFromPem(text, &cert, error))
      return Error(error, dir + name + ": " + *error);
    der->push_back(std::move(cert));
  }
  der->push_back(config.appstore_root_der);
  return true;
}

// A transaction of `product` (the App Store's product id) for `days` from now, as StoreKit 2
// signs it.
std::string MintTransaction(const dt::Config& config, const dt::EcKey& key,
                            const std::vector<std::string>& der, const std::string& id,
                            const std::string& original, const std::string& product, int days,
                            const std::string& token, bool revoked) {
  const int64_t now_ms = dt::SystemClock().NowSeconds() * 1000;
  dt::JsonWriter t;
  t.Str("transactionId", id).Str("originalTransactionId", original);
  t.Str("bundleId", config.appstore_bundle_id).Str("productId", product);
  t.Int("purchaseDate", now_ms).Int("originalPurchaseDate", now_ms);
  t.Int("expiresDate", now_ms + int64_t{days} * 86400000).Int("quantity", 1);
  t.Str("type", "Auto-Renewable Subscription").Str("inAppOwnershipType", "PURCHASED");
  if (!token.empty()) t.Str("appAccountToken", token);
  if (revoked) t.Int("revocationDate", now_ms).Int("revocationReason", 0);
  t.Int("signedDate", now_ms).Str("environment", config.appstore_environment);
  return dt::MintAppleJws(t.Close(), key, der);
}

// appstore buy PRODUCT: the caller's token from vip/info, then the signed purchase to
// vip/appstore/verify.
int RunAppStoreBuy(const Options& o, const dt::Config& config, const dt::EcKey& key,
                   const std::vector<std::string>& der) {
  const std::string& kind = o.args[2];
  const std::string product = kind == "monthly"     ? config.appstore_monthly
                              : kind == "quarterly" ? config.appstore_quarterly
                              : kind == "yearly"    ? config.appstore_yearly
                                                    : "";
  const int days = kind == "monthly" ? 30 : kind == "quarterly" ? 90 : 365;
  if (product.empty()) return UsageError("appstore buy takes monthly, quarterly or yearly");
  if (o.token.empty() || o.user.empty()) return UsageError("appstore buy needs -t TOKEN -u USER");
  if (o.print) return UsageError("appstore buy cannot be printed: it needs vip/info first");
  App app;
  std::string error;
  if (!ResolveApp(o, config, &app, &error)) return Fail(kExitUsage, error);
  dt::Params params;
  Response response;
  Json::Value info;
  if (!AddParam(&params, "userId", o.user, &error) ||
      !SignRequest(app, o.token, true, &params, &error)) {
    return UsageError(error);
  }
  if (!Send(MakeRequest("GET", BaseUrl(o.base) + "/api/vip/info", std::move(params), {}), &response,
            &error)) {
    return Fail(kExitUnreachable, error);
  }
  if (!ParseEnvelope(response.body, &info) || info["code"].asInt() != 0) {
    fprintf(stderr, "dtcurl: /api/vip/info failed:\n");
    return PrintReply(response, o.raw, stderr);
  }
  const std::string id = "2" + std::to_string(dt::SystemClock().NowSeconds()) +
                         std::to_string(100000 + dt::RandomBelow(900000));
  const std::string jws = MintTransaction(config, key, der, id, id, product, days,
                                          info["data"]["app_account_token"].asString(), false);
  params = dt::Params();
  params.Add("signedTransaction", jws);
  if (!AddParam(&params, "userId", o.user, &error) ||
      !SignRequest(app, o.token, true, &params, &error)) {
    return UsageError(error);
  }
  return PrintOrSend(
      o, MakeRequest("POST", BaseUrl(o.base) + "/api/vip/appstore/verify", std::move(params), {}));
}

// The App Store's answer: its HTTP status and body; success on 200.
int PrintAppStoreReply(const Response& response, bool, FILE* out) {
  fprintf(out, "HTTP %ld %s\n", response.status, response.body.c_str());
  return response.status == 200 ? kExitOk : kExitReplyError;
}

// appstore notify TYPE TRANSACTION_ID [SUBTYPE]: a signed notification V2.
int RunAppStoreNotify(const Options& o, const dt::Config& config, const dt::EcKey& key,
                      const std::vector<std::string>& der) {
  if (o.args.size() < 4 || o.args.size() > 5) {
    return UsageError("appstore notify takes TYPE TRANSACTION_ID [SUBTYPE]");
  }
  const std::string& type = o.args[2];
  const std::string& id = o.args[3];
  const std::string subtype = o.args.size() > 4 ? o.args[4] : "";
  const int64_t now = dt::SystemClock().NowSeconds();
  dt::JsonWriter n;
  n.Str("notificationType", type);
  if (!subtype.empty()) n.Str("subtype", subtype);
  n.Str("notificationUUID", dt::HexEncode(dt::RandomBytes(16))).Object("data");
  n.Str("bundleId", config.appstore_bundle_id).Str("environment", config.appstore_environment);
  if (type == "SUBSCRIBED" || type == "DID_RENEW") {
    const std::string renewal = id + std::to_string(now % 100000);
    n.Str("signedTransactionInfo",
          MintTransaction(config, key, der, renewal, id, config.appstore_monthly, 30, "", false));
  } else if (type == "REFUND" || type == "REVOKE") {
    n.Str("signedTransactionInfo",
          MintTransaction(config, key, der, id, id, config.appstore_monthly, 30, "", true));
  } else if (type != "TEST") {
    dt::JsonWriter r;
    r.Str("originalTransactionId", id).Str("productId", config.appstore_monthly);
    r.Str("autoRenewProductId", config.appstore_monthly);
    r.Int("autoRenewStatus", subtype == "AUTO_RENEW_DISABLED" || type == "EXPIRED" ? 0 : 1);
    if (subtype == "GRACE_PERIOD") {
      r.Int("gracePeriodExpiresDate", (now + 16 * 86400) * 1000)
          .Bool("isInBillingRetryPeriod", true);
    }
    r.Int("signedDate", now * 1000).Str("environment", config.appstore_environment);
    n.Str("signedRenewalInfo", dt::MintAppleJws(r.Close(), key, der));
  }
  n.End().Str("version", "2.0").Int("signedDate", now * 1000);
  dt::JsonWriter body;
  body.Str("signedPayload", dt::MintAppleJws(n.Close(), key, der));
  Request request = MakeRequest("POST", BaseUrl(o.base) + "/api/vip/appstore/notify", {}, {});
  request.body = body.Close();
  request.content_type = "application/json";
  return PrintOrSend(o, request, PrintAppStoreReply);
}

int RunAppStore(const Options& o, const dt::Config& config) {
  const std::string verb = o.args.size() > 1 ? o.args[1] : "";
  if (verb != "buy" && verb != "notify") return UsageError("appstore takes buy or notify");
  if (verb == "buy" && o.args.size() != 3) return UsageError("appstore buy takes PRODUCT");
  dt::EcKey key;
  std::vector<std::string> der;
  std::string error;
  if (!LoadTestChain(config, &key, &der, &error)) return Fail(kExitUsage, error);
  return verb == "buy" ? RunAppStoreBuy(o, config, key, der)
                       : RunAppStoreNotify(o, config, key, der);
}

// What an events stream wrote: printed as it comes, the last "id: " kept.
struct EventStream {
  std::string last_id;
  std::string pending;  // a line not ended yet
  std::string head;     // the first bytes, to tell a JSON refusal from a stream
};

size_t StreamEvents(char* data, size_t size, size_t n, void* out) {
  EventStream* s = static_cast<EventStream*>(out);
  const std::string_view chunk(data, size * n);
  if (s->head.size() < 64) s->head.append(chunk.substr(0, 64 - s->head.size()));
  fwrite(chunk.data(), 1, chunk.size(), stdout);
  fflush(stdout);
  s->pending.append(chunk);
  for (size_t end; (end = s->pending.find('\n')) != std::string::npos;) {
    const std::string line = s->pending.substr(0, end);
    if (line.rfind("id: ", 0) == 0) s->last_id = line.substr(4);
    s->pending.erase(0, end + 1);
  }
  return size * n;
}

// events: EventSource streams one after another, each signed anew, resuming at the last id.
int RunEvents(const Options& o, const dt::Config& config) {
  if (o.args.size() != 1) return UsageError("events takes no operands");
  if (o.token.empty() || o.user.empty()) return UsageError("events needs -t TOKEN -u USER");
  App app;
  std::string error;
  if (!ResolveApp(o, config, &app, &error)) return Fail(kExitUsage, error);
  EventStream stream;
  for (int quick_failures = 0; quick_failures < 3;) {
    dt::Params params;
    if (!AddParam(&params, "userId", o.user, &error) ||
        !SignRequest(app, o.token, true, &params, &error)) {
      return UsageError(error);
    }
    const Request r = MakeRequest("GET", BaseUrl(o.base) + "/api/events", std::move(params), {});
    if (o.print) {
      printf("%s -N -H 'Accept: text/event-stream'\n", CurlCommand(r).c_str());
      return kExitOk;
    }
    std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
    std::unique_ptr<curl_slist, CurlDeleter> headers(
        curl_slist_append(nullptr, "Accept: text/event-stream"));
    if (!stream.last_id.empty()) {
      headers.reset(
          curl_slist_append(headers.release(), ("Last-Event-ID: " + stream.last_id).c_str()));
    }
    curl_easy_setopt(curl.get(), CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 10L);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, StreamEvents);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &stream);
    stream.head.clear();
    const auto start = dt::SystemClock().Now();
    const CURLcode rc = curl_easy_perform(curl.get());
    if (stream.head.rfind("{", 0) == 0) return kExitReplyError;  // refused: the JSON is printed
    if (rc != CURLE_OK) {
      fprintf(stderr, "dtcurl: %s\n", curl_easy_strerror(rc));
      if (dt::SystemClock().Now() - start < 5) ++quick_failures;
      sleep(1);
    }
  }
  return Fail(kExitUnreachable, "the events stream keeps failing");
}

// One signed POST for login; on failure prints why (the reply on stderr) and sets *status.
bool PostSigned(const Options& o, const App& app, const std::string& path,
                const std::vector<std::string>& pairs, Json::Value* reply, int* status) {
  dt::Params params;
  std::string error;
  Response response;
  if (!AddPairs(pairs, &params, &error) || !SignRequest(app, "", false, &params, &error)) {
    *status = UsageError(error);
    return false;
  }
  if (!Send(MakeRequest("POST", BaseUrl(o.base) + path, std::move(params), {}), &response,
            &error)) {
    *status = Fail(kExitUnreachable, error);
    return false;
  }
  if (!ParseEnvelope(response.body, reply) || (*reply)["code"].asInt() != 0) {
    fprintf(stderr, "dtcurl: %s failed:\n", path.c_str());
    *status = PrintReply(response, o.raw, stderr);
    return false;
  }
  return true;
}

// sendsms, then login with the code the server echoes (development config only).
int RunLogin(const Options& o, const dt::Config& config) {
  if (o.args.size() != 2) return UsageError("login takes PHONE");
  if (o.print) return UsageError("login cannot be printed: it needs the first reply");
  App app;
  std::string error;
  if (!ResolveApp(o, config, &app, &error)) return Fail(kExitUsage, error);
  const std::string phone = "phone=" + o.args[1];
  Json::Value sent, login;
  int status = kExitOk;
  if (!PostSigned(o, app, "/api/auth/sendsms", {phone}, &sent, &status)) return status;
  const Json::Value& code = sent["data"]["code"];
  if (!code.isString()) {
    return Fail(kExitReplyError,
                "the server does not echo SMS codes ([sms] echo = 0): log in with "
                "POST /api/auth/login phone=... code=...");
  }
  if (!PostSigned(o, app, "/api/auth/login", {phone, "code=" + code.asString()}, &login, &status)) {
    return status;
  }
  const Json::Value& data = login["data"];
  const std::string user = std::to_string(data["user_id"].asInt64());
  printf("export DT_TOKEN=%s DT_USER=%s  # token expires %s\n",
         ShellQuote(data["token"].asString()).c_str(), user.c_str(),
         data["expire_time"].asString().c_str());
  return kExitOk;
}

int Run(Options& o) {
  dt::Config config;
  std::string error;
  if (!LoadConfigFile(&o, &config, &error)) return Fail(kExitUsage, error);
  const std::string& command = o.args[0];
  if (command == "pay") return RunPay(o, config);
  if (command == "login") return RunLogin(o, config);
  if (command == "appstore") return RunAppStore(o, config);
  if (command == "events") return RunEvents(o, config);
  return RunApi(o, config);
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  std::string error;
  if (!ParseArgs(argc, argv, &options, &error)) return UsageError(error);
  if (options.help) {
    fputs(kUsage, stdout);
    return kExitOk;
  }
  if (options.args.empty())
    return UsageError("no METHOD PATH, pay, appstore, events or login given");
  curl_global_init(CURL_GLOBAL_DEFAULT);
  int status;
  try {
    status = Run(options);
  } catch (const std::exception& e) {  // RandomBytes, or jsoncpp on a reply it dislikes
    status = Fail(kExitReplyError, e.what());
  }
  curl_global_cleanup();
  return status;
}
