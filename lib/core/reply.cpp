// The envelope of API.md section 1.
#include "lib/core/reply.h"

namespace dt {

std::string RenderReply(const Reply& reply) {
  std::string out;
  out.reserve(reply.data.size() + 64);
  out += "{\"code\":";
  out += std::to_string(reply.status.code());
  out += ",\"msg\":";
  AppendJsonString(
      reply.status.ok() ? std::string_view("success") : std::string_view(reply.status.msg()), &out);
  if (!reply.data.empty()) {
    out += ",\"data\":";
    out += reply.data;
  }
  out += '}';
  return out;
}

}  // namespace dt
