package vpc

import (
	"net/netip"
	"strconv"
	"strings"
)

// span is an inclusive range of uint32 values (IPv4 addresses or ports).
type span struct{ lo, hi uint32 }

// Set is an immutable set of uint32 values kept as sorted, disjoint,
// non-adjacent inclusive ranges. The reachability engine uses it for IPv4
// addresses and for port numbers (and ICMP type/code): every rule of a
// security group or network ACL is one range (or a few) per packet field, so
// "which packets does this rule admit" is a product of Sets.
type Set struct{ s []span }

// Range returns the set [lo, hi]; empty when lo > hi.
func Range(lo, hi uint32) Set {
	if lo > hi {
		return Set{}
	}
	return Set{s: []span{{lo, hi}}}
}

// Single returns the set {v}.
func Single(v uint32) Set { return Set{s: []span{{v, v}}} }

var (
	allAddrs = Range(0, 0xFFFFFFFF)
	allPorts = Range(0, 65535)
)

// PrefixSet returns the IPv4 addresses of p; empty for IPv6 or invalid prefixes.
func PrefixSet(p netip.Prefix) Set {
	if !p.IsValid() || !p.Addr().Is4() {
		return Set{}
	}
	p = p.Masked()
	lo := addrU32(p.Addr())
	bits := 32 - p.Bits()
	var size uint32
	if bits == 32 {
		size = 0xFFFFFFFF
	} else {
		size = 1<<bits - 1
	}
	return Range(lo, lo+size)
}

func addrU32(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func u32Addr(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

// Empty reports whether the set has no values.
func (a Set) Empty() bool { return len(a.s) == 0 }

// Min returns the smallest value; ok is false for the empty set.
func (a Set) Min() (uint32, bool) {
	if len(a.s) == 0 {
		return 0, false
	}
	return a.s[0].lo, true
}

// Contains reports whether v is in the set (binary search).
func (a Set) Contains(v uint32) bool {
	lo, hi := 0, len(a.s)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch {
		case v < a.s[m].lo:
			hi = m
		case v > a.s[m].hi:
			lo = m + 1
		default:
			return true
		}
	}
	return false
}

// single reports whether the set is exactly one value.
func (a Set) single() (uint32, bool) {
	if len(a.s) == 1 && a.s[0].lo == a.s[0].hi {
		return a.s[0].lo, true
	}
	return 0, false
}

// Equal reports whether two sets hold the same values.
func (a Set) Equal(b Set) bool {
	if len(a.s) != len(b.s) {
		return false
	}
	for i := range a.s {
		if a.s[i] != b.s[i] {
			return false
		}
	}
	return true
}

// Intersect returns a ∩ b.
func (a Set) Intersect(b Set) Set {
	if len(a.s) == 0 || len(b.s) == 0 {
		return Set{}
	}
	// Fast paths: one side covers the other's single range.
	if len(b.s) == 1 && b.s[0].lo <= a.s[0].lo && b.s[0].hi >= a.s[len(a.s)-1].hi {
		return a
	}
	if len(a.s) == 1 && a.s[0].lo <= b.s[0].lo && a.s[0].hi >= b.s[len(b.s)-1].hi {
		return b
	}
	var out []span
	i, j := 0, 0
	for i < len(a.s) && j < len(b.s) {
		lo, hi := max(a.s[i].lo, b.s[j].lo), min(a.s[i].hi, b.s[j].hi)
		if lo <= hi {
			out = append(out, span{lo, hi})
		}
		if a.s[i].hi < b.s[j].hi {
			i++
		} else {
			j++
		}
	}
	return Set{s: out}
}

// Overlaps reports whether a ∩ b is not empty, without allocating: each
// range of the smaller set is looked up in the larger by binary search.
func (a Set) Overlaps(b Set) bool {
	if len(a.s) == 0 || len(b.s) == 0 {
		return false
	}
	if len(a.s) > len(b.s) {
		a, b = b, a
	}
	if a.s[len(a.s)-1].hi < b.s[0].lo || b.s[len(b.s)-1].hi < a.s[0].lo {
		return false
	}
	for _, r := range a.s {
		// first range of b that ends at or after r.lo
		lo, hi := 0, len(b.s)
		for lo < hi {
			m := int(uint(lo+hi) >> 1)
			if b.s[m].hi < r.lo {
				lo = m + 1
			} else {
				hi = m
			}
		}
		if lo < len(b.s) && b.s[lo].lo <= r.hi {
			return true
		}
	}
	return false
}

// Subtract returns a \ b.
func (a Set) Subtract(b Set) Set {
	if len(a.s) == 0 || len(b.s) == 0 || !a.Overlaps(b) {
		return a
	}
	var out []span
	j := 0
	for _, r := range a.s {
		lo := r.lo
		done := false
		for j < len(b.s) && b.s[j].hi < lo {
			j++
		}
		for k := j; k < len(b.s) && b.s[k].lo <= r.hi; k++ {
			if b.s[k].lo > lo {
				out = append(out, span{lo, b.s[k].lo - 1})
			}
			if b.s[k].hi >= r.hi {
				done = true
				break
			}
			lo = b.s[k].hi + 1
		}
		if !done {
			out = append(out, span{lo, r.hi})
		}
	}
	return Set{s: out}
}

// Union returns a ∪ b.
func (a Set) Union(b Set) Set {
	if len(a.s) == 0 {
		return b
	}
	if len(b.s) == 0 {
		return a
	}
	out := make([]span, 0, len(a.s)+len(b.s))
	i, j := 0, 0
	for i < len(a.s) || j < len(b.s) {
		var r span
		if j >= len(b.s) || (i < len(a.s) && a.s[i].lo <= b.s[j].lo) {
			r = a.s[i]
			i++
		} else {
			r = b.s[j]
			j++
		}
		if n := len(out); n > 0 && (out[n-1].hi == 0xFFFFFFFF || r.lo <= out[n-1].hi+1) {
			out[n-1].hi = max(out[n-1].hi, r.hi)
			continue
		}
		out = append(out, r)
	}
	return Set{s: out}
}

// setFromSorted builds a set from values in any order (sorted and merged here).
func setFromValues(vs []uint32) Set {
	if len(vs) == 0 {
		return Set{}
	}
	sortU32(vs)
	out := []span{{vs[0], vs[0]}}
	for _, v := range vs[1:] {
		last := &out[len(out)-1]
		if v <= last.hi {
			continue
		}
		if v == last.hi+1 {
			last.hi = v
			continue
		}
		out = append(out, span{v, v})
	}
	return Set{s: out}
}

// AddrString renders a set of IPv4 addresses as CIDR-ish ranges.
func (a Set) AddrString() string {
	if a.Equal(internetAddrs) {
		return "any public IPv4 address"
	}
	if !a.Empty() && a.Subtract(internetAddrs).Empty() {
		if rest := internetAddrs.Subtract(a); len(rest.s) < len(a.s) {
			return "any public IPv4 address except " + rest.AddrString()
		}
	}
	return a.format(func(v uint32) string { return u32Addr(v).String() })
}

// PortString renders a set of ports as "22,1024-65535".
func (a Set) PortString() string {
	return a.format(func(v uint32) string { return strconv.FormatUint(uint64(v), 10) })
}

func (a Set) format(f func(uint32) string) string {
	if len(a.s) == 0 {
		return "none"
	}
	var b strings.Builder
	for i, r := range a.s {
		if i > 0 {
			b.WriteByte(',')
		}
		if i == 8 {
			b.WriteString("...")
			break
		}
		b.WriteString(f(r.lo))
		if r.hi != r.lo {
			b.WriteByte('-')
			b.WriteString(f(r.hi))
		}
	}
	return b.String()
}
