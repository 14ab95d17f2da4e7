// WechatClient: the server's calls to WeChat Pay APIv3 under [pay.wechat]: an APP prepay
// order, a transaction by our trade number, closing one, a refund. Each call carries the
// WECHATPAY2-SHA256-RSA2048 Authorization of the merchant key over
// "METHOD\nPATH\nTIMESTAMP\nNONCE\nBODY\n"; each answer is believed only when its
// Wechatpay-Signature verifies with the WeChat Pay public key its Wechatpay-Serial names
// (ours, [pay.wechat] public_key_id). Thread-compatible: one per thread (its HttpClient).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lib/core/config.h"
#include "lib/core/json_writer.h"
#include "lib/core/status.h"
#include "lib/outbound/http_client.h"

namespace dt {

struct WechatTrade {
  bool exists = false;         // false: no such order at WeChat Pay (ORDER_NOT_EXIST)
  std::string trade_state;     // SUCCESS, NOTPAY, CLOSED, REFUND, USERPAYING, PAYERROR
  std::string transaction_id;  // WeChat Pay's
  int64_t cents = 0;           // amount.total (fen)
};

class WechatClient {
 public:
  explicit WechatClient(const Config& config);

  // POST /v3/pay/transactions/app: the prepay_id the app's SDK pays.
  Status CreateAppOrder(std::string_view trade_no, int64_t cents, std::string_view description,
                        std::string* prepay_id);
  // GET /v3/pay/transactions/out-trade-no/{trade_no}?mchid=...
  Status Query(std::string_view trade_no, WechatTrade* trade);
  // POST .../out-trade-no/{trade_no}/close
  Status Close(std::string_view trade_no);
  // POST /v3/refund/domestic/refunds; `request_no` (out_refund_no) makes a retry harmless.
  Status Refund(std::string_view trade_no, int64_t refund_cents, int64_t total_cents,
                std::string_view request_no);

 private:
  // One signed call; *response is the verified answer (its HTTP status and body).
  Status Call(const std::string& method, const std::string& path, const std::string& body,
              HttpResponse* response);

  const Config& config_;
  HttpClient http_;
};

// The app's payment parameters for `prepay_id`, signed: {appid, partnerid, prepayid,
// package "Sign=WXPay", noncestr, timestamp, sign} into the object open in *w.
void WriteWechatPayParams(const Config& config, std::string_view prepay_id, int64_t now,
                          JsonWriter* w);

}  // namespace dt
