// AlipayClient: the server's calls to Alipay's open API gateway (alipay.trade.query,
// alipay.trade.close, alipay.trade.refund) under [pay.alipay]: a form POST of the common
// parameters and biz_content, signed RSA2 with the merchant key; the answer's
// `<method>_response` object verified against Alipay's public key over its exact bytes
// before anything in it is believed. Thread-compatible: one per thread (its HttpClient).
#pragma once

#include <string>
#include <string_view>

#include "lib/core/config.h"
#include "lib/core/status.h"
#include "lib/outbound/http_client.h"

namespace dt {

struct AlipayTrade {
  bool exists = false;       // false: Alipay knows no such trade (ACQ.TRADE_NOT_EXIST)
  std::string trade_status;  // WAIT_BUYER_PAY, TRADE_SUCCESS, TRADE_FINISHED, TRADE_CLOSED
  std::string trade_no;      // Alipay's
  int64_t cents = 0;         // total_amount
};

class AlipayClient {
 public:
  explicit AlipayClient(const Config& config);

  // The trade of our `out_trade_no`.
  Status Query(std::string_view out_trade_no, AlipayTrade* trade);
  // Closes an unpaid trade; one Alipay does not know (never paid) counts as closed.
  Status Close(std::string_view out_trade_no);
  // Refunds `cents` of the trade; `request_no` makes a retry of the same refund harmless.
  Status Refund(std::string_view out_trade_no, int64_t cents, std::string_view request_no);

 private:
  // Sends `method` with `biz_content`; *response is the verified response object's text
  // and *code its "code" (10000 is success).
  Status Call(std::string_view method, const std::string& biz_content, std::string* response,
              std::string* code, std::string* sub_code);

  const Config& config_;
  HttpClient http_;
};

// The exact text of the JSON value of `key` in `json` (an object or a string), as the
// gateway signed it; false when it is not there. (Alipay signs the response object's
// bytes as they stand in the body, so it must not be parsed and rewritten first.)
bool RawJsonMember(std::string_view json, std::string_view key, std::string_view* value);

}  // namespace dt
