// The route table (lib/core/router.h) and the one mapping from an error code to its HTTP
// status, reason and message (lib/core/errors.h).
#include <cppunit/extensions/HelperMacros.h>

#include <stdexcept>

#include "handlers/handlers.h"
#include "lib/core/router.h"
#include "lib/domain/guard.h"

namespace dt {
namespace {

Reply Nothing(RequestContext&) { return Reply::Ok(); }

}  // namespace

class RouterTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(RouterTest);
  CPPUNIT_TEST(testFind);
  CPPUNIT_TEST(testDuplicateRowRefused);
  CPPUNIT_TEST(testTheApiTable);
  CPPUNIT_TEST(testErrorMapping);
  CPPUNIT_TEST(testStatusKinds);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testFind() {
    Router router({Get("/a", Nothing), Post("/a", Nothing).Auth(kAppSigned), Post("/b", Nothing).Auth(kAppToken)});
    Status s;
    const Route* r = router.Find("GET", "/a", &s);
    CPPUNIT_ASSERT(r && std::string(r->method) == "GET");
    r = router.Find("POST", "/a", &s);
    CPPUNIT_ASSERT(r && r->auth == &kAppSigned);
    CPPUNIT_ASSERT(router.Find("GET", "/b", &s) == nullptr);
    CPPUNIT_ASSERT_EQUAL(int{kBadMethod}, s.code());
    CPPUNIT_ASSERT(router.Find("GET", "/c", &s) == nullptr);
    CPPUNIT_ASSERT_EQUAL(int{kNoRoute}, s.code());
    CPPUNIT_ASSERT(router.Find("GET", "/a/", &s) == nullptr);  // exact paths only
    CPPUNIT_ASSERT(router.Find("get", "/a", &s) == nullptr);
    CPPUNIT_ASSERT_EQUAL(int{kBadMethod}, s.code());
  }

  void testDuplicateRowRefused() {
    CPPUNIT_ASSERT_THROW(Router({Get("/a", Nothing), Get("/a", Nothing).Auth(kAppSigned)}), std::logic_error);
  }

  // Every row of the API: an authenticator everywhere but health, a rate class only on T
  // routes, an upload body only on the upload route, preloaders only where a caller is.
  void testTheApiTable() {
    const std::vector<Route> routes = AllRoutes();
    Router router(routes);  // no row twice
    for (const Route& r : routes) {
      const std::string path = r.path;
      CPPUNIT_ASSERT_MESSAGE(path, path.rfind("/api/", 0) == 0);
      CPPUNIT_ASSERT_MESSAGE(path, std::string(r.method) == "GET" || std::string(r.method) == "POST");
      CPPUNIT_ASSERT_MESSAGE(path, (r.auth == nullptr) == (path == "/api/health"));
      if (r.rate != RateClass::kNone || !r.preload.empty()) CPPUNIT_ASSERT_MESSAGE(path, TakesToken(r));
      CPPUNIT_ASSERT_MESSAGE(path, (r.body == BodyLimit::kUpload) == (path == "/api/upload"));
    }
  }

  void testErrorMapping() {
    const struct {
      int code, status;
      const char* message;
    } cases[] = {
        {kOk, 200, "success"}, {kBadParam, 200, "parameter error."}, {kBadRequest, 400, "bad request."},
        {kNoRoute, 404, "no such api."}, {kBadMethod, 405, "method not allowed."},
        {kTooLarge, 413, "request body too large."}, {kTooMany, 429, "too many requests."},
        {kBadSign, 200, "signature is error."}, {kReplay, 200, "nonce replayed."},
        {kVipRequired, 200, "vip required."}, {kInternal, 500, "internal error."},
        {kUnavailable, 503, "service unavailable."},
    };
    for (const auto& c : cases) {
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.message, c.status, HttpStatusFor(c.code));
      CPPUNIT_ASSERT_EQUAL(std::string(c.message), std::string(DefaultMessage(c.code)));
      CPPUNIT_ASSERT(std::string(HttpReason(c.status)) != "Unknown");
      CPPUNIT_ASSERT_EQUAL(std::string(c.message), Status::Error(c.code).msg());
    }
    CPPUNIT_ASSERT_EQUAL(std::string("Unknown"), std::string(HttpReason(418)));
  }

  // A status says what happened; only what the API names has an API code of its own, and
  // an internal kind that reaches a reply is 900 or 901, never an API code it is not.
  void testStatusKinds() {
    CPPUNIT_ASSERT(Status::Ok().ok() && Status::Error(kOk).ok());
    const struct {
      Status status;
      StatusKind kind;
      int code;
    } cases[] = {
        {Status::Error(kBadSign), StatusKind::kRefused, kBadSign},
        {Status::Error(kNotFound, "order not found."), StatusKind::kRefused, kNotFound},
        {Status::NotFound("noscript"), StatusKind::kNotFound, kInternal},  // never 508
        {Status::Conflict(1213), StatusKind::kConflict, kInternal},
        {Status::Unavailable(), StatusKind::kUnavailable, kUnavailable},
        {Status::Error(kUnavailable), StatusKind::kUnavailable, kUnavailable},
        {Status::Internal(), StatusKind::kInternal, kInternal},
    };
    for (const auto& c : cases) {
      CPPUNIT_ASSERT(!c.status.ok());
      CPPUNIT_ASSERT(c.status.kind() == c.kind);
      CPPUNIT_ASSERT_EQUAL(c.code, c.status.code());
    }
    CPPUNIT_ASSERT_EQUAL(1213u, Status::Conflict(1213).db_errno());
    CPPUNIT_ASSERT_EQUAL(2006u, Status::Unavailable().WithDbErrno(2006).db_errno());
    CPPUNIT_ASSERT_EQUAL(0u, Status::Internal().db_errno());
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(RouterTest, "unit");

}  // namespace dt
