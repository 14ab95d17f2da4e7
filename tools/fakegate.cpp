// fakegate: the payment gateways and the SMS providers as a local process, for the dev
// stack (make run) and the tests, since no machine here reaches the real ones (the SMS
// providers are in tools/fake_sms.cpp, on the same listener: the dev and test configs put
// their endpoints here). It speaks Alipay's documented
// protocol with the test keys of tests/data/vectors/alipay, and checks our side exactly:
// every call of ours must carry our app_id and a valid RSA2 signature by the merchant key,
// or it is refused as Alipay would refuse it.
//
//   fakegate --config CONFIG [--alipay-key PEM] [--merchant-public-key PEM]
// It listens where CONFIG's [pay.alipay] gateway points (a loopback address), knows our
// app_id and seller_id from there, signs with "Alipay's" private key and checks us with
// the merchant's public key (defaults: config/dev/alipay/alipay_private_key.pem and
// merchant_public_key.pem, the vectors' test keys).
//
// Alipay's open API (what our server calls):
//   POST /alipay/gateway.do   alipay.trade.query | alipay.trade.close | alipay.trade.refund
// WeChat Pay APIv3 (every call's Authorization checked with the merchant's public key and
// its certificate serial; every answer signed in Wechatpay-* headers with "the
// platform's" key, tests/data/vectors/wechatpay):
//   POST /v3/pay/transactions/app, GET /v3/pay/transactions/out-trade-no/{no}?mchid=,
//   POST /v3/pay/transactions/out-trade-no/{no}/close, POST /v3/refund/domestic/refunds
//   (followed by its REFUND.SUCCESS notify)
//   POST /control/wechat/pay  out_trade_no, [notify=0]: the buyer pays a prepay order;
//                             the TRANSACTION.SUCCESS notify (resource sealed with the
//                             APIv3 key) goes to the order's notify_url.
// What a buyer and the operators do (dtcurl pay alipay, the tests):
//   POST /control/alipay/pay  out_trade_no, total_amount, notify_url, [notify=0]: the buyer
//                             pays; Alipay's signed notify goes to notify_url (unless
//                             notify=0: a notify that got lost). Answers JSON with the
//                             trade and what our server answered the notify.
//   POST /control/alipay/refund  out_trade_no, refund_amount: a refund made in Alipay's
//                             console; like a refund our server asks for, it is followed by
//                             Alipay's notify with refund_fee (all refunded so far).
//   POST /control/mode        mode=up|down|slow: the gateway answers, fails (HTTP 503), or
//                             answers after 10 s.
//   GET  /control/calls       the calls our server made, one per line, newest last.
// One thread per connection; the state is in memory and goes with the process.
#include <arpa/inet.h>
#include <json/reader.h>
#include <json/value.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>

#include "lib/core/args.h"
#include "lib/core/clock.h"
#include "lib/core/config.h"
#include "lib/core/crypto.h"
#include "lib/core/errors.h"
#include "lib/core/json_writer.h"
#include "lib/core/keys.h"
#include "lib/core/request_params.h"
#include "lib/domain/alipay.h"
#include "lib/domain/payment.h"
#include "lib/domain/wechatpay.h"
#include "lib/outbound/http_client.h"
#include "tools/fake_http.h"

namespace fake {

void Answer(int fd, int status, const std::string& type, const std::string& body,
            const std::string& extra_headers) {
  std::string out = "HTTP/1.1 " + std::to_string(status) + " " + dt::HttpReason(status) +
                    "\r\nContent-Type: " + type +
                    "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra_headers +
                    "Connection: close\r\n\r\n" + body;
  size_t sent = 0;
  while (sent < out.size()) {
    const ssize_t n = write(fd, out.data() + sent, out.size() - sent);
    if (n <= 0) return;
    sent += n;
  }
}

}  // namespace fake

namespace {

using fake::Answer;
using fake::Request;

struct Trade {
  std::string trade_no;  // Alipay's
  int64_t cents = 0;
  std::string status;  // TRADE_SUCCESS, TRADE_CLOSED
  int64_t refunded = 0;
  std::string notify_url;
};

struct WechatOrder {
  int64_t total = 0;
  std::string notify_url, trade_state = "NOTPAY", transaction_id;
  int64_t refunded = 0;
};

struct State {
  std::string app_id, seller_id;
  dt::RsaKey alipay_key, merchant_key;
  // WeChat Pay: ours (mchid, appid, the merchant certificate's serial and public key) and
  // the platform's (its private key, the APIv3 key, its public key's id).
  std::string mchid, appid, merchant_serial, api_v3_key, platform_key_id;
  dt::RsaKey wechat_merchant_key, platform_key;
  std::map<std::string, WechatOrder> wechat;  // by out_trade_no
  std::mutex mu;
  std::map<std::string, Trade> trades;  // by out_trade_no
  std::string mode = "up";
  std::string calls;
  uint64_t serial = 0;
};

State* g = nullptr;

bool ReadRequest(int fd, Request* r) {
  std::string data;
  char buf[8192];
  size_t header_end = std::string::npos, want = 0;
  while (true) {
    if (header_end == std::string::npos) {
      header_end = data.find("\r\n\r\n");
      if (header_end != std::string::npos) {
        const std::string head = data.substr(0, header_end);
        std::string lower = head;
        for (char& c : lower) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
        const size_t cl = lower.find("\r\ncontent-length:");
        want = cl == std::string::npos ? 0 : std::stoul(head.substr(cl + 17));
        const size_t sp1 = head.find(' '), sp2 = head.find(' ', sp1 + 1);
        r->method = head.substr(0, sp1);
        const std::string target = head.substr(sp1 + 1, sp2 - sp1 - 1);
        r->target = target;
        size_t line = head.find("\r\n");
        while (line != std::string::npos) {
          const size_t next = head.find("\r\n", line + 2);
          const std::string h = head.substr(
              line + 2, next == std::string::npos ? std::string::npos : next - line - 2);
          const size_t colon = h.find(':');
          if (colon != std::string::npos) {
            std::string name = h.substr(0, colon);
            for (char& c : name) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
            r->headers[name] = h.substr(h.find_first_not_of(' ', colon + 1));
          }
          line = next;
        }
        const size_t q = target.find('?');
        r->path = target.substr(0, q);
        r->query = q == std::string::npos ? "" : target.substr(q + 1);
      }
    }
    if (header_end != std::string::npos && data.size() >= header_end + 4 + want) {
      r->body = data.substr(header_end + 4, want);
      return true;
    }
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0 || data.size() > (1 << 20)) return false;
    data.append(buf, n);
  }
}

std::string Get(const std::vector<std::pair<std::string, std::string>>& p, const std::string& key) {
  for (const auto& [k, v] : p) {
    if (k == key) return v;
  }
  return "";
}

// Alipay's answer to `method`: {"<method>_response": {...}, "sign": "..."}, the response
// object signed with Alipay's key over its exact text.
std::string Signed(const std::string& method, const std::string& object) {
  std::string key = method;
  for (char& c : key) c = c == '.' ? '_' : c;
  const std::string sign = dt::RsaSha256SignBase64(g->alipay_key, object);
  std::string out = "{\"" + key + "_response\":" + object + ",\"sign\":";
  dt::AppendJsonString(sign, &out);
  return out + "}";
}

std::string Failure(const std::string& code, const std::string& msg, const std::string& sub_code) {
  dt::JsonWriter w;
  w.Str("code", code).Str("msg", msg).Str("sub_code", sub_code).Str("sub_msg", sub_code);
  return w.Close();
}

std::string SendNotify(const std::string& out_trade_no, const Trade& t,
                       const dt::AlipayParams& extra);
bool RefundTrade(Trade& t, int64_t cents, std::string* why);
dt::AlipayParams RefundFields(const Trade& t);

// alipay.trade.* from our server: refused unless it is ours and signed by our key.
void Gateway(int fd, const Request& r) {
  const auto params = dt::DecodeForm(r.body);
  const std::string method = Get(params, "method");
  std::string mode;
  {
    std::lock_guard<std::mutex> lock(g->mu);
    g->calls += method + " " + Get(params, "biz_content") + "\n";
    mode = g->mode;
  }
  if (mode == "down") return Answer(fd, 503, "text/plain", "unavailable");
  if (mode == "slow") std::this_thread::sleep_for(std::chrono::seconds(10));
  if (Get(params, "app_id") != g->app_id) {
    return Answer(fd, 200, "application/json",
                  Signed(method, Failure("40002", "Invalid Arguments", "isv.invalid-app-id")));
  }
  if (Get(params, "sign_type") != "RSA2" ||
      !dt::RsaSha256VerifyBase64(g->merchant_key, dt::AlipaySignContent(params, {"sign"}),
                                 Get(params, "sign"))) {
    return Answer(fd, 200, "application/json",
                  Signed(method, Failure("40002", "Invalid Arguments", "isv.invalid-signature")));
  }
  Json::Value biz;
  std::string errors, text = Get(params, "biz_content");
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  if (!reader->parse(text.data(), text.data() + text.size(), &biz, &errors) || !biz.isObject()) {
    return Answer(fd, 200, "application/json",
                  Signed(method, Failure("40002", "Invalid Arguments", "isv.invalid-biz-content")));
  }
  const std::string out_trade_no = biz.get("out_trade_no", "").asString();
  std::unique_lock<std::mutex> lock(g->mu);
  auto it = g->trades.find(out_trade_no);
  if (method == "alipay.trade.query" || method == "alipay.trade.close" ||
      method == "alipay.trade.refund") {
    if (it == g->trades.end()) {
      return Answer(fd, 200, "application/json",
                    Signed(method, Failure("40004", "Business Failed", "ACQ.TRADE_NOT_EXIST")));
    }
  } else {
    return Answer(fd, 200, "application/json",
                  Signed(method, Failure("40004", "Business Failed", "isv.invalid-method")));
  }
  Trade& t = it->second;
  dt::JsonWriter w;
  if (method == "alipay.trade.query") {
    w.Str("code", "10000")
        .Str("msg", "Success")
        .Str("trade_no", t.trade_no)
        .Str("out_trade_no", out_trade_no);
    w.Str("trade_status", t.status).Str("total_amount", dt::YuanText(t.cents));
  } else if (method == "alipay.trade.close") {
    if (t.status == "TRADE_SUCCESS") {
      return Answer(fd, 200, "application/json",
                    Signed(method, Failure("40004", "Business Failed", "ACQ.TRADE_STATUS_ERROR")));
    }
    t.status = "TRADE_CLOSED";
    w.Str("code", "10000")
        .Str("msg", "Success")
        .Str("trade_no", t.trade_no)
        .Str("out_trade_no", out_trade_no);
  } else {
    int64_t cents = 0;
    std::string why;
    if (!dt::ParseMoney(biz.get("refund_amount", "").asString(), &cents) ||
        !RefundTrade(t, cents, &why)) {
      return Answer(fd, 200, "application/json",
                    Signed(method, Failure("40004", "Business Failed", why)));
    }
    w.Str("code", "10000")
        .Str("msg", "Success")
        .Str("trade_no", t.trade_no)
        .Str("out_trade_no", out_trade_no);
    w.Str("fund_change", "Y").Str("refund_fee", dt::YuanText(t.refunded));
    Answer(fd, 200, "application/json;charset=utf-8", Signed(method, w.Close()));
    // Then Alipay's notify of the refund, the lock released (it calls our server).
    const Trade refunded = t;
    lock.unlock();
    SendNotify(out_trade_no, refunded, RefundFields(refunded));
    return;
  }
  Answer(fd, 200, "application/json;charset=utf-8", Signed(method, w.Close()));
}

// Alipay's notify of `t` (our `out_trade_no`), signed, to the trade's notify URL; what our
// server answered (or why it could not be reached).
std::string SendNotify(const std::string& out_trade_no, const Trade& t,
                       const dt::AlipayParams& extra) {
  const int64_t now = dt::SystemClock().NowSeconds() + 8 * 3600;
  dt::AlipayParams n = {
      {"notify_time", dt::FormatUtc(now)},
      {"notify_type", "trade_status_sync"},
      {"notify_id", dt::HexEncode(dt::RandomBytes(16))},
      {"charset", "utf-8"},
      {"version", "1.0"},
      {"app_id", g->app_id},
      {"auth_app_id", g->app_id},
      {"seller_id", g->seller_id},
      {"trade_no", t.trade_no},
      {"out_trade_no", out_trade_no},
      {"trade_status", t.status},
      {"total_amount", dt::YuanText(t.cents)},
      {"receipt_amount", dt::YuanText(t.cents)},
      {"gmt_create", dt::FormatUtc(now)},
      {"gmt_payment", dt::FormatUtc(now)},
      {"buyer_logon_id", "138****8000"},
  };
  n.insert(n.end(), extra.begin(), extra.end());
  const std::string sign =
      dt::RsaSha256SignBase64(g->alipay_key, dt::AlipaySignContent(n, {"sign", "sign_type"}));
  dt::HttpRequest req;
  req.method = "POST";
  req.url = t.notify_url;
  req.headers = {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"}};
  for (const auto& [k, v] : n) req.body += k + "=" + dt::FormEncode(v) + "&";
  req.body += "sign_type=RSA2&sign=" + dt::FormEncode(sign);
  dt::HttpClient client;
  dt::HttpResponse resp;
  dt::Status s = client.Send(req, &resp);
  return s.ok() ? resp.body : "(unreachable: " + s.msg() + ")";
}

// A refund of `cents` of our trade: false (and *why) when Alipay would refuse it. Called
// with the lock held.
bool RefundTrade(Trade& t, int64_t cents, std::string* why) {
  if (cents <= 0 || t.status != "TRADE_SUCCESS" || t.refunded + cents > t.cents) {
    *why = "ACQ.REFUND_AMT_NOT_EQUAL_TOTAL";
    return false;
  }
  t.refunded += cents;
  if (t.refunded == t.cents) t.status = "TRADE_CLOSED";
  return true;
}

dt::AlipayParams RefundFields(const Trade& t) {
  return {{"refund_fee", dt::YuanText(t.refunded)},
          {"gmt_refund", dt::FormatUtc(dt::SystemClock().NowSeconds() + 8 * 3600) + ".000"}};
}

// The buyer pays: the trade is Alipay's now, and its notify goes out signed.
void Pay(int fd, const Request& r) {
  const auto params = dt::DecodeForm(r.body.empty() ? r.query : r.body);
  const std::string out_trade_no = Get(params, "out_trade_no");
  int64_t cents = 0;
  if (out_trade_no.empty() || !dt::ParseMoney(Get(params, "total_amount"), &cents)) {
    return Answer(fd, 400, "text/plain", "out_trade_no and total_amount are needed\n");
  }
  Trade t;
  {
    std::lock_guard<std::mutex> lock(g->mu);
    t.trade_no = "2026" + std::to_string(1000000000000000000ULL + ++g->serial) + "88";
    t.cents = cents;
    t.status = "TRADE_SUCCESS";
    t.notify_url = Get(params, "notify_url");
    g->trades[out_trade_no] = t;
  }
  const std::string answer =
      Get(params, "notify") == "0" ? "(not sent)" : SendNotify(out_trade_no, t, {});
  dt::JsonWriter w;
  w.Str("out_trade_no", out_trade_no)
      .Str("trade_no", t.trade_no)
      .Str("total_amount", dt::YuanText(cents));
  w.Str("notify_answer", answer);
  Answer(fd, 200, "application/json", w.Close());
}

// A refund made in Alipay's console, not asked for by our server.
void ConsoleRefund(int fd, const Request& r) {
  const auto params = dt::DecodeForm(r.body.empty() ? r.query : r.body);
  const std::string out_trade_no = Get(params, "out_trade_no");
  int64_t cents = 0;
  Trade refunded;
  {
    std::lock_guard<std::mutex> lock(g->mu);
    auto it = g->trades.find(out_trade_no);
    std::string why;
    if (it == g->trades.end() || !dt::ParseMoney(Get(params, "refund_amount"), &cents) ||
        !RefundTrade(it->second, cents, &why)) {
      return Answer(fd, 400, "text/plain", "no such trade, or not refundable\n");
    }
    refunded = it->second;
  }
  const std::string answer = SendNotify(out_trade_no, refunded, RefundFields(refunded));
  dt::JsonWriter w;
  w.Str("out_trade_no", out_trade_no).Str("refund_fee", dt::YuanText(refunded.refunded));
  w.Str("notify_answer", answer);
  Answer(fd, 200, "application/json", w.Close());
}

// The platform's signature headers of an answer or a notify with `body`.
std::string WechatSignedHeaders(const std::string& body, bool as_lines) {
  const std::string ts = std::to_string(dt::SystemClock().NowSeconds());
  const std::string nonce = dt::HexEncode(dt::RandomBytes(16));
  const std::string sign =
      dt::RsaSha256SignBase64(g->platform_key, ts + "\n" + nonce + "\n" + body + "\n");
  if (!as_lines) return ts + "\n" + nonce + "\n" + sign;
  return "Wechatpay-Timestamp: " + ts + "\r\nWechatpay-Nonce: " + nonce +
         "\r\nWechatpay-Serial: " + g->platform_key_id + "\r\nWechatpay-Signature: " + sign +
         "\r\nWechatpay-Signature-Type: " + "WECHATPAY2-SHA256-RSA2048\r\n";
}

void WechatAnswer(int fd, int status, const std::string& body) {
  Answer(fd, status, "application/json", body, WechatSignedHeaders(body, true));
}

std::string WechatError(const std::string& code, const std::string& message) {
  dt::JsonWriter w;
  w.Str("code", code).Str("message", message);
  return w.Close();
}

// Whether a call of ours carries a valid merchant Authorization (mchid, the merchant
// certificate's serial, its key's signature over METHOD\nPATH\nTIMESTAMP\nNONCE\nBODY\n).
bool WechatAuthorized(const Request& r) {
  auto it = r.headers.find("authorization");
  if (it == r.headers.end() || it->second.rfind("WECHATPAY2-SHA256-RSA2048 ", 0) != 0) return false;
  std::map<std::string, std::string> f;
  std::istringstream in(it->second.substr(26));
  std::string item;
  while (std::getline(in, item, ',')) {
    const size_t eq = item.find('=');
    if (eq == std::string::npos || item.size() < eq + 3 || item[eq + 1] != '"' ||
        item.back() != '"')
      return false;
    f[item.substr(0, eq)] = item.substr(eq + 2, item.size() - eq - 3);
  }
  const int64_t ts = atoll(f["timestamp"].c_str());
  if (f["mchid"] != g->mchid || f["serial_no"] != g->merchant_serial ||
      std::llabs(dt::SystemClock().NowSeconds() - ts) > 300) {
    return false;
  }
  const std::string message =
      dt::WechatRequestMessage(r.method, r.target, f["timestamp"], f["nonce_str"], r.body);
  return dt::RsaSha256VerifyBase64(g->wechat_merchant_key, message, f["signature"]);
}

// WeChat Pay's notify of `event` with `resource` (encrypted with the APIv3 key), signed.
std::string SendWechatNotify(const std::string& url, const std::string& event,
                             const std::string& original_type, const std::string& resource) {
  const std::string nonce = dt::HexEncode(dt::RandomBytes(6));  // 12 characters
  std::string sealed;
  dt::Aes256GcmSeal(g->api_v3_key, nonce, original_type, resource, &sealed);
  dt::JsonWriter w;
  w.Str("id", "EV-" + dt::HexEncode(dt::RandomBytes(8)))
      .Str("create_time", dt::FormatUtc(dt::SystemClock().NowSeconds()));
  w.Str("resource_type", "encrypt-resource").Str("event_type", event).Str("summary", event);
  w.Object("resource").Str("original_type", original_type).Str("algorithm", "AEAD_AES_256_GCM");
  w.Str("ciphertext", dt::Base64Encode(sealed))
      .Str("associated_data", original_type)
      .Str("nonce", nonce)
      .End();
  const std::string body = w.Close();
  std::istringstream parts(WechatSignedHeaders(body, false));
  std::string ts, rnonce, sign;
  std::getline(parts, ts);
  std::getline(parts, rnonce);
  std::getline(parts, sign);
  dt::HttpRequest req;
  req.method = "POST";
  req.url = url;
  req.headers = {{"Content-Type", "application/json"},
                 {"Wechatpay-Timestamp", ts},
                 {"Wechatpay-Nonce", rnonce},
                 {"Wechatpay-Serial", g->platform_key_id},
                 {"Wechatpay-Signature", sign},
                 {"Wechatpay-Signature-Type", "WECHATPAY2-SHA256-RSA2048"}};
  req.body = body;
  dt::HttpClient client;
  dt::HttpResponse resp;
  dt::Status s = client.Send(req, &resp);
  return s.ok() ? std::to_string(resp.status) : "(unreachable: " + s.msg() + ")";
}

std::string WechatTransaction(const std::string& out_trade_no, const WechatOrder& o) {
  dt::JsonWriter w;
  w.Str("mchid", g->mchid).Str("appid", g->appid).Str("out_trade_no", out_trade_no);
  if (!o.transaction_id.empty()) w.Str("transaction_id", o.transaction_id);
  w.Str("trade_type", "APP")
      .Str("trade_state", o.trade_state)
      .Str("trade_state_desc", o.trade_state);
  w.Object("amount").Int("total", o.total).Int("payer_total", o.total).Str("currency", "CNY").End();
  return w.Close();
}

void WechatApi(int fd, const Request& r) {
  std::string mode;
  {
    std::lock_guard<std::mutex> lock(g->mu);
    g->calls += r.method + " " + r.target + " " + r.body + "\n";
    mode = g->mode;
  }
  if (mode == "down") return Answer(fd, 503, "text/plain", "unavailable");
  if (mode == "slow") std::this_thread::sleep_for(std::chrono::seconds(10));
  if (!WechatAuthorized(r))
    return WechatAnswer(fd, 401, WechatError("SIGN_ERROR", "bad Authorization"));
  Json::Value body;
  std::string errors;
  std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
  if (!r.body.empty() &&
      (!reader->parse(r.body.data(), r.body.data() + r.body.size(), &body, &errors) ||
       !body.isObject())) {
    return WechatAnswer(fd, 400, WechatError("PARAM_ERROR", "not JSON"));
  }
  const std::string kByNo = "/v3/pay/transactions/out-trade-no/";
  std::unique_lock<std::mutex> lock(g->mu);
  if (r.method == "POST" && r.path == "/v3/pay/transactions/app") {
    if (body["appid"].asString() != g->appid || body["mchid"].asString() != g->mchid ||
        !body["amount"]["total"].isIntegral() || body["out_trade_no"].asString().empty()) {
      return WechatAnswer(
          fd, 400, WechatError("PARAM_ERROR", "appid, mchid, out_trade_no and amount.total"));
    }
    WechatOrder& o = g->wechat[body["out_trade_no"].asString()];
    o.total = body["amount"]["total"].asInt64();
    o.notify_url = body["notify_url"].asString();
    dt::JsonWriter w;
    w.Str("prepay_id", "wx" + dt::HexEncode(dt::RandomBytes(16)));
    return WechatAnswer(fd, 200, w.Close());
  }
  if (r.path.rfind(kByNo, 0) == 0) {
    std::string no = r.path.substr(kByNo.size());
    const bool close = no.size() > 6 && no.substr(no.size() - 6) == "/close";
    if (close) no.resize(no.size() - 6);
    auto it = g->wechat.find(no);
    if (it == g->wechat.end())
      return WechatAnswer(fd, 404, WechatError("ORDER_NOT_EXIST", "no such order"));
    if (!close && r.method == "GET")
      return WechatAnswer(fd, 200, WechatTransaction(no, it->second));
    if (close && r.method == "POST") {
      if (it->second.trade_state == "SUCCESS")
        return WechatAnswer(fd, 400, WechatError("ORDERPAID", "paid"));
      it->second.trade_state = "CLOSED";
      return WechatAnswer(fd, 204, "");
    }
  }
  if (r.method == "POST" && r.path == "/v3/refund/domestic/refunds") {
    auto it = g->wechat.find(body["out_trade_no"].asString());
    const int64_t refund = body["amount"]["refund"].asInt64();
    if (it == g->wechat.end() || it->second.trade_state != "SUCCESS" || refund <= 0 ||
        body["amount"]["total"].asInt64() != it->second.total ||
        it->second.refunded + refund > it->second.total) {
      return WechatAnswer(fd, 400, WechatError("INVALID_REQUEST", "not refundable"));
    }
    it->second.refunded += refund;
    const std::string out_trade_no = it->first,
                      url = body.get("notify_url", it->second.notify_url).asString();
    dt::JsonWriter w;
    w.Str("refund_id", "50" + dt::HexEncode(dt::RandomBytes(8)))
        .Str("out_refund_no", body["out_refund_no"].asString());
    w.Str("out_trade_no", out_trade_no).Str("status", "SUCCESS");
    w.Object("amount")
        .Int("refund", refund)
        .Int("total", it->second.total)
        .Str("currency", "CNY")
        .End();
    const WechatOrder o = it->second;
    WechatAnswer(fd, 200, w.Close());
    lock.unlock();
    dt::JsonWriter n;
    n.Str("mchid", g->mchid)
        .Str("out_trade_no", out_trade_no)
        .Str("transaction_id", o.transaction_id);
    n.Str("out_refund_no", body["out_refund_no"].asString())
        .Str("refund_id", "50")
        .Str("refund_status", "SUCCESS");
    n.Object("amount")
        .Int("total", o.total)
        .Int("refund", refund)
        .Int("payer_total", o.total)
        .Int("payer_refund", refund)
        .End();
    SendWechatNotify(url, "REFUND.SUCCESS", "refund", n.Close());
    return;
  }
  WechatAnswer(fd, 404, WechatError("NOT_FOUND", "no such API"));
}

// The buyer pays a WeChat prepay order; notify=0: the notify gets lost.
void WechatPay(int fd, const Request& r) {
  const auto params = dt::DecodeForm(r.body.empty() ? r.query : r.body);
  const std::string no = Get(params, "out_trade_no");
  WechatOrder o;
  {
    std::lock_guard<std::mutex> lock(g->mu);
    auto it = g->wechat.find(no);
    if (it == g->wechat.end()) return Answer(fd, 400, "text/plain", "no such prepay order\n");
    it->second.trade_state = "SUCCESS";
    it->second.transaction_id = "42000" + std::to_string(1000000000000000ULL + ++g->serial);
    o = it->second;
  }
  const std::string answer = Get(params, "notify") == "0"
                                 ? "(not sent)"
                                 : SendWechatNotify(o.notify_url, "TRANSACTION.SUCCESS",
                                                    "transaction", WechatTransaction(no, o));
  dt::JsonWriter w;
  w.Str("out_trade_no", no)
      .Str("transaction_id", o.transaction_id)
      .Int("total", o.total)
      .Str("notify_answer", answer);
  Answer(fd, 200, "application/json", w.Close());
}

void Serve(int fd) {
  Request r;
  if (!ReadRequest(fd, &r)) {
    close(fd);
    return;
  }
  if (r.method == "POST" && r.path == "/alipay/gateway.do") {
    Gateway(fd, r);
  } else if (r.method == "POST" && r.path == "/control/alipay/pay") {
    Pay(fd, r);
  } else if (r.path.rfind("/v3/", 0) == 0) {
    WechatApi(fd, r);
  } else if (r.method == "POST" && r.path == "/control/wechat/pay") {
    WechatPay(fd, r);
  } else if (r.method == "POST" && r.path == "/control/alipay/refund") {
    ConsoleRefund(fd, r);
  } else if (r.method == "POST" && r.path == "/control/mode") {
    const std::string mode = Get(dt::DecodeForm(r.body.empty() ? r.query : r.body), "mode");
    if (mode != "up" && mode != "down" && mode != "slow") {
      Answer(fd, 400, "text/plain", "mode=up|down|slow\n");
    } else {
      std::lock_guard<std::mutex> lock(g->mu);
      g->mode = mode;
      Answer(fd, 200, "text/plain", mode + "\n");
    }
  } else if (r.method == "GET" && r.path == "/control/calls") {
    std::lock_guard<std::mutex> lock(g->mu);
    Answer(fd, 200, "text/plain", g->calls);
  } else if (fake::SmsServe(fd, r) || fake::FcmServe(fd, r)) {
    // an SMS provider's or FCM's endpoint, or its control
  } else {
    Answer(fd, 404, "text/plain", "no such endpoint\n");
  }
  close(fd);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Usage() {
  fprintf(stderr,
          "usage: fakegate --config CONFIG [--alipay-key PEM] [--merchant-public-key PEM]\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags = {
      {"--alipay-key", "config/dev/alipay/alipay_private_key.pem"},
      {"--merchant-public-key", "config/dev/alipay/merchant_public_key.pem"},
      {"--wechat-key", "config/dev/wechatpay/wechatpay_private_key.pem"},
      {"--wechat-merchant-public-key", "config/dev/wechatpay/merchant_public_key.pem"},
  };
  for (int i = 1; i + 1 < argc; i += 2) flags[argv[i]] = argv[i + 1];
  if (!flags.count("--config")) return Usage();
  dt::Config config;
  dt::Status loaded = dt::LoadConfig(flags["--config"], &config);
  if (!loaded.ok()) {
    fprintf(stderr, "fakegate: %s\n", loaded.msg().c_str());
    return 1;
  }
  // http://127.0.0.1:PORT/alipay/gateway.do
  const std::string& url = config.alipay_gateway;
  const size_t host = url.find("://");
  const size_t path = host == std::string::npos ? host : url.find('/', host + 3);
  if (config.alipay_app_id.empty() || url.rfind("http://127.", 0) != 0 ||
      path == std::string::npos) {
    fprintf(stderr,
            "fakegate: [pay.alipay] gateway must be http://127.x.x.x:PORT/... (a loopback fake)\n");
    return 1;
  }
  flags["--listen"] = url.substr(host + 3, path - host - 3);
  static State state;
  g = &state;
  state.app_id = config.alipay_app_id;
  state.seller_id = config.alipay_seller_id;
  state.mchid = config.wechat_mchid;
  state.appid = config.wechat_appid;
  state.merchant_serial = config.wechat_serial_no;
  state.api_v3_key = config.wechat_api_v3_key;
  state.platform_key_id = config.wechat_public_key_id;
  std::string error;
  if (!config.wechat_mchid.empty() &&
      (!dt::RsaKey::FromPrivatePem(ReadFile(flags["--wechat-key"]), &state.platform_key, &error) ||
       !dt::RsaKey::FromPublicPem(ReadFile(flags["--wechat-merchant-public-key"]),
                                  &state.wechat_merchant_key, &error))) {
    fprintf(stderr, "fakegate: a WeChat Pay key: %s\n", error.c_str());
    return 1;
  }
  if (!dt::RsaKey::FromPrivatePem(ReadFile(flags["--alipay-key"]), &state.alipay_key, &error) ||
      !dt::RsaKey::FromPublicPem(ReadFile(flags["--merchant-public-key"]), &state.merchant_key,
                                 &error)) {
    fprintf(stderr, "fakegate: a key: %s\n", error.c_str());
    return 1;
  }
  const std::string listen_at = flags["--listen"];
  const size_t colon = listen_at.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(atoi(listen_at.c_str() + colon + 1)));
  if (colon == std::string::npos ||
      inet_pton(AF_INET, listen_at.substr(0, colon).c_str(), &addr.sin_addr) != 1) {
    return Usage();
  }
  fake::SmsInit(config, config.sms_outbox);
  fake::FcmInit(config);
  signal(SIGPIPE, SIG_IGN);
  dt::InitOutbound();
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 64) != 0) {
    fprintf(stderr, "fakegate: cannot listen on %s: %s\n", listen_at.c_str(), strerror(errno));
    return 1;
  }
  fprintf(stderr, "fakegate: listening on %s (Alipay app_id %s)\n", listen_at.c_str(),
          state.app_id.c_str());
  while (true) {
    const int conn = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (conn < 0) continue;
    std::thread(Serve, conn).detach();
  }
}
