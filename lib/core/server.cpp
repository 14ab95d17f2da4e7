// Worker threads, the accept loop and orderly shutdown.
#include "lib/core/server.h"

#include <fcgiapp.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <exception>
#include <thread>
#include <vector>

#include "lib/core/dispatch.h"
#include "lib/core/log.h"
#include "lib/core/metrics.h"

namespace dt {
namespace {

// libfcgi only marks a shutdown pending on SIGTERM and a thread blocked in accept() may
// never return, so stop signals go to one waiting thread: it lets the requests in flight
// finish (bounded below supervisord's stopwaitsecs) and then ends the process.
std::atomic<int> in_flight{0};
std::atomic<bool> stopping{false};

constexpr auto kDrainLimit = std::chrono::seconds(8);

std::atomic<size_t> threads_started{0};

void WorkerThread(const Services* services, const Router* router, OpenConnections open) {
  std::unique_ptr<ThreadConnections> conn = open(*services, threads_started.fetch_add(1));
  const Connections c = conn->get();
  FCGX_Request request;
  FCGX_InitRequest(&request, 0, 0);
  while (!stopping.load()) {
    if (FCGX_Accept_r(&request) < 0) break;
    in_flight.fetch_add(1);
    ServeRequest(request, *router, *services, c);
    // ServeRequest read the whole request (DrainInput), so the connection can simply be
    // closed: detached, libfcgi skips its lingering close (shutdown, then poll and read
    // until nginx closes), three system calls and a wait per request.
    FCGX_Detach(&request);
    FCGX_Finish_r(&request);
    in_flight.fetch_sub(1);
  }
  FCGX_Free(&request, 1);
}

void TaskThread(const Services* services, std::vector<PeriodicTask> tasks, OpenConnections open) {
  std::unique_ptr<ThreadConnections> conn = open(*services, threads_started.fetch_add(1));
  const Connections c = conn->get();
  std::vector<std::chrono::steady_clock::time_point> due(tasks.size(),
                                                         std::chrono::steady_clock::now());
  while (!stopping.load()) {
    for (size_t i = 0; i < tasks.size(); ++i) {
      if (std::chrono::steady_clock::now() < due[i]) continue;
      // A task that throws must not take the worker (and its requests) down with it.
      Status s;
      const auto started = std::chrono::steady_clock::now();
      try {
        s = tasks[i].run(c.db, c.redis, *services);
      } catch (const std::exception& e) {
        s = Status::Internal(e.what());
      } catch (...) {
        s = Status::Internal("exception of unknown type");
      }
      if (!s.ok()) LogError("task %s: %d %s", tasks[i].name, s.code(), s.msg().c_str());
      CountTask(tasks[i].name, s.ok(),
                std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                services->clock.NowSeconds());
      due[i] = std::chrono::steady_clock::now() + std::chrono::seconds(tasks[i].interval);
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

}  // namespace

int RequestsInFlight() { return in_flight.load(); }

int RunServer(const Services& services, const Router& router,
              const std::vector<PeriodicTask>& tasks, OpenConnections open, DrainFunction drain) {
  if (FCGX_Init() != 0) {
    LogInfo("FCGX_Init failed");
    return 1;
  }
  // Block the stop signals in every thread; the main thread takes them with sigwait.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  std::vector<std::thread> threads;
  for (int i = 0; i < services.config.threads; ++i) {
    threads.emplace_back(WorkerThread, &services, &router, open);
  }
  if (!tasks.empty()) std::thread(TaskThread, &services, tasks, open).detach();
  if (services.config.access_log) StartLogFlusher();
  LogInfo("worker %d serving with %d threads", static_cast<int>(getpid()), services.config.threads);

  int sig = 0;
  sigwait(&stop_signals, &sig);
  stopping.store(true);
  auto deadline = std::chrono::steady_clock::now() + kDrainLimit;
  // A request accepted just now may not have counted itself yet.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  while (in_flight.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  if (drain != nullptr && !drain(deadline))
    LogError("worker %d: drain unfinished", static_cast<int>(getpid()));
  FlushLogs();
  LogInfo("worker %d stopping on signal %d (%d requests unfinished)", static_cast<int>(getpid()),
          sig, in_flight.load());
  _exit(0);  // threads blocked in accept() cannot be joined
}

}  // namespace dt
