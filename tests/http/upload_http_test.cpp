// Uploads through nginx: real PNG, JPEG and MP3 files stored and served back byte for
// byte; every refusal (type, kind, md5, size) leaves nothing on disk.
#include <cppunit/extensions/HelperMacros.h>

#include <filesystem>

#include "lib/crypto.h"
#include "tests/http/http_support.h"

namespace dt {
namespace {

// Every file under the media root, hidden temporary files included.
size_t MediaFileCount() {
  namespace fs = std::filesystem;
  const fs::path root = TestStack::Get().config().media_root;
  if (!fs::exists(root)) return 0;
  size_t n = 0;
  for (const auto& entry : fs::recursive_directory_iterator(root)) n += entry.is_regular_file();
  return n;
}

Response Upload(const Caller& c, const std::string& kind, const std::string& data,
                const std::string& filename, const std::string& md5 = "") {
  return CallMultipart("/api/upload", {{"kind", kind}, {"md5", md5.empty() ? Md5Hex(data) : md5}},
                       {{"file", filename, "application/octet-stream", data}}, c);
}

}  // namespace

class UploadHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(UploadHttpTest);
  CPPUNIT_TEST(testRealFilesServedBack);
  CPPUNIT_TEST(testWrongTypeRefused);
  CPPUNIT_TEST(testMd5Mismatch);
  CPPUNIT_TEST(testOversized);
  CPPUNIT_TEST(testMissingOrBadFields);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRealFilesServedBack() {
    Caller me = Login(NewPhone());
    const struct {
      const char* path;
      const char* kind;
      const char* mime;
      const char* ext;
    } files[] = {
        {"tests/data/sample.png", "image", "image/png", ".png"},
        {"tests/data/sample.jpg", "image", "image/jpeg", ".jpg"},
        {"tests/data/sample.mp3", "audio", "audio/mpeg", ".mp3"},
    };
    for (const auto& f : files) {
      const std::string data = ReadBinary(f.path);
      CPPUNIT_ASSERT(!data.empty());
      // The client's name and type are not trusted: a PNG called x.exe is still a PNG.
      Response r = Upload(me, f.kind, data, "x.exe");
      CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
      CPPUNIT_ASSERT_EQUAL(std::string(f.mime), r.data()["mime"].asString());
      CPPUNIT_ASSERT_EQUAL(static_cast<int64_t>(data.size()), r.data()["size"].asInt64());
      const std::string url = r.data()["url"].asString();
      CPPUNIT_ASSERT(url.rfind(TestStack::Get().config().media_url + f.kind + "/", 0) == 0);
      CPPUNIT_ASSERT(url.size() > 4 && url.substr(url.size() - strlen(f.ext)) == f.ext);
      CPPUNIT_ASSERT(url.find("x.exe") == std::string::npos);
      Response served = Fetch(url);
      CPPUNIT_ASSERT_EQUAL(200L, served.status);
      CPPUNIT_ASSERT(served.body == data);
      CPPUNIT_ASSERT_EQUAL(std::string(f.mime), served.content_type);
    }
  }

  void testWrongTypeRefused() {
    Caller me = Login(NewPhone());
    const size_t before = MediaFileCount();
    const std::string script = "#!/bin/sh\nrm -rf / --no-preserve-root\n";
    Response r = Upload(me, "image", script, "cute.png");
    CPPUNIT_ASSERT_EQUAL(511, r.code());
    const std::string png = ReadBinary("tests/data/sample.png");
    CPPUNIT_ASSERT_EQUAL(511, Upload(me, "audio", png, "song.mp3").code());  // a PNG is no audio
    CPPUNIT_ASSERT_EQUAL(511, Upload(me, "video", ReadBinary("tests/data/sample.mp3"), "v.mp4").code());
    CPPUNIT_ASSERT_EQUAL(511, Upload(me, "image", png.substr(0, 3), "short.png").code());
    CPPUNIT_ASSERT_EQUAL(before, MediaFileCount());
  }

  void testMd5Mismatch() {
    Caller me = Login(NewPhone());
    const size_t before = MediaFileCount();
    const std::string png = ReadBinary("tests/data/sample.png");
    Response r = Upload(me, "image", png, "a.png", Md5Hex(png + "x"));
    CPPUNIT_ASSERT_EQUAL(511, r.code());
    CPPUNIT_ASSERT_EQUAL(before, MediaFileCount());
  }

  void testOversized() {
    Caller me = Login(NewPhone());
    const size_t before = MediaFileCount();
    // Over the image limit (10 MB), under the route's: 511 from the worker.
    std::string big = ReadBinary("tests/data/sample.png");
    big.resize((10 << 20) + 1, '\0');
    Response r = Upload(me, "image", big, "big.png");
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 511, r.code());
    // Over the upload route's body limit (60 MiB): 413 before anything is parsed.
    big.resize((60 << 20) + 1, '\0');
    r = Upload(me, "video", big, "big.mp4");
    CPPUNIT_ASSERT_EQUAL(413L, r.status);
    CPPUNIT_ASSERT_EQUAL(413, r.code());
    CPPUNIT_ASSERT_EQUAL(before, MediaFileCount());
    // Other routes keep the small form limit: a 2 MB multipart elsewhere is 413.
    r = CallMultipart("/api/user/update", {}, {{"file", "a.png", "image/png", std::string(1500000, 'a')}}, me);
    CPPUNIT_ASSERT_EQUAL(413, r.code());
  }

  void testMissingOrBadFields() {
    Caller me = Login(NewPhone());
    const std::string png = ReadBinary("tests/data/sample.png");
    Response r = CallMultipart("/api/upload", {{"kind", "image"}, {"md5", Md5Hex(png)}}, {}, me);
    CPPUNIT_ASSERT_EQUAL(300, r.code());
    CPPUNIT_ASSERT_EQUAL(std::string("file is none."), r.msg());
    CPPUNIT_ASSERT_EQUAL(300, Upload(me, "document", png, "a.png").code());
    CPPUNIT_ASSERT_EQUAL(300, Upload(me, "image", png, "a.png", "abc").code());
    CPPUNIT_ASSERT_EQUAL(511, Upload(me, "image", "", "empty.png").code());
    // The file is covered by the signed md5: without a token the guard refuses first.
    Caller anonymous;
    CPPUNIT_ASSERT_EQUAL(504, CallMultipart("/api/upload", {{"kind", "image"}, {"md5", Md5Hex(png)}},
                                            {{"file", "a.png", "image/png", png}}, anonymous).code());
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(UploadHttpTest, "http");

}  // namespace dt
