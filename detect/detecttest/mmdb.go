package detecttest

import (
	"encoding/binary"
	"fmt"
	"math"
	"net/netip"
	"sort"
)

// GeoEntry places an IPv4 network in a city.
type GeoEntry struct {
	Network     netip.Prefix
	CountryCode string
	CountryName string
	City        string
	Lat, Lon    float64
}

// MMDB returns a small IPv4 GeoIP City database in the MaxMind DB format
// (maxmind.github.io/MaxMind-DB, version 2.0; 24-bit records), for tests:
// github.com/maxmind/mmdbwriter is not among moat's modules, and the format
// is small enough to write here.
func MMDB(entries []GeoEntry) ([]byte, error) {
	type node struct {
		child [2]*node
		data  [2]int // offset in the data section + 1; 0 = none
		id    int
	}
	root := &node{}
	var data []byte
	for _, e := range entries {
		if !e.Network.Addr().Is4() || e.Network.Bits() == 0 {
			return nil, fmt.Errorf("%s: only IPv4 networks of /1 or longer", e.Network)
		}
		off := len(data)
		data = encode(data, mmap{
			"country":  mmap{"iso_code": e.CountryCode, "names": mmap{"en": e.CountryName}},
			"city":     mmap{"names": mmap{"en": e.City}},
			"location": mmap{"latitude": e.Lat, "longitude": e.Lon},
		})
		a := e.Network.Masked().Addr().As4()
		bits := binary.BigEndian.Uint32(a[:])
		n := root
		for i := 0; i < e.Network.Bits(); i++ {
			b := int(bits>>(31-i)) & 1
			if i == e.Network.Bits()-1 {
				n.data[b] = off + 1
				break
			}
			if n.child[b] == nil {
				n.child[b] = &node{}
			}
			n = n.child[b]
		}
	}
	var order []*node
	var walk func(n *node)
	walk = func(n *node) {
		n.id = len(order)
		order = append(order, n)
		for _, c := range n.child {
			if c != nil {
				walk(c)
			}
		}
	}
	walk(root)
	count := len(order)
	var out []byte
	for _, n := range order {
		for b := 0; b < 2; b++ {
			v := count // no data
			switch {
			case n.child[b] != nil:
				v = n.child[b].id
			case n.data[b] > 0:
				v = count + 16 + n.data[b] - 1
			}
			out = append(out, byte(v>>16), byte(v>>8), byte(v))
		}
	}
	out = append(out, make([]byte, 16)...)
	out = append(out, data...)
	out = append(out, "\xab\xcd\xefMaxMind.com"...)
	out = encode(out, mmap{
		"node_count": uint32(count), "record_size": uint16(24), "ip_version": uint16(4),
		"database_type": "moat-test-City", "languages": []any{"en"},
		"binary_format_major_version": uint16(2), "binary_format_minor_version": uint16(0),
		"build_epoch": uint64(1700000000), "description": mmap{"en": "moat test database"},
	})
	return out, nil
}

type mmap map[string]any

// ctrl writes a control byte (and extended type byte) with the size.
func ctrl(b []byte, typ, size int) []byte {
	first := 0
	ext := typ > 7
	if !ext {
		first = typ << 5
	}
	var sizeBytes []byte
	switch {
	case size < 29:
		first |= size
	case size < 29+256:
		first |= 29
		sizeBytes = []byte{byte(size - 29)}
	default:
		first |= 30
		s := size - 285
		sizeBytes = []byte{byte(s >> 8), byte(s)}
	}
	b = append(b, byte(first))
	if ext {
		b = append(b, byte(typ-7))
	}
	return append(b, sizeBytes...)
}

func encode(b []byte, v any) []byte {
	switch x := v.(type) {
	case string:
		b = ctrl(b, 2, len(x))
		return append(b, x...)
	case float64:
		b = ctrl(b, 3, 8)
		return binary.BigEndian.AppendUint64(b, math.Float64bits(x))
	case uint16:
		return uintBytes(b, 5, uint64(x))
	case uint32:
		return uintBytes(b, 6, uint64(x))
	case uint64:
		return uintBytes(b, 9, x)
	case mmap:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		b = ctrl(b, 7, len(x))
		for _, k := range keys {
			b = encode(b, k)
			b = encode(b, x[k])
		}
		return b
	case []any:
		b = ctrl(b, 11, len(x))
		for _, e := range x {
			b = encode(b, e)
		}
		return b
	}
	panic(fmt.Sprintf("mmdb: cannot encode %T", v))
}

func uintBytes(b []byte, typ int, v uint64) []byte {
	var tmp [8]byte
	binary.BigEndian.PutUint64(tmp[:], v)
	i := 0
	for i < 8 && tmp[i] == 0 {
		i++
	}
	b = ctrl(b, typ, 8-i)
	return append(b, tmp[i:]...)
}
