package replay

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
)

// tlsState reassembles TLS handshake records from the client until the
// ClientHello is complete, then parses it.
type tlsState struct {
	buf     []byte // unconsumed record bytes
	hs      []byte // handshake bytes collected from records
	done    bool
	failed  bool
	sni     string
	version string
	ja3     string
	ja3Hash string
	logged  bool
	server  tlsServer
}

var errNotTLS = errors.New("not a TLS handshake")

// feed consumes client data; it reports true when the ClientHello just completed.
func (t *tlsState) feed(data []byte) (bool, error) {
	if t.done || t.failed {
		return false, nil
	}
	t.buf = append(t.buf, data...)
	for len(t.buf) >= 5 {
		typ := t.buf[0]
		n := int(binary.BigEndian.Uint16(t.buf[3:5]))
		if t.buf[1] != 3 || n > 18432 {
			t.failed = true
			return false, errNotTLS
		}
		if len(t.buf) < 5+n {
			return false, nil
		}
		rec := t.buf[5 : 5+n]
		t.buf = t.buf[5+n:]
		if typ != 22 {
			t.failed = true
			return false, errNotTLS
		}
		t.hs = append(t.hs, rec...)
		if len(t.hs) >= 4 {
			if t.hs[0] != 1 {
				t.failed = true
				return false, errNotTLS
			}
			l := int(t.hs[1])<<16 | int(t.hs[2])<<8 | int(t.hs[3])
			if len(t.hs) >= 4+l {
				if err := t.parseClientHello(t.hs[4 : 4+l]); err != nil {
					t.failed = true
					return false, err
				}
				t.done = true
				return true, nil
			}
		}
	}
	return false, nil
}

func isGREASE(v uint16) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

var tlsVersions = map[uint16]string{0x0300: "SSLv3", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1", 0x0303: "TLS 1.2", 0x0304: "TLS 1.3"}

func (t *tlsState) parseClientHello(b []byte) error {
	bad := errors.New("malformed TLS ClientHello")
	if len(b) < 38 {
		return bad
	}
	ver := binary.BigEndian.Uint16(b[0:2])
	p := 34
	if p >= len(b) {
		return bad
	}
	p += 1 + int(b[p]) // session id
	if p+2 > len(b) {
		return bad
	}
	cl := int(binary.BigEndian.Uint16(b[p:]))
	p += 2
	if p+cl > len(b) || cl%2 != 0 {
		return bad
	}
	var ciphers []string
	for i := 0; i < cl; i += 2 {
		c := binary.BigEndian.Uint16(b[p+i:])
		if !isGREASE(c) {
			ciphers = append(ciphers, strconv.Itoa(int(c)))
		}
	}
	p += cl
	if p >= len(b) {
		return bad
	}
	p += 1 + int(b[p]) // compression methods
	var exts, curves, points []string
	if p+2 <= len(b) {
		el := int(binary.BigEndian.Uint16(b[p:]))
		p += 2
		if p+el > len(b) {
			return bad
		}
		e := b[p : p+el]
		for len(e) >= 4 {
			typ := binary.BigEndian.Uint16(e)
			l := int(binary.BigEndian.Uint16(e[2:]))
			if 4+l > len(e) {
				return bad
			}
			data := e[4 : 4+l]
			e = e[4+l:]
			if isGREASE(typ) {
				continue
			}
			exts = append(exts, strconv.Itoa(int(typ)))
			switch typ {
			case 0:
				t.sni = parseSNI(data)
			case 10:
				if len(data) >= 2 {
					for i := 2; i+1 < len(data); i += 2 {
						c := binary.BigEndian.Uint16(data[i:])
						if !isGREASE(c) {
							curves = append(curves, strconv.Itoa(int(c)))
						}
					}
				}
			case 11:
				if len(data) >= 1 {
					for _, x := range data[1:] {
						points = append(points, strconv.Itoa(int(x)))
					}
				}
			case 43:
				// supported_versions: the highest non-GREASE version is the real one.
				if len(data) >= 1 {
					best := uint16(0)
					for i := 1; i+1 < len(data); i += 2 {
						v := binary.BigEndian.Uint16(data[i:])
						if !isGREASE(v) && v > best {
							best = v
						}
					}
					if best > ver {
						t.version = tlsVersions[best]
					}
				}
			}
		}
	}
	if t.version == "" {
		t.version = tlsVersions[ver]
		if t.version == "" {
			t.version = "UNDETERMINED"
		}
	}
	t.ja3 = strconv.Itoa(int(ver)) + "," + strings.Join(ciphers, "-") + "," + strings.Join(exts, "-") + "," + strings.Join(curves, "-") + "," + strings.Join(points, "-")
	sum := md5.Sum([]byte(t.ja3))
	t.ja3Hash = hex.EncodeToString(sum[:])
	return nil
}

func parseSNI(d []byte) string {
	if len(d) < 2 {
		return ""
	}
	d = d[2:]
	for len(d) >= 3 {
		typ := d[0]
		l := int(binary.BigEndian.Uint16(d[1:]))
		if 3+l > len(d) {
			return ""
		}
		if typ == 0 {
			return string(d[3 : 3+l])
		}
		d = d[3+l:]
	}
	return ""
}
