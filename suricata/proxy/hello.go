package proxy

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
)

// ErrNotTLS is returned by ReadClientHello when the first bytes are not a
// TLS handshake record.
var ErrNotTLS = errors.New("not a TLS handshake (the first bytes are not a TLS handshake record)")

// ClientHello is what the proxy needs from a TLS ClientHello.
type ClientHello struct {
	// SNI is the server_name extension's host_name ("" when absent).
	SNI string
	// Version is the legacy_version field (0x0303 for TLS 1.2 and 1.3).
	Version uint16
	// TLSVersion names the highest version offered (supported_versions,
	// else Version) as Suricata's tls.version does: "TLS 1.3".
	TLSVersion string
	// JA3 is the JA3 fingerprint string and JA3Hash its MD5, computed as
	// Suricata (and suricata/replay) do: GREASE values left out.
	JA3, JA3Hash string
}

func isGREASE(v int) bool { return v&0x0f0f == 0x0a0a && v>>8 == v&0xff }

var tlsVersions = map[int]string{0x0300: "SSLv3", 0x0301: "TLS 1.0", 0x0302: "TLS 1.1", 0x0303: "TLS 1.2", 0x0304: "TLS 1.3"}

const (
	maxRecord = 16384 + 2048 // TLSCiphertext limit (RFC 8446 5.2)
	// MaxHelloBytes bounds the ClientHello a client may send (records
	// included); post-quantum key shares make hellos of a few KiB common.
	MaxHelloBytes = 64 << 10
)

// ReadClientHello reads TLS records from r until the ClientHello handshake
// message is complete and parses it. raw holds every byte read (to forward
// upstream unchanged), also on error.
func ReadClientHello(r io.Reader) (raw []byte, h *ClientHello, err error) {
	var hdr [5]byte
	var hs []byte
	raw = make([]byte, 0, 2048)
	for {
		if n, err := io.ReadFull(r, hdr[:]); err != nil {
			raw = append(raw, hdr[:n]...)
			if n > 0 && hdr[0] != 22 {
				return raw, nil, ErrNotTLS
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return raw, nil, fmt.Errorf("malformed ClientHello: truncated TLS record header: %w", err)
			}
			return raw, nil, err
		}
		raw = append(raw, hdr[:]...)
		if hdr[0] != 22 || hdr[1] != 3 {
			return raw, nil, ErrNotTLS
		}
		n := int(binary.BigEndian.Uint16(hdr[3:5]))
		if n == 0 || n > maxRecord {
			return raw, nil, fmt.Errorf("malformed ClientHello: TLS record length %d", n)
		}
		if len(raw)+n > MaxHelloBytes {
			return raw, nil, fmt.Errorf("malformed ClientHello: longer than %d bytes", MaxHelloBytes)
		}
		start := len(raw)
		raw = append(raw, make([]byte, n)...)
		if got, err := io.ReadFull(r, raw[start:]); err != nil {
			return raw[:start+got], nil, fmt.Errorf("malformed ClientHello: truncated TLS record: %w", err)
		}
		if hs == nil {
			hs = raw[start:] // the first record, not copied
		} else {
			// Later records: the full slice expression makes append copy,
			// so raw is never written through hs.
			hs = append(hs[:len(hs):len(hs)], raw[start:]...)
		}
		if len(hs) < 4 {
			continue
		}
		if hs[0] != 1 {
			return raw, nil, fmt.Errorf("malformed ClientHello: first handshake message has type %d, not client_hello (1)", hs[0])
		}
		l := int(hs[1])<<16 | int(hs[2])<<8 | int(hs[3])
		if 4+l > MaxHelloBytes {
			return raw, nil, fmt.Errorf("malformed ClientHello: message length %d", l)
		}
		if len(hs) >= 4+l {
			h, err := ParseClientHello(hs[4 : 4+l])
			return raw, h, err
		}
	}
}

// reader walks a byte string with bounds checks.
type reader struct {
	b   []byte
	bad bool
}

func (r *reader) bytes(n int) []byte {
	if r.bad || n < 0 || n > len(r.b) {
		r.bad = true
		return nil
	}
	v := r.b[:n]
	r.b = r.b[n:]
	return v
}

func (r *reader) u8() int {
	v := r.bytes(1)
	if v == nil {
		return 0
	}
	return int(v[0])
}

func (r *reader) u16() int {
	v := r.bytes(2)
	if v == nil {
		return 0
	}
	return int(binary.BigEndian.Uint16(v))
}

// ParseClientHello parses a ClientHello handshake body (after the 4-byte
// handshake header), as RFC 8446 4.1.2 lays it out.
func ParseClientHello(msg []byte) (*ClientHello, error) {
	r := &reader{b: msg}
	h := &ClientHello{Version: uint16(r.u16())}
	r.bytes(32) // random
	if sid := r.u8(); sid > 32 {
		return nil, fmt.Errorf("malformed ClientHello: session id of %d bytes", sid)
	} else {
		r.bytes(sid)
	}
	cs := r.u16()
	if r.bad {
		return nil, errors.New("malformed ClientHello: truncated")
	}
	if cs < 2 || cs%2 != 0 {
		return nil, fmt.Errorf("malformed ClientHello: cipher suites of %d bytes", cs)
	}
	cr := &reader{b: r.bytes(cs)}
	// JA3 parts as "-"-separated decimal lists.
	var buf [4][256]byte
	ciphers, exts, curves, points := buf[0][:0], buf[1][:0], buf[2][:0], buf[3][:0]
	add := func(l []byte, v int) []byte {
		if len(l) > 0 {
			l = append(l, '-')
		}
		return strconv.AppendInt(l, int64(v), 10)
	}
	for len(cr.b) > 0 {
		if c := cr.u16(); !isGREASE(c) {
			ciphers = add(ciphers, c)
		}
	}
	cm := r.u8()
	if cm < 1 {
		return nil, errors.New("malformed ClientHello: no compression method")
	}
	r.bytes(cm)
	if r.bad {
		return nil, errors.New("malformed ClientHello: truncated")
	}
	best := int(h.Version)
	defer func() {
		h.TLSVersion = tlsVersions[best]
		if h.TLSVersion == "" {
			h.TLSVersion = "UNDETERMINED"
		}
		j := make([]byte, 0, 6+len(ciphers)+len(exts)+len(curves)+len(points)+4)
		j = strconv.AppendInt(j, int64(h.Version), 10)
		for _, part := range [][]byte{ciphers, exts, curves, points} {
			j = append(append(j, ','), part...)
		}
		h.JA3 = string(j)
		sum := md5.Sum(j)
		h.JA3Hash = hex.EncodeToString(sum[:])
	}()
	if len(r.b) == 0 {
		return h, nil // no extensions (TLS 1.0-1.2 clients)
	}
	ext := &reader{b: r.bytes(r.u16())}
	if r.bad || len(r.b) != 0 {
		return nil, errors.New("malformed ClientHello: extensions length does not match the message")
	}
	var seenBuf [64]int
	seen := seenBuf[:0] // extension types so far (few: a linear scan)
	for len(ext.b) > 0 {
		typ := ext.u16()
		data := ext.bytes(ext.u16())
		if ext.bad {
			return nil, errors.New("malformed ClientHello: truncated extension")
		}
		if slices.Contains(seen, typ) {
			return nil, fmt.Errorf("malformed ClientHello: extension %d appears twice", typ)
		}
		seen = append(seen, typ)
		if isGREASE(typ) {
			continue
		}
		exts = add(exts, typ)
		switch typ {
		case 10: // supported_groups
			g := &reader{b: data}
			l := &reader{b: g.bytes(g.u16())}
			for len(l.b) > 1 {
				if c := l.u16(); !isGREASE(c) {
					curves = add(curves, c)
				}
			}
			continue
		case 11: // ec_point_formats
			if len(data) >= 1 {
				for _, x := range data[1:] {
					points = add(points, int(x))
				}
			}
			continue
		case 43: // supported_versions
			if len(data) >= 1 {
				for i := 1; i+1 < len(data); i += 2 {
					if v := int(binary.BigEndian.Uint16(data[i:])); !isGREASE(v) && v > best {
						best = v
					}
				}
			}
			continue
		case 0: // server_name
		default:
			continue
		}
		sn := &reader{b: data}
		list := &reader{b: sn.bytes(sn.u16())}
		if sn.bad || len(sn.b) != 0 {
			return nil, errors.New("malformed ClientHello: server_name list length")
		}
		for len(list.b) > 0 {
			nt := list.u8()
			name := list.bytes(list.u16())
			if list.bad {
				return nil, errors.New("malformed ClientHello: truncated server_name")
			}
			if nt != 0 || h.SNI != "" {
				continue // only the first host_name counts
			}
			if len(name) == 0 {
				return nil, errors.New("malformed ClientHello: empty server_name")
			}
			for _, c := range name {
				if c <= ' ' || c >= 0x7f {
					return nil, fmt.Errorf("malformed ClientHello: server_name has byte 0x%02x", c)
				}
			}
			h.SNI = string(name)
		}
	}
	return h, nil
}
