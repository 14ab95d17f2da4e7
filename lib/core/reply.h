// Reply: what a handler returns: a status and, on success, the `data` object as JSON text
// (made with JsonWriter). Rendering into the JSON envelope of API.md section 1 happens in
// one place (RenderReply). A value type; thread-compatible.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include "lib/core/json_writer.h"
#include "lib/core/status.h"

namespace dt {

struct Reply {
  Reply(Status s) : status(std::move(s)), data(status.detail()) {}  // NOLINT: implicit on purpose
  // `data` is {}.
  static Reply Ok() { return Ok(std::string("{}")); }
  // `data` is what the writer holds (closed now).
  static Reply Ok(JsonWriter& data) { return Ok(data.Close()); }
  // `data` is this JSON text (an object).
  static Reply Ok(std::string data_json) {
    Reply r{Status::Ok()};
    r.data = std::move(data_json);
    return r;
  }

  // A body in another party's form (a payment gateway's acknowledgement), written as it
  // is with this content type and HTTP status instead of the envelope.
  static Reply Body(int http_status, const char* content_type, std::string body) {
    Reply r{Status::Ok()};
    r.http_status = http_status;
    r.content_type = content_type;
    r.data = std::move(body);
    return r;
  }

  // An internal redirect nginx follows (X-Accel-Redirect, e.g. to the live events'
  // subscriber location): no body; nginx answers from `uri`.
  static Reply Redirect(std::string uri) {
    Reply r{Status::Ok()};
    r.accel_redirect = std::move(uri);
    return r;
  }

  Status status;
  std::string data;  // JSON text; empty: no `data` key in the envelope (or the Body's body)
  std::string accel_redirect;          // non-empty: X-Accel-Redirect to this URI, no body
  int http_status = 0;                 // 0: the status's (HttpStatusFor)
  const char* content_type = nullptr;  // nullptr: the JSON envelope
};

// The envelope {"code":..,"msg":..,"data":..} as compact JSON (UTF-8 kept as is).
std::string RenderReply(const Reply& reply);

// The reply of one page of a list: {..., "list": [...], "has_next": bool}. `rows` holds
// one row more than a page when there is a next page (Page::limit()); `item(row, list)`
// writes one row's element into the list (or none, for a row that is gone) and may refuse
// (its status is the reply). `data` may hold members that come before the list.
template <typename Page, typename Rows, typename Item>
Reply PageReply(const Page& page, const Rows& rows, Item&& item, JsonWriter data = JsonWriter()) {
  data.Array("list");
  for (size_t i = 0; i < page.Shown(rows.size()); ++i) RETURN_IF_ERROR(item(rows[i], data));
  data.End();
  data.Bool("has_next", page.HasNext(rows.size()));
  return Reply::Ok(data);
}

}  // namespace dt
