// Media type sniffing by magic bytes, table-driven, and profile rendering per view.
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <iterator>

#include <sys/time.h>
#include <unistd.h>

#include <ctime>

#include "lib/core/files.h"
#include "lib/domain/media.h"
#include "lib/domain/profile.h"

#include <json/reader.h>
#include <memory>

namespace dt {
namespace {

std::string Fixture(const char* path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

class MediaTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(MediaTest);
  CPPUNIT_TEST(testSniffing);
  CPPUNIT_TEST(testFixtures);
  CPPUNIT_TEST(testProfileViews);
  CPPUNIT_TEST(testSpoolPrune);
  CPPUNIT_TEST_SUITE_END();

 public:
  // Abandoned spool files (a worker killed mid-upload) go after an hour; others stay.
  void testSpoolPrune() {
    const std::string root = "/tmp/dt-prune-test-" + std::to_string(getpid());
    const std::string dir = UploadSpoolDir(root);
    CPPUNIT_ASSERT(MakeDirs(dir).ok());
    const time_t now = time(nullptr);
    for (const char* name : {"old.part", "new.part", "old.keep"}) std::ofstream(dir + "/" + name) << "x";
    const struct timeval hours_ago[2] = {{now - 7200, 0}, {now - 7200, 0}};
    utimes((dir + "/old.part").c_str(), hours_ago);
    utimes((dir + "/old.keep").c_str(), hours_ago);
    int removed = -1;
    CPPUNIT_ASSERT(PruneUploadSpool(root, now, 3600, &removed).ok());
    CPPUNIT_ASSERT_EQUAL(1, removed);
    CPPUNIT_ASSERT(access((dir + "/old.part").c_str(), F_OK) != 0);
    CPPUNIT_ASSERT(access((dir + "/new.part").c_str(), F_OK) == 0);
    CPPUNIT_ASSERT(access((dir + "/old.keep").c_str(), F_OK) == 0);
    for (const char* name : {"new.part", "old.keep"}) unlink((dir + "/" + name).c_str());
    rmdir(dir.c_str());
    rmdir(root.c_str());
    CPPUNIT_ASSERT(PruneUploadSpool(root, now, 3600, &removed).ok());  // no spool folder yet
  }

  void testSniffing() {
    const struct {
      std::string head;
      const char* mime;  // nullptr: refused
    } cases[] = {
        {"\x89PNG\r\n\x1a\n....", "image/png"},
        {"\xFF\xD8\xFF\xE0..", "image/jpeg"},
        {"GIF89a....", "image/gif"},
        {"GIF87a....", "image/gif"},
        {std::string("RIFF\x10\0\0\0WEBPVP8 ", 16), "image/webp"},
        {std::string("RIFF\x10\0\0\0WAVEfmt ", 16), nullptr},
        {std::string("ID3\x04\0\0\0\0\0\0", 10), "audio/mpeg"},
        {"\xFF\xFB\x90\xC4", "audio/mpeg"},
        {"\xFF\xF1\x50\x80", "audio/aac"},
        {std::string("\0\0\0\x20" "ftypM4A \0\0\0\0", 16), "audio/mp4"},
        {std::string("\0\0\0\x20" "ftypisom\0\0\0\0", 16), "video/mp4"},
        {"#!AMR\n....", "audio/amr"},
        {std::string("OggS\0\x02", 6), "audio/ogg"},
        {"\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\x82\x84webm", "video/webm"},
        {"\x1A\x45\xDF\xA3\x9F\x42\x86\x81\x01\x42\x82\x88matroska", nullptr},
        {"#!/bin/sh\necho hi\n", nullptr},
        {"<?php system($_GET['c']); ?>", nullptr},
        {"", nullptr},
        {"\xFF", nullptr},
        {"\xFF\xFF\xFF\xFF", nullptr},
    };
    for (const auto& c : cases) {
      const MediaType* t = SniffMedia(c.head);
      if (!c.mime) {
        CPPUNIT_ASSERT_MESSAGE(c.head, t == nullptr);
      } else {
        CPPUNIT_ASSERT_MESSAGE(c.head, t != nullptr);
        CPPUNIT_ASSERT_EQUAL(std::string(c.mime), std::string(t->mime));
      }
    }
    MediaKind k;
    CPPUNIT_ASSERT(ParseMediaKind("video", &k) && k == MediaKind::kVideo);
    CPPUNIT_ASSERT(!ParseMediaKind("Video", &k));
    CPPUNIT_ASSERT_EQUAL(int64_t{10} << 20, MaxMediaSize(MediaKind::kImage));
    CPPUNIT_ASSERT_EQUAL(int64_t{50} << 20, MaxMediaSize(MediaKind::kVideo));
  }

  void testFixtures() {
    CPPUNIT_ASSERT_EQUAL(std::string("image/png"), std::string(SniffMedia(Fixture("tests/data/sample.png"))->mime));
    CPPUNIT_ASSERT_EQUAL(std::string("image/jpeg"), std::string(SniffMedia(Fixture("tests/data/sample.jpg"))->mime));
    CPPUNIT_ASSERT_EQUAL(std::string("audio/mpeg"), std::string(SniffMedia(Fixture("tests/data/sample.mp3"))->mime));
  }

  void testProfileViews() {
    ProfileRecord r;
    r.user_id = 7;
    r.authority = 1;
    r.vip_deadline = 2000;
    r.card = "\"user_id\":7,\"nickname\":\"n\\ttab\"";
    r.avatar = "http://m/a.jpg";
    r.avatar_pending = "http://m/b.jpg";
    r.avatar_state = "pending";
    r.labels = "\"labels\":[]";
    r.photos = "\"photos\":[{\"photo_id\":1,\"url\":\"u1\"},{\"photo_id\":2,\"url\":\"u2\"}]";
    r.photos_approved = "\"photos\":[{\"photo_id\":1,\"url\":\"u1\"}]";
    r.photos_own =
        "\"photos\":[{\"photo_id\":1,\"url\":\"u1\",\"state\":\"approved\"},"
        "{\"photo_id\":2,\"url\":\"u2\",\"state\":\"pending\"},"
        "{\"photo_id\":3,\"url\":\"u3\",\"state\":\"rejected\"}]";
    r.secret = "\"phone\":\"13800138000\",\"email\":\"a@b.cn\",\"authority\":1";
    auto parse = [](const std::string& text) {
      Json::Value v;
      std::string errors;
      std::unique_ptr<Json::CharReader> reader(Json::CharReaderBuilder().newCharReader());
      CPPUNIT_ASSERT_MESSAGE(text, reader->parse(text.data(), text.data() + text.size(), &v, &errors));
      return v;
    };
    auto render = [&](ProfileView view, int64_t now, bool distance = false) {
      JsonWriter w;
      WriteProfile(r, view, now, &w);
      if (distance) w.Fixed("distance", 0.1, 1);
      return w.Close();
    };
    Json::Value self = parse(render(ProfileView::kSelf, 1000));
    CPPUNIT_ASSERT_EQUAL(std::string("13800138000"), self["phone"].asString());
    CPPUNIT_ASSERT(self["is_vip"].asBool());
    CPPUNIT_ASSERT_EQUAL(std::string("1970-01-01 00:33:20"), self["vip_deadline"].asString());
    // The owner sees their pending avatar and every photo with its state; others the
    // avatar they may see, and the photos of the mode (post: not rejected; pre: approved).
    CPPUNIT_ASSERT_EQUAL(std::string("http://m/b.jpg"), self["avatar"].asString());
    CPPUNIT_ASSERT_EQUAL(std::string("pending"), self["avatar_state"].asString());
    CPPUNIT_ASSERT_EQUAL(3u, self["photos"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("rejected"), self["photos"][2]["state"].asString());
    Json::Value pre = parse(render(ProfileView::kPeerApproved, 1000));
    CPPUNIT_ASSERT_EQUAL(1u, pre["photos"].size());
    CPPUNIT_ASSERT_EQUAL(std::string("http://m/a.jpg"), pre["avatar"].asString());
    CPPUNIT_ASSERT(!pre.isMember("avatar_state"));
    Json::Value peer = parse(render(ProfileView::kPeer, 3000));
    for (const char* hidden : {"phone", "email", "authority", "vip_deadline"}) {
      CPPUNIT_ASSERT_MESSAGE(hidden, !peer.isMember(hidden));
    }
    CPPUNIT_ASSERT(!peer["is_vip"].asBool());
    CPPUNIT_ASSERT(peer.isMember("labels"));
    CPPUNIT_ASSERT_EQUAL(2u, peer["photos"].size());
    CPPUNIT_ASSERT(!peer["photos"][0].isMember("state"));
    CPPUNIT_ASSERT_EQUAL(std::string("n\ttab"), peer["nickname"].asString());
    Json::Value item = parse(render(ProfileView::kListItem, 1000, true));
    CPPUNIT_ASSERT(!item.isMember("labels") && !item.isMember("photos") && !item.isMember("phone"));
    CPPUNIT_ASSERT_DOUBLES_EQUAL(0.1, item["distance"].asDouble(), 1e-9);
    // The stored form round-trips, tabs in the JSON parts included.
    ProfileRecord back;
    CPPUNIT_ASSERT(ParseProfileRecord(SerializeProfile(r), &back));
    CPPUNIT_ASSERT_EQUAL(r.card, back.card);
    CPPUNIT_ASSERT_EQUAL(r.secret, back.secret);
    CPPUNIT_ASSERT_EQUAL(r.photos_own, back.photos_own);
    CPPUNIT_ASSERT_EQUAL(r.avatar_pending, back.avatar_pending);
    CPPUNIT_ASSERT_EQUAL(int64_t{2000}, back.vip_deadline);
    // A list's reader takes the card and the rules' fields, not the labels or the secret.
    ProfileRecord card;
    CPPUNIT_ASSERT(ParseProfileRecord(SerializeProfile(r), &card, ProfileParts::kCard));
    CPPUNIT_ASSERT_EQUAL(r.card, card.card);
    CPPUNIT_ASSERT_EQUAL(r.avatar, card.avatar);
    CPPUNIT_ASSERT(card.photos.empty() && card.secret.empty() && card.avatar_pending.empty());
    CPPUNIT_ASSERT_EQUAL(int64_t{2000}, card.vip_deadline);
    CPPUNIT_ASSERT(!ParseProfileRecord("{\"user_id\":7}", &back));  // an older format is a miss
    CPPUNIT_ASSERT(!ParseProfileRecord("p1\t7\t0\t1\tactive\t0\t{}\t{}\t{}", &back));
    CPPUNIT_ASSERT(!ParseProfileRecord(
        "p3\t7\t0\t1\tactive\t0\t0\t0\t0\t0\t0\t0\t0\t\"a\":1\t\"b\":1\t\"c\":1", &back));
    CPPUNIT_ASSERT(ProfileVisibleTo(r, 8));
    r.authority = 0;
    CPPUNIT_ASSERT(!ProfileVisibleTo(r, 8));
    CPPUNIT_ASSERT(ProfileVisibleTo(r, 7));
    r.authority = 2;
    CPPUNIT_ASSERT(!ProfileVisibleTo(r, 8));
    r.authority = 1;
    r.status = "review";
    CPPUNIT_ASSERT(!ProfileVisibleTo(r, 8) && ProfileVisibleTo(r, 7));
    r.status = "deleted";
    CPPUNIT_ASSERT(!ProfileVisibleTo(r, 7));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(MediaTest, "unit");

}  // namespace dt
