// Uploaded media: the type of a file decided by its magic bytes (never by the client's
// name or Content-Type), the size limit of each kind, and storage under the media root
// with a server-chosen random name in sharded folders. Pure functions and file I/O;
// thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "lib/core/args.h"
#include "lib/core/params.h"
#include "lib/core/status.h"

namespace dt {

enum class MediaKind { kImage, kAudio, kVideo };

struct MediaType {
  const char* mime;
  const char* ext;
  MediaKind kind;
};

// "image", "audio" or "video".
bool ParseMediaKind(std::string_view text, MediaKind* kind);
const char* MediaKindName(MediaKind kind);

// Bytes a file of `kind` may have: 10 MB image, 20 MB audio, 50 MB video.
int64_t MaxMediaSize(MediaKind kind);

// The type of `data` (jpeg, png, webp, gif; mp3, aac, m4a, amr, ogg; mp4, webm), or
// nullptr when it is none of them.
const MediaType* SniffMedia(std::string_view data);

// Moves the spooled upload `file` (its content written by the request's parsing, on the
// same file system as `root`) to <root>/<kind>/<aa>/<bb>/<32 random hex>.<ext> and sets
// *relative to the path under root. The file appears complete or not at all (synced, then
// renamed); on failure the spooled file is left to its owner, which removes it. A full
// disk is 901.
Status StoreUpload(const std::string& root, const MediaType& type, SpooledFile* file,
                   std::string* relative);

// Whether `url` names a file of `kind` that this server stored: `media_url` (the [media]
// url) followed by the store's own shape, <kind>/<aa>/<bb>/<32 hex>.<ext of that kind>
// (aa and bb the name's first hex digits), and the file present under `media_root`. Only
// such URLs go into avatars, albums and messages: a foreign URL would have every viewer's
// app fetch from whoever hosts it (their IP leaks to them) and nothing moderates it.
bool IsStoredMedia(std::string_view media_url, const std::string& media_root, std::string_view url,
                   MediaKind kind);

// A parameter's converter (lib/core/args.h): the URL of an image of /api/upload.
bool StoredImageArg(const RequestContext& ctx, ArgValue* value);

// Removes spooled files older than `max_age` seconds at `now` (left by a worker that died
// mid-upload; a live one removes its own); sets *removed to how many went.
Status PruneUploadSpool(const std::string& root, int64_t now, int64_t max_age, int* removed);

}  // namespace dt
