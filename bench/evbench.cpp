// evbench: the live events' benchmark (bench/run.sh drives it). It holds SUBSCRIBERS
// EventSource streams open through nginx at once (one per user 1..SUBSCRIBERS of the 10k
// data set, each GET /api/events signed as an app signs it, on one epoll loop), then sends
// messages at RATE per second for SECONDS (user 2k-1 to user 2k, k at random: conversations
// the data set has) and times each from the send request's start to its event arriving on
// the recipient's stream. It also reads nginx's memory (RSS of its processes) before the
// streams open and once they are all held.
//   evbench --config CONFIG --port PORT --nginx-pid FILE --subscribers N --rate R --seconds S
// Prints one line: RESULT subscribers= held= sent= received= p50_ms= p99_ms=
//   nginx_kb_per_subscriber= (and the errors, if any, before it).
#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fstream>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "lib/core/config.h"
#include "lib/core/crypto.h"
#include "lib/core/params.h"
#include "lib/core/request_params.h"
#include "lib/core/sign.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* kAppKey = "432ABZ";

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// The bench data's login of `user` (dtbench gen).
std::string Token(int64_t user) { return dt::Md5Hex("bench-token-" + std::to_string(user)); }

// The signed query string of a request by `user` with `fields`, as an app signs it.
std::string Signed(const dt::Config& config, int64_t user, std::vector<std::pair<std::string, std::string>> fields) {
  const dt::AppConfig& app = config.apps.at(kAppKey);
  dt::Params p;
  for (const auto& [k, v] : fields) p.Add(k, v);
  p.Add("userId", std::to_string(user));
  p.Add("appkey", kAppKey);
  p.Add("timestamp", std::to_string(time(nullptr)));
  p.Add("nonce", dt::HexEncode(dt::RandomBytes(12)));
  p.Add("token", Token(user));
  p.Add("sign", dt::SignParams(app.method, app.secret, p, true));
  std::string out;
  for (const auto& [k, v] : p.entries()) {
    if (!out.empty()) out += '&';
    out += dt::PercentEncode(k) + "=" + dt::PercentEncode(v);
  }
  return out;
}

// RSS in kB of the nginx master whose pid is in `pid_file` and of its children.
long NginxRssKb(const std::string& pid_file) {
  std::ifstream in(pid_file);
  long master = 0;
  in >> master;
  auto rss = [](long pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
      if (line.rfind("VmRSS:", 0) == 0) return atol(line.c_str() + 6);
    }
    return 0L;
  };
  long total = rss(master);
  DIR* proc = opendir("/proc");
  while (dirent* e = proc ? readdir(proc) : nullptr) {
    const long pid = atol(e->d_name);
    if (pid <= 0) continue;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    const size_t close = text.rfind(')');
    long ppid = 0;
    if (close != std::string::npos) sscanf(text.c_str() + close + 2, "%*c %ld", &ppid);
    if (ppid == master) total += rss(pid);
  }
  if (proc) closedir(proc);
  return total;
}

struct Stream {
  int fd = -1;
  std::string request;
  size_t written = 0;
  std::string buffer;
  bool held = false;
};

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(q * static_cast<double>(v.size())))];
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flag;
  for (int i = 1; i + 1 < argc; i += 2) flag[argv[i]] = argv[i + 1];
  dt::Config config;
  dt::Status loaded = dt::LoadConfig(flag["--config"], &config);
  if (!loaded.ok()) {
    fprintf(stderr, "evbench: %s\n", loaded.msg().c_str());
    return 1;
  }
  const int port = atoi(flag["--port"].c_str());
  const int subscribers = atoi(flag["--subscribers"].c_str());
  const int rate = atoi(flag["--rate"].c_str());
  const int seconds = atoi(flag["--seconds"].c_str());
  if (port <= 0 || subscribers < 2 || rate <= 0 || seconds <= 0) {
    fprintf(stderr, "usage: evbench --config C --port P --nginx-pid F --subscribers N --rate R --seconds S\n");
    return 2;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  const long rss_before = NginxRssKb(flag["--nginx-pid"]);

  // Open every stream, at most 200 waiting for their admission at a time.
  const int ep = epoll_create1(EPOLL_CLOEXEC);
  std::vector<Stream> streams(subscribers);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  // --path: /api/events (default), or e.g. /direct/user/ (+ the user id) to measure a
  // subscriber location reached without the workers.
  const std::string path = flag.count("--path") ? flag["--path"] : "/api/events";
  auto path_for = [&](int64_t user) {
    return path == "/api/events" ? path : path + std::to_string(user);
  };
  std::map<int, int> by_fd;
  int next = 0, held = 0, pending = 0, errors = 0;
  std::mutex sent_mutex;
  std::map<int64_t, int64_t> sent_at;  // sequence -> ns
  std::vector<double> latencies;
  auto open_next = [&] {
    Stream& s = streams[next];
    s.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    connect(s.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    s.request = "GET " + path_for(next + 1) + "?" + Signed(config, next + 1, {}) +
                " HTTP/1.1\r\nHost: bench\r\nAccept: text/event-stream\r\n\r\n";
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;
    ev.data.fd = s.fd;
    epoll_ctl(ep, EPOLL_CTL_ADD, s.fd, &ev);
    by_fd[s.fd] = next++;
    ++pending;
  };
  // Reads what a stream got; counts it held at nchan's ": hi", and times every event.
  auto on_event = [&](int fd, uint32_t events) {
    Stream& s = streams[by_fd[fd]];
    if ((events & EPOLLOUT) && s.written < s.request.size()) {
      const ssize_t n = write(fd, s.request.data() + s.written, s.request.size() - s.written);
      if (n > 0) s.written += static_cast<size_t>(n);
      if (s.written == s.request.size()) {
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.fd = fd;
        epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
      }
    }
    if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR))) return;
    char buf[16384];
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) {
      if (n < 0 && errno == EAGAIN) return;
      if (!s.held) ++errors, --pending;
      if (s.held) --held;
      epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
      close(fd);
      return;
    }
    s.buffer.append(buf, static_cast<size_t>(n));
    if (!s.held) {
      if (s.buffer.find(": hi") != std::string::npos) {
        s.held = true;
        ++held;
        --pending;
      } else if (s.buffer.find("\r\n\r\n{") != std::string::npos) {
        fprintf(stderr, "evbench: refused: %.200s\n", s.buffer.c_str() + s.buffer.find("\r\n\r\n") + 4);
        ++errors;
        --pending;
        epoll_ctl(ep, EPOLL_CTL_DEL, fd, nullptr);
        close(fd);
        return;
      }
    }
    for (size_t at; (at = s.buffer.find("\"preview\":\"evb ")) != std::string::npos;) {
      // Read only once the preview has its closing quote: a read may end inside the
      // numbers, and the rest comes with the next one.
      const size_t end = s.buffer.find('"', at + 15);
      if (end == std::string::npos) break;
      const int64_t now = NowNs();
      long long seq = 0, ns = 0;
      if (sscanf(s.buffer.substr(at + 15, end - at - 15).c_str(), "%lld %lld", &seq, &ns) == 2) {
        std::lock_guard<std::mutex> lock(sent_mutex);
        if (sent_at.erase(seq)) latencies.push_back(static_cast<double>(now - ns) / 1e6);
      }
      s.buffer.erase(0, end);
    }
    if (s.held && s.buffer.size() > 4096) s.buffer.erase(0, s.buffer.size() - 512);
  };
  epoll_event events[512];
  const auto open_deadline = Clock::now() + std::chrono::seconds(60);
  while ((next < subscribers || pending > 0) && Clock::now() < open_deadline) {
    while (next < subscribers && pending < 200) open_next();
    const int n = epoll_wait(ep, events, 512, 100);
    for (int i = 0; i < n; ++i) on_event(events[i].data.fd, events[i].events);
  }
  const long rss_held = NginxRssKb(flag["--nginx-pid"]);
  const int held_at_start = held;

  // The senders: RATE messages a second between the data set's conversation partners.
  std::atomic<bool> done{false};
  std::atomic<int64_t> sent{0}, send_errors{0};
  auto sender = [&](int index, int threads) {
    CURL* curl = curl_easy_init();
    std::mt19937_64 rng(static_cast<uint64_t>(index) * 7919 + 1);
    const auto start = Clock::now();
    const std::string url = "http://127.0.0.1:" + std::to_string(port) + "/api/message/send";
    for (int64_t i = index; !done.load(); i += threads) {
      std::this_thread::sleep_until(start + std::chrono::microseconds(i * 1000000 / rate));
      const int64_t k = 1 + static_cast<int64_t>(rng() % static_cast<uint64_t>(subscribers / 2));
      const int64_t ns = NowNs();
      {
        std::lock_guard<std::mutex> lock(sent_mutex);
        sent_at[i] = ns;
      }
      const std::string body = Signed(config, 2 * k - 1,
                                      {{"peerId", std::to_string(2 * k)},
                                       {"msgType", "text"},
                                       {"content", "evb " + std::to_string(i) + " " + std::to_string(ns)}});
      curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
      curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
      long status = 0;
      if (curl_easy_perform(curl) != CURLE_OK ||
          (curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status), status != 200)) {
        ++send_errors;
      }
      ++sent;
    }
    curl_easy_cleanup(curl);
  };
  const int threads = std::max(1, std::min(8, rate / 100));
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) pool.emplace_back(sender, t, threads);
  const auto end = Clock::now() + std::chrono::seconds(seconds);
  while (Clock::now() < end) {
    const int n = epoll_wait(ep, events, 512, 50);
    for (int i = 0; i < n; ++i) on_event(events[i].data.fd, events[i].events);
  }
  done.store(true);
  const int64_t stopped_ns = NowNs();
  for (std::thread& t : pool) t.join();
  const auto drain = Clock::now() + std::chrono::seconds(2);  // the last events in flight
  while (Clock::now() < drain) {
    const int n = epoll_wait(ep, events, 512, 50);
    for (int i = 0; i < n; ++i) on_event(events[i].data.fd, events[i].events);
  }
  {
    std::lock_guard<std::mutex> lock(sent_mutex);
    int shown = 0;
    for (const auto& [seq, ns] : sent_at) {  // sent, and no event came for it
      if (shown++ == 5) break;
      fprintf(stderr, "evbench: no event for message %lld, sent %.1f ms before the senders stopped\n",
              static_cast<long long>(seq), static_cast<double>(stopped_ns - ns) / 1e6);
    }
  }
  printf("RESULT subscribers=%d held=%d sent=%lld received=%zu send_errors=%lld p50_ms=%.2f p99_ms=%.2f "
         "nginx_kb_per_subscriber=%.2f open_errors=%d\n",
         subscribers, held_at_start, static_cast<long long>(sent.load()), latencies.size(),
         static_cast<long long>(send_errors.load()), Percentile(latencies, 0.5), Percentile(latencies, 0.99),
         held_at_start > 0 ? static_cast<double>(rss_held - rss_before) / held_at_start : 0.0, errors);
  return 0;
}
