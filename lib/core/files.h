// Small POSIX file helpers shared by the media store and the upload spool: where uploads
// are spooled, making folders, writing a whole buffer, and the status a failed write
// becomes (a full disk is 901).
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "lib/core/status.h"

namespace dt {

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
