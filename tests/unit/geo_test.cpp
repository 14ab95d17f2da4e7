// The privacy grid, coordinate parsing and the distance shown.
#include <cppunit/extensions/HelperMacros.h>

#include <cmath>

#include "lib/domain/geo.h"

namespace dt {
namespace {

// Great-circle distance in metres.
double Meters(const LatLng& a, const LatLng& b) {
  const double r = 6372797.560856, k = 3.14159265358979323846 / 180;
  double dlat = (b.lat - a.lat) * k, dlng = (b.lng - a.lng) * k;
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) +
             std::cos(a.lat * k) * std::cos(b.lat * k) * std::sin(dlng / 2) * std::sin(dlng / 2);
  return 2 * r * std::asin(std::sqrt(h));
}

}  // namespace

class GeoTest : public CppUnit::TestFixture {
  CPPUNIT_TEST_SUITE(GeoTest);
  CPPUNIT_TEST(testParse);
  CPPUNIT_TEST(testGrid);
  CPPUNIT_TEST(testShownDistance);
  CPPUNIT_TEST_SUITE_END();

 public:
  void testParse() {
    const struct {
      const char* text;
      bool ok;
    } cases[] = {
        {"39.9042,116.4074", true}, {"-33.8688,151.2093", true}, {"85,180", true},
        {"-85,-180", true},         {"0,0", true},               {"85.0001,0", false},
        {"0,180.5", false},         {"91,0", false},             {"abc", false},
        {"39.9", false},            {"1,2,3", false},            {" 1,2", false},
        {"1, 2", false},            {"1e1,2", false},            {"1.,2", false},
        {"", false},                {",", false},                {"0x1,2", false},
    };
    for (const auto& c : cases) {
      LatLng p;
      CPPUNIT_ASSERT_EQUAL_MESSAGE(c.text, c.ok, ParseLatLng(c.text, &p));
    }
    LatLng p;
    CPPUNIT_ASSERT(ParseLatLng("39.9042,116.4074", &p));
    CPPUNIT_ASSERT_DOUBLES_EQUAL(39.9042, p.lat, 1e-9);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(116.4074, p.lng, 1e-9);
  }

  void testGrid() {
    for (double lat : {0.0, 31.2304, 59.9, -45.5, 84.9}) {
      for (double lng : {0.0, 121.4737, -73.99, 179.99, -179.99}) {
        const LatLng p{lat, lng};
        const LatLng c = SnapToGrid(p);
        // Within half a cell diagonal of the report, and a fixed point of the snap.
        CPPUNIT_ASSERT(Meters(p, c) <= kGridMeters * 0.75);
        const LatLng again = SnapToGrid(c);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(c.lat, again.lat, 1e-9);
        CPPUNIT_ASSERT_DOUBLES_EQUAL(c.lng, again.lng, 1e-9);
        CPPUNIT_ASSERT(c.lat >= -85 && c.lat <= 85 && c.lng >= -180 && c.lng <= 180);
      }
    }
    // Reports a few metres apart in one cell are indistinguishable afterwards.
    const LatLng a = SnapToGrid({31.230400, 121.473700});
    const LatLng b = SnapToGrid({31.230410, 121.473710});
    CPPUNIT_ASSERT_EQUAL(a.lat, b.lat);
    CPPUNIT_ASSERT_EQUAL(a.lng, b.lng);
    // Neighbouring cells are about one cell apart, north-south and east-west.
    const double dlat = kGridMeters / 111320.0;
    const LatLng north = SnapToGrid({a.lat + dlat, a.lng});
    CPPUNIT_ASSERT_DOUBLES_EQUAL(kGridMeters, Meters(a, north), 2.0);
    const LatLng east = SnapToGrid({a.lat, a.lng + dlat / std::cos(a.lat * 3.14159265358979 / 180)});
    CPPUNIT_ASSERT_DOUBLES_EQUAL(kGridMeters, Meters(a, east), 2.0);
  }

  void testShownDistance() {
    CPPUNIT_ASSERT_DOUBLES_EQUAL(0.1, ShownDistance(0.0), 1e-9);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(0.1, ShownDistance(0.04), 1e-9);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(0.1, ShownDistance(0.149), 1e-9);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(1.1, ShownDistance(1.11), 1e-9);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(1.2, ShownDistance(1.15), 1e-9);
    CPPUNIT_ASSERT_DOUBLES_EQUAL(99.9, ShownDistance(99.94), 1e-9);
  }
};

CPPUNIT_TEST_SUITE_NAMED_REGISTRATION(GeoTest, "unit");

}  // namespace dt
