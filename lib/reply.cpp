// Renders replies with one compact jsoncpp writer per thread.
#include "lib/reply.h"

#include <json/writer.h>

#include <memory>
#include <sstream>

namespace dt {
namespace {

Json::StreamWriter& ThreadWriter() {
  thread_local std::unique_ptr<Json::StreamWriter> writer = [] {
    Json::StreamWriterBuilder builder;
    builder["indentation"] = "";
    builder["emitUTF8"] = true;
    builder["commentStyle"] = "None";
    return std::unique_ptr<Json::StreamWriter>(builder.newStreamWriter());
  }();
  return *writer;
}

}  // namespace

std::string RenderJson(const Json::Value& value) {
  std::ostringstream out;
  ThreadWriter().write(value, &out);
  return out.str();
}

std::string RenderReply(const Reply& reply) {
  // Written by hand to keep the envelope's keys in the order of API.md (jsoncpp sorts).
  std::string out = "{\"code\":" + std::to_string(reply.status.code()) + ",\"msg\":";
  out += RenderJson(Json::Value(reply.status.ok() ? std::string("success") : reply.status.msg()));
  if (!reply.data.isNull()) out += ",\"data\":" + RenderJson(reply.data);
  out += '}';
  return out;
}

}  // namespace dt
