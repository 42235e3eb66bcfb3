package detect

import (
	"fmt"
	"math"
	"net"
	"net/netip"

	"github.com/oschwald/maxminddb-golang"
)

// Location is what a GeoIP database knows about an address.
type Location struct {
	CountryCode string // ISO 3166-1 alpha-2
	CountryName string
	City        string
	Lat, Lon    float64
	HasCoords   bool
}

// GeoIP looks up addresses. *MaxMindDB implements it; tests and embedders
// may supply their own.
type GeoIP interface {
	Lookup(netip.Addr) (Location, bool)
}

// MaxMindDB is a GeoIP database in the MaxMind DB format (GeoLite2 / GeoIP2
// Country or City, DB-IP's lite databases), read with
// github.com/oschwald/maxminddb-golang.
type MaxMindDB struct{ r *maxminddb.Reader }

// OpenMaxMindDB opens a .mmdb file.
func OpenMaxMindDB(path string) (*MaxMindDB, error) {
	r, err := maxminddb.Open(path)
	if err != nil {
		return nil, fmt.Errorf("geoip database %s: %w", path, err)
	}
	return &MaxMindDB{r: r}, nil
}

// MaxMindDBFromBytes reads a database held in memory.
func MaxMindDBFromBytes(b []byte) (*MaxMindDB, error) {
	r, err := maxminddb.FromBytes(b)
	if err != nil {
		return nil, fmt.Errorf("geoip database: %w", err)
	}
	return &MaxMindDB{r: r}, nil
}

// Close releases the database.
func (m *MaxMindDB) Close() error { return m.r.Close() }

type mmdbRecord struct {
	Country struct {
		ISOCode string            `maxminddb:"iso_code"`
		Names   map[string]string `maxminddb:"names"`
	} `maxminddb:"country"`
	City struct {
		Names map[string]string `maxminddb:"names"`
	} `maxminddb:"city"`
	Location struct {
		Latitude  *float64 `maxminddb:"latitude"`
		Longitude *float64 `maxminddb:"longitude"`
	} `maxminddb:"location"`
}

// Lookup implements GeoIP.
func (m *MaxMindDB) Lookup(a netip.Addr) (Location, bool) {
	var rec mmdbRecord
	if err := m.r.Lookup(net.IP(a.AsSlice()), &rec); err != nil || rec.Country.ISOCode == "" {
		return Location{}, false
	}
	loc := Location{CountryCode: rec.Country.ISOCode, CountryName: rec.Country.Names["en"], City: rec.City.Names["en"]}
	if rec.Location.Latitude != nil && rec.Location.Longitude != nil {
		loc.Lat, loc.Lon, loc.HasCoords = *rec.Location.Latitude, *rec.Location.Longitude, true
	}
	return loc, true
}

// distanceKm is the great-circle distance between two locations.
func distanceKm(a, b Location) float64 {
	const r = 6371.0
	rad := math.Pi / 180
	dLat := (b.Lat - a.Lat) * rad
	dLon := (b.Lon - a.Lon) * rad
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(a.Lat*rad)*math.Cos(b.Lat*rad)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}
