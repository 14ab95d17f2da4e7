// Uploads through nginx: real PNG, JPEG and MP3 files stored and served back byte for
// byte; every refusal (type, kind, md5, size) leaves nothing on disk.
#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "lib/core/crypto.h"
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

// A kB figure of /proc/<pid>/status ("VmRSS", "VmHWM"), or -1.
int64_t StatusKb(int pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.compare(0, field.size() + 1, field + ":") == 0) return std::stoll(line.substr(field.size() + 1));
  }
  return -1;
}

// Starts a new peak-RSS measurement of `pid` (VmHWM back to the current RSS); false when
// this process may not.
bool ResetPeak(int pid) {
  std::ofstream out("/proc/" + std::to_string(pid) + "/clear_refs");
  out << "5";
  out.flush();
  return out.good();
}

}  // namespace

class UploadHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(UploadHttpTest);
  CPPUNIT_TEST(testRealFilesServedBack);
  CPPUNIT_TEST(testWrongTypeRefused);
  CPPUNIT_TEST(testMd5Mismatch);
  CPPUNIT_TEST(testOversized);
  CPPUNIT_TEST(testMissingOrBadFields);
  CPPUNIT_TEST(testUnsignedUploadsCostNoMemory);
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

  // Found by review (issue 16, item 3): the upload route read and parsed the whole body,
  // several copies of it, before the signature was checked: a 59 MB unsigned body peaked
  // a worker at 355 MB. Four at once, each unsigned or badly signed, now cost each worker
  // less than 1.5 times one body, and leave nothing on disk.
  void testUnsignedUploadsCostNoMemory() {
    const std::vector<int> workers = {TestStack::Get().Pid("worker:worker_00"), TestStack::Get().Pid("worker:worker_01")};
    std::string file = ReadBinary("tests/data/sample.png");
    file.resize(59 << 20, 'x');
    const std::string boundary = "dtmemtest0123456789";
    auto body = [&](bool signed_badly) {
      std::string b;
      auto field = [&](const std::string& name, const std::string& value) {
        b += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
      };
      field("kind", "image");
      field("md5", Md5Hex(file));
      if (signed_badly) {
        field("appkey", "432ABZ");
        field("timestamp", NowTimestamp());
        field("nonce", NewNonce());
        field("sign", std::string(32, 'a'));
      }
      b += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\n"
           "Content-Type: image/png\r\n\r\n" + file + "\r\n--" + boundary + "--\r\n";
      return b;
    };
    const std::string bodies[] = {body(false), body(true)};
    const size_t before = MediaFileCount();
    std::vector<int64_t> base(workers.size());
    bool peaks = true;
    for (size_t i = 0; i < workers.size(); ++i) {
      CPPUNIT_ASSERT(workers[i] > 0);
      peaks &= ResetPeak(workers[i]);
      base[i] = StatusKb(workers[i], "VmRSS");
    }
    // Without the right to reset the peak, the RSS is sampled while the uploads run.
    std::vector<std::atomic<int64_t>> sampled(workers.size());
    for (size_t i = 0; i < workers.size(); ++i) sampled[i] = base[i];
    std::atomic<bool> running{true};
    std::thread sampler([&] {
      while (running) {
        for (size_t i = 0; i < workers.size(); ++i) {
          sampled[i] = std::max<int64_t>(sampled[i], StatusKb(workers[i], "VmRSS"));
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    });
    std::vector<Response> replies(4);
    std::vector<std::thread> senders;
    for (int i = 0; i < 4; ++i) {
      senders.emplace_back([&, i] {
        replies[i] = Raw("POST", "/api/upload", bodies[i % 2], "multipart/form-data; boundary=" + boundary);
      });
    }
    for (std::thread& t : senders) t.join();
    running = false;
    sampler.join();
    for (int i = 0; i < 4; ++i) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(replies[i].body, i % 2 ? 500 : 300, replies[i].code());
    }
    const int64_t limit_kb = static_cast<int64_t>(bodies[0].size() * 3 / 2 / 1024);
    for (size_t i = 0; i < workers.size(); ++i) {
      const int64_t peak = peaks ? StatusKb(workers[i], "VmHWM") : sampled[i].load();
      printf("     worker %d: RSS %lld kB, peak during the uploads %lld kB (limit: +%lld kB)\n", workers[i],
             static_cast<long long>(base[i]), static_cast<long long>(peak), static_cast<long long>(limit_kb));
      CPPUNIT_ASSERT(peak - base[i] < limit_kb);
    }
    CPPUNIT_ASSERT_EQUAL(before, MediaFileCount());
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(UploadHttpTest, "http");

}  // namespace dt
