// Small POSIX file helpers shared by the media store and the upload spool: where uploads
// are spooled, making folders, writing a whole buffer, and the status a failed write
// becomes (a full disk is 901).
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "lib/core/status.h"

namespace dt {

// An open file descriptor, closed when it goes. Move-only.
class UniqueFd {
 public:
  UniqueFd() = default;
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd() { Reset(); }
  UniqueFd(UniqueFd&& other) noexcept : fd_(other.Release()) {}
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = other.Release();
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;

  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int Release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  // Closes now; false (errno set) when close(2) reported an error, which for a file just
  // written means its data may not have reached the disk.
  bool Close();

 private:
  void Reset() {
    if (fd_ >= 0) Close();
  }
  int fd_ = -1;
};

// The folder under the media root where uploads are spooled while their request is read
// (hidden: nginx serves no dot-folder of the media root), on the store's file system.
std::string UploadSpoolDir(const std::string& media_root);

// mkdir -p with `mode` for the folders it makes; 900 (logged) when one cannot be made.
Status MakeDirs(const std::string& path, unsigned mode = 0755);

// Writes all of `data` to `fd`, retrying short writes; false with errno set otherwise.
bool WriteAll(int fd, std::string_view data);

// The status of a failed file operation `what` on `path` with `err` (an errno), logged:
// 901 "media storage is full." for ENOSPC and EDQUOT, else 900.
Status FileFailure(const char* what, const std::string& path, int err);

}  // namespace dt
