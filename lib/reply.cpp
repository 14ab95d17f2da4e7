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
  Json::Value envelope(Json::objectValue);
  envelope["code"] = reply.status.code();
  envelope["msg"] = reply.status.ok() ? std::string("success") : reply.status.msg();
  if (!reply.data.isNull()) envelope["data"] = reply.data;
  return RenderJson(envelope);
}

}  // namespace dt
