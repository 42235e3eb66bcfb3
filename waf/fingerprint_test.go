package waf

import (
	"crypto/tls"
	"testing"
)

// Vectors from the JA3 README (raw string -> MD5) and the JA4 technical
// details (cipher and extension hashes of a Chrome ClientHello).
func TestJA3Vector(t *testing.T) {
	t.Parallel()
	s := ja3String(769, []uint16{47, 53, 5, 10, 49161, 49162, 49171, 49172, 50, 56, 19, 4}, []uint16{0, 10, 11}, []uint16{23, 24, 25}, []uint16{0})
	if s != "769,47-53-5-10-49161-49162-49171-49172-50-56-19-4,0-10-11,23-24-25,0" || ja3Hash(s) != "ada70206e40642a3e4461f35503241d5" {
		t.Fatalf("JA3 %q -> %s", s, ja3Hash(s))
	}
	h := &tls.ClientHelloInfo{
		CipherSuites:      []uint16{0x0a0a, 47, 53},
		Extensions:        []uint16{0x1a1a, 0, 10, 11},
		SupportedCurves:   []tls.CurveID{0x2a2a, 23, 24},
		SupportedPoints:   []uint8{0},
		SupportedVersions: []uint16{0x3a3a, tls.VersionTLS13, tls.VersionTLS12},
	}
	if got, want := JA3(h), ja3Hash("771,47-53,0-10-11,23-24,0"); got != want {
		t.Fatalf("JA3 with GREASE: %s, want %s", got, want)
	}
}

func TestJA4Vector(t *testing.T) {
	t.Parallel()
	h := &tls.ClientHelloInfo{
		ServerName:        "example.com",
		SupportedProtos:   []string{"h2", "http/1.1"},
		SupportedVersions: []uint16{0x4a4a, tls.VersionTLS13, tls.VersionTLS12},
		CipherSuites: []uint16{0x5a5a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
			0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035},
		Extensions: []uint16{0x6a6a, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005,
			0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015},
		SignatureSchemes: []tls.SignatureScheme{0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601},
	}
	if got := JA4(h); got != "t13d1516h2_8daaf6152771_e5627efa2ab1" {
		t.Fatalf("JA4 = %s", got)
	}
	h.ServerName, h.SupportedProtos, h.CipherSuites = "", nil, nil
	if got := JA4(h); got[:10] != "t13i001600" || got[11:23] != "000000000000" {
		t.Fatalf("JA4 without SNI, ALPN, ciphers = %s", got)
	}
}
