// Magic-byte sniffing and atomic media storage.
#include "lib/domain/media.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "lib/core/context.h"
#include "lib/core/crypto.h"
#include "lib/core/files.h"

namespace dt {
namespace {

const MediaType kJpeg{"image/jpeg", "jpg", MediaKind::kImage};
const MediaType kPng{"image/png", "png", MediaKind::kImage};
const MediaType kWebp{"image/webp", "webp", MediaKind::kImage};
const MediaType kGif{"image/gif", "gif", MediaKind::kImage};
const MediaType kMp3{"audio/mpeg", "mp3", MediaKind::kAudio};
const MediaType kAac{"audio/aac", "aac", MediaKind::kAudio};
const MediaType kM4a{"audio/mp4", "m4a", MediaKind::kAudio};
const MediaType kAmr{"audio/amr", "amr", MediaKind::kAudio};
const MediaType kOgg{"audio/ogg", "ogg", MediaKind::kAudio};
const MediaType kMp4{"video/mp4", "mp4", MediaKind::kVideo};
const MediaType kWebm{"video/webm", "webm", MediaKind::kVideo};

bool At(std::string_view data, size_t offset, std::string_view magic) {
  return data.size() >= offset + magic.size() && data.substr(offset, magic.size()) == magic;
}

unsigned char Byte(std::string_view data, size_t i) {
  return i < data.size() ? static_cast<unsigned char>(data[i]) : 0;
}

}  // namespace

bool ParseMediaKind(std::string_view text, MediaKind* kind) {
  if (text == "image") {
    *kind = MediaKind::kImage;
  } else if (text == "audio") {
    *kind = MediaKind::kAudio;
  } else if (text == "video") {
    *kind = MediaKind::kVideo;
  } else {
    return false;
  }
  return true;
}

const char* MediaKindName(MediaKind kind) {
  switch (kind) {
    case MediaKind::kImage: return "image";
    case MediaKind::kAudio: return "audio";
    case MediaKind::kVideo: return "video";
  }
  return "";
}

int64_t MaxMediaSize(MediaKind kind) {
  switch (kind) {
    case MediaKind::kImage: return 10 << 20;
    case MediaKind::kAudio: return 20 << 20;
    case MediaKind::kVideo: return 50 << 20;
  }
  return 0;
}

const MediaType* SniffMedia(std::string_view d) {
  if (At(d, 0, "\x89PNG\r\n\x1a\n")) return &kPng;
  if (At(d, 0, "\xFF\xD8\xFF")) return &kJpeg;
  if (At(d, 0, "GIF87a") || At(d, 0, "GIF89a")) return &kGif;
  if (At(d, 0, "RIFF") && At(d, 8, "WEBP")) return &kWebp;
  if (At(d, 0, "#!AMR\n")) return &kAmr;
  if (At(d, 0, "OggS")) return &kOgg;
  if (At(d, 0, "ID3")) return &kMp3;
  if (At(d, 4, "ftyp")) {
    return At(d, 8, "M4A ") || At(d, 8, "M4B ") ? &kM4a : &kMp4;
  }
  if (At(d, 0, "\x1A\x45\xDF\xA3")) {
    // EBML: Matroska and WebM share it; only a WebM doctype is accepted.
    std::string_view head = d.substr(0, 64);
    return head.find("webm") != std::string_view::npos ? &kWebm : nullptr;
  }
  // MPEG audio frame sync: 11 bits set. Layer bits 00 are ADTS (AAC), 01 Layer III (MP3).
  if (Byte(d, 0) == 0xFF && (Byte(d, 1) & 0xE0) == 0xE0) {
    const int layer = (Byte(d, 1) >> 1) & 3;
    if ((Byte(d, 1) & 0xF6) == 0xF0) return &kAac;
    if (layer == 1 && ((Byte(d, 1) >> 3) & 3) != 1 && (Byte(d, 2) >> 4) != 0xF) return &kMp3;
  }
  return nullptr;
}

bool IsStoredMedia(std::string_view media_url, const std::string& media_root, std::string_view url,
                   MediaKind kind) {
  if (media_url.empty() || url.substr(0, media_url.size()) != media_url) return false;
  const std::string_view rel = url.substr(media_url.size());
  const std::string prefix = std::string(MediaKindName(kind)) + "/";
  // <kind>/aa/bb/ + 32 hex + '.' + an extension
  if (rel.substr(0, prefix.size()) != prefix) return false;
  const std::string_view rest = rel.substr(prefix.size());
  const size_t dot = rest.find('.');
  if (rest.size() < 6 + 32 + 2 || dot != 6 + 32 || rest[2] != '/' || rest[5] != '/') return false;
  const std::string_view name = rest.substr(6, 32);
  if (name.find_first_not_of("0123456789abcdef") != std::string_view::npos) return false;
  if (rest.substr(0, 2) != name.substr(0, 2) || rest.substr(3, 2) != name.substr(2, 2))
    return false;
  const std::string_view ext = rest.substr(dot + 1);
  bool known = false;
  for (const MediaType* t :
       {&kJpeg, &kPng, &kWebp, &kGif, &kMp3, &kAac, &kM4a, &kAmr, &kOgg, &kMp4, &kWebm}) {
    known |= t->kind == kind && ext == t->ext;
  }
  struct stat st;
  return known && stat((media_root + "/" + std::string(rel)).c_str(), &st) == 0 &&
         S_ISREG(st.st_mode);
}

Status PruneUploadSpool(const std::string& root, int64_t now, int64_t max_age, int* removed) {
  *removed = 0;
  const std::string dir = UploadSpoolDir(root);
  DIR* d = opendir(dir.c_str());
  if (!d) return errno == ENOENT ? Status::Ok() : FileFailure("opendir", dir, errno);
  while (const dirent* e = readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() < 6 || name.compare(name.size() - 5, 5, ".part") != 0) continue;
    const std::string path = dir + "/" + name;
    struct stat st;
    if (stat(path.c_str(), &st) == 0 && st.st_mtime < now - max_age && unlink(path.c_str()) == 0) {
      ++*removed;
    }
  }
  closedir(d);
  return Status::Ok();
}

Status StoreUpload(const std::string& root, const MediaType& type, SpooledFile* file,
                   std::string* relative) {
  const std::string name = HexEncode(RandomBytes(16));
  const std::string dir =
      std::string(MediaKindName(type.kind)) + "/" + name.substr(0, 2) + "/" + name.substr(2, 2);
  const std::string final_rel = dir + "/" + name + "." + type.ext;
  RETURN_IF_ERROR(MakeDirs(root + "/" + dir));
  const std::string final_path = root + "/" + final_rel;
  // The content reaches the disk before the name does: a crash leaves no short file.
  UniqueFd fd(open(file->path().c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return FileFailure("open", file->path(), errno);
  if (fsync(fd.get()) != 0) return FileFailure("sync", file->path(), errno);
  fd.Close();
  if (rename(file->path().c_str(), final_path.c_str()) != 0) {
    return FileFailure("rename", final_path, errno);
  }
  file->Release();
  *relative = final_rel;
  return Status::Ok();
}

bool StoredImageArg(const RequestContext& ctx, ArgValue* value) {
  const Config& config = ctx.config();
  return IsStoredMedia(config.media_url, config.media_root, value->text, MediaKind::kImage);
}

}  // namespace dt
