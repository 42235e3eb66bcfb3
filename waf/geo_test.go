package waf

import (
	"net/netip"
	"os"
	"path/filepath"
	"testing"
)

// A minimal MaxMind DB writer for tests (format: MaxMind DB spec 2.0): an
// IPv4 search tree with one /24 network, 24-bit records, one data record.

type mmdbEnc []byte

func (e mmdbEnc) ctrl(typ, size int) mmdbEnc {
	if typ <= 7 {
		return append(e, byte(typ<<5|size))
	}
	return append(e, byte(size), byte(typ-7))
}

func (e mmdbEnc) str(s string) mmdbEnc { return append(e.ctrl(2, len(s)), s...) }

func (e mmdbEnc) uint(typ int, v uint64) mmdbEnc {
	var b []byte
	for v > 0 {
		b = append([]byte{byte(v)}, b...)
		v >>= 8
	}
	return append(e.ctrl(typ, len(b)), b...)
}

func buildMMDB(t *testing.T, network netip.Prefix, record func(mmdbEnc) mmdbEnc) []byte {
	t.Helper()
	bits := network.Bits()
	nodeCount := bits
	addr := network.Addr().As4()
	bit := func(i int) int { return int(addr[i/8]>>(7-i%8)) & 1 }
	rec24 := func(v int) []byte { return []byte{byte(v >> 16), byte(v >> 8), byte(v)} }
	var tree []byte
	for i := 0; i < nodeCount; i++ {
		next := i + 1
		if i == nodeCount-1 {
			next = nodeCount + 16 // data pointer to offset 0
		}
		recs := [2]int{nodeCount, nodeCount}
		recs[bit(i)] = next
		tree = append(append(tree, rec24(recs[0])...), rec24(recs[1])...)
	}
	out := append(tree, make([]byte, 16)...)
	out = append(out, record(nil)...)
	out = append(out, "\xab\xcd\xefMaxMind.com"...)
	meta := mmdbEnc(nil).ctrl(7, 9).
		str("node_count").uint(6, uint64(nodeCount)).
		str("record_size").uint(5, 24).
		str("ip_version").uint(5, 4).
		str("database_type").str("moat-test").
		str("binary_format_major_version").uint(5, 2).
		str("binary_format_minor_version").uint(5, 0).
		str("build_epoch").uint(9, 1700000000).
		str("languages").ctrl(11, 0).
		str("description").ctrl(7, 0)
	return append(out, meta...)
}

func TestMaxMind(t *testing.T) {
	t.Parallel()
	country := buildMMDB(t, netip.MustParsePrefix("192.0.2.0/24"), func(e mmdbEnc) mmdbEnc {
		return e.ctrl(7, 2).
			str("country").ctrl(7, 1).str("iso_code").str("FR").
			str("subdivisions").ctrl(11, 1).ctrl(7, 1).str("iso_code").str("IDF")
	})
	asn := buildMMDB(t, netip.MustParsePrefix("198.51.100.0/24"), func(e mmdbEnc) mmdbEnc {
		return e.ctrl(7, 1).str("autonomous_system_number").uint(6, 64500)
	})
	dir := t.TempDir()
	cp, ap := filepath.Join(dir, "country.mmdb"), filepath.Join(dir, "asn.mmdb")
	os.WriteFile(cp, country, 0o600)
	os.WriteFile(ap, asn, 0o600)
	m, err := OpenMaxMind(cp, ap)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if c, r := m.Country(netip.MustParseAddr("192.0.2.77")); c != "FR" || r != "IDF" {
		t.Fatalf("Country = %q %q, want FR IDF", c, r)
	}
	if c, _ := m.Country(netip.MustParseAddr("203.0.113.1")); c != "" {
		t.Fatalf("unknown address: %q", c)
	}
	if c, _ := m.Country(netip.MustParseAddr("2001:db8::1")); c != "" {
		t.Fatalf("IPv6 in an IPv4 database: %q", c)
	}
	if a, ok := m.ASN(netip.MustParseAddr("198.51.100.9")); !ok || a != 64500 {
		t.Fatalf("ASN = %d %v", a, ok)
	}
	w := compileJSON(t, oneRule(`{"GeoMatchStatement":{"CountryCodes":["FR"]}}`), Options{Geo: m})
	if res := eval(w, &Request{URI: "/", ClientIP: netip.MustParseAddr("192.0.2.1")}); res.Action != Block || !hasLabel(res, "awswaf:clientip:geo:region:FR-IDF") {
		t.Fatalf("GeoMatch through MaxMind: %s %v", res.Action, res.Labels)
	}
	// bad files
	os.WriteFile(filepath.Join(dir, "junk.mmdb"), []byte("not a database"), 0o600)
	if _, err := OpenMaxMind(filepath.Join(dir, "junk.mmdb"), ""); err == nil {
		t.Fatal("junk database accepted")
	}
	if _, err := OpenMaxMind(cp, filepath.Join(dir, "missing.mmdb")); err == nil {
		t.Fatal("missing ASN database accepted")
	}
	if _, err := NewMaxMind(country[:len(country)/2], nil); err == nil {
		t.Fatal("truncated database accepted")
	}
}
