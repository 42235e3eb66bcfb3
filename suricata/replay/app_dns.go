package replay

import (
	"encoding/binary"
	"errors"
	"strings"
)

// dnsMsg is the part of a DNS message moat logs and matches.
type dnsMsg struct {
	id       uint16
	response bool
	opcode   int
	rcode    int
	flags    uint16
	queries  []dnsQuestion
	answers  []dnsAnswer
}

type dnsQuestion struct {
	name  string
	rtype uint16
}

type dnsAnswer struct {
	name  string
	rtype uint16
	ttl   uint32
	data  string
}

var errDNS = errors.New("malformed DNS message")

func parseDNS(b []byte) (*dnsMsg, error) {
	if len(b) < 12 {
		return nil, errDNS
	}
	m := &dnsMsg{id: binary.BigEndian.Uint16(b), flags: binary.BigEndian.Uint16(b[2:])}
	m.response = m.flags&0x8000 != 0
	m.opcode = int(m.flags>>11) & 0xf
	m.rcode = int(m.flags & 0xf)
	qd, an := int(binary.BigEndian.Uint16(b[4:])), int(binary.BigEndian.Uint16(b[6:]))
	if qd > 64 || an > 256 {
		return nil, errDNS
	}
	p := 12
	for i := 0; i < qd; i++ {
		name, n, err := dnsName(b, p)
		if err != nil || n+4 > len(b) {
			return nil, errDNS
		}
		m.queries = append(m.queries, dnsQuestion{name: name, rtype: binary.BigEndian.Uint16(b[n:])})
		p = n + 4
	}
	for i := 0; i < an; i++ {
		name, n, err := dnsName(b, p)
		if err != nil || n+10 > len(b) {
			break // answers are optional for matching; keep what parsed
		}
		rt := binary.BigEndian.Uint16(b[n:])
		ttl := binary.BigEndian.Uint32(b[n+4:])
		rl := int(binary.BigEndian.Uint16(b[n+8:]))
		if n+10+rl > len(b) {
			break
		}
		rd := b[n+10 : n+10+rl]
		a := dnsAnswer{name: name, rtype: rt, ttl: ttl}
		switch {
		case rt == 1 && rl == 4:
			a.data = ipString(rd)
		case rt == 28 && rl == 16:
			a.data = ipString(rd)
		case rt == 5 || rt == 2 || rt == 12:
			a.data, _, _ = dnsName(b, n+10)
		}
		m.answers = append(m.answers, a)
		p = n + 10 + rl
	}
	return m, nil
}

// dnsName reads a (possibly compressed) name at off; it returns the dotted
// name without the trailing dot and the offset after the name.
func dnsName(b []byte, off int) (string, int, error) {
	var sb strings.Builder
	end := -1
	for jumps := 0; jumps < 32; {
		if off >= len(b) {
			return "", 0, errDNS
		}
		l := int(b[off])
		switch {
		case l == 0:
			if end < 0 {
				end = off + 1
			}
			return sb.String(), end, nil
		case l&0xc0 == 0xc0:
			if off+1 >= len(b) {
				return "", 0, errDNS
			}
			if end < 0 {
				end = off + 2
			}
			off = int(binary.BigEndian.Uint16(b[off:]) & 0x3fff)
			jumps++
		case l&0xc0 != 0:
			return "", 0, errDNS
		default:
			if off+1+l > len(b) || sb.Len() > 255 {
				return "", 0, errDNS
			}
			if sb.Len() > 0 {
				sb.WriteByte('.')
			}
			sb.Write(b[off+1 : off+1+l])
			off += 1 + l
		}
	}
	return "", 0, errDNS
}

var rrTypes = map[uint16]string{1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 15: "MX", 16: "TXT", 28: "AAAA", 33: "SRV", 35: "NAPTR", 43: "DS", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY", 64: "SVCB", 65: "HTTPS", 255: "ANY"}

func rrType(t uint16) string {
	if s, ok := rrTypes[t]; ok {
		return s
	}
	return "TYPE" + itoa(int(t))
}

var rcodes = map[int]string{0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}
