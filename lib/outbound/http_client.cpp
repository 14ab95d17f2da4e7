// The outbound HTTP client; see http_client.h.
#include "lib/outbound/http_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <memory>
#include <string>

#include "lib/core/log.h"

namespace dt {

struct HttpClient::Handle {
  struct CurlFree {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
  };
  struct ListFree {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
  };
  std::unique_ptr<CURL, CurlFree> curl;
};

namespace {

struct Sink {
  HttpResponse* response;
  size_t max;
  bool overflow = false;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  Sink* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  if (sink->response->body.size() + n > sink->max) {
    sink->overflow = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  sink->response->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  Sink* sink = static_cast<Sink*>(user);
  const size_t n = size * count;
  std::string_view line(data, n);
  if (line.rfind("HTTP/", 0) == 0) {
    sink->response->headers.clear();  // a new response (after a 100 Continue)
    return n;
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return n;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  std::string_view value = line.substr(colon + 1);
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
    value.remove_suffix(1);
  }
  sink->response->headers.emplace_back(std::move(name), std::string(value));
  return n;
}

}  // namespace

HttpOptions WithTimeout(int timeout_ms) {
  HttpOptions o;
  o.timeout_ms = timeout_ms;
  o.connect_timeout_ms = std::min(2000, timeout_ms);
  return o;
}

void InitOutbound() { curl_global_init(CURL_GLOBAL_DEFAULT); }

const std::string* HttpResponse::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k == name) return &v;
  }
  return nullptr;
}

HttpClient::HttpClient(HttpOptions options)
    : options_(std::move(options)), handle_(std::make_unique<Handle>()) {}

HttpClient::~HttpClient() = default;

Status HttpClient::Send(const HttpRequest& request, HttpResponse* response) {
  *response = HttpResponse();
  if (!handle_->curl) handle_->curl.reset(curl_easy_init());
  CURL* c = handle_->curl.get();
  if (!c) return Status::Internal("curl_easy_init");
  curl_easy_reset(c);  // keeps the connection cache, forgets the last call's options
  Sink sink{response, options_.max_response};
  // The header lines; "Expect:" turns off curl's 100-continue wait, which would cost a
  // gateway call a round trip for nothing.
  curl_slist* list = nullptr;
  bool listed = true;
  auto add = [&](const std::string& line) {
    curl_slist* head = curl_slist_append(list, line.c_str());
    listed = listed && head;
    if (head) list = head;
  };
  for (const auto& [name, value] : request.headers) add(name + ": " + value);
  add("Expect:");
  std::unique_ptr<curl_slist, Handle::ListFree> headers(list);
  if (!listed) return Status::Internal("curl_slist_append");

  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(options_.connect_timeout_ms));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
  if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
  if (!options_.unix_socket.empty()) {
    curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, options_.unix_socket.c_str());
  }
  if (options_.http2) {
    const bool tls = request.url.rfind("https://", 0) == 0;
    curl_easy_setopt(c, CURLOPT_HTTP_VERSION,
                     tls ? CURL_HTTP_VERSION_2TLS : CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
  }
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &sink);

  const CURLcode rc = curl_easy_perform(c);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, nullptr);  // the list goes with this call
  if (rc != CURLE_OK) {
    if (sink.overflow) {
      LogError("http %s %.200s: response over %zu bytes", request.method.c_str(),
               request.url.c_str(), options_.max_response);
      return Status::Internal("response too large");
    }
    LogError("http %s %.200s: %s", request.method.c_str(), request.url.c_str(),
             curl_easy_strerror(rc));
    return Status::Unavailable(curl_easy_strerror(rc));
  }
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response->status);
  return Status::Ok();
}

HttpClient& ThreadClient(const char* purpose, const HttpOptions& options) {
  thread_local std::map<std::string, std::unique_ptr<HttpClient>> clients;
  std::unique_ptr<HttpClient>& client = clients[purpose];
  if (!client) client = std::make_unique<HttpClient>(options);
  return *client;
}

}  // namespace dt
