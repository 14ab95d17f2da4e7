// Messages and contacts through nginx: every message type and its validation, keyset
// paging, unread/read, contacts order, IDOR, the "not replied yet" cap and the rate limits,
// a failure injected inside the send transaction, 200 concurrent sends, and the per-side
// counts (unread, sent) kept exact while sends and reads race.
#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <thread>

#include "tests/http/http_support.h"

namespace dt {
namespace {

Response Send(const Caller& from, int64_t to, Fields fields) {
  fields.emplace_back("peerId", std::to_string(to));
  return Call("POST", "/api/message/send", fields, from);
}

Response SendText(const Caller& from, int64_t to, const std::string& text) {
  return Send(from, to, {{"msgType", "text"}, {"content", text}});
}

Response List(const Caller& me, int64_t peer, int64_t before = 0, int count = 20) {
  Fields f = {{"peerId", std::to_string(peer)}, {"pageCount", std::to_string(count)}};
  if (before) f.emplace_back("beforeId", std::to_string(before));
  return Call("GET", "/api/message/list", f, me);
}

int64_t Unread(const Caller& me) {
  Response r = Call("GET", "/api/message/unread", {}, me);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
  return r.data()["total"].asInt64();
}

int64_t StoredBetween(int64_t a, int64_t b) {
  Row row;
  bool found = false;
  CheckDb(TestStack::Get().db().QueryRow(
      "SELECT COUNT(*) FROM message WHERE (from_uid = ? AND to_uid = ?) OR (from_uid = ? AND to_uid = ?)",
      {a, b, b, a}, &row, &found));
  return row.Int(0);
}

std::string ContactLastMsg(int64_t user, int64_t peer) {
  Row row;
  bool found = false;
  CheckDb(TestStack::Get().db().QueryRow("SELECT last_msg FROM contacts WHERE user_id = ? AND peer_id = ?",
                                 {user, peer}, &row, &found));
  return found ? row.Str(0) : "<none>";
}

// Two users who have talked both ways, so the "not replied yet" cap is behind them.
std::pair<Caller, Caller> Pair() {
  Caller a = Login(NewPhone());
  Caller b = Login(NewPhone());
  CPPUNIT_ASSERT_EQUAL(0, SendText(a, b.user_id, "hi").code());
  CPPUNIT_ASSERT_EQUAL(0, SendText(b, a.user_id, "hello").code());
  return {a, b};
}

// The counts kept in user's contact row with peer: {unread, sent}.
std::pair<int64_t, int64_t> ContactCounts(int64_t user, int64_t peer) {
  Row row;
  bool found = false;
  CheckDb(TestStack::Get().db().QueryRow("SELECT unread, sent FROM contacts WHERE user_id = ? AND peer_id = ?",
                                 {user, peer}, &row, &found));
  CPPUNIT_ASSERT(found);
  return {row.Int(0), row.Int(1)};
}

// The same counts, counted in the message table.
std::pair<int64_t, int64_t> CountedInMessages(int64_t user, int64_t peer) {
  Row row;
  bool found = false;
  CheckDb(TestStack::Get().db().QueryRow(
      "SELECT COALESCE(SUM(to_uid = ? AND `read` = 0), 0), COALESCE(SUM(from_uid = ?), 0) FROM message"
      " WHERE (from_uid = ? AND to_uid = ?) OR (from_uid = ? AND to_uid = ?)",
      {user, user, user, peer, peer, user}, &row, &found));
  return {row.Int(0), row.Int(1)};
}

void RedisSet(const std::string& key, int value) {
  RedisReply r;
  TestStack::Get().redis().Command(&r, "SET %s %d EX 60", key.c_str(), value);
}

}  // namespace

class MessageHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MessageHttpTest);
  CPPUNIT_TEST(testEveryTypeStoredExactly);
  CPPUNIT_TEST(testValidation);
  CPPUNIT_TEST(testKeysetPaging);
  CPPUNIT_TEST(testUnreadAndRead);
  CPPUNIT_TEST(testContactsOrderAndItems);
  CPPUNIT_TEST(testOthersConversationsStayClosed);
  CPPUNIT_TEST(testNotRepliedYetCap);
  CPPUNIT_TEST(testRateLimits);
  CPPUNIT_TEST(testFailureInsideTransactionLeavesNothing);
  CPPUNIT_TEST(testConcurrentSendsAllStored);
  CPPUNIT_TEST(testCountsExactWhileSendsAndReadsRace);
  CPPUNIT_TEST(testMigrationFillsCounts);
  CPPUNIT_TEST(testConversationColumnsChecked);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testEveryTypeStoredExactly() {
    auto [a, b] = Pair();
    const std::string text = "引号\"quote\" back\\slash\nnew line\ttab 💕 <b>&amp;</b> '";
    Response sent = SendText(a, b.user_id, text);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(sent.body, 0, sent.code());
    CPPUNIT_ASSERT(sent.data()["message_id"].isInt64());
    CPPUNIT_ASSERT_EQUAL(size_t{19}, sent.data()["send_time"].asString().size());
    const std::string emoji_1000 = [] { std::string s; for (int i = 0; i < 1000; ++i) s += "😀"; return s; }();
    CPPUNIT_ASSERT_EQUAL(0, SendText(b, a.user_id, emoji_1000).code());
    CPPUNIT_ASSERT_EQUAL(0, Send(a, b.user_id, {{"msgType", "image"}, {"url", UploadedUrl("image")}}).code());
    CPPUNIT_ASSERT_EQUAL(0, Send(a, b.user_id, {{"msgType", "audio"}, {"url", UploadedUrl("audio")}, {"duration", "12"}}).code());
    CPPUNIT_ASSERT_EQUAL(0, Send(b, a.user_id, {{"msgType", "video"}, {"url", UploadedUrl("video")}, {"duration", "600"}}).code());

    Response r = List(b, a.user_id);
    CPPUNIT_ASSERT_EQUAL(0, r.code());
    const Json::Value& list = r.data()["list"];
    CPPUNIT_ASSERT_EQUAL(7u, list.size());
    CPPUNIT_ASSERT_EQUAL(std::string("video"), list[0]["msg_type"].asString());
    CPPUNIT_ASSERT_EQUAL(UploadedUrl("video"), list[0]["url"].asString());
    CPPUNIT_ASSERT_EQUAL(600, list[0]["duration"].asInt());
    CPPUNIT_ASSERT(list[0]["content"].isNull());
    CPPUNIT_ASSERT_EQUAL(b.user_id, list[0]["from_uid"].asInt64());
    CPPUNIT_ASSERT_EQUAL(a.user_id, list[0]["to_uid"].asInt64());
    CPPUNIT_ASSERT_EQUAL(std::string("audio"), list[1]["msg_type"].asString());
    CPPUNIT_ASSERT_EQUAL(12, list[1]["duration"].asInt());
    CPPUNIT_ASSERT_EQUAL(std::string("image"), list[2]["msg_type"].asString());
    CPPUNIT_ASSERT(list[2]["duration"].isNull());
    CPPUNIT_ASSERT_EQUAL(emoji_1000, list[3]["content"].asString());
    CPPUNIT_ASSERT_EQUAL(text, list[4]["content"].asString());
    CPPUNIT_ASSERT_EQUAL(sent.data()["message_id"].asInt64(), list[4]["message_id"].asInt64());
    CPPUNIT_ASSERT(list[4]["read"].isBool());
    CPPUNIT_ASSERT(list[4]["url"].isNull());
    // The raw JSON escapes what must be escaped and keeps UTF-8 as is.
    CPPUNIT_ASSERT(r.body.find("\\\"quote\\\" back\\\\slash\\nnew line\\ttab 💕") != std::string::npos);
    // The preview: 255 characters of the text, or the media type.
    CPPUNIT_ASSERT_EQUAL(std::string("[video]"), ContactLastMsg(a.user_id, b.user_id));
    Row row;
    bool found = false;
    CheckDb(TestStack::Get().db().QueryRow("SELECT content FROM message WHERE id = ?",
                                   {sent.data()["message_id"].asInt64()}, &row, &found));
    CPPUNIT_ASSERT_EQUAL(text, row.Str(0));
  }

  void testValidation() {
    auto [a, b] = Pair();
    const int64_t before = StoredBetween(a.user_id, b.user_id);
    const struct {
      Fields fields;
      int code;
      const char* msg;
    } cases[] = {
        {{}, 300, "msgType is none."},
        {{{"msgType", "sticker"}, {"url", "https://x/y"}}, 300, "msgType is invalid."},
        {{{"msgType", "text"}}, 300, "content is none."},
        {{{"msgType", "text"}, {"content", ""}}, 300, "content is none."},
        {{{"msgType", "text"}, {"content", std::string(1001, 'x')}}, 300, "content is invalid."},
        {{{"msgType", "text"}, {"content", "bell\x07"}}, 300, "content is invalid."},
        {{{"msgType", "image"}}, 300, "url is none."},
        {{{"msgType", "image"}, {"url", "file:///etc/passwd"}}, 300, "url is invalid."},
        // Found by review (issue 16, item 11): media of this server only, and of the kind.
        {{{"msgType", "image"}, {"url", "https://cdn.example.com/i.jpg"}}, 300, "url is invalid."},
        {{{"msgType", "image"}, {"url", UploadedUrl("audio")}}, 300, "url is invalid."},
        {{{"msgType", "video"}, {"url", UploadedUrl("image")}, {"duration", "5"}}, 300, "url is invalid."},
        {{{"msgType", "audio"}, {"url", UploadedUrl("audio")}}, 300, "duration is none."},
        {{{"msgType", "audio"}, {"url", UploadedUrl("audio")}, {"duration", "0"}}, 300, "duration is invalid."},
        {{{"msgType", "video"}, {"url", UploadedUrl("video")}, {"duration", "601"}}, 300, "duration is invalid."},
    };
    for (const auto& c : cases) {
      Response r = Send(a, b.user_id, c.fields);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, c.code, r.code());
      CPPUNIT_ASSERT_EQUAL(std::string(c.msg), r.msg());
    }
    CPPUNIT_ASSERT_EQUAL(0, SendText(a, b.user_id, std::string(1000, 'x')).code());
    CPPUNIT_ASSERT_EQUAL(300, SendText(a, a.user_id, "me to me").code());
    CPPUNIT_ASSERT_EQUAL(508, SendText(a, 4000000000LL, "nobody").code());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/message/send", {{"msgType", "text"}, {"content", "x"}}, a).code());
    CPPUNIT_ASSERT_EQUAL(before + 1, StoredBetween(a.user_id, b.user_id));
  }

  void testKeysetPaging() {
    auto [a, b] = Pair();
    std::vector<int64_t> sent;
    for (int i = 0; i < 25; ++i) {
      Response r = SendText(i % 2 ? b : a, i % 2 ? a.user_id : b.user_id, "m" + std::to_string(i));
      CPPUNIT_ASSERT_EQUAL(0, r.code());
      sent.push_back(r.data()["message_id"].asInt64());
    }
    std::vector<int64_t> seen;
    int64_t before = 0;
    int pages = 0;
    for (bool more = true; more; ++pages) {
      Response r = List(a, b.user_id, before, 10);
      CPPUNIT_ASSERT_EQUAL(0, r.code());
      for (const Json::Value& m : r.data()["list"]) seen.push_back(m["message_id"].asInt64());
      more = r.data()["has_more"].asBool();
      before = seen.back();
      // A message sent while paging lands above the cursor and does not disturb it.
      if (pages == 0) CPPUNIT_ASSERT_EQUAL(0, SendText(b, a.user_id, "while paging").code());
    }
    CPPUNIT_ASSERT_EQUAL(3, pages);  // 27 messages: 10 + 10 + 7
    CPPUNIT_ASSERT_EQUAL(size_t{27}, seen.size());
    CPPUNIT_ASSERT(std::is_sorted(seen.rbegin(), seen.rend()));
    CPPUNIT_ASSERT_EQUAL(seen.size(), std::set<int64_t>(seen.begin(), seen.end()).size());
    for (int64_t id : sent) CPPUNIT_ASSERT(std::find(seen.begin(), seen.end(), id) != seen.end());
    // The other side sees the same conversation.
    CPPUNIT_ASSERT_EQUAL(10u, List(b, a.user_id, 0, 10).data()["list"].size());
    for (const auto& [k, v] : Fields{{"pageCount", "0"}, {"pageCount", "101"}, {"beforeId", "x"}, {"beforeId", "0"}}) {
      CPPUNIT_ASSERT_EQUAL(300, Call("GET", "/api/message/list", {{"peerId", std::to_string(b.user_id)}, {k, v}}, a).code());
    }
    CPPUNIT_ASSERT_EQUAL(300, Call("GET", "/api/message/list", {}, a).code());
  }

  void testUnreadAndRead() {
    Caller a = Login(NewPhone());
    Caller b = Login(NewPhone());
    Caller c = Login(NewPhone());
    for (int i = 0; i < 3; ++i) CPPUNIT_ASSERT_EQUAL(0, SendText(a, b.user_id, "a" + std::to_string(i)).code());
    CPPUNIT_ASSERT_EQUAL(0, SendText(c, b.user_id, "from c").code());
    CPPUNIT_ASSERT_EQUAL(int64_t{4}, Unread(b));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Unread(a));
    Response contacts = Call("GET", "/api/contacts/list", {}, b);
    CPPUNIT_ASSERT_EQUAL(2u, contacts.data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(c.user_id, contacts.data()["list"][0]["peer_id"].asInt64());
    CPPUNIT_ASSERT_EQUAL(1, contacts.data()["list"][0]["unread"].asInt());
    CPPUNIT_ASSERT_EQUAL(3, contacts.data()["list"][1]["unread"].asInt());

    Response r = Call("POST", "/api/message/read", {{"peerId", std::to_string(a.user_id)}}, b);
    CPPUNIT_ASSERT_EQUAL(0, r.code());
    CPPUNIT_ASSERT_EQUAL(3, r.data()["updated"].asInt());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Unread(b));  // c's is still unread
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/message/read", {{"peerId", std::to_string(a.user_id)}}, b).data()["updated"].asInt());
    const Json::Value from_a = List(b, a.user_id).data()["list"];
    CPPUNIT_ASSERT_EQUAL(3u, from_a.size());
    for (const Json::Value& m : from_a) CPPUNIT_ASSERT(m["read"].asBool());
    CPPUNIT_ASSERT(!List(b, c.user_id).data()["list"][0]["read"].asBool());
    // a marking "read" touches only messages to a: b's from c stay unread.
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/message/read", {{"peerId", std::to_string(c.user_id)}}, a).data()["updated"].asInt());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Unread(b));
  }

  void testContactsOrderAndItems() {
    Caller me = Login(NewPhone());
    std::vector<Caller> peers;
    for (int i = 0; i < 3; ++i) {
      peers.push_back(Login(NewPhone()));
      CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"nickname", "peer" + std::to_string(i)}, {"avatar", UploadedUrl("image")}}, peers[i]).code());
      CPPUNIT_ASSERT_EQUAL(0, SendText(me, peers[i].user_id, "to peer " + std::to_string(i)).code());
    }
    auto order = [&]() {
      Response r = Call("GET", "/api/contacts/list", {}, me);
      CPPUNIT_ASSERT_EQUAL(0, r.code());
      std::vector<int64_t> ids;
      for (const Json::Value& c : r.data()["list"]) ids.push_back(c["peer_id"].asInt64());
      return ids;
    };
    CPPUNIT_ASSERT((order() == std::vector<int64_t>{peers[2].user_id, peers[1].user_id, peers[0].user_id}));
    CPPUNIT_ASSERT_EQUAL(0, SendText(peers[0], me.user_id, "back to the top").code());
    CPPUNIT_ASSERT((order() == std::vector<int64_t>{peers[0].user_id, peers[2].user_id, peers[1].user_id}));
    Response r = Call("GET", "/api/contacts/list", {{"pageCount", "2"}}, me);
    const Json::Value& top = r.data()["list"][0];
    CPPUNIT_ASSERT_EQUAL(std::string("peer0"), top["nickname"].asString());
    CPPUNIT_ASSERT_EQUAL(UploadedUrl("image"), top["avatar"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("back to the top"), top["last_msg"].asString());
    CPPUNIT_ASSERT_EQUAL(1, top["unread"].asInt());
    CPPUNIT_ASSERT_EQUAL(size_t{19}, top["update_time"].asString().size());
    CPPUNIT_ASSERT(r.data()["has_next"].asBool());
    Response second = Call("GET", "/api/contacts/list", {{"pageCount", "2"}, {"page", "2"}}, me);
    CPPUNIT_ASSERT_EQUAL(1u, second.data()["list"].size());
    CPPUNIT_ASSERT(!second.data()["has_next"].asBool());
    // A long text is previewed by its first 255 characters.
    std::string long_text;
    for (int i = 0; i < 300; ++i) long_text += "长";
    CPPUNIT_ASSERT_EQUAL(0, SendText(me, peers[1].user_id, long_text).code());
    std::string preview;
    for (int i = 0; i < 255; ++i) preview += "长";
    CPPUNIT_ASSERT_EQUAL(preview, ContactLastMsg(me.user_id, peers[1].user_id));
  }

  void testOthersConversationsStayClosed() {
    auto [a, b] = Pair();
    Caller c = Login(NewPhone());
    Caller forged = c;  // c's token, a's id
    forged.user_id = a.user_id;
    CPPUNIT_ASSERT_EQUAL(504, List(forged, b.user_id).code());
    CPPUNIT_ASSERT_EQUAL(504, Call("POST", "/api/message/read", {{"peerId", std::to_string(b.user_id)}}, forged).code());
    CPPUNIT_ASSERT_EQUAL(504, SendText(forged, b.user_id, "as a").code());
    CPPUNIT_ASSERT_EQUAL(504, Call("GET", "/api/contacts/list", {}, forged).code());
    CPPUNIT_ASSERT_EQUAL(504, Call("GET", "/api/message/unread", {}, forged).code());
    // With its own id, c sees only its own conversations.
    CPPUNIT_ASSERT_EQUAL(0u, List(c, b.user_id).data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(0u, Call("GET", "/api/contacts/list", {}, c).data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/message/read", {{"peerId", std::to_string(a.user_id)}}, c).data()["updated"].asInt());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, Unread(a));  // b's "hello" is still unread for a
    CPPUNIT_ASSERT_EQUAL(int64_t{2}, StoredBetween(a.user_id, b.user_id));
  }

  void testNotRepliedYetCap() {
    Caller a = Login(NewPhone());
    Caller b = Login(NewPhone());
    const int cap = TestStack::Get().config().message_unreplied;
    for (int i = 0; i < cap; ++i) CPPUNIT_ASSERT_EQUAL(0, SendText(a, b.user_id, "knock").code());
    Response r = SendText(a, b.user_id, "knock again");
    CPPUNIT_ASSERT_EQUAL(429L, r.status);
    CPPUNIT_ASSERT_EQUAL(429, r.code());
    CPPUNIT_ASSERT(r.data()["retry_after"].asInt() > 0);
    CPPUNIT_ASSERT_EQUAL(int64_t{cap}, StoredBetween(a.user_id, b.user_id));
    RedisReply counted;
    TestStack::Get().redis().Command(&counted, "GET dt:rl:msg:%lld:%lld", static_cast<long long>(a.user_id),
                                     static_cast<long long>(b.user_id));
    CPPUNIT_ASSERT_EQUAL(std::to_string(cap), std::string(counted.Str()));  // the refused one did not count
    CPPUNIT_ASSERT_EQUAL(0, SendText(b, a.user_id, "who is it?").code());
    CPPUNIT_ASSERT_EQUAL(0, SendText(a, b.user_id, "me!").code());
    CPPUNIT_ASSERT_EQUAL(0, SendText(a, b.user_id, "and again").code());
  }

  void testRateLimits() {
    auto [a, b] = Pair();
    Caller c = Login(NewPhone());
    const Config& config = TestStack::Get().config();
    const std::string pair_key = "dt:rl:msg:" + std::to_string(a.user_id) + ":" + std::to_string(b.user_id);
    RedisSet(pair_key, config.message_per_peer);
    Response r = SendText(a, b.user_id, "one too many");
    CPPUNIT_ASSERT_EQUAL(429, r.code());
    CPPUNIT_ASSERT(r.data()["retry_after"].asInt() >= 1 && r.data()["retry_after"].asInt() <= 60);
    CPPUNIT_ASSERT_EQUAL(300, SendText(a, b.user_id, "").code());  // validation comes first
    CPPUNIT_ASSERT_EQUAL(0, SendText(a, c.user_id, "another peer is fine").code());
    RedisSet(pair_key, 0);
    RedisSet("dt:rl:msg:" + std::to_string(a.user_id), config.message_per_minute);
    CPPUNIT_ASSERT_EQUAL(429, SendText(a, c.user_id, "over the total").code());
    RedisSet("dt:rl:msg:" + std::to_string(a.user_id), 0);
    CPPUNIT_ASSERT_EQUAL(0, SendText(a, b.user_id, "fine again").code());
    CPPUNIT_ASSERT_EQUAL(int64_t{3}, StoredBetween(a.user_id, b.user_id));
  }

  void testFailureInsideTransactionLeavesNothing() {
    auto [a, b] = Pair();  // a registered first: a's contact row is written first
    Db& db = TestStack::Get().db();
    const int64_t stored = StoredBetween(a.user_id, b.user_id);
    const std::string a_side = ContactLastMsg(a.user_id, b.user_id);
    const std::string b_side = ContactLastMsg(b.user_id, a.user_id);
    // Fail the second contact write, after the first one has been made.
    CPPUNIT_ASSERT(db.Exec(("CREATE TRIGGER test_fail_contact BEFORE UPDATE ON contacts FOR EACH ROW"
                            " IF NEW.user_id = " + std::to_string(b.user_id) +
                            " THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected'; END IF").c_str(),
                           {}).ok());
    Response r = SendText(a, b.user_id, "lost in the middle");
    db.Exec("DROP TRIGGER IF EXISTS test_fail_contact", {});
    CPPUNIT_ASSERT_EQUAL(500L, r.status);
    CPPUNIT_ASSERT_EQUAL(900, r.code());
    CPPUNIT_ASSERT_EQUAL(stored, StoredBetween(a.user_id, b.user_id));
    CPPUNIT_ASSERT_EQUAL(a_side, ContactLastMsg(a.user_id, b.user_id));
    CPPUNIT_ASSERT_EQUAL(b_side, ContactLastMsg(b.user_id, a.user_id));
    // Fail the message itself, after both contact rows were written.
    CPPUNIT_ASSERT(db.Exec(("CREATE TRIGGER test_fail_message BEFORE INSERT ON message FOR EACH ROW"
                            " IF NEW.from_uid = " + std::to_string(a.user_id) +
                            " THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'injected'; END IF").c_str(),
                           {}).ok());
    r = SendText(a, b.user_id, "lost at the end");
    db.Exec("DROP TRIGGER IF EXISTS test_fail_message", {});
    CPPUNIT_ASSERT_EQUAL(900, r.code());
    CPPUNIT_ASSERT_EQUAL(stored, StoredBetween(a.user_id, b.user_id));
    CPPUNIT_ASSERT_EQUAL(a_side, ContactLastMsg(a.user_id, b.user_id));
    CPPUNIT_ASSERT_EQUAL(b_side, ContactLastMsg(b.user_id, a.user_id));
    // Neither failure counted against the rate limits; the next send works.
    RedisReply counted;
    TestStack::Get().redis().Command(&counted, "GET dt:rl:msg:%lld:%lld", static_cast<long long>(a.user_id),
                                     static_cast<long long>(b.user_id));
    CPPUNIT_ASSERT_EQUAL(std::string("1"), std::string(counted.Str()));
    CPPUNIT_ASSERT_EQUAL(0, SendText(a, b.user_id, "made it").code());
    CPPUNIT_ASSERT_EQUAL(std::string("made it"), ContactLastMsg(b.user_id, a.user_id));
  }

  void testConcurrentSendsAllStored() {
    auto [a, b] = Pair();
    const int kThreads = 8, kEach = 25;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        const Caller& from = t % 2 ? b : a;
        const int64_t to = t % 2 ? a.user_id : b.user_id;
        for (int i = 0; i < kEach; ++i) {
          Response r = SendText(from, to, "t" + std::to_string(t) + " #" + std::to_string(i));
          if (r.code() != 0) ++failures;
        }
      });
    }
    for (std::thread& t : threads) t.join();
    CPPUNIT_ASSERT_EQUAL(0, failures.load());
    CPPUNIT_ASSERT_EQUAL(int64_t{2 + kThreads * kEach}, StoredBetween(a.user_id, b.user_id));
    // Every message comes back once, newest first, across pages; each thread's own
    // messages are in the order it sent them.
    std::vector<int64_t> ids;
    std::vector<std::string> texts;
    int64_t before = 0;
    for (bool more = true; more;) {
      Response r = List(a, b.user_id, before, 100);
      for (const Json::Value& m : r.data()["list"]) {
        ids.push_back(m["message_id"].asInt64());
        texts.push_back(m["content"].asString());
      }
      more = r.data()["has_more"].asBool();
      before = ids.back();
    }
    CPPUNIT_ASSERT_EQUAL(size_t{2 + kThreads * kEach}, ids.size());
    CPPUNIT_ASSERT(std::is_sorted(ids.rbegin(), ids.rend()));
    for (int t = 0; t < kThreads; ++t) {
      int expect = kEach - 1;  // newest first
      for (const std::string& text : texts) {
        if (text.rfind("t" + std::to_string(t) + " #", 0) != 0) continue;
        CPPUNIT_ASSERT_EQUAL("t" + std::to_string(t) + " #" + std::to_string(expect), text);
        --expect;
      }
      CPPUNIT_ASSERT_EQUAL(-1, expect);
    }
    Row row;
    bool found = false;
    CheckDb(TestStack::Get().db().QueryRow(
        "SELECT COUNT(*), MIN(last_msg_id), MAX(last_msg_id) FROM contacts WHERE (user_id = ? AND peer_id = ?) OR (user_id = ? AND peer_id = ?)",
        {a.user_id, b.user_id, b.user_id, a.user_id}, &row, &found));
    CPPUNIT_ASSERT_EQUAL(int64_t{2}, row.Int(0));
    CPPUNIT_ASSERT_EQUAL(ids.front(), row.Int(1));
    CPPUNIT_ASSERT_EQUAL(ids.front(), row.Int(2));
  }

  void testCountsExactWhileSendsAndReadsRace() {
    auto [a, b] = Pair();
    CPPUNIT_ASSERT((ContactCounts(a.user_id, b.user_id) == std::pair<int64_t, int64_t>{1, 1}));
    CPPUNIT_ASSERT((ContactCounts(b.user_id, a.user_id) == std::pair<int64_t, int64_t>{1, 1}));
    const int kSenders = 4, kEach = 15, kReads = 20;
    std::mutex mutex;
    std::vector<std::string> failures;  // the bodies of answers that were not code 0
    auto check = [&](const Response& r) {
      if (r.code() == 0) return;
      std::lock_guard<std::mutex> lock(mutex);
      failures.push_back(r.body);
    };
    std::vector<std::thread> threads;
    for (int t = 0; t < kSenders; ++t) {
      threads.emplace_back([&, t] {
        const Caller& from = t % 2 ? b : a;
        const int64_t to = t % 2 ? a.user_id : b.user_id;
        for (int i = 0; i < kEach; ++i) check(SendText(from, to, "race " + std::to_string(i)));
      });
    }
    for (const Caller* reader : {&a, &b}) {
      threads.emplace_back([&, reader] {
        const int64_t peer = reader == &a ? b.user_id : a.user_id;
        for (int i = 0; i < kReads; ++i) {
          check(Call("POST", "/api/message/read", {{"peerId", std::to_string(peer)}}, *reader));
        }
      });
    }
    for (std::thread& t : threads) t.join();
    CPPUNIT_ASSERT_EQUAL_MESSAGE(failures.empty() ? "" : failures.front(), size_t{0}, failures.size());
    // Whatever the interleaving, each side's counts are the messages' own.
    for (const auto& [me, peer] : {std::pair{a.user_id, b.user_id}, std::pair{b.user_id, a.user_id}}) {
      const auto kept = ContactCounts(me, peer);
      CPPUNIT_ASSERT((kept == CountedInMessages(me, peer)));
      CPPUNIT_ASSERT_EQUAL(int64_t{1 + kSenders / 2 * kEach}, kept.second);
    }
    // The contacts page and the unread total agree with them, and a read clears both.
    const Json::Value a_page = Call("GET", "/api/contacts/list", {}, a).data()["list"];
    CPPUNIT_ASSERT_EQUAL(1u, a_page.size());
    CPPUNIT_ASSERT_EQUAL(ContactCounts(a.user_id, b.user_id).first, a_page[0]["unread"].asInt64());
    CPPUNIT_ASSERT_EQUAL(ContactCounts(a.user_id, b.user_id).first, Unread(a));
    Response read = Call("POST", "/api/message/read", {{"peerId", std::to_string(b.user_id)}}, a);
    CPPUNIT_ASSERT_EQUAL(0, read.code());
    CPPUNIT_ASSERT((ContactCounts(a.user_id, b.user_id) == std::pair<int64_t, int64_t>{0, 1 + kSenders / 2 * kEach}));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Unread(a));
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/contacts/list", {}, a).data()["list"][0]["unread"].asInt());
  }

  // sql/006 fills the counts of conversations that existed before it, from the messages.
  void testMigrationFillsCounts() {
    auto [a, b] = Pair();
    for (int i = 0; i < 2; ++i) CPPUNIT_ASSERT_EQUAL(0, SendText(a, b.user_id, "more").code());
    Db& db = TestStack::Get().db();
    CPPUNIT_ASSERT(db.Exec("UPDATE contacts SET unread = 0, sent = 0 WHERE user_id IN (?, ?) AND peer_id IN (?, ?)",
                           {a.user_id, b.user_id, a.user_id, b.user_id}).ok());
    std::ifstream file("sql/006_contacts_counts.sql");
    const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    const size_t start = text.find("UPDATE contacts");
    CPPUNIT_ASSERT(start != std::string::npos);
    const std::string fill = text.substr(start, text.find(';', start) - start);
    CPPUNIT_ASSERT(db.Exec(fill.c_str(), {}).ok());
    CPPUNIT_ASSERT((ContactCounts(a.user_id, b.user_id) == std::pair<int64_t, int64_t>{1, 3}));
    CPPUNIT_ASSERT((ContactCounts(b.user_id, a.user_id) == std::pair<int64_t, int64_t>{3, 1}));
  }

  // uid_lo/uid_hi (the clustered key's conversation, sql/007) are written by message/send
  // and checked by MariaDB: a row that names another conversation is refused.
  void testConversationColumnsChecked() {
    auto [a, b] = Pair();
    Db& db = TestStack::Get().db();
    Row row;
    bool found = false;
    CPPUNIT_ASSERT(db.QueryRow("SELECT COUNT(*) FROM message WHERE uid_lo = ? AND uid_hi = ?",
                               {std::min(a.user_id, b.user_id), std::max(a.user_id, b.user_id)}, &row, &found).ok());
    CPPUNIT_ASSERT_EQUAL(int64_t{2}, row.Int(0));
    CPPUNIT_ASSERT(!db.Exec("INSERT INTO message (from_uid, to_uid, uid_lo, uid_hi, msg_type, content, send_time)"
                            " VALUES (?, ?, ?, ?, 'text', 'forged', UTC_TIMESTAMP())",
                            {a.user_id, b.user_id, std::max(a.user_id, b.user_id), std::min(a.user_id, b.user_id)})
                    .ok());
    CPPUNIT_ASSERT_EQUAL(int64_t{2}, StoredBetween(a.user_id, b.user_id));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(MessageHttpTest, "http");

}  // namespace dt
