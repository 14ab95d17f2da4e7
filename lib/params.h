// Params: the one parameter set of a request (query string + form body, API.md section 2)
// and the files of a multipart body. Built once per request by ParseRequestParams; read
// by the guard and the handlers. Thread-compatible.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dt {

struct UploadedFile {
  std::string field;         // form field name
  std::string filename;      // as the client named it; never used as a path
  std::string content_type;  // as the client declared it; never trusted
  std::string data;
};

class Params {
 public:
  using Entry = std::pair<std::string, std::string>;

  // Adds key=value; false (and nothing added) when the key is already present.
  bool Add(std::string key, std::string value);

  // The value of `key`, or nullptr when absent.
  const std::string* Find(std::string_view key) const;
  bool Has(std::string_view key) const { return Find(key) != nullptr; }

  const std::vector<Entry>& entries() const { return entries_; }
  size_t size() const { return entries_.size(); }

  std::vector<UploadedFile>& files() { return files_; }
  const std::vector<UploadedFile>& files() const { return files_; }

 private:
  std::vector<Entry> entries_;
  std::vector<UploadedFile> files_;
};

}  // namespace dt
