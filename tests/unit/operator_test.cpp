// The operator address's allow-list (CIDR blocks) and the operators' password hashes.
#include <cppunit/extensions/HelperMacros.h>

#include "lib/core/config.h"
#include "lib/domain/operator.h"

namespace dt {

class OperatorTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(OperatorTest);
  CPPUNIT_TEST(testAllowList);
  CPPUNIT_TEST(testPasswordHashes);
  CPPUNIT_TEST(testRoles);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testAllowList() {
    std::vector<std::pair<std::string, int>> blocks;
    CPPUNIT_ASSERT(ParseCidrList("127.0.0.1/32, 10.0.0.0/8, 192.168.1.0/25, ::1, fd00::/8", &blocks));
    CPPUNIT_ASSERT_EQUAL(size_t{5}, blocks.size());
    for (const char* in : {"127.0.0.1", "10.200.3.4", "192.168.1.127", "::1", "fd12:3456::1"}) {
      CPPUNIT_ASSERT_MESSAGE(in, AddressInBlocks(in, blocks));
    }
    for (const char* out : {"127.0.0.2", "11.0.0.1", "192.168.1.128", "::2", "fe80::1", "", "x",
                            "::ffff:8.8.8.8"}) {
      CPPUNIT_ASSERT_MESSAGE(out, !AddressInBlocks(out, blocks));
    }
    // An IPv4-mapped IPv6 address is its IPv4 address.
    CPPUNIT_ASSERT(AddressInBlocks("::ffff:10.1.2.3", blocks));
    CPPUNIT_ASSERT(ParseCidrList("0.0.0.0/0", &blocks) && AddressInBlocks("8.8.8.8", blocks));
    CPPUNIT_ASSERT(!AddressInBlocks("2001:db8::1", blocks));  // an IPv4 block holds no IPv6
    for (const char* bad : {"10.0.0.0/33", "::/129", "10.0.0/8", "host.example", "10.0.0.0/-1",
                            "10.0.0.0/x"}) {
      CPPUNIT_ASSERT_MESSAGE(bad, !ParseCidrList(bad, &blocks));
    }
  }

  void testPasswordHashes() {
    const std::string stored = HashPassword("correct horse battery", 10);
    CPPUNIT_ASSERT_EQUAL(std::string("$scrypt$ln=10,r=8,p=1$"), stored.substr(0, 22));
    CPPUNIT_ASSERT(VerifyPassword("correct horse battery", stored));
    CPPUNIT_ASSERT(!VerifyPassword("correct horse batterY", stored));
    CPPUNIT_ASSERT(!VerifyPassword("", stored));
    // A new salt each time: the same password never hashes alike.
    CPPUNIT_ASSERT(stored != HashPassword("correct horse battery", 10));
    // Malformed or out-of-range stored forms verify nothing.
    for (const std::string& bad :
         {std::string(""), std::string("plain"), std::string("$scrypt$ln=30,r=8,p=1$AAAA$AAAA"),
          stored.substr(0, stored.size() - 4), "$scrypt$ln=10,r=8,p=1$" + stored.substr(22, 24)}) {
      CPPUNIT_ASSERT_MESSAGE(bad, !VerifyPassword("correct horse battery", bad));
    }
  }

  void testRoles() {
    for (const char* role : {"reviewer", "support", "admin"}) {
      CPPUNIT_ASSERT_EQUAL(std::string(role), std::string(RoleName(ParseRole(role))));
    }
    CPPUNIT_ASSERT_EQUAL(0, ParseRole("root"));
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(OperatorTest, "unit");

}  // namespace dt
