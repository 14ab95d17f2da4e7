// The Debian package (make deb) installed into a throwaway root and run there as a host
// runs it: apt installs it, its maintainer scripts make the user and give it the config, the
// migrations apply from /usr/share/datingtoday/sql, supervisord starts the workers from
// conf.d/datingtoday.conf and restarts one that dies, nginx serves the enabled site, an
// upgrade keeps the edited config and restarts the workers, and purge leaves the database
// and the media. The worker uses the test stack's MariaDB and
// Redis. tests/http/package_root.sh does the steps; this reads what each found.
#include <cppunit/extensions/HelperMacros.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <map>
#include <sstream>

#include "tests/http/http_support.h"

namespace dt {
namespace {

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

class PackageHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(PackageHttpTest);
  CPPUNIT_TEST(testInstallsRunsAndPurgesInAThrowawayRoot);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testInstallsRunsAndPurgesInAThrowawayRoot() {
    const char* deb = getenv("DT_TEST_DEB");
    CPPUNIT_ASSERT_MESSAGE("DT_TEST_DEB names no package (make test builds it: make deb)", deb && *deb);
    struct stat st;
    CPPUNIT_ASSERT_MESSAGE(std::string(deb) + " is missing (make deb)", stat(deb, &st) == 0);
    const bool host_had_user = !RunCommand("getent passwd datingtoday").empty();
    const bool host_had_config = stat("/etc/datingtoday", &st) == 0;

    const std::string work = TestStack::Get().VarPath("package-root");
    const std::string out = RunCommand("tests/http/package_root.sh " + std::string(deb) + " " +
                                       TestStack::Get().VarPath("run") + " " + TestConfigPath() + " " + work);
    std::map<std::string, std::string> found;  // step -> what it found
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      const size_t colon = line.find(": ");
      if (colon != std::string::npos && line.find(' ') > colon) found[line.substr(0, colon)] = line.substr(colon + 2);
    }
    auto step = [&](const std::string& name) {
      CPPUNIT_ASSERT_MESSAGE("no step '" + name + "' in:\n" + out, found.count(name));
      return found[name];
    };
    auto expect = [&](const std::string& name, const std::string& value) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(name + " in:\n" + out, value, step(name));
    };
    auto contains = [&](const std::string& name, const std::string& part) {
      CPPUNIT_ASSERT_MESSAGE(name + ": '" + step(name) + "' has no '" + part + "'", step(name).find(part) != std::string::npos);
    };

    contains("install", "datingtoday ");
    contains("install", " install ok installed");
    expect("user", "datingtoday:/var/lib/datingtoday:/usr/sbin/nologin");
    expect("config", "600 datingtoday:datingtoday");
    expect("run", "750 datingtoday:www-data");
    expect("files", "checked");
    contains("placeholder", "is a placeholder");  // the sample config does not start
    expect("check-config", "/etc/datingtoday/datingtoday.ini: ok");
    expect("config-after", "600 datingtoday:datingtoday");

    const std::string migrations = Trim(RunCommand("ls sql/[0-9][0-9][0-9]_*.sql | wc -l"));
    expect("migrate", migrations);
    expect("migrated", migrations);
    expect("migrate-again", "0");

    expect("workers", "4 RUNNING");
    expect("socket", "660 datingtoday:www-data");
    contains("health", "\"code\":0");
    contains("health", "\"mysql\":\"ok\"");
    contains("health", "\"redis\":\"ok\"");
    expect("redirect", "308 https://api.example.com/api/health");
    expect("admin-public", "404");
    contains("console", "200 text/html");
    contains("metrics", "dt_nchan_up 1");
    CPPUNIT_ASSERT_MESSAGE(step("metrics"), step("metrics").rfind("0 ", 0) != 0);
    expect("restarted", "yes");
    contains("health-after", "\"code\":0");
    expect("upgrade-config", "600 datingtoday:datingtoday 1 edited");
    expect("upgrade-restarted", "yes");
    contains("upgrade-health", "\"code\":0");
    expect("upgrade-stopped", "4 STOPPED");

    expect("purged", "none");
    contains("purge-workers", "no such group");
    expect("purge-nginx", "disabled, valid");
    expect("purge-files", "gone");
    expect("purge-kept", "kept.jpg datingtoday");
    expect("purge-database", "1");

    // Nothing of it on this machine: the root, its user and its config were the namespace's.
    CPPUNIT_ASSERT_MESSAGE(work + " is still there", stat(work.c_str(), &st) != 0);
    CPPUNIT_ASSERT_EQUAL(host_had_user, !RunCommand("getent passwd datingtoday").empty());
    CPPUNIT_ASSERT_EQUAL(host_had_config, stat("/etc/datingtoday", &st) == 0);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(PackageHttpTest, "http");

}  // namespace dt
