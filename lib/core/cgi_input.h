// Adapters that let cgicc (which ships no FastCGI support) read a request: FcgiInput over
// an FCGX_Request, StringInput over strings (unit tests, fuzzing). Both answer
// CONTENT_LENGTH with the length the server has already checked against the route's
// limit, never the client's number (cgicc allocates that many bytes before any check),
// and hand cgicc a multipart boundary without quotes (cgicc finds nothing otherwise).
// One adapter per request; used by one thread.
#pragma once

#include <cgicc/CgiInput.h>
#include <fcgiapp.h>

#include <cstdint>
#include <map>
#include <string>

namespace dt {

// CONTENT_TYPE as cgicc can parse it: a quoted boundary parameter unquoted.
std::string NormalizeContentType(const std::string& content_type);

class FcgiInput : public cgicc::CgiInput {
 public:
  // `content_length`: the validated body length to read from the request.
  FcgiInput(FCGX_Request& request, int64_t content_length)
      : request_(request), content_length_(content_length) {}

  size_t read(char* data, size_t length) override;
  std::string getenv(const char* name) override;

 private:
  FCGX_Request& request_;
  int64_t content_length_;
};

class StringInput : public cgicc::CgiInput {
 public:
  StringInput(std::map<std::string, std::string> env, std::string body)
      : env_(std::move(env)), body_(std::move(body)) {}

  size_t read(char* data, size_t length) override;
  std::string getenv(const char* name) override;

 private:
  std::map<std::string, std::string> env_;
  std::string body_;
  size_t pos_ = 0;
};

}  // namespace dt
