// dtadmin backup and restore against the test stack's own MariaDB and Redis: a backup,
// then changes through the API, then the restore, after which MySQL and what the API
// answers (through the Redis caches) are as they were at the backup.
#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>

#include <fstream>

#include "tests/http/http_support.h"

namespace dt {
namespace {

std::string Nickname(int64_t user) {
  Row row;
  bool found = false;
  CheckDb(TestStack::Get().db().QueryRow("SELECT nickname FROM user_info WHERE id = ?", {user}, &row, &found));
  return found ? row.Str(0) : "(none)";
}

}  // namespace

class BackupHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(BackupHttpTest);
  CPPUNIT_TEST(testRestoreBringsBackTheDataAsBackedUp);
  CPPUNIT_TEST(testRefusesAFolderInUseAndAnAlteredDump);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testRestoreBringsBackTheDataAsBackedUp() {
    Caller kept = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"nickname", "备份之前"}}, kept).code());
    CPPUNIT_ASSERT_EQUAL(std::string("备份之前"), Call("GET", "/api/user/show", {}, kept).data()["nickname"].asString());
    const std::string dir = TestStack::Get().VarPath("backup-" + NewNonce());
    std::string out = RunCommand(ToolCommand("dtadmin", "backup " + dir));
    CPPUNIT_ASSERT_MESSAGE(out, out.find("dtadmin backup: " + dir + ", database " +
                                         TestStack::Get().config().mysql_database + " at schema 0") !=
                                    std::string::npos);  // schema: the last of sql/0NN_*.sql
    const std::string manifest = ReadBinary(dir + "/MANIFEST");
    CPPUNIT_ASSERT_MESSAGE(manifest, manifest.rfind("datingtoday-backup 1\ndatabase=", 0) == 0);
    CPPUNIT_ASSERT(manifest.find("\nsha256=") != std::string::npos);
    struct stat st;
    CPPUNIT_ASSERT_EQUAL(0, stat(dir.c_str(), &st));
    CPPUNIT_ASSERT_EQUAL(0700u, static_cast<unsigned>(st.st_mode & 0777));
    CPPUNIT_ASSERT(ReadBinary(dir + "/datingtoday.sql").find("CREATE TABLE `user_info`") != std::string::npos);

    // Changes after the backup: a profile edit (cached by the read after it) and a new user.
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"nickname", "备份之后"}}, kept).code());
    CPPUNIT_ASSERT_EQUAL(std::string("备份之后"), Call("GET", "/api/user/show", {}, kept).data()["nickname"].asString());
    Caller later = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(0, Call("GET", "/api/user/show", {}, later).code());

    out = RunCommand(ToolCommand("dtadmin", "restore " + dir));
    CPPUNIT_ASSERT_MESSAGE(out, out.find("dtadmin restore: " + dir) != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("备份之前"), Nickname(kept.user_id));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT COUNT(*) FROM user_info WHERE id = ?", {later.user_id}));
    CPPUNIT_ASSERT_EQUAL(int64_t{0}, Count("SELECT COUNT(*) FROM user_session WHERE user_id = ?", {later.user_id}));
    // The API answers from the restored rows: the cached profile and sessions were dropped.
    Response r = Call("GET", "/api/user/show", {}, kept);
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT_EQUAL(std::string("备份之前"), r.data()["nickname"].asString());
    r = Call("GET", "/api/user/show", {}, later);
    CPPUNIT_ASSERT_MESSAGE(r.body, r.code() != 0);
    // Ids go on after the highest ever issued: the later user's is not given again.
    Caller next = Login(NewPhone());
    CPPUNIT_ASSERT(next.user_id > later.user_id);
    // The hot ranking was rebuilt from the restored users: the later one is not in it.
    RedisReply rank;
    CheckDb(TestStack::Get().redis().Command(&rank, "ZSCORE dt:hot:week %010lld", static_cast<long long>(later.user_id)));
    CPPUNIT_ASSERT(rank.IsNil());
  }

  void testRefusesAFolderInUseAndAnAlteredDump() {
    Caller c = Login(NewPhone());
    const std::string dir = TestStack::Get().VarPath("backup-" + NewNonce());
    std::string out = RunCommand(ToolCommand("dtadmin", "backup " + dir) + " 2>&1; echo exit=$?");
    CPPUNIT_ASSERT_MESSAGE(out, out.find("exit=0") != std::string::npos);
    out = RunCommand(ToolCommand("dtadmin", "backup " + dir) + " 2>&1; echo exit=$?");
    CPPUNIT_ASSERT_MESSAGE(out, out.find("holds a backup already") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(out, out.find("exit=1") != std::string::npos);
    // A dump that is not the one its manifest describes is not loaded.
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"nickname", "改过"}}, c).code());
    {
      std::ofstream dump(dir + "/datingtoday.sql", std::ios::app);
      dump << "DELETE FROM user_info;\n";
    }
    out = RunCommand(ToolCommand("dtadmin", "restore " + dir) + " 2>&1; echo exit=$?");
    CPPUNIT_ASSERT_MESSAGE(out, out.find("is not the file its manifest describes") != std::string::npos);
    CPPUNIT_ASSERT_MESSAGE(out, out.find("exit=1") != std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("改过"), Nickname(c.user_id));
    out = RunCommand(ToolCommand("dtadmin", "restore " + TestStack::Get().VarPath("no-such-backup")) + " 2>&1; echo exit=$?");
    CPPUNIT_ASSERT_MESSAGE(out, out.find("holds no backup") != std::string::npos);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(BackupHttpTest, "http");

}  // namespace dt
