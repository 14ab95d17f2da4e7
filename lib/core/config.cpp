// The key table and the INI reader behind Config.
#include "lib/core/config.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <variant>
#include <vector>

#include "lib/core/args.h"
#include "lib/core/json_read.h"
#include "lib/core/phone.h"

namespace dt {
namespace {

using Field = std::variant<int Config::*, int64_t Config::*, bool Config::*, std::string Config::*>;

struct Key {
  const char* section;
  const char* name;
  Field field;
  bool required;
  int64_t min, max;  // for numbers
};

constexpr int64_t kMaxInt = 2147483647;

const std::vector<Key>& KeyTable() {
  static const std::vector<Key> keys = {
      {"server", "environment", &Config::environment, false, 0, 0},
      {"server", "threads", &Config::threads, false, 1, 256},
      {"server", "body_limit", &Config::body_limit, false, 1024, 64 << 20},
      {"server", "upload_limit", &Config::upload_limit, false, 1024, 1 << 30},
      {"server", "max_params", &Config::max_params, false, 8, 1024},
      {"server", "max_param_length", &Config::max_param_length, false, 64, 1 << 20},
      {"server", "timestamp_window", &Config::timestamp_window, false, 1, 86400},
      {"server", "token_ttl_days", &Config::token_ttl_days, false, 1, 365},
      {"server", "max_sessions", &Config::max_sessions, false, 1, 100},
      {"server", "access_log", &Config::access_log, false, 0, 1},
      {"mysql", "host", &Config::mysql_host, false, 0, 0},
      {"mysql", "port", &Config::mysql_port, false, 1, 65535},
      {"mysql", "socket", &Config::mysql_socket, false, 0, 0},
      {"mysql", "user", &Config::mysql_user, true, 0, 0},
      {"mysql", "password", &Config::mysql_password, false, 0, 0},
      {"mysql", "database", &Config::mysql_database, true, 0, 0},
      {"mysql", "connect_timeout", &Config::mysql_connect_timeout, false, 1, 60},
      {"mysql", "read_timeout", &Config::mysql_read_timeout, false, 1, 600},
      {"mysql", "write_timeout", &Config::mysql_write_timeout, false, 1, 600},
      {"redis", "host", &Config::redis_host, false, 0, 0},
      {"redis", "port", &Config::redis_port, false, 1, 65535},
      {"redis", "socket", &Config::redis_socket, false, 0, 0},
      {"redis", "password", &Config::redis_password, false, 0, 0},
      {"redis", "db", &Config::redis_db, false, 0, 15},
      {"redis", "timeout_ms", &Config::redis_timeout_ms, false, 10, 60000},
      {"redis", "sentinels", &Config::redis_sentinel_hosts, false, 0, 0},
      {"redis", "master_name", &Config::redis_master_name, false, 0, 0},
      {"mysql.replica", "hosts", &Config::mysql_replica_hosts, false, 0, 0},
      {"cache", "profile_ttl", &Config::profile_ttl, false, 1, 86400},
      {"message", "per_peer_per_minute", &Config::message_per_peer, false, 1, 100000},
      {"message", "per_minute", &Config::message_per_minute, false, 1, 100000},
      {"message", "unreplied", &Config::message_unreplied, false, 1, 1000},
      {"limits", "upload_per_hour", &Config::upload_per_hour, false, 1, kMaxInt},
      {"limits", "order_per_hour", &Config::order_per_hour, false, 1, kMaxInt},
      {"limits", "report_per_day", &Config::report_per_day, false, 1, kMaxInt},
      {"limits", "search_per_minute", &Config::search_per_minute, false, 1, kMaxInt},
      {"limits", "like_per_minute", &Config::like_per_minute, false, 1, kMaxInt},
      {"limits", "typing_per_minute", &Config::typing_per_minute, false, 1, kMaxInt},
      {"discovery", "likes_per_day", &Config::likes_per_day, false, 1, kMaxInt},
      {"discovery", "superlikes_per_day", &Config::superlikes_per_day, false, 0, kMaxInt},
      {"discovery", "vip_superlikes_per_day", &Config::vip_superlikes_per_day, false, 0, kMaxInt},
      {"discovery", "boost_minutes", &Config::boost_minutes, false, 1, 1440},
      {"discovery", "boost_every_days", &Config::boost_every_days, false, 1, 365},
      {"discovery", "deck_pool_seconds", &Config::deck_pool_seconds, false, 0, 3600},
      {"events", "publisher", &Config::events_publisher, false, 0, 0},
      {"events", "timeout_ms", &Config::events_timeout_ms, false, 10, 10000},
      {"safety", "report_threshold", &Config::report_threshold, false, 1, 1000},
      {"moderation", "words", &Config::words_file, false, 0, 0},
      {"moderation", "message_words", &Config::message_words, false, 0, 0},
      {"moderation", "photos", &Config::photos, false, 0, 0},
      {"operator", "allow", &Config::operator_allow_text, false, 0, 0},
      {"operator", "session_seconds", &Config::operator_session_seconds, false, 60, 604800},
      {"operator", "idle_seconds", &Config::operator_idle_seconds, false, 60, 604800},
      {"operator", "scrypt_log2n", &Config::operator_scrypt_log2n, false, 10, 20},
      {"operator", "login_failures", &Config::operator_login_failures, false, 1, 1000},
      {"safety", "reporter_min_days", &Config::reporter_min_days, false, 0, 3650},
      {"safety", "reporter_min_messages", &Config::reporter_min_messages, false, 0, 100000},
      {"sms", "provider", &Config::sms_provider, false, 0, 0},
      {"sms", "senders", &Config::sms_senders_text, false, 0, 0},
      {"sms", "outbox", &Config::sms_outbox, false, 0, 0},
      {"sms", "connect_timeout_ms", &Config::sms_connect_timeout_ms, false, 100, 60000},
      {"sms", "timeout_ms", &Config::sms_timeout_ms, false, 100, 60000},
      {"sms", "breaker_failures", &Config::sms_breaker_failures, false, 1, 1000},
      {"sms", "breaker_seconds", &Config::sms_breaker_seconds, false, 1, 86400},
      {"sms", "countries", &Config::sms_countries_text, false, 0, 0},
      {"sms", "prefix_digits", &Config::sms_prefix_digits, false, 3, 15},
      {"sms", "prefix_daily_limit", &Config::sms_prefix_daily_limit, false, 1, kMaxInt},
      {"sms", "daily_budget", &Config::sms_daily_budget, false, 1, kMaxInt},
      {"sms", "ca_file", &Config::sms_ca_file, false, 0, 0},
      {"sms.aliyun", "endpoint", &Config::aliyun_endpoint, false, 0, 0},
      {"sms.aliyun", "access_key_id", &Config::aliyun_access_key_id, false, 0, 0},
      {"sms.aliyun", "access_key_secret", &Config::aliyun_access_key_secret, false, 0, 0},
      {"sms.aliyun", "sign_name", &Config::aliyun_sign_name, false, 0, 0},
      {"sms.aliyun", "template_code", &Config::aliyun_template_code, false, 0, 0},
      {"sms.aliyun", "international_template_code", &Config::aliyun_international_template_code,
       false, 0, 0},
      {"sms.tencent", "endpoint", &Config::tencent_endpoint, false, 0, 0},
      {"sms.tencent", "secret_id", &Config::tencent_secret_id, false, 0, 0},
      {"sms.tencent", "secret_key", &Config::tencent_secret_key, false, 0, 0},
      {"sms.tencent", "sdk_app_id", &Config::tencent_sdk_app_id, false, 0, 0},
      {"sms.tencent", "sign_name", &Config::tencent_sign_name, false, 0, 0},
      {"sms.tencent", "template_id", &Config::tencent_template_id, false, 0, 0},
      {"sms.tencent", "international_template_id", &Config::tencent_international_template_id,
       false, 0, 0},
      {"sms.tencent", "region", &Config::tencent_region, false, 0, 0},
      {"sms", "echo", &Config::sms_echo, false, 0, 1},
      {"sms", "ip_limit", &Config::sms_ip_limit, false, 1, kMaxInt},
      {"sms", "default_region", &Config::sms_default_region, false, 0, 0},
      {"sms", "test_numbers", &Config::sms_test_numbers_text, false, 0, 0},
      {"pay", "key", &Config::pay_key, true, 0, 0},
      {"pay", "timeout_ms", &Config::pay_timeout_ms, false, 100, 60000},
      {"pay", "reconcile_after", &Config::pay_reconcile_after, false, 1, 86400},
      {"pay", "reconcile_every", &Config::pay_reconcile_every, false, 1, 86400},
      {"pay.alipay", "app_id", &Config::alipay_app_id, false, 0, 0},
      {"pay.alipay", "seller_id", &Config::alipay_seller_id, false, 0, 0},
      {"pay.alipay", "merchant_private_key", &Config::alipay_private_key_file, false, 0, 0},
      {"pay.alipay", "alipay_public_key", &Config::alipay_public_key_file, false, 0, 0},
      {"pay.alipay", "gateway", &Config::alipay_gateway, false, 0, 0},
      {"pay.alipay", "notify_url", &Config::alipay_notify_url, false, 0, 0},
      {"pay.wechat", "mchid", &Config::wechat_mchid, false, 0, 0},
      {"pay.wechat", "appid", &Config::wechat_appid, false, 0, 0},
      {"pay.wechat", "serial_no", &Config::wechat_serial_no, false, 0, 0},
      {"pay.wechat", "merchant_private_key", &Config::wechat_private_key_file, false, 0, 0},
      {"pay.wechat", "api_v3_key", &Config::wechat_api_v3_key, false, 0, 0},
      {"pay.wechat", "public_key", &Config::wechat_public_key_file, false, 0, 0},
      {"pay.wechat", "public_key_id", &Config::wechat_public_key_id, false, 0, 0},
      {"pay.wechat", "base_url", &Config::wechat_base_url, false, 0, 0},
      {"pay.wechat", "notify_url", &Config::wechat_notify_url, false, 0, 0},
      {"push", "collapse_seconds", &Config::push_collapse_seconds, false, 0, 3600},
      {"push", "timeout_ms", &Config::push_timeout_ms, false, 100, 60000},
      {"push", "ca_file", &Config::push_ca_file, false, 0, 0},
      {"push.apns", "key_file", &Config::apns_key_file, false, 0, 0},
      {"push.apns", "key_id", &Config::apns_key_id, false, 0, 0},
      {"push.apns", "team_id", &Config::apns_team_id, false, 0, 0},
      {"push.apns", "bundle_id", &Config::apns_bundle_id, false, 0, 0},
      {"push.apns", "endpoint", &Config::apns_endpoint, false, 0, 0},
      {"push.fcm", "service_account", &Config::fcm_service_account_file, false, 0, 0},
      {"push.fcm", "endpoint", &Config::fcm_endpoint, false, 0, 0},
      {"push.fcm", "token_url", &Config::fcm_token_url, false, 0, 0},
      {"pay.appstore", "bundle_id", &Config::appstore_bundle_id, false, 0, 0},
      {"pay.appstore", "environment", &Config::appstore_environment, false, 0, 0},
      {"pay.appstore", "root_ca", &Config::appstore_root_file, false, 0, 0},
      {"pay.appstore", "monthly", &Config::appstore_monthly, false, 0, 0},
      {"pay.appstore", "quarterly", &Config::appstore_quarterly, false, 0, 0},
      {"pay.appstore", "yearly", &Config::appstore_yearly, false, 0, 0},
      {"media", "root", &Config::media_root, true, 0, 0},
      {"media", "url", &Config::media_url, true, 0, 0},
  };
  return keys;
}

std::string Trim(std::string_view s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  size_t e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

Status Invalid(const std::string& where, const std::string& why) {
  return Status::Internal("config: " + where + " " + why);
}

Status SetValue(const Key& key, const std::string& value, Config* c) {
  std::string where = std::string("[") + key.section + "] " + key.name;
  if (auto* s = std::get_if<std::string Config::*>(&key.field)) {
    if (key.required && value.empty()) return Invalid(where, "must not be empty");
    c->*(*s) = value;
    return Status::Ok();
  }
  if (auto* b = std::get_if<bool Config::*>(&key.field)) {
    if (value == "1" || value == "true" || value == "on" || value == "yes") {
      c->*(*b) = true;
    } else if (value == "0" || value == "false" || value == "off" || value == "no") {
      c->*(*b) = false;
    } else {
      return Invalid(where, "= '" + value + "' is not a boolean (0/1, true/false, on/off)");
    }
    return Status::Ok();
  }
  int64_t v;
  if (!ParseInt64(value, &v) || v < key.min || v > key.max) {
    return Invalid(where, "= '" + value + "' is not an integer in " + std::to_string(key.min) +
                              ".." + std::to_string(key.max));
  }
  if (auto* i = std::get_if<int Config::*>(&key.field)) {
    c->*(*i) = static_cast<int>(v);
  } else {
    c->*std::get<int64_t Config::*>(key.field) = v;
  }
  return Status::Ok();
}

Status SetAppValue(const std::string& appkey, const std::string& name, const std::string& value,
                   Config* c) {
  std::string where = "[app." + appkey + "] " + name;
  AppConfig& app = c->apps[appkey];
  if (name == "secret") {
    if (value.empty()) return Invalid(where, "must not be empty");
    app.secret = value;
  } else if (name == "legacy") {
    if (value != "0" && value != "1") return Invalid(where, "= '" + value + "' is not 0 or 1");
    app.legacy = value == "1";
  } else if (name == "sign") {
    if (value == "md5") {
      app.method = SignMethod::kMd5;
    } else if (value == "hmac-sha256") {
      app.method = SignMethod::kHmacSha256;
    } else {
      return Invalid(where, "= '" + value + "' is not md5 or hmac-sha256");
    }
  } else {
    return Invalid(where, "is not a known key");
  }
  return Status::Ok();
}

bool ValidAppKey(const std::string& appkey) {
  if (appkey.empty() || appkey.size() > 64) return false;
  for (char ch : appkey) {
    if (!isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') return false;
  }
  return true;
}

// "18922986865:97532, +8613800138000:1234": each number a valid mobile of `region`, each
// code 4-8 digits, no number twice.
Status ParseTestNumbers(const std::string& text, const std::string& region,
                        std::map<std::string, std::string, std::less<>>* out) {
  const std::string where = "[sms] test_numbers";
  for (size_t start = 0; start <= text.size();) {
    const size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = Trim(std::string_view(text).substr(start, comma - start));
    start = comma + 1;
    const size_t colon = item.find(':');
    if (colon == std::string::npos) return Invalid(where, "item '" + item + "' is not number:code");
    std::string e164;
    const std::string number = Trim(std::string_view(item).substr(0, colon));
    const std::string code = Trim(std::string_view(item).substr(colon + 1));
    if (!NormalizeMobile(number, region, &e164)) {
      return Invalid(where, "'" + number + "' is not a valid mobile number");
    }
    if (code.size() < 4 || code.size() > 8 ||
        code.find_first_not_of("0123456789") != std::string::npos) {
      return Invalid(where, "the code of " + number + " is not 4-8 digits");
    }
    if (!out->emplace(e164, code).second) return Invalid(where, "names " + e164 + " twice");
  }
  return Status::Ok();
}

// A pay key or app secret good enough for production; else the reason.
Status CheckSecret(const std::string& where, const std::string& secret) {
  if (IsPlaceholderSecret(secret)) {
    return Invalid(where, "is a placeholder: put a long random value here (openssl rand -hex 24)");
  }
  if (secret.size() < kMinSecretBytes) {
    return Invalid(where, "is shorter than " + std::to_string(kMinSecretBytes) +
                              " bytes: use a long random value (openssl rand -hex 24)");
  }
  return Status::Ok();
}

}  // namespace

bool IsPlaceholderSecret(std::string_view secret) {
  std::string folded;  // lower case, letters and digits only: "Change_Me!" -> "changeme"
  for (unsigned char c : secret) {
    if (isalnum(c)) folded.push_back(static_cast<char>(tolower(c)));
  }
  if (folded.empty() || folded.find_first_not_of(folded[0]) == std::string::npos) return true;
  for (const char* start : {"changeme", "replaceme", "yoursecret", "yourkey", "placeholder",
                            "example", "secret", "password", "todo", "fixme"}) {
    if (folded.rfind(start, 0) == 0) return true;
  }
  return false;
}

bool ParseEndpoints(std::string_view list, int default_port, std::vector<Endpoint>* out) {
  std::vector<Endpoint> parsed;
  for (size_t start = 0;;) {
    const size_t comma = std::min(list.find(',', start), list.size());
    const std::string item = Trim(list.substr(start, comma - start));
    if (item.empty()) return false;
    Endpoint e;
    if (item[0] == '/') {
      e.socket = item;
    } else {
      const size_t colon = item.rfind(':');
      e.host = item.substr(0, colon);
      e.port = default_port;
      if (colon != std::string::npos) {
        int64_t port;
        if (!ParseInt64(item.substr(colon + 1), &port) || port < 1 || port > 65535) return false;
        e.port = static_cast<int>(port);
      }
      if (e.host.empty()) return false;
      for (char ch : e.host) {
        if (!isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != '-') return false;
      }
    }
    parsed.push_back(std::move(e));
    if (comma == list.size()) break;
    start = comma + 1;
  }
  *out = std::move(parsed);
  return true;
}

// The bytes of the file at `path`; *ok false when it cannot be read.
std::string ReadFile(const std::string& path, bool* ok) {
  std::ifstream in(path, std::ios::binary);
  *ok = static_cast<bool>(in);
  std::ostringstream text;
  if (*ok) text << in.rdbuf();
  return text.str();
}

// The PEM key file of `where`; refused when missing, unreadable or not an RSA key of 2048
// bits or more, public or private as asked.
Status LoadKey(const std::string& where, const std::string& path, bool private_key, RsaKey* out) {
  if (path.empty()) return Invalid(where, "is missing");
  bool read = false;
  const std::string text = ReadFile(path, &read);
  if (!read) return Invalid(where, "= '" + path + "' cannot be read");
  std::string error;
  const bool ok = private_key ? RsaKey::FromPrivatePem(text, out, &error)
                              : RsaKey::FromPublicPem(text, out, &error);
  if (!ok)
    return Invalid(where, "= '" + path + "' is " + error +
                              (private_key ? " (a private key)" : " (a public key)"));
  return Status::Ok();
}

bool HttpUrl(const std::string& url, bool production) {
  return url.rfind("https://", 0) == 0 || (!production && url.rfind("http://", 0) == 0);
}

// [push.apns]: every identity given, the key a P-256 private key (Apple's .p8).
Status CheckApns(Config& c, bool production) {
  for (const auto& [name, value] : {std::pair{"key_id", &c.apns_key_id},
                                    {"team_id", &c.apns_team_id},
                                    {"bundle_id", &c.apns_bundle_id},
                                    {"key_file", &c.apns_key_file}}) {
    if (value->empty()) return Invalid(std::string("[push.apns] ") + name, "is missing");
  }
  bool ok = false;
  const std::string pem = ReadFile(c.apns_key_file, &ok);
  if (!ok) return Invalid("[push.apns] key_file", "= '" + c.apns_key_file + "' cannot be read");
  std::string error;
  if (!EcKey::FromPrivatePem(pem, &c.apns_key, &error)) {
    return Invalid("[push.apns] key_file", "= '" + c.apns_key_file + "' is " + error);
  }
  while (c.apns_endpoint.size() > 8 && c.apns_endpoint.back() == '/') c.apns_endpoint.pop_back();
  if (!HttpUrl(c.apns_endpoint, production)) {
    return Invalid("[push.apns] endpoint", "= '" + c.apns_endpoint + "' is not an https URL");
  }
  return Status::Ok();
}

// [push.fcm]: the service account file as the Firebase console gives it (project_id,
// client_email, private_key, token_uri).
Status CheckFcm(Config& c, bool production) {
  const std::string where = "[push.fcm] service_account";
  if (c.fcm_service_account_file.empty()) return Invalid(where, "is missing");
  bool ok = false;
  const std::string text = ReadFile(c.fcm_service_account_file, &ok);
  if (!ok) return Invalid(where, "= '" + c.fcm_service_account_file + "' cannot be read");
  Json::Value account;
  if (!ParseJsonObject(text, &account)) {
    return Invalid(where, "= '" + c.fcm_service_account_file + "' is not JSON");
  }
  for (const char* name : {"project_id", "client_email", "private_key", "token_uri"}) {
    if (!account[name].isString() || account[name].asString().empty()) {
      return Invalid(where, "has no " + std::string(name));
    }
  }
  c.fcm_project_id = account["project_id"].asString();
  c.fcm_client_email = account["client_email"].asString();
  std::string error;
  if (!RsaKey::FromPrivatePem(account["private_key"].asString(), &c.fcm_key, &error)) {
    return Invalid(where, "has a private_key that is " + error);
  }
  if (c.fcm_token_url.empty()) c.fcm_token_url = account["token_uri"].asString();
  while (c.fcm_endpoint.size() > 8 && c.fcm_endpoint.back() == '/') c.fcm_endpoint.pop_back();
  for (const auto& [name, value] :
       {std::pair{"endpoint", &c.fcm_endpoint}, {"token_url", &c.fcm_token_url}}) {
    if (!HttpUrl(*value, production)) {
      return Invalid(std::string("[push.fcm] ") + name, "= '" + *value + "' is not an https URL");
    }
  }
  return Status::Ok();
}

// "a, b,c" as {"a", "b", "c"}: comma-separated, spaces trimmed, empty items dropped.
std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const size_t first = item.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    items.push_back(item.substr(first, item.find_last_not_of(" \t") - first + 1));
  }
  return items;
}

namespace {

// `text` as 16 bytes (IPv4 mapped into IPv6, *v4 set); false when it is no address.
bool Address16(const std::string& text, std::string* out, bool* v4) {
  unsigned char bytes[16] = {};
  *v4 = inet_pton(AF_INET, text.c_str(), bytes + 12) == 1;
  if (*v4) {
    bytes[10] = bytes[11] = 0xff;
  } else if (inet_pton(AF_INET6, text.c_str(), bytes) != 1) {
    return false;
  }
  out->assign(reinterpret_cast<char*>(bytes), 16);
  return true;
}

}  // namespace

bool ParseCidrList(std::string_view list, std::vector<std::pair<std::string, int>>* out) {
  std::vector<std::pair<std::string, int>> parsed;
  for (const std::string& item : SplitList(std::string(list))) {
    const size_t slash = item.find('/');
    std::string address;
    bool v4 = false;
    if (!Address16(item.substr(0, slash), &address, &v4)) return false;
    int64_t bits = v4 ? 32 : 128;
    if (slash != std::string::npos &&
        (!ParseInt64(item.substr(slash + 1), &bits) || bits < 0 || bits > (v4 ? 32 : 128))) {
      return false;
    }
    parsed.emplace_back(address, static_cast<int>(v4 ? bits + 96 : bits));
  }
  *out = std::move(parsed);
  return true;
}

bool AddressInBlocks(std::string_view ip, const std::vector<std::pair<std::string, int>>& blocks) {
  std::string address;
  bool v4 = false;
  if (!Address16(std::string(ip), &address, &v4)) return false;
  for (const auto& [block, bits] : blocks) {
    int i = 0;
    for (; i + 8 <= bits && address[i / 8] == block[i / 8]; i += 8) {
    }
    if (i + 8 <= bits) continue;  // a whole byte differs
    const int rest = bits - i;
    if (rest == 0) return true;
    const unsigned mask = rest == 0 ? 0 : (0xff00u >> rest) & 0xff;
    if (((static_cast<unsigned char>(address[i / 8]) ^ static_cast<unsigned char>(block[i / 8])) &
         mask) == 0) {
      return true;
    }
  }
  return false;
}

// [sms] senders (or provider), countries and each named sender's section.
Status CheckSmsSenders(Config& c) {
  if (!c.sms_senders_text.empty() && !c.sms_provider.empty()) {
    return Invalid("[sms] provider", "and senders are both set: keep senders");
  }
  const std::string& list = c.sms_senders_text.empty() ? c.sms_provider : c.sms_senders_text;
  const char* where = c.sms_senders_text.empty() ? "[sms] provider" : "[sms] senders";
  c.sms_senders.clear();
  for (const std::string& name : SplitList(list.empty() ? "log" : list)) {
    if (name != "log" && name != "aliyun" && name != "tencent") {
      return Invalid(where, "names '" + name + "', not a sender (aliyun, tencent, log)");
    }
    if (std::find(c.sms_senders.begin(), c.sms_senders.end(), name) != c.sms_senders.end()) {
      return Invalid(where, "names '" + name + "' twice");
    }
    c.sms_senders.push_back(name);
  }
  if (c.sms_senders.empty()) return Invalid(where, "names no sender");
  const bool production = c.environment == "production";
  for (const std::string& name : c.sms_senders) {
    if (name == "log") {
      if (c.sms_outbox.empty())
        return Invalid("[sms] outbox", "is missing (the log sender writes codes there)");
    } else if (name == "aliyun") {
      for (const auto& [key, value] : {std::pair{"access_key_id", &c.aliyun_access_key_id},
                                       {"access_key_secret", &c.aliyun_access_key_secret},
                                       {"sign_name", &c.aliyun_sign_name},
                                       {"template_code", &c.aliyun_template_code}}) {
        if (value->empty()) return Invalid(std::string("[sms.aliyun] ") + key, "is missing");
      }
      if (!HttpUrl(c.aliyun_endpoint, production))
        return Invalid("[sms.aliyun] endpoint",
                       "= '" + c.aliyun_endpoint + "' is not an https URL");
    } else {
      for (const auto& [key, value] : {std::pair{"secret_id", &c.tencent_secret_id},
                                       {"secret_key", &c.tencent_secret_key},
                                       {"sdk_app_id", &c.tencent_sdk_app_id},
                                       {"sign_name", &c.tencent_sign_name},
                                       {"template_id", &c.tencent_template_id}}) {
        if (value->empty()) return Invalid(std::string("[sms.tencent] ") + key, "is missing");
      }
      RETURN_IF_ERROR(CheckSecret("[sms.tencent] secret_key", c.tencent_secret_key));
      if (!HttpUrl(c.tencent_endpoint, production)) {
        return Invalid("[sms.tencent] endpoint",
                       "= '" + c.tencent_endpoint + "' is not an https URL");
      }
    }
  }
  c.sms_countries.clear();
  for (const std::string& region : SplitList(c.sms_countries_text)) {
    if (!KnownPhoneRegion(region)) {
      return Invalid("[sms] countries", "names '" + region + "', not a region code (CN, US, ...)");
    }
    c.sms_countries.insert(region);
  }
  return Status::Ok();
}

// A gateway section: every key present once any is, the keys loaded, and the gateway's
// public key not the merchant's own (the usual mix-up: the application's public key
// pasted where the gateway's belongs).
Status CheckGateways(Config& c, const std::vector<bool>& seen) {
  // A section is given when any of its keys is.
  auto given = [&](const char* section) {
    for (size_t i = 0; i < KeyTable().size(); ++i) {
      if (seen[i] && !strcmp(KeyTable()[i].section, section)) return true;
    }
    return false;
  };
  const bool production = c.environment == "production";
  const bool alipay = given("pay.alipay");
  if (alipay) {
    for (const auto& [name, value] :
         {std::pair{"app_id", &c.alipay_app_id}, {"seller_id", &c.alipay_seller_id}}) {
      if (value->empty()) return Invalid(std::string("[pay.alipay] ") + name, "is missing");
    }
    RETURN_IF_ERROR(LoadKey("[pay.alipay] merchant_private_key", c.alipay_private_key_file, true,
                            &c.alipay_merchant_key));
    RETURN_IF_ERROR(LoadKey("[pay.alipay] alipay_public_key", c.alipay_public_key_file, false,
                            &c.alipay_public_key));
    if (c.alipay_public_key.SamePublicKey(c.alipay_merchant_key)) {
      return Invalid("[pay.alipay] alipay_public_key",
                     "is the merchant's own public key: configure Alipay's public key");
    }
    for (const auto& [name, value] :
         {std::pair{"gateway", &c.alipay_gateway}, {"notify_url", &c.alipay_notify_url}}) {
      if (!HttpUrl(*value, production)) {
        return Invalid(std::string("[pay.alipay] ") + name,
                       "= '" + *value + "' is not an https URL");
      }
    }
  }
  const bool wechat = given("pay.wechat");
  if (wechat) {
    for (const auto& [name, value] : {std::pair{"mchid", &c.wechat_mchid},
                                      {"appid", &c.wechat_appid},
                                      {"serial_no", &c.wechat_serial_no},
                                      {"public_key_id", &c.wechat_public_key_id}}) {
      if (value->empty()) return Invalid(std::string("[pay.wechat] ") + name, "is missing");
    }
    if (c.wechat_api_v3_key.size() != 32)
      return Invalid("[pay.wechat] api_v3_key", "is not 32 bytes");
    RETURN_IF_ERROR(LoadKey("[pay.wechat] merchant_private_key", c.wechat_private_key_file, true,
                            &c.wechat_merchant_key));
    RETURN_IF_ERROR(
        LoadKey("[pay.wechat] public_key", c.wechat_public_key_file, false, &c.wechat_public_key));
    if (c.wechat_public_key.SamePublicKey(c.wechat_merchant_key)) {
      return Invalid("[pay.wechat] public_key",
                     "is the merchant's own public key: configure the WeChat Pay public key");
    }
    for (const auto& [name, value] :
         {std::pair{"base_url", &c.wechat_base_url}, {"notify_url", &c.wechat_notify_url}}) {
      if (!HttpUrl(*value, production)) {
        return Invalid(std::string("[pay.wechat] ") + name,
                       "= '" + *value + "' is not an https URL");
      }
    }
  }
  const bool appstore = given("pay.appstore");
  if (appstore) {
    if (c.appstore_bundle_id.empty()) return Invalid("[pay.appstore] bundle_id", "is missing");
    if (c.appstore_environment != "Production" && c.appstore_environment != "Sandbox") {
      return Invalid("[pay.appstore] environment",
                     "= '" + c.appstore_environment + "' is not Production or Sandbox");
    }
    if (c.appstore_root_file.empty()) return Invalid("[pay.appstore] root_ca", "is missing");
    bool read = false;
    const std::string text = ReadFile(c.appstore_root_file, &read);
    if (!read)
      return Invalid("[pay.appstore] root_ca", "= '" + c.appstore_root_file + "' cannot be read");
    std::string error;
    if (!CertificateDerFromPem(text, &c.appstore_root_der, &error)) {
      return Invalid("[pay.appstore] root_ca", "= '" + c.appstore_root_file + "' is " + error);
    }
    if (c.appstore_monthly.empty() && c.appstore_quarterly.empty() && c.appstore_yearly.empty()) {
      return Invalid("[pay.appstore] monthly", "is missing (at least one product)");
    }
  }
  if (given("push.apns")) RETURN_IF_ERROR(CheckApns(c, production));
  if (given("push.fcm")) RETURN_IF_ERROR(CheckFcm(c, production));
  return Status::Ok();
}

Status ParseConfig(std::string_view text, Config* out) {
  Config c;
  std::vector<bool> seen(KeyTable().size(), false);
  std::string section;
  std::istringstream in{std::string(text)};
  std::string raw;
  for (int lineno = 1; std::getline(in, raw); ++lineno) {
    std::string line = Trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    std::string where = "line " + std::to_string(lineno);
    if (line[0] == '[') {
      if (line.back() != ']') return Invalid(where, "has an unclosed section header");
      section = Trim(std::string_view(line).substr(1, line.size() - 2));
      if (section.rfind("app.", 0) == 0) {
        std::string appkey = section.substr(4);
        if (!ValidAppKey(appkey)) return Invalid("[" + section + "]", "is not a valid appkey");
        c.apps[appkey];
      }
      continue;
    }
    size_t eq = line.find('=');
    if (eq == std::string::npos) return Invalid(where, "is not 'key = value'");
    std::string name = Trim(std::string_view(line).substr(0, eq));
    std::string value = Trim(std::string_view(line).substr(eq + 1));
    if (section.rfind("app.", 0) == 0) {
      RETURN_IF_ERROR(SetAppValue(section.substr(4), name, value, &c));
      continue;
    }
    bool known = false;
    for (size_t i = 0; i < KeyTable().size(); ++i) {
      const Key& key = KeyTable()[i];
      if (section == key.section && name == key.name) {
        if (seen[i]) return Invalid("[" + section + "] " + name, "is given twice");
        seen[i] = true;
        RETURN_IF_ERROR(SetValue(key, value, &c));
        known = true;
        break;
      }
    }
    if (!known) return Invalid("[" + section + "] " + name, "is not a known key");
  }
  for (size_t i = 0; i < KeyTable().size(); ++i) {
    const Key& key = KeyTable()[i];
    if (key.required && !seen[i]) {
      return Invalid(std::string("[") + key.section + "] " + key.name, "is missing");
    }
  }
  if (c.apps.empty()) return Invalid("[app.<appkey>]", "is missing: configure at least one app");
  for (const auto& [appkey, app] : c.apps) {
    if (app.secret.empty()) return Invalid("[app." + appkey + "] secret", "is missing");
    // legacy = 1: the old service's secret, compiled into shipped apps (warned at start).
    if (!app.legacy) RETURN_IF_ERROR(CheckSecret("[app." + appkey + "] secret", app.secret));
  }
  RETURN_IF_ERROR(CheckSecret("[pay] key", c.pay_key));
  if (c.environment != "development" && c.environment != "production") {
    return Invalid("[server] environment",
                   "= '" + c.environment + "' is not development or production");
  }
  if (c.environment == "production" && c.sms_echo) {
    return Invalid("[sms] echo", "= 1 is for development only ([server] environment = production)");
  }
  if (!KnownPhoneRegion(c.sms_default_region)) {
    return Invalid("[sms] default_region",
                   "= '" + c.sms_default_region + "' is not a region code (CN, US, ...)");
  }
  if (!c.sms_test_numbers_text.empty()) {
    if (c.environment == "production") {
      return Invalid("[sms] test_numbers",
                     "is for development only ([server] environment = production)");
    }
    RETURN_IF_ERROR(
        ParseTestNumbers(c.sms_test_numbers_text, c.sms_default_region, &c.sms_test_numbers));
  }
  if (!c.mysql_replica_hosts.empty() &&
      !ParseEndpoints(c.mysql_replica_hosts, 3306, &c.mysql_replicas)) {
    return Invalid("[mysql.replica] hosts",
                   "= '" + c.mysql_replica_hosts + "' is not a list of host:port or socket paths");
  }
  if (!c.redis_sentinel_hosts.empty()) {
    if (!ParseEndpoints(c.redis_sentinel_hosts, 26379, &c.redis_sentinels)) {
      return Invalid("[redis] sentinels",
                     "= '" + c.redis_sentinel_hosts + "' is not a list of host:port");
    }
    if (c.redis_master_name.empty())
      return Invalid("[redis] master_name", "is missing (sentinels are set)");
  }
  RETURN_IF_ERROR(CheckSmsSenders(c));
  if (c.message_words != "mask" && c.message_words != "refuse") {
    return Invalid("[moderation] message_words",
                   "= '" + c.message_words + "' is not mask or refuse");
  }
  if (c.photos != "pre" && c.photos != "post") {
    return Invalid("[moderation] photos", "= '" + c.photos + "' is not pre or post");
  }
  c.photos_pre = c.photos == "pre";
  c.operator_allow.clear();
  if (!ParseCidrList(c.operator_allow_text, &c.operator_allow)) {
    return Invalid("[operator] allow",
                   "= '" + c.operator_allow_text + "' is not a list of address/bits blocks");
  }
  if (!c.words_file.empty()) {
    bool ok = false;
    const std::string list = ReadFile(c.words_file, &ok);
    if (!ok) return Invalid("[moderation] words", "= '" + c.words_file + "' cannot be read");
    c.words = std::make_shared<const WordFilter>(WordFilter::FromList(list));
  }
  const bool unix_publisher = c.events_publisher.rfind("unix:", 0) == 0;
  if (!c.events_publisher.empty() &&
      (unix_publisher
           ? c.events_publisher.size() < 6
           : c.events_publisher.rfind("http://", 0) != 0 || c.events_publisher.size() < 8)) {
    // No https: the publisher is a private address (lib/outbound/nchan_client.h).
    return Invalid("[events] publisher",
                   "= '" + c.events_publisher + "' is neither unix:PATH nor http://HOST:PORT");
  }
  RETURN_IF_ERROR(CheckGateways(c, seen));
  *out = std::move(c);
  return Status::Ok();
}

Status LoadConfig(const std::string& path, Config* out) {
  std::ifstream in(path);
  if (!in) return Status::Internal("config: cannot read " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return ParseConfig(text.str(), out);
}

}  // namespace dt
