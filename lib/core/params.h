// Params: the one parameter set of a request (query string + form body, API.md section 2)
// and the files of a multipart body. Built once per request by ParseParams; read by the
// guard and the handlers. Thread-compatible; move-only (a file part may own a file on disk).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dt {

// A file the parsing of a request wrote (an upload spooled to disk): removed when its
// owner goes, unless Release()d after it was renamed away. Move-only.
class SpooledFile {
 public:
  SpooledFile() = default;
  explicit SpooledFile(std::string path) : path_(std::move(path)) {}
  ~SpooledFile();
  SpooledFile(SpooledFile&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  SpooledFile& operator=(SpooledFile&& other) noexcept;
  SpooledFile(const SpooledFile&) = delete;
  SpooledFile& operator=(const SpooledFile&) = delete;

  // Empty when nothing was spooled.
  const std::string& path() const { return path_; }
  // Forgets the file without removing it (it has a new name now).
  void Release() { path_.clear(); }

 private:
  std::string path_;
};

// How many of a file's first bytes are kept in memory, for its type by magic bytes.
constexpr size_t kFileHeadBytes = 64;

// A file part: what the client said of it, and what the parser measured of its content.
struct UploadedFile {
  std::string field;         // form field name
  std::string filename;      // as the client named it; never used as a path
  std::string content_type;  // as the client declared it; never trusted
  int64_t size = 0;          // bytes of content
  std::string md5;           // lowercase hex MD5 of the content
  std::string head;          // its first kFileHeadBytes bytes (all of it when shorter)
  // The content, on routes that spool files (the upload route). Mutable: the handler of
  // such a route moves the file into the media store, reading otherwise const Params.
  mutable SpooledFile spooled;
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
