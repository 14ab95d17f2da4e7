// Signatures against the original service's vectors (tests/data/sign-vectors.tsv).
#include <cppunit/extensions/HelperMacros.h>

#include <fstream>
#include <sstream>

#include "lib/core/crypto.h"
#include "lib/core/sign.h"

namespace dt {

struct Vector {
  std::string secret, method, query, expected;
};

std::vector<Vector> LoadVectors() {
  std::ifstream in("tests/data/sign-vectors.tsv");
  std::vector<Vector> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    Vector v;
    std::getline(fields, v.secret, '\t');
    std::getline(fields, v.method, '\t');
    std::getline(fields, v.query, '\t');
    std::getline(fields, v.expected, '\t');
    out.push_back(v);
  }
  return out;
}

// "k=v&k=v" with decoded values (the vectors' format) into Params.
Params ParamsOf(const std::string& query) {
  Params params;
  std::istringstream in(query);
  std::string pair;
  while (std::getline(in, pair, '&')) {
    size_t eq = pair.find('=');
    params.Add(pair.substr(0, eq), pair.substr(eq + 1));
  }
  return params;
}

class SignTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(SignTest);
  CPPUNIT_TEST(testEveryVector);
  CPPUNIT_TEST(testCanonicalSortsWholePairsBytewise);
  CPPUNIT_TEST(testUnsignedKeysLeftOut);
  CPPUNIT_TEST(testAnyChangeChangesSign);
  CPPUNIT_TEST(testHmacSha256Vectors);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testEveryVector() {
    std::vector<Vector> vectors = LoadVectors();
    CPPUNIT_ASSERT_EQUAL(size_t{5}, vectors.size());
    for (const Vector& v : vectors) {
      SignMethod method = v.method == "hmac-sha256" ? SignMethod::kHmacSha256 : SignMethod::kMd5;
      CPPUNIT_ASSERT_EQUAL_MESSAGE(v.query, v.expected,
                                   SignParams(method, v.secret, ParamsOf(v.query), true));
    }
  }

  void testCanonicalSortsWholePairsBytewise() {
    Params p = ParamsOf("a=1&a1=2&nickname=小明💕&appkey=432ABZ&timestamp=1&nonce=n2");
    CPPUNIT_ASSERT_EQUAL(std::string("a1=2&a=1&nickname=小明💕"), CanonicalMessage(p));
  }

  void testUnsignedKeysLeftOut() {
    Params p = ParamsOf("token=t&sign=s&appkey=k&timestamp=1&nonce=n&userId=7");
    CPPUNIT_ASSERT_EQUAL(std::string("userId=7"), CanonicalMessage(p));
    CPPUNIT_ASSERT_EQUAL(std::string(), CanonicalMessage(ParamsOf("appkey=k")));
  }

  void testAnyChangeChangesSign() {
    const std::string base = "phone=1&appkey=k&timestamp=100&nonce=n&token=t";
    const std::string sign = SignParams(SignMethod::kMd5, "s", ParamsOf(base), true);
    for (const char* other : {"phone=2&appkey=k&timestamp=100&nonce=n&token=t",
                              "phone=1&appkey=k&timestamp=101&nonce=n&token=t",
                              "phone=1&appkey=k&timestamp=100&nonce=m&token=t",
                              "phone=1&appkey=k&timestamp=100&nonce=n&token=u",
                              "phone=1&x=&appkey=k&timestamp=100&nonce=n&token=t"}) {
      CPPUNIT_ASSERT_MESSAGE(other, sign != SignParams(SignMethod::kMd5, "s", ParamsOf(other), true));
    }
    CPPUNIT_ASSERT(sign != SignParams(SignMethod::kMd5, "s2", ParamsOf(base), true));
    CPPUNIT_ASSERT(sign != SignParams(SignMethod::kHmacSha256, "s", ParamsOf(base), true));
  }

  // RFC 4231 case 2, and an empty key (the per-thread context must not keep the last key).
  void testHmacSha256Vectors() {
    for (int round = 0; round < 2; ++round) {
      CPPUNIT_ASSERT_EQUAL(std::string("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
                           HmacSha256Hex("Jefe", "what do ya want for nothing?"));
      CPPUNIT_ASSERT_EQUAL(std::string("b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"),
                           HmacSha256Hex("", ""));
    }
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(SignTest, "unit");

}  // namespace dt
