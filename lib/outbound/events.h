// Live events (docs/API.md "Live events"): the workers publish each user's events to
// nginx's nchan, which holds the subscribers' connections (WebSocket, EventSource,
// long-poll) and buffers each channel's last events for clients that reconnect. A channel
// per user, user/<id>; an event is a JSON object with its `type` (message, read, match,
// typing), also sent as the EventSource event name.
//
// The publisher is nchan's publisher location ([events] publisher: a unix socket of the
// local nginx, or an http address of one sharing nchan's Redis), over kept-alive
// connections (lib/outbound/nchan_client.h) with [events] timeout_ms. Publishing happens after the
// data is committed and never fails the request: a failure is logged, the data is in MySQL, and
// polling (message/list) still finds it. Events a route causes are queued and published by one
// thread per process, in the order queued, so that a slow or unreachable nchan costs the
// request nothing. Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "lib/core/config.h"

namespace dt {

// Whether live events are configured ([events] publisher).
inline bool EventsEnabled(const Config& config) { return !config.events_publisher.empty(); }

// The internal URI nginx's subscriber location holds `user`'s stream at (the route's
// X-Accel-Redirect), with the id of the last event the client saw, when it says one.
std::string EventStreamUri(int64_t user, std::string_view last_event_id);

// Publishes the event `type` with the JSON object `event` to `user`'s channel, now, on
// the calling thread. False (and a log line) when nchan did not take it.
bool PublishEvent(const Config& config, int64_t user, std::string_view type,
                  std::string_view event);

// Queues the same for the process's publishing thread (started on the first call, with
// that call's [events] settings) and returns at once. Its failure is logged there; an event that
// finds kEventQueueLimit waiting is dropped (and logged) rather than held without bound.
constexpr size_t kEventQueueLimit = 10000;
void QueueEvent(const Config& config, int64_t user, std::string_view type, std::string_view event);

// Waits until the queue is empty and its last event sent, or `deadline`: a stopping
// worker's last step. False when events were still waiting.
bool DrainEvents(std::chrono::steady_clock::time_point deadline);

// How many live streams `user` has open now (nchan's channel info; 0 when nchan has no
// channel of theirs). Unavailable when nchan cannot be asked; 0 without live events.
Status OpenStreams(const Config& config, int64_t user, int* count);

// Ends `user`'s open streams at once (the channel is deleted, its buffer with it): logout.
// False (and a log line) when nchan could not be told.
bool CloseEventStreams(const Config& config, int64_t user);

}  // namespace dt
