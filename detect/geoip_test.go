package detect

import (
	"net/netip"
	"testing"

	"github.com/moatdev/moat/detect/detecttest"
)

// testGeoDB is a MaxMind DB built by detecttest.MMDB, read back with the
// real maxminddb reader.
func testGeoDB(t *testing.T) *MaxMindDB {
	t.Helper()
	b, err := detecttest.MMDB([]detecttest.GeoEntry{
		{Network: netip.MustParsePrefix("192.0.2.0/24"), CountryCode: "FR", CountryName: "France", City: "Paris", Lat: 48.86, Lon: 2.35},
		{Network: netip.MustParsePrefix("203.0.113.0/24"), CountryCode: "AU", CountryName: "Australia", City: "Sydney", Lat: -33.87, Lon: 151.21},
		{Network: netip.MustParsePrefix("198.51.100.0/25"), CountryCode: "DE", CountryName: "Germany", City: "Berlin", Lat: 52.52, Lon: 13.40},
	})
	if err != nil {
		t.Fatal(err)
	}
	db, err := MaxMindDBFromBytes(b)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func TestMaxMindDB(t *testing.T) {
	t.Parallel()
	db := testGeoDB(t)
	cases := []struct {
		ip, country, city string
		ok                bool
	}{
		{"192.0.2.77", "FR", "Paris", true},
		{"203.0.113.1", "AU", "Sydney", true},
		{"198.51.100.5", "DE", "Berlin", true},
		{"198.51.100.200", "", "", false}, // outside the /25
		{"10.1.2.3", "", "", false},
	}
	for _, tc := range cases {
		loc, ok := db.Lookup(netip.MustParseAddr(tc.ip))
		if ok != tc.ok || loc.CountryCode != tc.country || loc.City != tc.city || (ok && !loc.HasCoords) {
			t.Errorf("%s: %+v %v", tc.ip, loc, ok)
		}
	}
	if _, err := MaxMindDBFromBytes([]byte("not a database")); err == nil {
		t.Error("garbage accepted as a database")
	}
}

func TestImpossibleTravelWithMaxMindDB(t *testing.T) {
	t.Parallel()
	d, _ := New(Options{GeoIP: testGeoDB(t)})
	login := func(ts, ip string) []*Finding {
		return d.CloudTrail(mustRecord(t, `{"eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","eventTime":"`+ts+`","sourceIPAddress":"`+ip+`","responseElements":{"ConsoleLogin":"Success"},"additionalEventData":{"MFAUsed":"Yes"},`+user+`}`))
	}
	login("2024-01-01T10:00:00Z", "192.0.2.1")
	got := login("2024-01-01T10:30:00Z", "203.0.113.9")
	if len(got) != 1 || got[0].Type != TypeConsoleLoginSuccessB {
		t.Fatalf("%+v", got)
	}
	rip := got[0].Service.Action.AWSAPICallAction.RemoteIPDetails
	if rip.Country.CountryName != "Australia" || rip.City.CityName != "Sydney" || rip.GeoLocation == nil {
		t.Fatalf("remote %+v", rip)
	}
}
