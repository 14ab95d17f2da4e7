// ParseParams over in-memory requests: merging, decoding, and every refusal.
#include <cppunit/extensions/HelperMacros.h>

#include <unistd.h>

#include <fstream>
#include <iterator>

#include "lib/core/cgi_input.h"
#include "lib/core/crypto.h"
#include "lib/core/request_params.h"

namespace dt {

struct Case {
  const char* name;
  const char* method;
  const char* query;
  const char* content_type;
  std::string body;
  int code;  // expected status code
};

Status Parse(const char* method, const std::string& query, const std::string& content_type,
             const std::string& body, Params* params, ParamLimits limits = {}) {
  StringInput input({{"REQUEST_METHOD", method}, {"QUERY_STRING", query},
                     {"CONTENT_TYPE", content_type}},
                    body);
  return ParseParams(input, limits, params);
}

// The value of `key`, or "<absent>".
std::string Value(const Params& p, const char* key) {
  const std::string* v = p.Find(key);
  return v ? *v : "<absent>";
}

const char kForm[] = "application/x-www-form-urlencoded";
const char kMultipart[] = "multipart/form-data; boundary=XyZ";

std::string Part(const std::string& name, const std::string& value) {
  return "--XyZ\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
}

std::string FilePart(const std::string& name, const std::string& filename,
                     const std::string& data) {
  return "--XyZ\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" +
         filename + "\"\r\nContent-Type: image/png\r\n\r\n" + data + "\r\n";
}

class RequestParamsTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RequestParamsTest);
  CPPUNIT_TEST(testQueryAndBodyMerge);
  CPPUNIT_TEST(testDecoding);
  CPPUNIT_TEST(testMultipartFieldsAndFile);
  CPPUNIT_TEST(testLargeFileIsSpooled);
  CPPUNIT_TEST(testQuotedBoundary);
  CPPUNIT_TEST(testMultipartHeaderForms);
  CPPUNIT_TEST(testGetReadsFormBody);
  CPPUNIT_TEST(testSemicolonIsPartOfAValue);
  CPPUNIT_TEST(testFormBodyLimit);
  CPPUNIT_TEST(testRefusals);
  CPPUNIT_TEST(testLimits);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testQueryAndBodyMerge() {
    Params p;
    CPPUNIT_ASSERT(Parse("POST", "a=1&b=2", kForm, "c=3", &p).ok());
    CPPUNIT_ASSERT_EQUAL(size_t{3}, p.size());
    CPPUNIT_ASSERT_EQUAL(std::string("1"), Value(p, "a"));
    CPPUNIT_ASSERT_EQUAL(std::string("3"), Value(p, "c"));
    CPPUNIT_ASSERT(p.Find("d") == nullptr);
  }

  void testDecoding() {
    Params p;
    CPPUNIT_ASSERT(Parse("POST", "", kForm,
                         "nickname=%E5%B0%8F%E6%98%8E%F0%9F%92%95&s=a+b%2Bc&e=&&x==", &p).ok());
    CPPUNIT_ASSERT_EQUAL(std::string("小明💕"), Value(p, "nickname"));
    CPPUNIT_ASSERT_EQUAL(std::string("a b+c"), Value(p, "s"));
    CPPUNIT_ASSERT_EQUAL(std::string(), Value(p, "e"));
    CPPUNIT_ASSERT_EQUAL(std::string("="), Value(p, "x"));
  }

  void testMultipartFieldsAndFile() {
    Params p;
    std::string png("\x89PNG\r\n\x1a\n\0\0binary", 16);
    std::string body = Part("kind", "image") + FilePart("file", "a.png", png) + "--XyZ--\r\n";
    CPPUNIT_ASSERT(Parse("POST", "userId=5", kMultipart, body, &p).ok());
    CPPUNIT_ASSERT_EQUAL(std::string("image"), Value(p, "kind"));
    CPPUNIT_ASSERT_EQUAL(std::string("5"), Value(p, "userId"));
    CPPUNIT_ASSERT(p.Find("file") == nullptr);  // files are not parameters
    CPPUNIT_ASSERT_EQUAL(size_t{1}, p.files().size());
    const UploadedFile& f = p.files()[0];
    CPPUNIT_ASSERT_EQUAL(std::string("file"), f.field);
    CPPUNIT_ASSERT_EQUAL(std::string("a.png"), f.filename);
    CPPUNIT_ASSERT_EQUAL(std::string("image/png"), f.content_type);
    CPPUNIT_ASSERT_EQUAL(int64_t{16}, f.size);
    CPPUNIT_ASSERT_EQUAL(Md5Hex(png), f.md5);
    CPPUNIT_ASSERT(png == f.head);
    CPPUNIT_ASSERT(f.spooled.path().empty());  // no spool folder: measured and dropped
  }

  // A file larger than the parser's pieces, with near-delimiters inside and across piece
  // edges, arrives intact in the spool and goes with its Params.
  void testLargeFileIsSpooled() {
    const std::string dir = "/tmp/dt-spool-test-" + std::to_string(getpid());
    std::string data;
    for (int i = 0; data.size() < 300000; ++i) {
      data += (i % 7 == 0) ? "\r\n--XyW\r\n-XyZ\r\n--Xy" : std::string(1000 + i % 37, static_cast<char>('a' + i % 26));
    }
    ParamLimits limits;
    limits.spool_dir = dir;
    std::string path;
    {
      Params p;
      Status s = Parse("POST", "", kMultipart, Part("kind", "image") + FilePart("file", "big.bin", data) +
                                                   Part("md5", "x") + "--XyZ--\r\n", &p, limits);
      CPPUNIT_ASSERT_MESSAGE(s.msg(), s.ok());
      CPPUNIT_ASSERT_EQUAL(std::string("x"), Value(p, "md5"));
      const UploadedFile& f = p.files()[0];
      CPPUNIT_ASSERT_EQUAL(static_cast<int64_t>(data.size()), f.size);
      CPPUNIT_ASSERT_EQUAL(Md5Hex(data), f.md5);
      CPPUNIT_ASSERT(data.substr(0, kFileHeadBytes) == f.head);
      path = f.spooled.path();
      CPPUNIT_ASSERT_EQUAL(size_t{0}, path.rfind(dir + "/", 0));
      std::ifstream in(path, std::ios::binary);
      const std::string stored((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      CPPUNIT_ASSERT(stored == data);
    }
    CPPUNIT_ASSERT(access(path.c_str(), F_OK) != 0);  // removed with its Params
    rmdir(dir.c_str());
  }

  void testQuotedBoundary() {
    Params p;
    CPPUNIT_ASSERT(Parse("POST", "", "multipart/form-data; boundary=\"XyZ\"",
                         Part("a", "1") + "--XyZ--\r\n", &p).ok());
    CPPUNIT_ASSERT_EQUAL(std::string("1"), Value(p, "a"));
  }

  // Part headers as clients write them: filename before name, other case, a preamble.
  void testMultipartHeaderForms() {
    Params p;
    const std::string body =
        "preamble\r\n--XyZ\r\ncontent-disposition: form-data; filename=\"x;y.png\"; name=\"f\"\r\n\r\nDATA\r\n"
        "--XyZ\r\nContent-Disposition: form-data; name=b\r\nContent-Type: text/plain\r\n\r\nv\r\n--XyZ--\r\nepilogue";
    Status s = Parse("POST", "", kMultipart, body, &p);
    CPPUNIT_ASSERT_MESSAGE(s.msg(), s.ok());
    CPPUNIT_ASSERT_EQUAL(std::string("v"), Value(p, "b"));
    CPPUNIT_ASSERT_EQUAL(std::string("x;y.png"), p.files()[0].filename);
    CPPUNIT_ASSERT_EQUAL(std::string("f"), p.files()[0].field);
    CPPUNIT_ASSERT_EQUAL(int64_t{4}, p.files()[0].size);
  }

  // Found by review (issue 16, item 13): the old service read a GET's form body too.
  void testGetReadsFormBody() {
    Params p;
    CPPUNIT_ASSERT(Parse("GET", "a=1", kForm, "b=2", &p).ok());
    CPPUNIT_ASSERT_EQUAL(size_t{2}, p.size());
    CPPUNIT_ASSERT_EQUAL(std::string("2"), Value(p, "b"));
    Params q;
    CPPUNIT_ASSERT(Parse("GET", "", "", "b=2", &q).ok());  // no Content-Type: urlencoded
    CPPUNIT_ASSERT_EQUAL(std::string("2"), Value(q, "b"));
    Params dup;
    CPPUNIT_ASSERT_EQUAL(int{kBadRequest}, Parse("GET", "b=1", kForm, "b=2", &dup).code());
    Params multipart;
    CPPUNIT_ASSERT_EQUAL(int{kBadRequest},
                         Parse("GET", "", kMultipart, Part("a", "1") + "--XyZ--\r\n", &multipart).code());
  }

  // Found by review (item 14): a raw ';' is part of a value, in bodies as in queries.
  void testSemicolonIsPartOfAValue() {
    Params p;
    CPPUNIT_ASSERT(Parse("POST", "q=x;y", kForm, "content=a;b=c&d=1", &p).ok());
    CPPUNIT_ASSERT_EQUAL(std::string("a;b=c"), Value(p, "content"));
    CPPUNIT_ASSERT_EQUAL(std::string("x;y"), Value(p, "q"));
    CPPUNIT_ASSERT_EQUAL(std::string("1"), Value(p, "d"));
    CPPUNIT_ASSERT_EQUAL(size_t{3}, p.size());
  }

  void testFormBodyLimit() {
    ParamLimits limits;
    limits.max_form_body = 100;
    Params p;
    CPPUNIT_ASSERT_EQUAL(int{kTooLarge}, Parse("POST", "", kForm, "a=" + std::string(99, 'x'), &p, limits).code());
    Params q;
    CPPUNIT_ASSERT(Parse("POST", "", kForm, "a=" + std::string(98, 'x'), &q, limits).ok());
  }

  void testRefusals() {
    const Case cases[] = {
        {"duplicate in query", "GET", "a=1&a=2", "", "", kBadRequest},
        {"duplicate query+body", "POST", "a=1", kForm, "a=1", kBadRequest},
        {"duplicate in multipart", "POST", "", kMultipart,
         Part("a", "1") + Part("a", "2") + "--XyZ--\r\n", kBadRequest},
        {"file and field share a name", "POST", "", kMultipart,
         Part("f", "1") + FilePart("f", "x.png", "d") + "--XyZ--\r\n", kBadRequest},
        {"invalid UTF-8 value", "POST", "", kForm, "a=%FF%FE", kBadRequest},
        {"overlong UTF-8", "GET", "a=%C0%AF", "", "", kBadRequest},
        {"surrogate UTF-8", "GET", "a=%ED%A0%80", "", "", kBadRequest},
        {"invalid UTF-8 key", "GET", "%FF=1", "", "", kBadRequest},
        {"invalid UTF-8 multipart", "POST", "", kMultipart,
         Part("a", "\xC3\x28") + "--XyZ--\r\n", kBadRequest},
        {"NUL byte", "GET", "a=x%00y", "", "", kBadRequest},
        {"broken escape", "GET", "a=%zz", "", "", kBadRequest},
        {"short escape", "POST", "", kForm, "a=%4", kBadRequest},
        {"trailing percent", "POST", "", kForm, "a=100%", kBadRequest},
        {"empty key", "GET", "=x", "", "", kBadRequest},
        {"bare key last", "GET", "a=1&flag", "", "", kBadRequest},
        {"bare key first", "POST", "", kForm, "flag&a=1", kBadRequest},
        {"control char in key", "GET", "a%0Ab=1", "", "", kBadRequest},
        {"json body", "POST", "", "application/json", "{\"a\":1}", kBadRequest},
        {"multipart without boundary", "POST", "", "multipart/form-data", "x", kBadRequest},
        {"multipart wrong boundary", "POST", "", "multipart/form-data; boundary=Other",
         Part("a", "1") + "--XyZ--\r\n", kBadRequest},
        {"multipart truncated", "POST", "", kMultipart, Part("a", "1").substr(0, 20),
         kBadRequest},
        {"multipart part without headers", "POST", "", kMultipart, "--XyZ\r\nno headers",
         kBadRequest},
        {"multipart part without name", "POST", "", kMultipart,
         "--XyZ\r\nContent-Disposition: form-data\r\n\r\nv\r\n--XyZ--\r\n", kBadRequest},
        {"multipart closed before any part", "POST", "", kMultipart, "--XyZ--\r\n", kBadRequest},
        {"multipart file part truncated", "POST", "", kMultipart, FilePart("f", "a", "data").substr(0, 90),
         kBadRequest},
        {"multipart headers too long", "POST", "", kMultipart,
         "--XyZ\r\nX-Pad: " + std::string(20000, 'p') + "\r\n\r\nv\r\n--XyZ--\r\n", kBadRequest},
        {"multipart unclosed quote", "POST", "", kMultipart,
         "--XyZ\r\nContent-Disposition: form-data; name=\"a\r\n\r\nv\r\n--XyZ--\r\n", kBadRequest},
        {"multipart value too long", "POST", "", kMultipart, Part("a", std::string(20000, 'v')) + "--XyZ--\r\n",
         kBadRequest},
        {"plain ok", "POST", "", kForm, "a=1", kOk},
        {"empty body ok", "POST", "a=1", kForm, "", kOk},
    };
    for (const Case& c : cases) {
      Params p;
      Status s = Parse(c.method, c.query, c.content_type, c.body, &p);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.name, c.code, s.code());
      if (!s.ok()) CPPUNIT_ASSERT_MESSAGE(c.name, !s.msg().empty());
    }
  }

  void testLimits() {
    ParamLimits limits;
    limits.max_params = 8;
    limits.max_value_length = 10;
    Params p;
    CPPUNIT_ASSERT(Parse("GET", "a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8", "", "", &p, limits).ok());
    Params q;
    CPPUNIT_ASSERT_EQUAL(int{kBadRequest},
                         Parse("GET", "a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8&i=9", "", "", &q, limits)
                             .code());
    Params r;
    CPPUNIT_ASSERT(Parse("GET", "a=0123456789", "", "", &r, limits).ok());
    Params s;
    Status long_value = Parse("GET", "a=01234567890", "", "", &s, limits);
    CPPUNIT_ASSERT_EQUAL(int{kBadRequest}, long_value.code());
    CPPUNIT_ASSERT(long_value.msg().find("'a'") != std::string::npos);
    Params t;
    CPPUNIT_ASSERT_EQUAL(int{kBadRequest},
                         Parse("GET", std::string(65, 'k') + "=1", "", "", &t, limits).code());
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(RequestParamsTest, "unit");

}  // namespace dt
