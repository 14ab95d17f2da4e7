// mkdir -p, write loops and their errors.
#include "lib/core/files.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lib/core/log.h"

namespace dt {

bool UniqueFd::Close() {
  const int fd = Release();
  return fd < 0 || close(fd) == 0;
}

std::string UploadSpoolDir(const std::string& media_root) { return media_root + "/.incoming"; }

Status MakeDirs(const std::string& path, unsigned mode) {
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string dir = path.substr(0, slash);
    if (mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) return FileFailure("mkdir", dir, errno);
    if (slash == std::string::npos) return Status::Ok();
  }
}

bool WriteAll(int fd, std::string_view data) {
  size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      if (n == 0) errno = EIO;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  return true;
}

Status FileFailure(const char* what, const std::string& path, int err) {
  LogError("media: %s %s: %s", what, path.c_str(), strerror(err));
  if (err == ENOSPC || err == EDQUOT) return Status::Unavailable("media storage is full.");
  return Status::Internal();
}

}  // namespace dt
