package waf

import (
	"crypto/md5"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"slices"
	"strconv"
	"strings"
)

// JA3 and JA4 TLS client fingerprints, computed from what Go's TLS server
// reports of a ClientHello (crypto/tls.ClientHelloInfo), for the
// JA3Fingerprint and JA4Fingerprint fields and rate-based keys. GREASE
// values are ignored, as both specifications say.
//
// Go does not expose the ClientHello's legacy_version; JA3's first field
// is taken as 771 (TLS 1.2, what every TLS 1.2+ client sends) when the
// client supports TLS 1.2 or later, else its highest supported version.

func isGREASE(v uint16) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

func nonGREASE(in []uint16) []uint16 {
	out := make([]uint16, 0, len(in))
	for _, v := range in {
		if !isGREASE(v) {
			out = append(out, v)
		}
	}
	return out
}

func curves(h *tls.ClientHelloInfo) []uint16 {
	out := make([]uint16, 0, len(h.SupportedCurves))
	for _, c := range h.SupportedCurves {
		out = append(out, uint16(c))
	}
	return nonGREASE(out)
}

// JA3 returns the JA3 fingerprint (MD5 hex) of a ClientHello.
func JA3(h *tls.ClientHelloInfo) string {
	vers := uint16(0)
	for _, v := range nonGREASE(h.SupportedVersions) {
		vers = max(vers, v)
	}
	if vers >= tls.VersionTLS12 {
		vers = tls.VersionTLS12
	}
	points := make([]uint16, len(h.SupportedPoints))
	for i, p := range h.SupportedPoints {
		points[i] = uint16(p)
	}
	return ja3Hash(ja3String(vers, nonGREASE(h.CipherSuites), nonGREASE(h.Extensions), curves(h), points))
}

func ja3String(vers uint16, ciphers, exts, curves, points []uint16) string {
	join := func(l []uint16) string {
		s := make([]string, len(l))
		for i, v := range l {
			s[i] = strconv.Itoa(int(v))
		}
		return strings.Join(s, "-")
	}
	return strconv.Itoa(int(vers)) + "," + join(ciphers) + "," + join(exts) + "," + join(curves) + "," + join(points)
}

func ja3Hash(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// JA4 returns the JA4 fingerprint (TCP) of a ClientHello:
// t<version><d|i><ciphers><extensions><alpn>_<sha256 of sorted ciphers>_<sha256 of sorted extensions and signature algorithms>.
func JA4(h *tls.ClientHelloInfo) string {
	vers := uint16(0)
	for _, v := range nonGREASE(h.SupportedVersions) {
		vers = max(vers, v)
	}
	sigs := make([]uint16, len(h.SignatureSchemes))
	for i, s := range h.SignatureSchemes {
		sigs[i] = uint16(s)
	}
	alpn := ""
	if len(h.SupportedProtos) > 0 {
		alpn = h.SupportedProtos[0]
	}
	return ja4(vers, h.ServerName != "", nonGREASE(h.CipherSuites), nonGREASE(h.Extensions), nonGREASE(sigs), alpn)
}

func ja4(vers uint16, sni bool, ciphers, exts, sigs []uint16, alpn string) string {
	var b strings.Builder
	b.WriteByte('t')
	switch vers {
	case tls.VersionTLS13:
		b.WriteString("13")
	case tls.VersionTLS12:
		b.WriteString("12")
	case tls.VersionTLS11:
		b.WriteString("11")
	case tls.VersionTLS10:
		b.WriteString("10")
	case 0x0300:
		b.WriteString("s3")
	default:
		b.WriteString("00")
	}
	if sni {
		b.WriteByte('d')
	} else {
		b.WriteByte('i')
	}
	count := func(n int) string { return strconv.Itoa(min(n, 99)/10) + strconv.Itoa(min(n, 99)%10) }
	b.WriteString(count(len(ciphers)))
	b.WriteString(count(len(exts)))
	if len(alpn) == 0 {
		b.WriteString("00")
	} else {
		b.WriteByte(alpn[0])
		b.WriteByte(alpn[len(alpn)-1])
	}
	hexList := func(l []uint16) string {
		s := make([]string, len(l))
		for i, v := range l {
			s[i] = strconv.FormatUint(uint64(v)|0x10000, 16)[1:]
		}
		return strings.Join(s, ",")
	}
	hash12 := func(s string) string {
		if s == "" {
			return "000000000000"
		}
		sum := sha256.Sum256([]byte(s))
		return hex.EncodeToString(sum[:])[:12]
	}
	sortedCiphers := slices.Sorted(slices.Values(ciphers))
	var sortedExts []uint16
	for _, e := range exts {
		if e != 0x0000 && e != 0x0010 { // SNI and ALPN are counted, not hashed
			sortedExts = append(sortedExts, e)
		}
	}
	slices.Sort(sortedExts)
	extPart := hexList(sortedExts)
	if len(sigs) > 0 {
		extPart += "_" + hexList(sigs)
	}
	b.WriteByte('_')
	b.WriteString(hash12(hexList(sortedCiphers)))
	b.WriteByte('_')
	b.WriteString(hash12(extPart))
	return b.String()
}
