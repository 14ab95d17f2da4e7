// Nearby through nginx: distances from known positions, order, the radius boundary,
// stale, hidden and self excluded, the gender filter never making a page short, invalid
// input, snapping on report, and rebuilding the index after Redis loses it.
#include <cppunit/extensions/HelperMacros.h>

#include <cmath>
#include <ctime>

#include "lib/domain/geo.h"
#include "tests/http/http_support.h"

namespace dt {
namespace {

struct Point {
  double lat, lng;
};

// Each test works in its own patch of the map, far from the others'.
Point Area(int n) { return {-60.0 + n * 3.0, 20.0 + n * 0.5}; }

// `p` moved `north_km` north and `east_km` east.
Point Move(Point p, double north_km, double east_km = 0) {
  return {p.lat + north_km / 111.32, p.lng + east_km / (111.32 * std::cos(p.lat * M_PI / 180))};
}

std::string LatLngText(Point p) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.6f,%.6f", p.lat, p.lng);
  return buf;
}

Caller LocatedUser(Point p, int gender = -1) {
  Caller c = Login(NewPhone());
  if (gender >= 0) {
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"gender", std::to_string(gender)}}, c).code());
  }
  Response r = Call("POST", "/api/user/location", {{"latlng", LatLngText(p)}}, c);
  CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
  return c;
}

Response Nearby(const Caller& c, Point p, Fields extra = {}) {
  extra.emplace_back("latlng", LatLngText(p));
  return Call("GET", "/api/user/nearby/list", extra, c);
}

std::vector<int64_t> Ids(const Response& r) {
  std::vector<int64_t> ids;
  for (const Json::Value& item : r.data()["list"]) ids.push_back(item["user_id"].asInt64());
  return ids;
}

}  // namespace

class NearbyHttpTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(NearbyHttpTest);
  CPPUNIT_TEST(testDistancesAndOrder);
  CPPUNIT_TEST(testRadiusBoundary);
  CPPUNIT_TEST(testStaleHiddenAndSelfExcluded);
  CPPUNIT_TEST(testGenderFilterKeepsPagesFull);
  CPPUNIT_TEST(testInvalidInput);
  CPPUNIT_TEST(testReportIsSnappedAndStored);
  CPPUNIT_TEST(testRebuildAfterRedisLoss);
  CPPUNIT_TEST(testTrilaterationStopsAtTheGrid);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testDistancesAndOrder() {
    const Point here = Area(0);
    Caller far = LocatedUser(Move(here, 4.0));
    Caller near = LocatedUser(Move(here, 0.3));
    Caller mid = LocatedUser(Move(here, 1.11));
    Caller east = LocatedUser(Move(here, 0, 2.5));
    Caller me = LocatedUser(here);
    Response r = Nearby(me, here, {{"radius", "5"}});
    CPPUNIT_ASSERT_EQUAL_MESSAGE(r.body, 0, r.code());
    CPPUNIT_ASSERT((Ids(r) == std::vector<int64_t>{near.user_id, mid.user_id, east.user_id, far.user_id}));
    const double expected[] = {0.3, 1.11, 2.5, 4.0};
    for (unsigned i = 0; i < 4; ++i) {
      const Json::Value& item = r.data()["list"][i];
      const double d = item["distance"].asDouble();
      // Within one grid cell (150 m) of the truth, shown with one decimal.
      CPPUNIT_ASSERT_MESSAGE(std::to_string(d), std::fabs(d - expected[i]) <= 0.2 + 1e-9);
      CPPUNIT_ASSERT_DOUBLES_EQUAL(std::round(d * 10) / 10, d, 1e-9);
      for (const char* absent : {"lat", "lng", "latlng", "latitude", "longitude", "phone"}) {
        CPPUNIT_ASSERT_MESSAGE(absent, !item.isMember(absent));
      }
      CPPUNIT_ASSERT(item.isMember("nickname") && item.isMember("is_vip"));
    }
    CPPUNIT_ASSERT_DOUBLES_EQUAL(1.1, r.data()["list"][1]["distance"].asDouble(), 0.1 + 1e-9);
    CPPUNIT_ASSERT(!r.data()["has_next"].asBool());
    // Someone in the caller's own cell is 0.1 km away, never 0.
    Caller twin = LocatedUser(Move(here, 0.01));
    Response close = Nearby(me, here, {{"radius", "1"}});
    CPPUNIT_ASSERT_EQUAL(twin.user_id, close.data()["list"][0]["user_id"].asInt64());
    CPPUNIT_ASSERT_DOUBLES_EQUAL(0.1, close.data()["list"][0]["distance"].asDouble(), 1e-9);
  }

  void testRadiusBoundary() {
    const Point here = Area(1);
    Caller edge = LocatedUser(Move(here, 3.0));
    Caller me = Login(NewPhone());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, Ids(Nearby(me, here, {{"radius", "3.3"}})).size());
    CPPUNIT_ASSERT_EQUAL(size_t{0}, Ids(Nearby(me, here, {{"radius", "2.7"}})).size());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, Ids(Nearby(me, here)).size());  // default radius 10 km
    CPPUNIT_ASSERT_EQUAL(size_t{0}, Ids(Nearby(me, Move(here, -20))).size());
    CPPUNIT_ASSERT_EQUAL(size_t{1}, Ids(Nearby(me, Move(here, -20), {{"radius", "100"}})).size());
    (void)edge;
  }

  void testStaleHiddenAndSelfExcluded() {
    const Point here = Area(2);
    Caller stale = LocatedUser(Move(here, 0.5));
    Caller hidden = LocatedUser(Move(here, 0.6));
    Caller fresh = LocatedUser(Move(here, 0.7));
    Caller me = LocatedUser(here);
    CPPUNIT_ASSERT_EQUAL(size_t{3}, Ids(Nearby(me, here)).size());
    // The last report 31 days ago, as MySQL and the index would hold it.
    const int64_t old = time(nullptr) - 31 * 86400;
    CheckDb(TestStack::Get().db().Exec("UPDATE location SET update_time = FROM_UNIXTIME(?) WHERE user_id = ?",
                               {old, stale.user_id}));
    RedisReply r;  // the change went around the API: drop the cached record
    TestStack::Get().redis().Command(&r, "DEL dt:profile:%lld", static_cast<long long>(stale.user_id));
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/update", {{"authority", "0"}}, hidden).code());
    CPPUNIT_ASSERT((Ids(Nearby(me, here)) == std::vector<int64_t>{fresh.user_id}));
    // A fresh report brings the stale user back.
    CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/location", {{"latlng", LatLngText(Move(here, 0.5))}}, stale).code());
    CPPUNIT_ASSERT((Ids(Nearby(me, here)) == std::vector<int64_t>{stale.user_id, fresh.user_id}));
  }

  void testGenderFilterKeepsPagesFull() {
    const Point here = Area(3);
    std::vector<int64_t> women;
    // Men nearest, women further out: a filter applied to a nearest-N page would be short.
    for (int i = 0; i < 40; ++i) LocatedUser(Move(here, 0.2 + i * 0.01, 0.1), 1);
    for (int i = 0; i < 5; ++i) women.push_back(LocatedUser(Move(here, 2.0 + i * 0.5), 2).user_id);
    Caller me = Login(NewPhone());
    std::vector<int64_t> seen;
    for (int page = 1; page <= 3; ++page) {
      Response r = Nearby(me, here, {{"gender", "2"}, {"pageCount", "2"}, {"page", std::to_string(page)}});
      CPPUNIT_ASSERT_EQUAL(0, r.code());
      std::vector<int64_t> ids = Ids(r);
      CPPUNIT_ASSERT_EQUAL(page < 3 ? size_t{2} : size_t{1}, ids.size());
      CPPUNIT_ASSERT_EQUAL(page < 3, r.data()["has_next"].asBool());
      for (const Json::Value& item : r.data()["list"]) CPPUNIT_ASSERT_EQUAL(2, item["gender"].asInt());
      seen.insert(seen.end(), ids.begin(), ids.end());
    }
    CPPUNIT_ASSERT(seen == women);
    Response past = Nearby(me, here, {{"gender", "2"}, {"pageCount", "2"}, {"page", "9"}});
    CPPUNIT_ASSERT_EQUAL(0u, past.data()["list"].size());
    CPPUNIT_ASSERT(!past.data()["has_next"].asBool());
    Response men = Nearby(me, here, {{"gender", "1"}, {"pageCount", "50"}});
    CPPUNIT_ASSERT_EQUAL(40u, men.data()["list"].size());
  }

  void testInvalidInput() {
    Caller me = Login(NewPhone());
    for (const char* bad : {"91,0", "0,181", "85.5,10", "abc", "39.9", "1,2,3", "", "1;2", "NaN,1"}) {
      Response r = Call("GET", "/api/user/nearby/list", {{"latlng", bad}}, me);
      CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, 502, r.code());
      CPPUNIT_ASSERT_EQUAL_MESSAGE(bad, 502, Call("POST", "/api/user/location", {{"latlng", bad}}, me).code());
    }
    CPPUNIT_ASSERT_EQUAL(502, Call("GET", "/api/user/nearby/list", {}, me).code());
    for (const auto& [k, v] : Fields{{"radius", "0"}, {"radius", "100.1"}, {"radius", "-1"}, {"radius", "x"},
                                     {"radius", "1e1"}, {"radius", "0x10"}, {"radius", " 5"}, {"radius", "5."},
                                     {"gender", "3"}, {"pageCount", "51"}, {"page", "0"},
                                     {"page", "51"} /* 51 x 10 > 500: deeper than nearby pages */}) {
      Response r = Nearby(me, Area(4), {{k, v}});
      CPPUNIT_ASSERT_EQUAL_MESSAGE(k + "=" + v, 300, r.code());
      CPPUNIT_ASSERT_EQUAL(k + " is invalid.", r.msg());
    }
    Row row;
    bool found = true;
    CheckDb(TestStack::Get().db().QueryRow("SELECT user_id FROM location WHERE user_id = ?", {me.user_id}, &row, &found));
    CPPUNIT_ASSERT(!found);
  }

  void testReportIsSnappedAndStored() {
    Caller me = Login(NewPhone());
    const std::string raw = "31.2304123,121.4737456";
    Response r = Call("POST", "/api/user/location", {{"latlng", raw}}, me);
    CPPUNIT_ASSERT_EQUAL(0, r.code());
    const std::string snapped = r.data()["latlng"].asString();
    CPPUNIT_ASSERT(snapped != raw);
    double lat = 0, lng = 0;
    CPPUNIT_ASSERT_EQUAL(2, sscanf(snapped.c_str(), "%lf,%lf", &lat, &lng));
    CPPUNIT_ASSERT(std::fabs(lat - 31.2304123) < 0.001 && std::fabs(lng - 121.4737456) < 0.002);
    Row row;
    bool found = false;
    CheckDb(TestStack::Get().db().QueryRow(
        "SELECT latitude, longitude, ip_addr, UNIX_TIMESTAMP(update_time) FROM location WHERE user_id = ?",
        {me.user_id}, &row, &found));
    CPPUNIT_ASSERT(found);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(lat, row.Double(0), 1e-6);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(lng, row.Double(1), 1e-6);
    CPPUNIT_ASSERT(row.Str(0).find("31.2304123") == std::string::npos);
    CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), row.Str(2));
    CPPUNIT_ASSERT(row.Int(3) >= time(nullptr) - 60);
    // A report a few metres away lands in the same cell.
    Response again = Call("POST", "/api/user/location", {{"latlng", "31.2304153,121.4737486"}}, me);
    CPPUNIT_ASSERT_EQUAL(snapped, again.data()["latlng"].asString());
  }

  void testRebuildAfterRedisLoss() {
    const Point here = Area(5);
    Caller a = LocatedUser(Move(here, 1));
    Caller b = LocatedUser(Move(here, 2));
    Caller me = Login(NewPhone());
    Response before = Nearby(me, here);
    CPPUNIT_ASSERT((Ids(before) == std::vector<int64_t>{a.user_id, b.user_id}));
    RedisReply r;
    TestStack::Get().redis().Command(&r, "DEL dt:geo");
    CPPUNIT_ASSERT(Ids(Nearby(me, here)).empty());
    const std::string out = RunCommand(ToolCommand("dtadmin", "rebuild-geo"));
    CPPUNIT_ASSERT_MESSAGE(out, out.find("done") != std::string::npos);
    Response after = Nearby(me, here);
    CPPUNIT_ASSERT((Ids(after) == Ids(before)));
    CPPUNIT_ASSERT_EQUAL(before.data()["list"][1]["distance"].asDouble(), after.data()["list"][1]["distance"].asDouble());
  }

  // The attacker's view: spoof one's own position all around the victim, collect the
  // distances nearby/list answers, and trilaterate. Two victim positions 170 m apart in
  // one grid cell give the attacker exactly the same answers, so no estimate can be
  // closer than half that to both: the grid, not the rounding, bounds what leaks.
  void testTrilaterationStopsAtTheGrid() {
    const Point area = Area(6);
    const dt::LatLng cell = SnapToGrid({area.lat, area.lng});
    const double dlat = kGridMeters / 111320.0;
    const double dlng = dlat / std::cos(cell.lat * M_PI / 180);
    const Point corners[] = {{cell.lat - 0.4 * dlat, cell.lng - 0.4 * dlng},
                             {cell.lat + 0.4 * dlat, cell.lng + 0.4 * dlng}};
    Caller victim = Login(NewPhone());
    Caller attacker = Login(NewPhone());
    std::vector<Point> spoofs;
    for (int i = 0; i < 24; ++i) {
      const double angle = i * 2 * M_PI / 24, km = 0.4 + (i % 6) * 0.45;
      spoofs.push_back(Move({cell.lat, cell.lng}, km * std::cos(angle), km * std::sin(angle)));
    }
    std::vector<double> observed[2];
    for (int v = 0; v < 2; ++v) {
      CPPUNIT_ASSERT_EQUAL(0, Call("POST", "/api/user/location", {{"latlng", LatLngText(corners[v])}}, victim).code());
      for (const Point& s : spoofs) {
        Response r = Nearby(attacker, s, {{"radius", "5"}});
        double d = -1;
        for (const Json::Value& item : r.data()["list"]) {
          if (item["user_id"].asInt64() == victim.user_id) d = item["distance"].asDouble();
        }
        CPPUNIT_ASSERT(d > 0);
        observed[v].push_back(d);
      }
    }
    CPPUNIT_ASSERT(observed[0] == observed[1]);  // indistinguishable
    // Least squares over a 10 m lattice around the cell, as an attacker would.
    auto meters = [](Point a, Point b) {
      const double x = (b.lng - a.lng) * 111320.0 * std::cos(a.lat * M_PI / 180), y = (b.lat - a.lat) * 111320.0;
      return std::sqrt(x * x + y * y);
    };
    Point best = {cell.lat, cell.lng};
    double best_error = 1e18;
    for (int y = -60; y <= 60; ++y) {
      for (int x = -60; x <= 60; ++x) {
        const Point p = Move({cell.lat, cell.lng}, y * 0.01, x * 0.01);
        double error = 0;
        for (size_t i = 0; i < spoofs.size(); ++i) {
          const double e = meters(p, spoofs[i]) / 1000.0 - observed[0][i];
          error += e * e;
        }
        if (error < best_error) best_error = error, best = p;
      }
    }
    const double separation = meters(corners[0], corners[1]);
    CPPUNIT_ASSERT(separation > 150);
    CPPUNIT_ASSERT(std::max(meters(best, corners[0]), meters(best, corners[1])) >= separation / 2);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(NearbyHttpTest, "http");

}  // namespace dt
