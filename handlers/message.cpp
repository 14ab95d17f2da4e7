// Messages (API.md "Contacts and messages"): send, list a conversation, mark read, unread,
// typing. Send, read and typing are published to the peer's live events once committed
// (lib/outbound/events.h).
#include "handlers/handlers.h"
#include "lib/core/args.h"
#include "lib/core/context.h"
#include "lib/core/log.h"
#include "lib/core/utf8.h"
#include "lib/domain/guard.h"
#include "lib/domain/media.h"
#include "lib/domain/moderation.h"
#include "lib/domain/push.h"
#include "lib/domain/ratelimit.h"
#include "lib/domain/visibility.h"
#include "lib/outbound/events.h"

namespace dt {
namespace {

constexpr int64_t kMaxText = 1000;     // characters of a text message
constexpr int64_t kMaxDuration = 600;  // seconds of audio or video
constexpr size_t kPreview = 255;       // characters of contacts.last_msg

struct Message {
  std::string type;      // text, audio, image, video
  std::string content;   // text
  std::string url;       // media
  int64_t duration = 0;  // audio, video
};

// Line breaks and tabs belong in chat text; other control characters do not.
bool ChatTextArg(const RequestContext&, ArgValue* value) {
  for (unsigned char c : value->text) {
    if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F) return false;
  }
  return true;
}

// The fields msgType needs (300 naming the field). A media message's url is one of
// /api/upload's files of that kind, nothing from elsewhere (lib/domain/media.h).
Status ParseMessage(const Args& args, const Config& config, Message* m) {
  m->type = args.Text("msgType");
  if (m->type == "text") {
    if (!args.Has("content")) return MissingParam("content");
    m->content = args.Text("content");
    return Status::Ok();
  }
  MediaKind kind;  // image, audio or video: as the upload's kind
  if (!ParseMediaKind(m->type, &kind)) return InvalidParam("msgType");
  if (!args.Has("url")) return MissingParam("url");
  m->url = args.Text("url");
  if (!IsStoredMedia(config.media_url, config.media_root, m->url, kind)) return InvalidParam("url");
  if (m->type == "image") return Status::Ok();
  if (!args.Has("duration")) return MissingParam("duration");
  m->duration = args.Int("duration");
  if (m->duration < 1) return InvalidParam("duration");
  return Status::Ok();
}

std::string Preview(const Message& m) {
  if (m.type == "text") return std::string(Utf8Prefix(m.content, kPreview));
  return "[" + m.type + "]";
}

// Whether a message could go to `peer` now: 508 when the peer does not exist (or is
// deleted), 513 when a block stands between the two, else OK.
Status Reachable(RequestContext& ctx, int64_t peer) {
  Row row;
  bool found = false;
  RETURN_IF_ERROR(ctx.db.QueryRow("SELECT u.status, " DT_SQL_BLOCKED_EITHER_WAY
                                  " FROM user_info u WHERE u.id = ?",
                                  {ctx.user_id, peer, peer, ctx.user_id, peer}, &row, &found));
  if (!found || row.Str(0) == "deleted") return Status::Error(kNotFound, "peer not found.");
  if (row.Int(1) != 0) return Status::Error(kBlocked);
  return Status::Ok();
}

// Why a message was not stored: the peer is gone or a block stands between the two.
Status Refused(RequestContext& ctx, int64_t peer) {
  Status reachable = Reachable(ctx, peer);
  // Reachable after all (a block lifted in between): as not found.
  return reachable.ok() ? Status::Error(kNotFound, "peer not found.") : reachable;
}

// The message and both sides' contact rows, in one transaction. The insert reads the peer
// and the blocks under lock, so a block made meanwhile waits for this commit. The contact
// rows are written lower user id first, so sends of one conversation, either way, queue on
// one row lock, and the "not replied yet" rule reads counts after it: exact. A contact row
// moves only to a newer message (ids are taken before the lock).
Status StoreMessage(RequestContext& ctx, int64_t peer, const Message& m, int64_t now,
                    uint64_t* message_id) {
  const int64_t me = ctx.user_id;
  const int64_t lo = std::min(me, peer), hi = std::max(me, peer);
  const std::string preview = Preview(m);
  const bool text = m.type == "text";
  Db& db = ctx.db;
  bool refused = false;
  Status s = InTransaction(db, [&]() -> Status {
    uint64_t stored = 0;
    RETURN_IF_ERROR(db.Exec(
        "INSERT INTO message (from_uid, to_uid, uid_lo, uid_hi, msg_type, content, audio, image,"
        " video, duration, send_time, `read`)"
        " SELECT ?, u.id, ?, ?, ?, ?, ?, ?, ?, ?, FROM_UNIXTIME(?), 0 FROM user_info u"
        " WHERE u.id = ? AND u.status <> 'deleted' AND NOT " DT_SQL_BLOCKED_EITHER_WAY,
        {me, lo, hi, m.type, text ? Arg(m.content) : Arg(nullptr),
         m.type == "audio" ? Arg(m.url) : Arg(nullptr),
         m.type == "image" ? Arg(m.url) : Arg(nullptr),
         m.type == "video" ? Arg(m.url) : Arg(nullptr),
         text || m.type == "image" ? Arg(nullptr) : Arg(m.duration), now, peer, me, peer, peer, me},
        &stored, message_id));
    refused = stored == 0;
    if (refused) return Status::Error(kNotFound);  // rolled back; Refused() tells why
    const int64_t id = static_cast<int64_t>(*message_id);
    const int64_t lo_sent = lo == me ? 1 : 0, hi_sent = 1 - lo_sent;
    // Assignments run left to right: last_msg_id changes last.
    std::vector<Row> sides;
    RETURN_IF_ERROR(db.Query(
        "INSERT INTO contacts (user_id, peer_id, creator_id, update_time, create_time, last_msg,"
        " last_msg_id, unread, sent) VALUES (?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?, ?, ?, "
        "?),"
        " (?, ?, ?, FROM_UNIXTIME(?), FROM_UNIXTIME(?), ?, ?, ?, ?)"
        " ON DUPLICATE KEY UPDATE"
        " unread = unread + VALUES(unread), sent = sent + VALUES(sent),"
        " update_time = IF(VALUES(last_msg_id) > last_msg_id, VALUES(update_time), update_time),"
        " last_msg = IF(VALUES(last_msg_id) > last_msg_id, VALUES(last_msg), last_msg),"
        " last_msg_id = GREATEST(last_msg_id, VALUES(last_msg_id))"
        " RETURNING user_id, sent",
        {lo, hi, me, now, now, preview, id, hi_sent, lo_sent, hi, lo, me, now, now, preview, id,
         lo_sent, hi_sent},
        &sides));
    // Has the peer ever answered? Both sides' counts, this message included.
    int64_t mine = 0, theirs = 0;
    for (const Row& side : sides) (side.Int(0) == me ? mine : theirs) = side.Int(1);
    if (theirs == 0 && mine > ctx.config().message_unreplied) {
      JsonWriter data;
      data.Int("retry_after", 60);
      return Status::Error(kTooMany,
                           "no reply yet: at most " +
                               std::to_string(ctx.config().message_unreplied) +
                               " messages before the other side answers.",
                           data.Close())
          .WithRetryAfter(60);
    }
    return Status::Ok();
  });
  return refused ? Refused(ctx, peer) : s;
}

Reply HandleSend(RequestContext& ctx) {
  const int64_t peer = ctx.args.Int("peerId");
  Message m;
  RETURN_IF_ERROR(ParseMessage(ctx.args, ctx.config(), &m));
  // A text of the word list ([moderation] words): masked with '*', or refused.
  if (m.type == "text" && CountWords(ctx.redis, ctx.config(), "message", m.content) > 0) {
    if (ctx.config().message_words == "refuse") {
      return Status::Error(kBadParam, "content is not allowed.");
    }
    int matches = 0;
    m.content = ctx.config().words->Mask(m.content, &matches);
  }
  const std::string me = std::to_string(ctx.user_id);
  const std::vector<RateRule> rules = {
      {"dt:rl:msg:" + me + ":" + std::to_string(peer), ctx.config().message_per_peer, 60},
      {"dt:rl:msg:" + me, ctx.config().message_per_minute, 60},
  };
  RETURN_IF_ERROR(RateLimitHit(ctx.redis, rules));
  const int64_t now = ctx.clock().NowSeconds();
  if (m.type == "image") {  // reviewed like every photo ([moderation] photos)
    std::string state;
    RETURN_IF_ERROR(NotePhoto(ctx.db, m.url, ctx.user_id, "chat", now, &state));
    if (state == "rejected") {
      RateLimitRefund(ctx.redis, rules);
      return Status::Error(kBadFile, "this image was rejected by review.");
    }
  }
  uint64_t id = 0;
  Status s = StoreMessage(ctx, peer, m, now, &id);
  if (!s.ok()) {
    RateLimitRefund(ctx.redis, rules);  // only stored messages count
    return s;
  }
  if (EventsEnabled(ctx.config())) {
    JsonWriter event;
    event.Str("type", "message")
        .Int("message_id", static_cast<int64_t>(id))
        .Int("peer", ctx.user_id);
    event.Str("msg_type", m.type).Str("preview", Preview(m)).Str("send_time", FormatUtc(now));
    QueueEvent(ctx.config(), peer, "message", event.Close());
  }
  // The recipient's phones, unless a live stream shows it (lib/outbound/push.h); the
  // message is stored, so a failure here only loses the push.
  Status queued =
      QueuePush(ctx.redis, ctx.config(), peer, {"message", ctx.user_id, m.type, m.content},
                static_cast<int64_t>(ctx.clock().Now() * 1000));
  if (!queued.ok())
    LogError("push: not queued for user %lld: %s", static_cast<long long>(peer),
             queued.msg().c_str());
  JsonWriter data;
  data.Int("message_id", static_cast<int64_t>(id)).Str("send_time", FormatUtc(now));
  return Reply::Ok(data);
}

Reply HandleList(RequestContext& ctx) {
  const int64_t peer = ctx.args.Int("peerId");
  const int64_t before = ctx.args.Has("beforeId") ? ctx.args.Int("beforeId") : INT64_MAX / 2;
  const int64_t count = ctx.args.Int("pageCount");
  const int64_t lo = std::min(ctx.user_id, peer), hi = std::max(ctx.user_id, peer);
  std::vector<Row> rows;
  // Keyset paging on the primary key, which leads with the conversation: one more row
  // than asked tells has_more.
  RETURN_IF_ERROR(ctx.db.Query(
      "SELECT m.id, m.from_uid, m.to_uid, m.msg_type, m.content,"
      " COALESCE(m.audio, m.image, m.video), m.duration, m.send_time, m.`read`,"
      " IF(m.image IS NULL, NULL, COALESCE((SELECT state FROM photo_review WHERE url = m.image),"
      " 'approved')) FROM message m WHERE m.uid_lo = ? AND m.uid_hi = ? AND m.id < ?"
      " ORDER BY m.id DESC LIMIT ?",
      {lo, hi, before, count + 1}, &rows));
  JsonWriter data;
  data.Array("list");
  for (size_t i = 0; i < rows.size() && static_cast<int64_t>(i) < count; ++i) {
    const Row& r = rows[i];
    JsonWriter& item = data.Object();
    item.Int("message_id", r.Int(0)).Int("from_uid", r.Int(1)).Int("to_uid", r.Int(2));
    item.Str("msg_type", r.Str(3));
    if (r.IsNull(4))
      item.Null("content");
    else
      item.Str("content", r.Str(4));
    // An image under review ([moderation] photos): its sender sees it and its state; the
    // recipient no rejected one, and under pre none not approved yet (url "").
    const std::string& review = r.Str(9);
    const bool withheld =
        !r.IsNull(9) && r.Int(1) != ctx.user_id &&
        (review == "rejected" || (ctx.config().photos_pre && review != "approved"));
    if (r.IsNull(5))
      item.Null("url");
    else
      item.Str("url", withheld ? "" : r.Str(5));
    if (!r.IsNull(9)) item.Str("review", review);
    if (r.IsNull(6))
      item.Null("duration");
    else
      item.Int("duration", r.Int(6));
    item.Str("send_time", r.Str(7)).Bool("read", r.Int(8) != 0).End();
  }
  data.End();
  data.Bool("has_more", static_cast<int64_t>(rows.size()) > count);
  return Reply::Ok(data);
}

// The peer learns how far the caller has read (the newest of its messages now read),
// unless a block stands between the two.
Status PublishRead(RequestContext& ctx, int64_t peer) {
  const int64_t lo = std::min(ctx.user_id, peer), hi = std::max(ctx.user_id, peer);
  Row row;
  bool found = false;
  RETURN_IF_ERROR(ctx.db.QueryRow(
      "SELECT MAX(id), " DT_SQL_BLOCKED_EITHER_WAY
      " FROM message WHERE uid_lo = ? AND uid_hi = ? AND from_uid = ? AND `read` = 1",
      {ctx.user_id, peer, peer, ctx.user_id, lo, hi, peer}, &row, &found));
  if (!found || row.IsNull(0) || row.Int(1) != 0) return Status::Ok();
  JsonWriter event;
  event.Str("type", "read").Int("peer", ctx.user_id).Int("message_id", row.Int(0));
  QueueEvent(ctx.config(), peer, "read", event.Close());
  return Status::Ok();
}

Reply HandleRead(RequestContext& ctx) {
  const int64_t peer = ctx.args.Int("peerId");
  uint64_t updated = 0;
  // The messages first, then the count: the order in which message/send takes its locks
  // (its message, then the contact rows), so the two never wait on each other in a
  // circle. Under REPEATABLE READ a send either waits for this transaction at its insert
  // (the unread range is locked) and counts after it, or has inserted already and this
  // UPDATE waits for it to commit and marks its message read before clearing the count.
  RETURN_IF_ERROR(InTransaction(ctx.db, [&]() -> Status {
    RETURN_IF_ERROR(ctx.db.Exec(
        "UPDATE message SET `read` = 1 WHERE to_uid = ? AND `read` = 0 AND from_uid = ?",
        {ctx.user_id, peer}, &updated));
    return ctx.db.Exec("UPDATE contacts SET unread = 0 WHERE user_id = ? AND peer_id = ?",
                       {ctx.user_id, peer});
  }));
  // The read is committed: nothing after it fails the request (a failure is logged).
  if (updated > 0 && EventsEnabled(ctx.config())) {
    Status published = PublishRead(ctx, peer);
    if (!published.ok())
      LogError("events: read receipt for user %lld not published", static_cast<long long>(peer));
  }
  JsonWriter data;
  data.Int("updated", static_cast<int64_t>(updated));
  return Reply::Ok(data);
}

// "The caller is typing" to the peer: not stored; only where a message could go (the peer
// exists, no block either way), so that it tells nothing a message would not.
Reply HandleTyping(RequestContext& ctx) {
  const int64_t peer = ctx.args.Int("peerId");
  RETURN_IF_ERROR(Reachable(ctx, peer));
  JsonWriter event;
  event.Str("type", "typing").Int("peer", ctx.user_id);
  JsonWriter data;
  data.Bool("delivered", PublishEvent(ctx.config(), peer, "typing", event.Close()) &&
                             EventsEnabled(ctx.config()));
  return Reply::Ok(data);
}

Reply HandleUnread(RequestContext& ctx) {
  // Messages of users hidden from the caller (blocks, reports) or under review or banned
  // do not count, as their conversations are not listed either.
  HiddenSet hidden;
  RETURN_IF_ERROR(LoadHidden(ctx, HiddenScope::kListings, &hidden));
  Row row;
  bool found = false;
  RETURN_IF_ERROR(ctx.db.QueryRow(
      "SELECT COUNT(*) FROM message m JOIN user_info u ON u.id = m.from_uid"
      " WHERE m.to_uid = ? AND m.`read` = 0 AND u.status NOT IN ('review', 'banned')"
      " AND " DT_SQL_NOT_HIDDEN("m.from_uid"),
      {ctx.user_id, hidden.json()}, &row, &found));
  JsonWriter data;
  data.Int("total", row.Int(0));
  return Reply::Ok(data);
}

}  // namespace

std::vector<Route> MessageRoutes() {
  return {
      Post("/api/message/send", HandleSend)
          .Auth(kAppToken)
          .Accepts({IdArg("peerId").NotCaller(),
                    TextArg("msgType").OneOf({"text", "image", "audio", "video"}),
                    TextArg("content").Optional().Length(1, kMaxText).As(ChatTextArg),
                    TextArg("url").Optional().MaxBytes(255),
                    IntArg("duration", 0, kMaxDuration).Optional()}),
      Get("/api/message/list", HandleList)
          .Auth(kAppToken)
          .Accepts({IdArg("peerId"), IntArg("beforeId", 1, INT64_MAX / 2).Optional(),
                    IntArg("pageCount", 1, 100).Or(20)}),
      Post("/api/message/read", HandleRead).Auth(kAppToken).Accepts({IdArg("peerId")}),
      Get("/api/message/unread", HandleUnread).Auth(kAppToken).Preload({&kHiddenPreload}),
      Post("/api/message/typing", HandleTyping)
          .Auth(kAppToken)
          .Accepts({IdArg("peerId").NotCaller()})
          .Rate(RateClass::kTyping),
  };
}

}  // namespace dt
