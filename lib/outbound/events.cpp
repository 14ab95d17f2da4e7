// Publishing to nchan; see events.h.
#include "lib/outbound/events.h"

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>

#include "lib/core/log.h"
#include "lib/outbound/nchan_client.h"

namespace dt {
namespace {

constexpr char kSubscriberPath[] = "/dt-events/user/";  // nginx/api.conf, internal
constexpr char kPublisherPath[] = "/dt-publish/user/";  // the publisher server block

// The calling thread's connection to the publisher, kept between publishes (made with the
// thread's first caller's config).
NchanClient& ThreadPublisher(const Config& config) {
  thread_local std::unique_ptr<NchanClient> client;
  if (!client)
    client = std::make_unique<NchanClient>(config.events_publisher, config.events_timeout_ms);
  return *client;
}

// One request to the publisher about `user`'s channel.
struct PublisherRequest {
  int64_t user;
  const char* method;
  std::string headers, body;
};

PublisherRequest PublishRequest(int64_t user, std::string_view type, std::string_view event) {
  return {user, "POST",
          "Content-Type: application/json\r\nX-EventSource-Event: " + std::string(type) + "\r\n",
          std::string(event)};
}

// Sends `request` with `client`; true on a 2xx (or a 404 when `gone_is_done`: a channel
// nchan does not have), else logs what happened (`what`, the user).
bool Exchange(NchanClient& client, const PublisherRequest& request, const char* what,
              bool gone_is_done = false) {
  int status = 0;
  Status s = client.Exchange(request.method, kPublisherPath + std::to_string(request.user),
                             request.headers, request.body, &status);
  if (s.ok() && status >= 200 && status < 300) return true;
  if (s.ok() && gone_is_done && status == 404) return true;
  LogError("events: %s for user %lld failed: %s", what, static_cast<long long>(request.user),
           s.ok() ? ("HTTP " + std::to_string(status)).c_str() : s.msg().c_str());
  return false;
}

// The process's queue and its publishing thread. Never destroyed: the thread is detached
// and a worker leaves by _exit after DrainEvents.
class EventQueue {
 public:
  static EventQueue& Get() {
    static EventQueue* queue = new EventQueue;
    return *queue;
  }

  void Push(const Config& config, PublisherRequest request) {
    std::lock_guard<std::mutex> lock(mu_);
    if (waiting_.size() >= kEventQueueLimit) {
      LogError("events: queue full (%zu waiting), event for user %lld dropped", waiting_.size(),
               static_cast<long long>(request.user));
      return;
    }
    if (!started_) {
      started_ = true;
      std::thread(&EventQueue::Run, this, config.events_publisher, config.events_timeout_ms)
          .detach();
    }
    waiting_.push_back(std::move(request));
    wake_.notify_one();
  }

  bool Drain(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    return idle_.wait_until(lock, deadline, [this] { return waiting_.empty() && !sending_; });
  }

 private:
  void Run(std::string publisher, int timeout_ms) {
    NchanClient client(std::move(publisher), timeout_ms);
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      wake_.wait(lock, [this] { return !waiting_.empty(); });
      std::deque<PublisherRequest> batch;
      batch.swap(waiting_);
      sending_ = true;
      lock.unlock();
      for (const PublisherRequest& r : batch) Exchange(client, r, "publish");
      lock.lock();
      sending_ = false;
      if (waiting_.empty()) idle_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_, idle_;
  std::deque<PublisherRequest> waiting_;
  bool started_ = false, sending_ = false;
};

}  // namespace

std::string EventStreamUri(int64_t user, std::string_view last_event_id) {
  std::string uri = kSubscriberPath + std::to_string(user);
  if (!last_event_id.empty()) uri.append("?last_event_id=").append(last_event_id);
  return uri;
}

bool PublishEvent(const Config& config, int64_t user, std::string_view type,
                  std::string_view event) {
  if (!EventsEnabled(config)) return true;
  return Exchange(ThreadPublisher(config), PublishRequest(user, type, event), "publish");
}

void QueueEvent(const Config& config, int64_t user, std::string_view type, std::string_view event) {
  if (!EventsEnabled(config)) return;
  EventQueue::Get().Push(config, PublishRequest(user, type, event));
}

bool DrainEvents(std::chrono::steady_clock::time_point deadline) {
  return EventQueue::Get().Drain(deadline);
}

Status OpenStreams(const Config& config, int64_t user, int* count) {
  *count = 0;
  if (!EventsEnabled(config)) return Status::Ok();
  int status = 0;
  std::string answer;
  RETURN_IF_ERROR(ThreadPublisher(config).Exchange("GET", kPublisherPath + std::to_string(user),
                                                   "Accept: application/json\r\n", "", &status,
                                                   &answer));
  if (status == 404) return Status::Ok();  // no channel: nobody has subscribed
  // {"messages": 1, "requested": -1, "subscribers": 0, "last_message_id": "..."}
  const size_t at = answer.find("\"subscribers\":");
  if (status != 200 || at == std::string::npos) {
    return Status::Unavailable("channel info: HTTP " + std::to_string(status));
  }
  *count = atoi(answer.c_str() + at + 14);
  return Status::Ok();
}

bool CloseEventStreams(const Config& config, int64_t user) {
  if (!EventsEnabled(config)) return true;
  return Exchange(ThreadPublisher(config), {user, "DELETE", "", ""}, "closing the streams", true);
}

}  // namespace dt
