package waf

import (
	"net"
	"net/netip"

	"github.com/oschwald/maxminddb-golang"
)

// GeoResolver maps an address to its ISO 3166 country, its region
// (subdivision ISO code, without the country prefix) and its autonomous
// system number. AWS uses its own IP-to-location data; moat reads a
// MaxMind-format database the user supplies (GeoLite2-Country or -City,
// and optionally -ASN), so results follow that database.
type GeoResolver interface {
	Country(ip netip.Addr) (country, region string)
	ASN(ip netip.Addr) (uint32, bool)
}

// MaxMind is a GeoResolver over MaxMind DB files.
type MaxMind struct {
	country *maxminddb.Reader
	asn     *maxminddb.Reader
}

// OpenMaxMind opens a country or city database and, if asnPath is not
// empty, an ASN database.
func OpenMaxMind(countryPath, asnPath string) (*MaxMind, error) {
	m := &MaxMind{}
	var err error
	if countryPath != "" {
		if m.country, err = maxminddb.Open(countryPath); err != nil {
			return nil, &Error{File: countryPath, Message: "reading MaxMind database: " + err.Error()}
		}
	}
	if asnPath != "" {
		if m.asn, err = maxminddb.Open(asnPath); err != nil {
			m.Close()
			return nil, &Error{File: asnPath, Message: "reading MaxMind ASN database: " + err.Error()}
		}
	}
	return m, nil
}

// NewMaxMind wraps database contents already in memory.
func NewMaxMind(country, asn []byte) (*MaxMind, error) {
	m := &MaxMind{}
	var err error
	if country != nil {
		if m.country, err = maxminddb.FromBytes(country); err != nil {
			return nil, &Error{Message: "reading MaxMind database: " + err.Error()}
		}
	}
	if asn != nil {
		if m.asn, err = maxminddb.FromBytes(asn); err != nil {
			return nil, &Error{Message: "reading MaxMind ASN database: " + err.Error()}
		}
	}
	return m, nil
}

// Close releases the databases.
func (m *MaxMind) Close() error {
	if m.country != nil {
		m.country.Close()
	}
	if m.asn != nil {
		m.asn.Close()
	}
	return nil
}

type mmCountry struct {
	Country struct {
		IsoCode string `maxminddb:"iso_code"`
	} `maxminddb:"country"`
	RegisteredCountry struct {
		IsoCode string `maxminddb:"iso_code"`
	} `maxminddb:"registered_country"`
	Subdivisions []struct {
		IsoCode string `maxminddb:"iso_code"`
	} `maxminddb:"subdivisions"`
}

// Country implements GeoResolver.
func (m *MaxMind) Country(ip netip.Addr) (string, string) {
	if m.country == nil || !ip.IsValid() {
		return "", ""
	}
	var rec mmCountry
	if err := m.country.Lookup(net.IP(ip.Unmap().AsSlice()), &rec); err != nil {
		return "", ""
	}
	c := rec.Country.IsoCode
	if c == "" {
		c = rec.RegisteredCountry.IsoCode
	}
	region := ""
	if len(rec.Subdivisions) > 0 {
		region = rec.Subdivisions[0].IsoCode
	}
	return c, region
}

// ASN implements GeoResolver.
func (m *MaxMind) ASN(ip netip.Addr) (uint32, bool) {
	if m.asn == nil || !ip.IsValid() {
		return 0, false
	}
	var rec struct {
		ASN uint32 `maxminddb:"autonomous_system_number"`
	}
	if err := m.asn.Lookup(net.IP(ip.Unmap().AsSlice()), &rec); err != nil || rec.ASN == 0 {
		return 0, false
	}
	return rec.ASN, true
}

// geoLookup resolves once per request and source.
func (w *WebACL) geoLookup(ec *evalCtx, ip netip.Addr, forwarded bool) (string, string) {
	if w.geo == nil || !ip.IsValid() {
		return "", ""
	}
	if forwarded {
		return w.geo.Country(ip)
	}
	if !ec.geoDone {
		ec.geoCountry, ec.geoRegion = w.geo.Country(ip)
		ec.geoDone = true
	}
	return ec.geoCountry, ec.geoRegion
}
