// A streaming multipart parser: a window over the body that grows a piece at a time, and
// one primitive, Until, that hands everything before the next delimiter to a sink.
#include "lib/core/multipart.h"

#include <fcntl.h>
#include <strings.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "lib/core/crypto.h"
#include "lib/core/files.h"

namespace dt {
namespace {

constexpr size_t kPiece = 64 * 1024;
constexpr size_t kMaxHeaderBytes = 16 * 1024;

Status BadRequest(const std::string& msg) { return Status::Error(kBadRequest, msg); }
Status Malformed() { return BadRequest("malformed multipart body."); }

// The body as a window that grows by a piece at a time from the input; what the parser
// consumed is dropped before the next piece is read, so the window stays small.
class Body {
 public:
  Body(cgicc::CgiInput& input, int64_t length, std::string_view prefix)
      : input_(input), left_(length), buf_(prefix) {}

  std::string_view window() const { return std::string_view(buf_).substr(pos_); }
  void Consume(size_t n) { pos_ += n; }

  // Reads one more piece into the window; false at the end of the body.
  bool More() {
    if (left_ <= 0) return false;
    buf_.erase(0, pos_);
    pos_ = 0;
    const size_t want = static_cast<size_t>(std::min<int64_t>(left_, kPiece));
    const size_t had = buf_.size();
    buf_.resize(had + want);
    const size_t n = input_.read(buf_.data() + had, want);
    buf_.resize(had + n);
    left_ = n == 0 ? 0 : left_ - static_cast<int64_t>(n);  // 0: the client sent less
    return n > 0;
  }

  // At least `n` bytes in the window; false when the body ends first.
  bool Ensure(size_t n) {
    while (window().size() < n) {
      if (!More()) return false;
    }
    return true;
  }

 private:
  cgicc::CgiInput& input_;
  int64_t left_;
  std::string buf_;
  size_t pos_ = 0;
};

// Hands the body up to the next `pattern` to `sink` (Status(std::string_view)), in pieces,
// and consumes the pattern; *found false when the body ended first (all of it handed over).
template <typename Sink>
Status Until(Body& body, std::string_view pattern, Sink&& sink, bool* found) {
  for (;;) {
    const std::string_view w = body.window();
    const size_t at = w.find(pattern);
    if (at != std::string_view::npos) {
      RETURN_IF_ERROR(sink(w.substr(0, at)));
      body.Consume(at + pattern.size());
      *found = true;
      return Status::Ok();
    }
    // The pattern may begin in the last bytes: keep them for the next look.
    const size_t keep = std::min(w.size(), pattern.size() - 1);
    if (w.size() > keep) {
      RETURN_IF_ERROR(sink(w.substr(0, w.size() - keep)));
      body.Consume(w.size() - keep);
    }
    if (!body.More()) {
      RETURN_IF_ERROR(sink(body.window()));
      body.Consume(body.window().size());
      *found = false;
      return Status::Ok();
    }
  }
}

struct PartHeaders {
  std::string name;
  std::string filename;
  std::string content_type;
  bool is_file = false;  // it has a filename parameter (even an empty one)
};

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// `form-data; name="a"; filename="b.png"`: the parameters as a quoted string (backslash
// escapes \" and \\) or a token, in any order; unknown ones are ignored.
bool ParseDisposition(std::string_view v, PartHeaders* out) {
  const size_t semi = v.find(';');
  if (strncasecmp(std::string(TrimSpace(v.substr(0, semi))).c_str(), "form-data", 10) != 0)
    return false;
  if (semi == std::string_view::npos) return true;
  size_t i = semi + 1;
  while (i < v.size()) {
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t' || v[i] == ';')) ++i;
    if (i == v.size()) break;
    const size_t eq = v.find('=', i);
    if (eq == std::string_view::npos) return false;
    std::string key(TrimSpace(v.substr(i, eq - i)));
    for (char& c : key) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
    std::string value;
    i = eq + 1;
    while (i < v.size() && (v[i] == ' ' || v[i] == '\t')) ++i;
    if (i < v.size() && v[i] == '"') {
      bool closed = false;
      for (++i; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) {
          value.push_back(v[++i]);
        } else if (v[i] == '"') {
          closed = true;
          ++i;
          break;
        } else {
          value.push_back(v[i]);
        }
      }
      if (!closed) return false;
    } else {
      const size_t end = std::min(v.find(';', i), v.size());
      value = std::string(TrimSpace(v.substr(i, end - i)));
      i = end;
    }
    if (key == "name") {
      out->name = std::move(value);
    } else if (key == "filename") {
      out->is_file = true;
      out->filename = std::move(value);
    }
  }
  return true;
}

// The header lines of a part, up to and including the blank line.
Status ReadPartHeaders(Body& body, PartHeaders* part) {
  if (!body.Ensure(2)) return Malformed();
  if (body.window().substr(0, 2) == "\r\n") return BadRequest("a multipart part has no headers.");
  std::string block;
  bool found = false;
  RETURN_IF_ERROR(Until(
      body, "\r\n\r\n",
      [&](std::string_view piece) {
        if (block.size() + piece.size() > kMaxHeaderBytes)
          return BadRequest("multipart part headers are too long.");
        block.append(piece);
        return Status::Ok();
      },
      &found));
  if (!found) return Malformed();
  bool disposition = false;
  size_t start = 0;
  while (start <= block.size()) {
    const size_t end = std::min(block.find("\r\n", start), block.size());
    const std::string_view line = std::string_view(block).substr(start, end - start);
    start = end + 2;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) return BadRequest("a multipart part header is malformed.");
    const std::string name(TrimSpace(line.substr(0, colon)));
    const std::string_view value = TrimSpace(line.substr(colon + 1));
    if (strcasecmp(name.c_str(), "Content-Disposition") == 0) {
      if (disposition || !ParseDisposition(value, part)) {
        return BadRequest("a multipart part has a malformed Content-Disposition.");
      }
      disposition = true;
    } else if (strcasecmp(name.c_str(), "Content-Type") == 0) {
      part->content_type = std::string(value);
    }
  }
  if (!disposition || part->name.empty()) return BadRequest("a multipart part has no name.");
  return Status::Ok();
}

// A file part's content, to a new file in `spool_dir` (when set), measured on the way.
Status ReadFilePart(Body& body, std::string_view delimiter, const std::string& spool_dir,
                    UploadedFile* file) {
  UniqueFd out;
  if (!spool_dir.empty()) {
    RETURN_IF_ERROR(MakeDirs(spool_dir, 0700));
    const std::string path = spool_dir + "/" + HexEncode(RandomBytes(16)) + ".part";
    out = UniqueFd(open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!out) return FileFailure("open", path, errno);
    file->spooled = SpooledFile(path);
  }
  Md5Stream md5;
  bool found = false;
  RETURN_IF_ERROR(Until(
      body, delimiter,
      [&](std::string_view piece) {
        file->size += static_cast<int64_t>(piece.size());
        md5.Update(piece);
        if (file->head.size() < kFileHeadBytes) {
          file->head.append(piece.substr(0, kFileHeadBytes - file->head.size()));
        }
        if (out && !WriteAll(out.get(), piece)) {
          return FileFailure("write", file->spooled.path(), errno);
        }
        return Status::Ok();
      },
      &found));
  if (out && !out.Close()) return FileFailure("close", file->spooled.path(), errno);
  if (!found) return Malformed();
  file->md5 = md5.FinalHex();
  return Status::Ok();
}

}  // namespace

Status ParseMultipart(cgicc::CgiInput& input, int64_t length, std::string_view boundary,
                      const ParamLimits& limits, Params* params) {
  // Every delimiter follows a line break; the first may open the body, so the body is read
  // as if one came before it. What precedes the first delimiter (a preamble) is ignored.
  Body body(input, length, "\r\n");
  const std::string delimiter = "\r\n--" + std::string(boundary);
  bool found = false;
  RETURN_IF_ERROR(Until(
      body, delimiter, [](std::string_view) { return Status::Ok(); }, &found));
  if (!found) return Malformed();
  for (int parts = 0;; ++parts) {
    // After a delimiter: "--" closes the body (an epilogue is ignored); a line break,
    // perhaps after spaces (RFC 2046's transport padding), opens the next part.
    if (!body.Ensure(2)) return Malformed();
    if (body.window().substr(0, 2) == "--") return parts == 0 ? Malformed() : Status::Ok();
    while (body.Ensure(1) && (body.window()[0] == ' ' || body.window()[0] == '\t')) body.Consume(1);
    if (!body.Ensure(2) || body.window().substr(0, 2) != "\r\n") return Malformed();
    body.Consume(2);

    PartHeaders part;
    RETURN_IF_ERROR(ReadPartHeaders(body, &part));
    if (part.is_file) {
      RETURN_IF_ERROR(CheckFilePartName(part.name, limits, *params));
      UploadedFile file;
      file.field = std::move(part.name);
      file.filename = std::move(part.filename);
      file.content_type = std::move(part.content_type);
      RETURN_IF_ERROR(ReadFilePart(body, delimiter, limits.spool_dir, &file));
      params->files().push_back(std::move(file));
      continue;
    }
    // A text value: kept up to one byte over its limit, so that AddCheckedParam refuses it.
    std::string value;
    const size_t keep = static_cast<size_t>(limits.max_value_length) + 1;
    RETURN_IF_ERROR(Until(
        body, delimiter,
        [&](std::string_view piece) {
          if (value.size() < keep) value.append(piece.substr(0, keep - value.size()));
          return Status::Ok();
        },
        &found));
    if (!found) return Malformed();
    RETURN_IF_ERROR(AddCheckedParam(std::move(part.name), std::move(value), limits, params));
  }
}

}  // namespace dt
