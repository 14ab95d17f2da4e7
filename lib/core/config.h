// Config: every setting of the server, read from one INI file at start-up and validated
// there (a missing, unknown or invalid key stops start-up with a message naming it).
// Every key is documented once, in config/datingtoday.ini.example.
// Immutable after loading; safe to share between threads.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "lib/core/keys.h"
#include "lib/core/sign.h"
#include "lib/core/status.h"
#include "lib/core/words.h"

namespace dt {

struct AppConfig {
  std::string secret;
  SignMethod method = SignMethod::kMd5;
  // A secret compiled into shipped apps (the old service's), kept although it is weak:
  // exempt from the strength check, warned about at every start.
  bool legacy = false;
};

// The shortest pay key or app secret accepted (bytes), unless an app says legacy = 1.
constexpr size_t kMinSecretBytes = 16;

// Whether `secret` is one of the placeholders examples carry ("change-me...",
// "replace-me", "your-secret", "example", "secret", "password", ...) or one character
// repeated.
bool IsPlaceholderSecret(std::string_view secret);

// A server to connect to: host and port, or a Unix socket.
struct Endpoint {
  std::string host;
  int port = 0;
  std::string socket;  // when set, used instead of host:port
};

// "host:port, host:port, /path/to.sock" (a port left out is `default_port`); false when
// an item is malformed.
bool ParseEndpoints(std::string_view list, int default_port, std::vector<Endpoint>* out);

// "10.0.0.0/8, 127.0.0.1, ::1/128" as (16-byte address, prefix bits) blocks, IPv4 as
// IPv4-mapped IPv6 (a bare address is a /32 or /128); false when an item is malformed.
bool ParseCidrList(std::string_view list, std::vector<std::pair<std::string, int>>* out);

// Whether the textual address `ip` (IPv4 or IPv6) is inside one of `blocks`.
bool AddressInBlocks(std::string_view ip, const std::vector<std::pair<std::string, int>>& blocks);

struct Config {
  // [server]
  // development or production: the development-only features (SMS echo, test numbers)
  // are refused in production.
  std::string environment = "production";
  int threads = 4;
  int64_t body_limit = 1 << 20;     // bytes, every route but upload
  int64_t upload_limit = 60 << 20;  // bytes, the upload route's whole body
  int max_params = 64;
  int max_param_length = 16384;  // bytes of one value (keys: at most 64)
  int timestamp_window = 300;    // seconds, either way
  int token_ttl_days = 7;
  int max_sessions = 5;  // logged-in devices per user; the oldest ends when one more logs in
  bool access_log = true;

  // [mysql]
  std::string mysql_host = "127.0.0.1";
  int mysql_port = 3306;
  std::string mysql_socket;  // when set, used instead of host:port
  std::string mysql_user;
  std::string mysql_password;
  std::string mysql_database;
  int mysql_connect_timeout = 2;  // seconds
  int mysql_read_timeout = 5;
  int mysql_write_timeout = 5;

  // [mysql.replica] hosts: read replicas of [mysql] (same user, password and database)
  // for the reads that tolerate replication lag (docs/SCALING.md); none by default.
  std::string mysql_replica_hosts;
  std::vector<Endpoint> mysql_replicas;  // parsed from mysql_replica_hosts

  // [redis]
  std::string redis_host = "127.0.0.1";
  int redis_port = 6379;
  std::string redis_socket;
  std::string redis_password;
  int redis_db = 0;
  int redis_timeout_ms = 1000;
  // With Sentinel: the sentinels to ask for the current master of `master_name`
  // (host/port/socket above are then not used).
  std::string redis_sentinel_hosts;
  std::vector<Endpoint> redis_sentinels;  // parsed from redis_sentinel_hosts
  std::string redis_master_name;

  // [cache]
  int profile_ttl = 300;  // seconds a cached profile lives

  // [message]
  int message_per_peer = 10;    // messages to one recipient per minute
  int message_per_minute = 30;  // messages in all per minute
  int message_unreplied = 3;    // messages to someone who has never replied

  // [limits]: per-user limits of some routes (429 beyond; Route::rate)
  int upload_per_hour = 60;
  int order_per_hour = 20;
  int report_per_day = 20;
  int search_per_minute = 30;
  int like_per_minute = 60;
  int typing_per_minute = 30;

  // [discovery]: likes and what VIP buys (lib/domain/discovery.h). The day of a quota is
  // the last 24 hours, rolling.
  int likes_per_day = 100;         // likes (and superlikes) of a user who is not VIP
  int superlikes_per_day = 1;      // superlikes of a user who is not VIP
  int vip_superlikes_per_day = 5;  // of a VIP (a VIP's likes are not counted)
  int boost_minutes = 30;          // how long a VIP's boost lasts
  int boost_every_days = 30;       // one boost per this many days
  int deck_pool_seconds = 300;     // how long a built pool of recs serves pages (0: none)

  // [safety]
  int report_threshold = 5;  // distinct reporters that put a user under review

  // [moderation]: the word list (lib/core/words.h) nicknames, messages and report
  // descriptions are checked against, and what a message that matches gets: mask or
  // refuse.
  std::string words_file;
  std::string message_words = "mask";
  std::shared_ptr<const WordFilter> words;  // loaded from the file; null: none
  // Photos (avatars, album photos, chat images): "pre", others see only approved ones;
  // "post", all but rejected ones (lib/domain/moderation.h). photos_pre says which.
  std::string photos = "post";
  bool photos_pre = false;

  // [operator]: the operator API (/api/admin/..., lib/domain/operator.h): the client
  // addresses it answers (CIDR blocks, besides nginx's own allow-list of the operator
  // server block), how long a session lasts and may sit unused, the scrypt cost of new
  // password hashes (log2 N), and failed logins per name (and 4x per address) in 15 min.
  std::string operator_allow_text = "127.0.0.1/32, ::1/128";
  std::vector<std::pair<std::string, int>> operator_allow;  // (16-byte address, prefix bits)
  int operator_session_seconds = 28800;
  int operator_idle_seconds = 1800;
  int operator_scrypt_log2n = 15;
  int operator_login_failures = 5;
  // Who counts toward that: accounts this many days old, with a match or this many
  // messages sent (everyone's report hides the reported user from the reporter).
  int reporter_min_days = 7;
  int reporter_min_messages = 10;

  // [events]: live events through nginx's nchan (lib/outbound/events.h). `publisher` is
  // nchan's publisher server: "unix:/path/to.sock" or "http://host:port"; empty: no live
  // events (GET /api/events is 404, nothing is published).
  std::string events_publisher;
  int events_timeout_ms = 300;  // one publish, whole

  // [sms]
  // The senders in order of preference ("aliyun, tencent"; "log" for development), from
  // `senders` (or the older single `provider`).
  std::string sms_senders_text;
  std::string sms_provider;
  std::vector<std::string> sms_senders;
  std::string sms_outbox;             // file the log sender appends to
  int sms_connect_timeout_ms = 1000;  // a provider call: connecting
  int sms_timeout_ms = 3000;          // a provider call, whole
  int sms_breaker_failures = 3;       // consecutive failures that open a sender's breaker
  int sms_breaker_seconds = 60;       // it is skipped that long, then tried once
  std::string sms_countries_text;     // "CN, HK": regions served; empty: all
  std::set<std::string, std::less<>> sms_countries;
  int sms_prefix_digits = 7;              // a number prefix: this many digits of E.164
  int sms_prefix_daily_limit = 1000;      // codes per prefix per UTC day
  int sms_daily_budget = 100000;          // codes in all per UTC day (then 429, an alert)
  bool sms_echo = false;                  // return the code in the reply (development only)
  int sms_ip_limit = 50;                  // codes per client IP per hour
  std::string sms_default_region = "CN";  // of phone numbers without a country code
  // "number:code, ..." (development only): numbers that log in with a fixed code and never
  // reach a sender, for client test suites; parsed into sms_test_numbers (E.164 -> code).
  std::string sms_test_numbers_text;
  std::map<std::string, std::string, std::less<>> sms_test_numbers;

  // [sms.aliyun]: Dysmsapi SendSms (lib/outbound/sms_senders.h)
  std::string aliyun_endpoint = "https://dysmsapi.aliyuncs.com/";
  std::string aliyun_access_key_id, aliyun_access_key_secret;
  std::string aliyun_sign_name, aliyun_template_code, aliyun_international_template_code;
  // [sms.tencent]: SMS SendSms, API 2021-01-11
  std::string tencent_endpoint = "https://sms.tencentcloudapi.com/";
  std::string tencent_secret_id, tencent_secret_key, tencent_sdk_app_id;
  std::string tencent_sign_name, tencent_template_id, tencent_international_template_id;
  std::string tencent_region = "ap-guangzhou";
  std::string sms_ca_file;  // [sms] ca_file: a private CA for the endpoints (the tests' fakes)

  // [pay]
  std::string pay_key;            // the sandbox gateway's (development; refused in production)
  int pay_timeout_ms = 5000;      // a call to a gateway, whole; connecting at most 2 s of it
  int pay_reconcile_after = 300;  // seconds an order stays unpaid before its gateway is asked
  int pay_reconcile_every = 60;   // seconds between two questions about one order

  // [pay.alipay]: the alipay channel, offered when app_id is set (lib/domain/alipay.h).
  std::string alipay_app_id;
  std::string alipay_seller_id;
  std::string alipay_private_key_file;  // the merchant's (application) private key, PEM
  std::string alipay_public_key_file;   // Alipay's public key, PEM
  std::string alipay_gateway;           // https://openapi.alipay.com/gateway.do
  std::string alipay_notify_url;        // our /api/vip/pay/alipay/notify, as Alipay reaches it
  RsaKey alipay_merchant_key, alipay_public_key;  // loaded from the files

  // [pay.wechat]: the wechat channel, offered when mchid is set (lib/domain/wechatpay.h).
  std::string wechat_mchid;
  std::string wechat_appid;
  std::string wechat_serial_no;         // the merchant certificate's serial number
  std::string wechat_private_key_file;  // the merchant's private key, PEM
  std::string wechat_api_v3_key;        // 32 bytes
  std::string wechat_public_key_file;   // the WeChat Pay public key, PEM
  std::string wechat_public_key_id;     // its id (PUB_KEY_ID_...), as Wechatpay-Serial names it
  std::string wechat_base_url;          // https://api.mch.weixin.qq.com
  std::string wechat_notify_url;        // our /api/vip/pay/wechat/notify
  RsaKey wechat_merchant_key, wechat_public_key;

  // [push]: notifications to users with no live stream open (lib/domain/push.h).
  int push_collapse_seconds = 60;  // after a push, later ones to the user wait and merge
  int push_timeout_ms = 5000;      // one call to a provider, whole
  std::string push_ca_file;        // a private CA for the endpoints (the tests' fakes)
  // [push.apns]: Apple's provider API with a token (JWT) key, used when key_id is set.
  std::string apns_key_file;  // the .p8 key (PEM, P-256)
  std::string apns_key_id, apns_team_id, apns_bundle_id;
  std::string apns_endpoint = "https://api.push.apple.com";
  EcKey apns_key;  // loaded from the file
  // [push.fcm]: Firebase Cloud Messaging HTTP v1, used when service_account is set.
  std::string fcm_service_account_file;  // the service account's JSON key file
  std::string fcm_endpoint = "https://fcm.googleapis.com";
  std::string fcm_token_url;  // empty: the service account's token_uri
  // Read from the service account file.
  std::string fcm_project_id, fcm_client_email;
  RsaKey fcm_key;

  // [pay.appstore]: in-app purchases (lib/domain/appstore.h), offered when bundle_id is set.
  std::string appstore_bundle_id;
  std::string appstore_environment;  // Production or Sandbox: what transactions must say
  std::string appstore_root_file;    // Apple Root CA - G3 (PEM)
  std::string appstore_root_der;     // loaded from it
  // The App Store product ids of our products 1 (monthly), 2 (quarterly), 3 (yearly).
  std::string appstore_monthly, appstore_quarterly, appstore_yearly;

  // [media]
  std::string media_root;
  std::string media_url;

  // [app.<appkey>]
  std::map<std::string, AppConfig, std::less<>> apps;
};

// Parses INI text; on error the status (code 900) names the key or line.
Status ParseConfig(std::string_view text, Config* out);

// Reads and parses the file at `path`.
Status LoadConfig(const std::string& path, Config* out);

}  // namespace dt
