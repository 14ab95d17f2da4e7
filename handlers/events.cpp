// Live events (API.md "Live events"): GET /api/events admits a subscriber like any token
// route (sign, replay, token) and hands its connection to nginx's nchan with
// X-Accel-Redirect to the internal subscriber location of its own channel, user/<id>;
// nchan then holds it (WebSocket, EventSource or long-poll) and the worker is free.
// The events themselves are published by the routes that cause them (message, match).
#include "lib/outbound/events.h"
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/domain/guard.h"

namespace dt {
namespace {

// nchan's message ids: "<seconds>:<tag>" ("1796133026:0"), or with several tags
// "<seconds>:[<tag>,...]"; nothing else goes into the redirect.
bool EventIdArg(const RequestContext&, ArgValue* value) {
  const std::string& id = value->text;
  const size_t colon = id.find(':');
  return colon > 0 && colon != std::string::npos && colon + 1 < id.size() &&
         id.find_first_not_of("0123456789") == colon &&
         id.find_first_not_of("0123456789,[]", colon + 1) == std::string::npos;
}

Reply HandleEvents(RequestContext& ctx) {
  if (!EventsEnabled(ctx.config())) return Status::Error(kNoRoute);
  return Reply::Redirect(EventStreamUri(
      ctx.user_id, ctx.args.Has("last_event_id") ? ctx.args.Text("last_event_id") : ""));
}

}  // namespace

std::vector<Route> EventsRoutes() {
  return {
      Get("/api/events", HandleEvents)
          .Auth(kAppToken)
          .Accepts({TextArg("last_event_id").Optional().MaxBytes(64).As(EventIdArg)}),
  };
}

}  // namespace dt
