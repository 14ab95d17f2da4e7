// Live events through the test stack's nginx and its nchan: subscribers over EventSource
// (curl -N), long-poll (a plain GET) and WebSocket (tests/tools/ws_events.py, Debian's
// python3-websocket), each in a process of its own writing what it received to a file;
// the events come from the routes that cause them. The test knows a subscription is held
// when nchan's publisher counts it (its channel info: "active subscribers: N").
#include <cppunit/extensions/HelperMacros.h>
#include <json/reader.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

#include "lib/core/crypto.h"
#include "lib/outbound/events.h"
#include "tests/http/http_support.h"

namespace dt {
namespace {

bool Has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string PublisherSocket() { return TestStack::Get().config().events_publisher.substr(5); }

// nchan's count of the streams open on `user`'s channel (0 when it has none).
int Subscribers(int64_t user) {
  const std::string info = RunCommand("curl -s --unix-socket " + PublisherSocket() + " http://nchan/dt-publish/user/" +
                                      std::to_string(user));
  const size_t at = info.find("active subscribers: ");
  return at == std::string::npos ? 0 : atoi(info.c_str() + at + 20);
}

// A subscriber in the background: `command` (its output to a file) for at most `seconds`.
class Stream {
 public:
  enum Kind { kEventSource, kLongPoll, kWebSocket };

  Stream(Kind kind, const std::string& url, int seconds, const std::string& last_event_id = "")
      : file_(TestStack::Get().VarPath("events-" + NewNonce() + ".out")) {
    std::string command;
    if (kind == kWebSocket) {
      command = "/usr/bin/python3 tests/tools/ws_events.py '" + url + "' " + std::to_string(seconds);
    } else {
      command = "curl -s -N -m " + std::to_string(seconds) + " -w '\\nhttp=%{http_code} type=%{content_type}\\n'";
      if (kind == kEventSource) command += " -H 'Accept: text/event-stream'";
      if (!last_event_id.empty()) command += " -H 'Last-Event-ID: " + last_event_id + "'";
      command += " '" + url + "'";
    }
    // The subshell's own output away from RunCommand's pipe, or RunCommand waits for it.
    RunCommand("(" + command + " > " + file_ + " 2>&1; echo done >> " + file_ + ") < /dev/null > /dev/null 2>&1 &");
  }

  // Waits until nchan holds `n` streams of `user` (or 5 s).
  static void AwaitSubscribers(int64_t user, int n) {
    for (int i = 0; i < 100 && Subscribers(user) < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    CPPUNIT_ASSERT_EQUAL_MESSAGE("subscribers of " + std::to_string(user) + ": " +
                                     RunCommand("curl -s -i --unix-socket " + PublisherSocket() +
                                                " http://nchan/dt-publish/user/" + std::to_string(user)),
                                 n, Subscribers(user));
  }

  // What it received, once it ended (or `seconds` more passed).
  std::string Finish(int seconds = 15) {
    for (int i = 0; i < seconds * 20 && !Has(Output(), "done\n"); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return Output();
  }

  std::string Output() const { return ReadBinary(file_); }

  // The data lines of an EventSource stream, parsed, with their ids.
  static std::vector<std::pair<std::string, Json::Value>> Events(const std::string& out) {
    std::vector<std::pair<std::string, Json::Value>> events;
    std::string id;
    size_t start = 0;
    while (start < out.size()) {
      const size_t end = out.find('\n', start);
      const std::string line = out.substr(start, end == std::string::npos ? std::string::npos : end - start);
      start = end == std::string::npos ? out.size() : end + 1;
      if (line.rfind("id: ", 0) == 0) id = line.substr(4);
      if (line.rfind("data: ", 0) == 0 || line.rfind("{", 0) == 0) {
        const std::string text = line.rfind("{", 0) == 0 ? line : line.substr(6);
        Json::Value v;
        std::string errors;
        std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
        if (reader->parse(text.data(), text.data() + text.size(), &v, &errors)) events.emplace_back(id, v);
      }
    }
    return events;
  }

 private:
  std::string file_;
};

// `events` in the order of their types' names.
std::vector<std::pair<std::string, Json::Value>> ByType(std::vector<std::pair<std::string, Json::Value>> events) {
  std::stable_sort(events.begin(), events.end(),
                   [](const auto& x, const auto& y) { return x.second["type"].asString() < y.second["type"].asString(); });
  return events;
}

std::string EventsUrl(const Caller& c, Fields extra = {}) { return SignedUrl("/api/events", std::move(extra), c); }

Response Send(const Caller& from, int64_t to, const std::string& text) {
  return Call("POST", "/api/message/send", {{"peerId", std::to_string(to)}, {"msgType", "text"}, {"content", text}}, from);
}

}  // namespace

class EventsHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(EventsHttpTest);
  CPPUNIT_TEST(testMessageReadAndMatchReachTheRightUser);
  CPPUNIT_TEST(testTyping);
  CPPUNIT_TEST(testBlockedUsersEventsNeverArrive);
  CPPUNIT_TEST(testResumeWithLastEventId);
  CPPUNIT_TEST(testWebSocketAndLongPoll);
  CPPUNIT_TEST(testRefusedSubscribersGetJsonAndNoStream);
  CPPUNIT_TEST(testQueuedEventsArriveInOrder);
  CPPUNIT_TEST(testLogoutEndsTheStreams);
  CPPUNIT_TEST(testPublisherDownSendsStillSucceed);
  CPPUNIT_TEST_SUITE_END();

 public:
  // A message reaches its recipient's stream, the read receipt the sender's, the match
  // both; an onlooker's stream gets none of it.
  void testMessageReadAndMatchReachTheRightUser() {
    Caller a = Login(NewPhone()), b = Login(NewPhone()), c = Login(NewPhone());
    Stream sa(Stream::kEventSource, EventsUrl(a), 6), sb(Stream::kEventSource, EventsUrl(b), 6),
        sc(Stream::kEventSource, EventsUrl(c), 6);
    for (const Caller* x : {&a, &b, &c}) Stream::AwaitSubscribers(x->user_id, 1);
    Response sent = Send(a, b.user_id, "你好 hello");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(sent.body, 0, sent.code());
    const int64_t message_id = sent.data()["message_id"].asInt64();
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/message/read", {{"peerId", std::to_string(a.user_id)}}, b).code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/like", {{"peerId", std::to_string(b.user_id)}, {"action", "like"}}, a).code());
    Response liked = Call("POST", "/api/user/like", {{"peerId", std::to_string(a.user_id)}, {"action", "like"}}, b);
    CPPUNIT_ASSERT(liked.data()["matched"].asBool());
    // Liked again: the match is not news.
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/like", {{"peerId", std::to_string(a.user_id)}, {"action", "like"}}, b).code());

    const std::string out_b = sb.Finish();
    CPPUNIT_ASSERT_MESSAGE(out_b, Has(out_b, "event: message\n"));
    // Each request's events are published after its reply by its worker's publishing
    // thread, so events from different requests (here different workers) may swap.
    auto events = ByType(Stream::Events(out_b));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out_b, size_t{2}, events.size());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out_b, std::string("match"), events[0].second["type"].asString());
    const Json::Value& m = events[1].second;
    CPPUNIT_ASSERT_EQUAL(std::string("message"), m["type"].asString());
    CPPUNIT_ASSERT_EQUAL(message_id, m["message_id"].asInt64());
    CPPUNIT_ASSERT_EQUAL(a.user_id, m["peer"].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("text"), m["msg_type"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("你好 hello"), m["preview"].asString());
    CPPUNIT_ASSERT_EQUAL(a.user_id, events[0].second["peer"].asInt64());

    const std::string out_a = sa.Finish();
    events = ByType(Stream::Events(out_a));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out_a, size_t{2}, events.size());
    CPPUNIT_ASSERT_EQUAL(std::string("read"), events[1].second["type"].asString());
    CPPUNIT_ASSERT_EQUAL(b.user_id, events[1].second["peer"].asInt64());
    CPPUNIT_ASSERT_EQUAL(message_id, events[1].second["message_id"].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("match"), events[0].second["type"].asString());
    CPPUNIT_ASSERT_EQUAL(b.user_id, events[0].second["peer"].asInt64());
    CPPUNIT_ASSERT_MESSAGE(out_a, Has(out_a, "event: read\n"));

    const std::string out_c = sc.Finish();
    CPPUNIT_ASSERT_MESSAGE(out_c, Stream::Events(out_c).empty());
    CPPUNIT_ASSERT_MESSAGE(out_c, Has(out_c, "http=200 type=text/event-stream"));
  }

  void testTyping() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    Stream sb(Stream::kEventSource, EventsUrl(b), 3);
    Stream::AwaitSubscribers(b.user_id, 1);
    Response r = Call("POST", "/api/message/typing", {{"peerId", std::to_string(b.user_id)}}, a);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT(r.data()["delivered"].asBool());
    const auto events = Stream::Events(sb.Finish());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, events.size());
    CPPUNIT_ASSERT_EQUAL(std::string("typing"), events[0].second["type"].asString());
    CPPUNIT_ASSERT_EQUAL(a.user_id, events[0].second["peer"].asInt64());
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT COUNT(*) FROM message WHERE from_uid = ?", {a.user_id}));  // not stored
    CPPUNIT_ASSERT_EQUAL(508, Call("POST", "/api/message/typing", {{"peerId", "99999999"}}, a).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/message/typing", {{"peerId", std::to_string(a.user_id)}}, a).code());
  }

  // A block either way: no message, no typing, no read receipt crosses it.
  void testBlockedUsersEventsNeverArrive() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Send(a, b.user_id, "before the block").code());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/block", {{"peerId", std::to_string(a.user_id)}}, b).code());
    Stream sa(Stream::kEventSource, EventsUrl(a), 3), sb(Stream::kEventSource, EventsUrl(b), 3);
    Stream::AwaitSubscribers(a.user_id, 1);
    Stream::AwaitSubscribers(b.user_id, 1);
    CPPUNIT_ASSERT_EQUAL(513, Send(a, b.user_id, "after").code());
    CPPUNIT_ASSERT_EQUAL(513, Call("POST", "/api/message/typing", {{"peerId", std::to_string(b.user_id)}}, a).code());
    Response read = Call("POST", "/api/message/read", {{"peerId", std::to_string(a.user_id)}}, b);
    CPPUNIT_ASSERT_EQUAL(1, read.data()["updated"].asInt());
    CPPUNIT_ASSERT_MESSAGE(sb.Output(), Stream::Events(sb.Finish()).empty());
    CPPUNIT_ASSERT_MESSAGE(sa.Output(), Stream::Events(sa.Finish()).empty());
  }

  // Disconnected after the first message, back with its id: exactly the ones missed, by
  // the header and by last_event_id through the worker.
  void testResumeWithLastEventId() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    Stream first(Stream::kEventSource, EventsUrl(b), 2);
    Stream::AwaitSubscribers(b.user_id, 1);
    const int64_t m1 = Send(a, b.user_id, "one").data()["message_id"].asInt64();
    const auto seen = Stream::Events(first.Finish());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, seen.size());
    CPPUNIT_ASSERT_EQUAL(m1, seen[0].second["message_id"].asInt64());
    const std::string last_id = seen[0].first;
    CPPUNIT_ASSERT(!last_id.empty());
    Stream::AwaitSubscribers(b.user_id, 0);
    const int64_t m2 = Send(a, b.user_id, "two").data()["message_id"].asInt64();
    const int64_t m3 = Send(a, b.user_id, "three").data()["message_id"].asInt64();
    for (int by_param = 0; by_param < 2; ++by_param) {
      Stream again(Stream::kEventSource, by_param ? EventsUrl(b, {{"last_event_id", last_id}}) : EventsUrl(b), 2,
                   by_param ? "" : last_id);
      auto missed = Stream::Events(again.Finish());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(again.Output(), size_t{2}, missed.size());
      // Two requests' events (maybe from two workers' publishing threads): in either order.
      if (missed[0].second["message_id"].asInt64() > missed[1].second["message_id"].asInt64()) std::swap(missed[0], missed[1]);
      CPPUNIT_ASSERT_EQUAL(m2, missed[0].second["message_id"].asInt64());
      CPPUNIT_ASSERT_EQUAL(m3, missed[1].second["message_id"].asInt64());
    }
    // A new stream without an id starts at the newest: nothing old.
    Stream fresh(Stream::kEventSource, EventsUrl(b), 2);
    CPPUNIT_ASSERT(Stream::Events(fresh.Finish()).empty());
    CPPUNIT_ASSERT_EQUAL(300, Call("GET", "/api/events", {{"last_event_id", "1;rm -rf"}}, b).code());
  }

  void testWebSocketAndLongPoll() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    Stream ws(Stream::kWebSocket, EventsUrl(b), 3);
    Stream::AwaitSubscribers(b.user_id, 1);
    const int64_t id = Send(a, b.user_id, "over a websocket").data()["message_id"].asInt64();
    auto events = Stream::Events(ws.Finish());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(ws.Output(), size_t{1}, events.size());
    CPPUNIT_ASSERT_EQUAL(id, events[0].second["message_id"].asInt64());
    Stream::AwaitSubscribers(b.user_id, 0);
    Stream poll(Stream::kLongPoll, EventsUrl(b), 5);
    Stream::AwaitSubscribers(b.user_id, 1);
    const int64_t next = Send(a, b.user_id, "by long-poll").data()["message_id"].asInt64();
    const std::string out = poll.Finish();
    events = Stream::Events(out);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(out, size_t{1}, events.size());
    CPPUNIT_ASSERT_EQUAL(next, events[0].second["message_id"].asInt64());
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "http=200"));
  }

  // A bad sign, a replayed URL, a dead token: the JSON error, never a stream.
  void testRefusedSubscribersGetJsonAndNoStream() {
    Caller a = Login(NewPhone());
    const std::string url = EventsUrl(a);
    Stream once(Stream::kEventSource, url, 1);
    once.Finish();
    Stream replay(Stream::kEventSource, url, 3);
    std::string out = replay.Finish();
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "\"code\":507") && Has(out, "type=application/json"));
    std::string forged = EventsUrl(a);
    forged.replace(forged.find("sign=") + 5, 4, "0000");
    Stream bad(Stream::kEventSource, forged, 3);
    out = bad.Finish();
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "\"code\":500") && !Has(out, "text/event-stream"));
    Stream ws(Stream::kWebSocket, forged, 3);
    CPPUNIT_ASSERT_MESSAGE(ws.Output(), Has(ws.Finish(), "refused 200"));  // JSON, no upgrade
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/auth/logout", {}, a).code());
    Stream dead(Stream::kEventSource, EventsUrl(a), 3);
    out = dead.Finish();
    CPPUNIT_ASSERT_MESSAGE(out, Has(out, "\"code\":504") && Has(out, "type=application/json"));
    CPPUNIT_ASSERT_EQUAL(0, Subscribers(a.user_id));
  }

  // The publishing queue (here this process's, to the test stack's nchan): every event
  // arrives, in the order queued, and draining waits for the last one.
  void testQueuedEventsArriveInOrder() {
    Caller b = Login(NewPhone());
    Stream sb(Stream::kEventSource, EventsUrl(b), 4);
    Stream::AwaitSubscribers(b.user_id, 1);
    const int kEvents = 200;
    for (int i = 0; i < kEvents; ++i) {
      QueueEvent(TestStack::Get().config(), b.user_id, "typing", "{\"type\":\"typing\",\"peer\":" + std::to_string(i) + "}");
    }
    CPPUNIT_ASSERT(DrainEvents(std::chrono::steady_clock::now() + std::chrono::seconds(10)));
    const auto events = Stream::Events(sb.Finish());
    CPPUNIT_ASSERT_EQUAL(size_t{kEvents}, events.size());
    for (int i = 0; i < kEvents; ++i) CPPUNIT_ASSERT_EQUAL(int64_t{i}, events[i].second["peer"].asInt64());
    CPPUNIT_ASSERT(DrainEvents(std::chrono::steady_clock::now()));  // nothing waiting
  }

  // Logout ends the caller's open streams at once, not after their minute.
  void testLogoutEndsTheStreams() {
    Caller a = Login(NewPhone());
    Stream s(Stream::kEventSource, EventsUrl(a), 20);
    Stream::AwaitSubscribers(a.user_id, 1);
    const auto start = std::chrono::steady_clock::now();
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/auth/logout", {}, a).code());
    s.Finish(8);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CPPUNIT_ASSERT_MESSAGE(std::to_string(seconds) + " " + s.Output(), seconds < 5 && Has(s.Output(), "done\n"));
    CPPUNIT_ASSERT_EQUAL(0, Subscribers(a.user_id));
  }

  // The publisher unreachable (its socket gone, and nginx reloaded so that the workers'
  // kept connections to it close): sends succeed, stored, the failure logged.
  void testPublisherDownSendsStillSucceed() {
    Caller a = Login(NewPhone()), b = Login(NewPhone());
    const std::string socket = PublisherSocket();
    CPPUNIT_ASSERT_EQUAL(0, rename(socket.c_str(), (socket + ".off").c_str()));
    const std::string pid = ReadBinary(TestStack::Get().VarPath("run/nginx.pid"));
    CPPUNIT_ASSERT(atoi(pid.c_str()) > 1);
    CPPUNIT_ASSERT_EQUAL(0, kill(atoi(pid.c_str()), SIGHUP));
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    Response r = Send(a, b.user_id, "nobody is listening");
    Response typing = Call("POST", "/api/message/typing", {{"peerId", std::to_string(b.user_id)}}, a);
    // The send's event is published after its reply, by the worker's publishing thread:
    // the socket comes back once both failures are logged.
    const std::string failed = "events: publish for user " + std::to_string(b.user_id) + " failed";
    size_t failures = 0;
    for (int i = 0; i < 100 && failures < 2; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      const std::string log = ReadBinary(TestStack::Get().VarPath("log/worker.log"));
      failures = 0;
      for (size_t at = log.find(failed); at != std::string::npos; at = log.find(failed, at + 1)) ++failures;
    }
    rename((socket + ".off").c_str(), socket.c_str());
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Count("SELECT COUNT(*) FROM message WHERE id = ?", {r.data()["message_id"].asInt64()}));
    CPPUNIT_ASSERT_EQUAL(0, typing.code());
    CPPUNIT_ASSERT(!typing.data()["delivered"].asBool());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, failures);  // the typing's and the message's
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(EventsHttpTest, "http");

}  // namespace dt
