// Devices (API.md "Push"): the push tokens of the caller's app installs. A token belongs
// to the session that registers it (its logout deletes it) and to one account at a time.
// The parameter is deviceToken: `token` is the login token every T route is signed with.
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/clock.h"
#include "lib/core/context.h"
#include "lib/domain/guard.h"
#include "lib/domain/push.h"

namespace dt {
namespace {

// Printable ASCII, as app versions are ("2.3.1 (418)").
bool AppVersionArg(const RequestContext&, ArgValue* value) {
  for (unsigned char c : value->text) {
    if (c < 0x20 || c > 0x7E) return false;
  }
  return true;
}

Reply HandleRegister(RequestContext& ctx) {
  const std::string& platform = ctx.args.Text("platform");
  const std::string& provider = ctx.args.Text("provider");
  const std::string& token = ctx.args.Text("deviceToken");
  // FCM reaches both platforms; APNs only Apple's.
  if (provider == "apns" && platform != "ios") {
    return Status::Error(kBadParam, "provider is invalid.");
  }
  if (!ValidPushToken(provider, token)) return Status::Error(kBadParam, "deviceToken is invalid.");
  const std::string app_version = ctx.args.Has("appVersion") ? ctx.args.Text("appVersion") : "";
  RETURN_IF_ERROR(RegisterDevice(ctx.db, ctx.user_id, ctx.session_id, platform, provider, token,
                                 app_version, ctx.clock().NowSeconds()));
  JsonWriter data;
  data.Str("platform", platform).Str("provider", provider);
  return Reply::Ok(data);
}

// Idempotent: an app may say it twice, or after the provider's rejection deleted it.
Reply HandleUnregister(RequestContext& ctx) {
  bool found = false;
  RETURN_IF_ERROR(UnregisterDevice(ctx.db, ctx.user_id, ctx.args.Text("deviceToken"), &found));
  JsonWriter data;
  data.Bool("removed", found);
  return Reply::Ok(data);
}

}  // namespace

std::vector<Route> DeviceRoutes() {
  return {
      Post("/api/device/register", HandleRegister)
          .Auth(kAppToken)
          .Accepts({TextArg("platform").OneOf({"ios", "android"}),
                    TextArg("provider").OneOf({"apns", "fcm"}),
                    TextArg("deviceToken").MaxLength(255),
                    TextArg("appVersion").MaxLength(32).As(AppVersionArg).Optional()}),
      Post("/api/device/unregister", HandleUnregister)
          .Auth(kAppToken)
          .Accepts({TextArg("deviceToken").MaxLength(255)}),
  };
}

}  // namespace dt
