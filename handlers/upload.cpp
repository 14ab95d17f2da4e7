// POST /api/upload (API.md "Album, labels, upload"): one media file, checked by its magic
// bytes, size and signed md5, stored under the media root and served by nginx. The body
// was streamed to a spool file while it was read (lib/core/multipart.h), so an upload costs a
// worker a few pieces of memory, not the file's size.
#include <algorithm>

#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/core/crypto.h"
#include "lib/domain/guard.h"
#include "lib/domain/media.h"

namespace dt {
namespace {

Status BadFile(const std::string& why) { return Status::Error(kBadFile, why); }

// 32 hex digits, either case; kept lower case.
bool Md5Arg(const RequestContext&, ArgValue* value) {
  std::string& md5 = value->text;
  std::transform(md5.begin(), md5.end(), md5.begin(), ::tolower);
  return md5.size() == 32 && md5.find_first_not_of("0123456789abcdef") == std::string::npos;
}

Reply HandleUpload(RequestContext& ctx) {
  const std::string& kind_text = ctx.args.Text("kind");
  MediaKind kind;
  if (!ParseMediaKind(kind_text, &kind)) return InvalidParam("kind");
  const std::string& md5 = ctx.args.Text("md5");
  const UploadedFile* file = nullptr;
  for (const UploadedFile& f : ctx.params.files()) {
    if (f.field == "file") file = &f;
  }
  if (!file) return MissingParam("file");
  if (file->size == 0) return BadFile("the file is empty.");

  if (file->size > MaxMediaSize(kind)) {
    return BadFile("the file is larger than " + std::to_string(MaxMediaSize(kind) >> 20) +
                   " MB, the limit for " + kind_text + ".");
  }
  const MediaType* type = SniffMedia(file->head);
  if (!type || type->kind != kind) return BadFile("the file is not a supported " + kind_text + ".");
  if (!ConstantTimeEquals(file->md5, md5)) return BadFile("md5 does not match the file.");

  // The parser spooled the file as it arrived (the route's row says so); it moves into the
  // media store now, or is removed with the request.
  std::string relative;
  RETURN_IF_ERROR(StoreUpload(ctx.config().media_root, *type, &file->spooled, &relative));
  JsonWriter data;
  data.Str("url", ctx.config().media_url + relative)
      .Int("size", file->size)
      .Str("mime", type->mime);
  return Reply::Ok(data);
}

}  // namespace

std::vector<Route> UploadRoutes() {
  return {
      Post("/api/upload", HandleUpload)
          .Auth(kAppToken)
          .Accepts({TextArg("kind").OneOf({"image", "audio", "video"}), TextArg("md5").As(Md5Arg)})
          .Upload()
          .Rate(RateClass::kUpload),
  };
}

}  // namespace dt
