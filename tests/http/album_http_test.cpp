// Labels and album through nginx: the catalogue, setting labels (limits, unknown ids,
// replacement), album add/list/delete with the 9-photo limit, and nobody touching another
// user's photos.
#include <cppunit/extensions/HelperMacros.h>

#include "tests/http/http_support.h"

namespace dt {
namespace {

std::vector<int64_t> StoredLabels(int64_t user) {
  std::vector<Row> rows;
  CheckDb(TestStack::Get().db().Query("SELECT label_id FROM user_label WHERE user_id = ? ORDER BY label_id",
                              {user}, &rows));
  std::vector<int64_t> ids;
  for (const Row& r : rows) ids.push_back(r.Int(0));
  return ids;
}

int64_t PhotoCount(int64_t user) {
  Row row;
  bool found = false;
  CheckDb(TestStack::Get().db().QueryRow("SELECT COUNT(*) FROM user_album WHERE user_id = ?", {user}, &row, &found));
  return row.Int(0);
}

Response AddPhoto(const Caller& c, const std::string& url) {
  return Call("POST", "/api/album/add", {{"url", url}}, c);
}

}  // namespace

class AlbumHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(AlbumHttpTest);
  CPPUNIT_TEST(testLabelCatalogue);
  CPPUNIT_TEST(testSetLabels);
  CPPUNIT_TEST(testSetLabelsRefusals);
  CPPUNIT_TEST(testAlbumAddListDelete);
  CPPUNIT_TEST(testAlbumLimit);
  CPPUNIT_TEST(testAlbumOfOthers);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testLabelCatalogue() {
    Response r = Call("GET", "/api/label/list", {});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    const Json::Value& list = r.data()["list"];
    CPPUNIT_ASSERT(list.size() >= 12);
    CPPUNIT_ASSERT_EQUAL(1, list[0]["label_id"].asInt());
    CPPUNIT_ASSERT_EQUAL(std::string("阳光"), list[0]["name"].asString());
    CPPUNIT_ASSERT(list[0].isMember("gender") && list[0].isMember("meaning"));
    Response men = Call("GET", "/api/label/list", {{"gender", "1"}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(men.body, 0, men.code());
    CPPUNIT_ASSERT(men.data()["list"].size() < list.size());
    int for_men = 0, for_all = 0;
    for (const Json::Value& l : men.data()["list"]) {
      CPPUNIT_ASSERT(l["gender"].asInt() == 1 || l["gender"].asInt() == 0);
      (l["gender"].asInt() == 1 ? for_men : for_all)++;
    }
    CPPUNIT_ASSERT(for_men > 0 && for_all > 0);
    CPPUNIT_ASSERT_EQUAL(300, Call("GET", "/api/label/list", {{"gender", "9"}}).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("GET", "/api/label/list", {}, {}, false).code());  // signed route
  }

  void testSetLabels() {
    Caller me = Login(NewPhone());
    Response r = Call("POST", "/api/user/labels", {{"labelIds", "3,1,7,1"}}, me);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(3u, r.data()["labels"].size());
    CPPUNIT_ASSERT((StoredLabels(me.user_id) == std::vector<int64_t>{1, 3, 7}));
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/labels", {{"labelIds", "2"}}, me).code());
    CPPUNIT_ASSERT((StoredLabels(me.user_id) == std::vector<int64_t>{2}));  // replaced, not added
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/labels", {{"labelIds", "1,2,3,4,5,6,7,8,9,10"}}, me).code());
    CPPUNIT_ASSERT_EQUAL(size_t{10}, StoredLabels(me.user_id).size());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/labels", {{"labelIds", ""}}, me).code());
    CPPUNIT_ASSERT(StoredLabels(me.user_id).empty());
  }

  void testSetLabelsRefusals() {
    Caller me = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/labels", {{"labelIds", "4,5"}}, me).code());
    CPPUNIT_ASSERT_EQUAL(509, Call("POST", "/api/user/labels", {{"labelIds", "1,2,3,4,5,6,7,8,9,10,11"}}, me).code());
    CPPUNIT_ASSERT_EQUAL(508, Call("POST", "/api/user/labels", {{"labelIds", "1,99999"}}, me).code());
    for (const char* bad : {"1,x", "1,,2", "1,", "-1", "0"}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, 300, Call("POST", "/api/user/labels", {{"labelIds", bad}}, me).code());
    }
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/user/labels", {}, me).code());
    CPPUNIT_ASSERT((StoredLabels(me.user_id) == std::vector<int64_t>{4, 5}));  // untouched
  }

  void testAlbumAddListDelete() {
    Caller me = Login(NewPhone());
    const std::string png = UploadedUrl("image");
    Response a = AddPhoto(me, png);
    Response b = AddPhoto(me, UploadedUrl("image"));
    CPPUNIT_ASSERT_EQUAL_MESSAGE(a.body, 0, a.code());
    CPPUNIT_ASSERT(a.data()["photo_id"].isInt64());
    Response list = Call("GET", "/api/album/list", {}, me);
    CPPUNIT_ASSERT_EQUAL(2u, list.data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(a.data()["photo_id"].asInt64(), list.data()["list"][0]["photo_id"].asInt64());
    CPPUNIT_ASSERT_EQUAL(png, list.data()["list"][0]["url"].asString());
    CPPUNIT_ASSERT_EQUAL(size_t{19}, list.data()["list"][0]["create_time"].asString().size());
    // Found by review (issue 16, item 11): any http(s) URL was taken, so every viewer's
    // app fetched from whoever hosts it. Only this server's own uploads now.
    const std::string media = TestStack::Get().config().media_url;
    const std::string stored = png.substr(media.size());  // image/aa/bb/<32 hex>.png
    std::string other_name = stored;
    other_name[other_name.size() - 5] = other_name[other_name.size() - 5] == '0' ? '1' : '0';
    for (const std::string& bad : {std::string("javascript:alert(1)"), std::string("https://cdn.example.com/1.jpg"),
                                   "https://evil.example/" + stored, media + other_name,  // no such file
                                   UploadedUrl("audio"), media + "image/../" + stored, media + stored + "?x=1",
                                   media, media + "image/aa/bb/x.png", png.substr(0, png.size() - 3) + "mp3"}) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, 300, AddPhoto(me, bad).code());
    }
    CPPUNIT_ASSERT_EQUAL(int64_t{2}, PhotoCount(me.user_id));
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/album/delete", {{"photoId", a.data()["photo_id"].asString()}}, me).code());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, PhotoCount(me.user_id));
    CPPUNIT_ASSERT_EQUAL(508, Call("POST", "/api/album/delete", {{"photoId", a.data()["photo_id"].asString()}}, me).code());
    CPPUNIT_ASSERT_EQUAL(300, Call("POST", "/api/album/delete", {}, me).code());
  }

  void testAlbumLimit() {
    Caller me = Login(NewPhone());
    for (int i = 0; i < 9; ++i) {
      CPPUNIT_ASSERT_EQUAL(0, AddPhoto(me, UploadedUrl("image")).code());
    }
    Response full = AddPhoto(me, UploadedUrl("image"));
    CPPUNIT_ASSERT_EQUAL(509, full.code());
    CPPUNIT_ASSERT_EQUAL(int64_t{9}, PhotoCount(me.user_id));
  }

  void testAlbumOfOthers() {
    Caller alice = Login(NewPhone());
    Caller bob = Login(NewPhone());
    Response photo = AddPhoto(alice, UploadedUrl("image"));
    const std::string id = photo.data()["photo_id"].asString();
    // bob cannot delete it, neither with his own id nor by naming alice's.
    CPPUNIT_ASSERT_EQUAL(508, Call("POST", "/api/album/delete", {{"photoId", id}}, bob).code());
    Caller forged = bob;
    forged.user_id = alice.user_id;
    CPPUNIT_ASSERT_EQUAL(504, Call("POST", "/api/album/delete", {{"photoId", id}}, forged).code());
    CPPUNIT_ASSERT_EQUAL(int64_t{1}, PhotoCount(alice.user_id));
    // bob may look at it while alice is visible, not after she hides.
    Response seen = Call("GET", "/api/album/list", {{"peerId", std::to_string(alice.user_id)}}, bob);
    CPPUNIT_ASSERT_EQUAL(1u, seen.data()["list"].size());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"authority", "0"}}, alice).code());
    CPPUNIT_ASSERT_EQUAL(501, Call("GET", "/api/album/list", {{"peerId", std::to_string(alice.user_id)}}, bob).code());
    CPPUNIT_ASSERT_EQUAL(501, Call("GET", "/api/album/list", {{"peerId", "4000000000"}}, bob).code());
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(AlbumHttpTest, "http");

}  // namespace dt
