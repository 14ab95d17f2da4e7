// Publishing to nchan; see events.h.
#include "lib/outbound/events.h"

#include <memory>

#include "lib/core/log.h"
#include "lib/outbound/http_client.h"

namespace dt {
namespace {

constexpr char kSubscriberPath[] = "/dt-events/user/";  // nginx/api.conf, internal
constexpr char kPublisherPath[] = "/dt-publish/user/";  // the publisher server block

// The calling thread's client for the publisher, kept alive between publishes.
HttpClient& PublisherClient(const Config& config) {
  HttpOptions options;
  options.connect_timeout_ms = config.events_timeout_ms;
  options.timeout_ms = config.events_timeout_ms;
  options.max_response = 16 << 10;
  if (config.events_publisher.rfind("unix:", 0) == 0) {
    options.unix_socket = config.events_publisher.substr(5);
  }
  return ThreadClient("events", options);
}

std::string PublisherUrl(const Config& config, int64_t user) {
  const std::string base =
      config.events_publisher.rfind("unix:", 0) == 0
          ? std::string("http://nchan")
          : config.events_publisher.substr(0, config.events_publisher.find_last_not_of('/') + 1);
  return base + kPublisherPath + std::to_string(user);
}

// Sends `request`; true on a 2xx (or a 404 when `gone_is_done`: a channel nchan does not
// have), else logs what happened (`what`, the user).
bool Exchange(const Config& config, const HttpRequest& request, const char* what, int64_t user,
              bool gone_is_done = false) {
  HttpResponse response;
  Status s = PublisherClient(config).Send(request, &response);
  if (s.ok() && response.status >= 200 && response.status < 300) return true;
  if (s.ok() && gone_is_done && response.status == 404) return true;
  LogError("events: %s for user %lld failed: %s", what, static_cast<long long>(user),
           s.ok() ? ("HTTP " + std::to_string(response.status)).c_str() : s.msg().c_str());
  return false;
}

}  // namespace

std::string EventStreamUri(int64_t user, std::string_view last_event_id) {
  std::string uri = kSubscriberPath + std::to_string(user);
  if (!last_event_id.empty()) uri.append("?last_event_id=").append(last_event_id);
  return uri;
}

bool PublishEvent(const Config& config, int64_t user, std::string_view type,
                  std::string_view event) {
  if (!EventsEnabled(config)) return true;
  HttpRequest request;
  request.method = "POST";
  request.url = PublisherUrl(config, user);
  request.headers = {{"Content-Type", "application/json"},
                     {"X-EventSource-Event", std::string(type)}};
  request.body = std::string(event);
  return Exchange(config, request, "publish", user);
}

bool CloseEventStreams(const Config& config, int64_t user) {
  if (!EventsEnabled(config)) return true;
  HttpRequest request;
  request.method = "DELETE";
  request.url = PublisherUrl(config, user);
  return Exchange(config, request, "closing the streams", user, true);
}

}  // namespace dt
