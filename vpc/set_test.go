package vpc

import (
	"math/rand/v2"
	"testing"
)

// universe is small so that sets can be checked against bitmaps.
const universe = 64

func fromBits(bits uint64) Set {
	var vs []uint32
	for i := range universe {
		if bits&(1<<i) != 0 {
			vs = append(vs, uint32(i))
		}
	}
	return setFromValues(vs)
}

func toBits(t testing.TB, s Set) uint64 {
	t.Helper()
	var bits uint64
	for i, r := range s.s {
		if r.lo > r.hi || (i > 0 && r.lo <= s.s[i-1].hi+1) {
			t.Fatalf("set not canonical: %v", s.s)
		}
		for v := r.lo; v <= r.hi && v < universe; v++ {
			bits |= 1 << v
		}
	}
	return bits
}

func checkSetOps(t testing.TB, x, y uint64) {
	t.Helper()
	a, b := fromBits(x), fromBits(y)
	if got := toBits(t, a.Intersect(b)); got != x&y {
		t.Fatalf("%b ∩ %b = %b", x, y, got)
	}
	if got := toBits(t, a.Union(b)); got != x|y {
		t.Fatalf("%b ∪ %b = %b", x, y, got)
	}
	if got := toBits(t, a.Subtract(b)); got != x&^y {
		t.Fatalf("%b \\ %b = %b", x, y, got)
	}
	if a.Overlaps(b) != (x&y != 0) {
		t.Fatalf("Overlaps(%b, %b) = %v", x, y, a.Overlaps(b))
	}
	for v := range uint32(universe) {
		if a.Contains(v) != (x&(1<<v) != 0) {
			t.Fatalf("Contains(%b, %d)", x, v)
		}
	}
}

func TestSetOpsRandom(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		// sparse and dense patterns
		x, y := r.Uint64(), r.Uint64()
		if r.IntN(2) == 0 {
			x &= r.Uint64() & r.Uint64()
		}
		checkSetOps(t, x, y)
	}
	checkSetOps(t, 0, 0)
	checkSetOps(t, ^uint64(0), 0)
}

func FuzzSetOps(f *testing.F) {
	f.Add(uint64(0b1011), uint64(0b0110))
	f.Add(^uint64(0), uint64(1<<63))
	f.Fuzz(func(t *testing.T, x, y uint64) { checkSetOps(t, x, y) })
}

func TestSetEdges(t *testing.T) {
	t.Parallel()
	all := Range(0, 0xFFFFFFFF)
	if !all.Union(Single(0xFFFFFFFF)).Equal(all) || !all.Subtract(Single(0xFFFFFFFF)).Equal(Range(0, 0xFFFFFFFE)) {
		t.Fatal("top of the address space")
	}
	if !Range(5, 4).Empty() {
		t.Fatal("Range(5, 4) must be empty")
	}
	if got := Range(22, 22).Union(Range(1024, 65535)).PortString(); got != "22,1024-65535" {
		t.Fatalf("PortString %q", got)
	}
}

// The space operations agree with brute force on a tiny header space.
func TestSpaceSubtract(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(5, 6))
	rnd := func() Set {
		lo := uint32(r.IntN(8))
		return Range(lo, lo+uint32(r.IntN(8)))
	}
	for range 200 {
		var b, rb box
		for f := range nFields {
			b[f], rb[f] = rnd(), rnd()
		}
		s := space{b}
		in, out := s.intersect(&rb), s.subtract(&rb)
		for p := range 16 * 16 * 16 * 16 {
			pt := [nFields]uint32{uint32(p & 15), uint32(p >> 4 & 15), uint32(p >> 8 & 15), uint32(p >> 12 & 15)}
			inB, inR := has(space{b}, pt), has(space{rb}, pt)
			if has(in, pt) != (inB && inR) || has(out, pt) != (inB && !inR) {
				t.Fatalf("point %v: box %v rule %v", pt, b, rb)
			}
		}
	}
}

func has(s space, pt [nFields]uint32) bool {
	for _, b := range s {
		ok := true
		for f := range nFields {
			ok = ok && b[f].Contains(pt[f])
		}
		if ok {
			return true
		}
	}
	return false
}
