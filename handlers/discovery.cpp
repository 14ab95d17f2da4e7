// Discovery (API.md "Discovery"): what the caller looks for. Stored per user; a user who
// never said gets defaults from their own profile (lib/domain/discovery.h).
#include "lib/domain/discovery.h"
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/domain/guard.h"

namespace dt {
namespace {

Reply PreferencesReply(const Preferences& p) {
  JsonWriter data;
  WritePreferences(p, &data);
  return Reply::Ok(data);
}

Reply HandleShowPreferences(RequestContext& ctx) {
  Preferences p;
  RETURN_IF_ERROR(LoadPreferences(ctx.db, ctx.user_id, ctx.clock().NowSeconds(), &p));
  return PreferencesReply(p);
}

// Each parameter is optional and changes only its own preference; ageMin <= ageMax is
// checked against what the other one is, given or kept.
Reply HandleUpdatePreferences(RequestContext& ctx) {
  const Args& a = ctx.args;
  if (!a.Has("ageMin") && !a.Has("ageMax") && !a.Has("distanceKm") && !a.Has("genders")) {
    return Status::Error(kBadParam, "no preference given.");
  }
  const int64_t now = ctx.clock().NowSeconds();
  Preferences p;
  RETURN_IF_ERROR(LoadPreferences(ctx.db, ctx.user_id, now, &p));
  if (a.Has("genders") && !ParseGenders(a.Text("genders"), &p.genders)) {
    return Status::Error(kBadParam, "genders is invalid.");
  }
  if (a.Has("ageMin")) p.age_min = static_cast<int>(a.Int("ageMin"));
  if (a.Has("ageMax")) p.age_max = static_cast<int>(a.Int("ageMax"));
  if (a.Has("distanceKm")) p.distance_km = static_cast<int>(a.Int("distanceKm"));
  if (p.age_min > p.age_max) {
    return Status::Error(kBadParam, a.Has("ageMax") ? "ageMax is invalid." : "ageMin is invalid.");
  }
  RETURN_IF_ERROR(SavePreferences(ctx.db, ctx.user_id, p, now));
  p.saved = true;
  return PreferencesReply(p);
}

}  // namespace

std::vector<Route> DiscoveryRoutes() {
  return {
      Get("/api/user/preferences", HandleShowPreferences).Auth(kAppToken),
      Post("/api/user/preferences", HandleUpdatePreferences)
          .Auth(kAppToken)
          .Accepts({IntArg("ageMin", 18, 120).Optional(), IntArg("ageMax", 18, 120).Optional(),
                    IntArg("distanceKm", 1, 500).Optional(),
                    TextArg("genders").MaxLength(5).Optional()}),
  };
}

}  // namespace dt
