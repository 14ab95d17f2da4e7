// The sandbox gateway's HMAC notify.
#include "lib/domain/pay.h"

#include <cstdlib>

#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/core/crypto.h"
#include "lib/core/log.h"
#include "lib/core/sign.h"

namespace dt {
namespace {

Status AdmitSandboxNotify(const Route&, RequestContext& ctx) {
  const Params& p = ctx.params;
  std::string field;
  for (const char* name :
       {"trade_no", "total_fee", "transaction_id", "timestamp", "nonce_str", "sign"}) {
    RETURN_IF_ERROR(RequireString(p, name, &field));
  }
  const std::string expected = HmacSha256Hex(ctx.config().pay_key, SortedPairs(p, {"sign"}));
  if (!ConstantTimeEquals(expected, *p.Find("sign"))) {
    LogError("pay notify: bad signature for trade_no %.64s", p.Find("trade_no")->c_str());
    return Status::Error(kBadSign);
  }
  int64_t stamp;
  if (!ParseInt64(*p.Find("timestamp"), &stamp)) return InvalidParam("timestamp");
  if (std::llabs(ctx.clock().NowSeconds() - stamp) > ctx.config().timestamp_window) {
    return Status::Error(kBadTimestamp);
  }
  return Status::Ok();
}

}  // namespace

const Authenticator kSandboxGateway{"gateway", AdmitSandboxNotify};

}  // namespace dt
