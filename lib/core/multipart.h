// Streaming multipart/form-data (RFC 7578) for ParseParams: the body is read in pieces of
// 64 KiB; text parts become parameters (with every check AddCheckedParam makes), file parts
// are written to a new file in ParamLimits::spool_dir as they arrive, their size, MD5 and
// first bytes measured on the way (or, without a spool folder, measured and dropped). A
// request so costs a piece or two of memory whatever its size, and a worker's memory no
// longer grows with its uploads. Thread-safe (one input per call).
#pragma once

#include <cgicc/CgiInput.h>

#include <cstdint>
#include <string_view>

#include "lib/core/params.h"
#include "lib/core/request_params.h"
#include "lib/core/status.h"

namespace dt {

// Parses the `length` bytes of body that `input` holds, delimited by `boundary`, into
// *params. 400 naming the problem when malformed (no part, a truncated part, a part
// without a name, headers over 16 KiB...); 901 when the spool's disk is full, 900 when it
// cannot be written otherwise. A file that was spooled belongs to its UploadedFile and
// goes when the Params do.
Status ParseMultipart(cgicc::CgiInput& input, int64_t length, std::string_view boundary,
                      const ParamLimits& limits, Params* params);

}  // namespace dt
