package vpc

import "slices"

// Header fields of a box, in order.
const (
	fSrcAddr = iota
	fDstAddr
	fSrcPort // ICMP: the code
	fDstPort // ICMP: the type
	nFields
)

// box is the set of packets whose every field lies in the field's Set (a
// product of Sets). The protocol is fixed per analysis, so it is not a field.
type box [nFields]Set

func (b *box) empty() bool {
	for i := range b {
		if b[i].Empty() {
			return true
		}
	}
	return false
}

func (b *box) overlaps(r *box) bool {
	for i := range b {
		if !b[i].Overlaps(r[i]) {
			return false
		}
	}
	return true
}

func (b box) intersect(r *box) box {
	for i := range b {
		b[i] = b[i].Intersect(r[i])
	}
	return b
}

// reversed is the reply's header: addresses and ports swapped.
func (b box) reversed() box {
	b[fSrcAddr], b[fDstAddr] = b[fDstAddr], b[fSrcAddr]
	b[fSrcPort], b[fDstPort] = b[fDstPort], b[fSrcPort]
	return b
}

// space is a union of disjoint boxes: the packets still alive at a point of
// the path.
type space []box

func (s space) empty() bool { return len(s) == 0 }

func (s space) intersect(r *box) space {
	var out space
	for i := range s {
		if s[i].overlaps(r) {
			if b := s[i].intersect(r); !b.empty() {
				out = append(out, b)
			}
		}
	}
	return out
}

// subtract returns s \ r. Each box splits into at most nFields pieces.
func (s space) subtract(r *box) space {
	first := -1
	for i := range s {
		if s[i].overlaps(r) {
			first = i
			break
		}
	}
	if first < 0 {
		return s
	}
	out := make(space, first, len(s)+nFields)
	copy(out, s[:first])
	for _, b := range s[first:] {
		if !b.overlaps(r) {
			out = append(out, b)
			continue
		}
		for i := range nFields {
			if rest := b[i].Subtract(r[i]); !rest.Empty() {
				piece := b
				piece[i] = rest
				out = append(out, piece)
			}
			b[i] = b[i].Intersect(r[i])
		}
	}
	return out
}

func (s space) reversed() space {
	out := make(space, len(s))
	for i := range s {
		out[i] = s[i].reversed()
	}
	return out
}

// with returns s with field f narrowed to v.
func (s space) with(f int, v Set) space {
	var out space
	for _, b := range s {
		b[f] = b[f].Intersect(v)
		if !b[f].Empty() {
			out = append(out, b)
		}
	}
	return out
}

// replace returns s with field f set to v (address or port translation).
func (s space) replace(f int, v Set) space {
	out := slices.Clone(s)
	for i := range out {
		out[i][f] = v
	}
	return out
}

// field returns the union of field f over all boxes.
func (s space) field(f int) Set {
	var u Set
	for i := range s {
		u = u.Union(s[i][f])
	}
	return u
}

func sortU32(vs []uint32) { slices.Sort(vs) }
