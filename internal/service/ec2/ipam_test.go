package ec2

import (
	"fmt"
	"net/netip"
	"testing"
)

func testPool(cidrs ...string) *ipamPoolRec {
	p := &ipamPoolRec{ID: "ipam-pool-1"}
	for _, c := range cidrs {
		p.Cidrs = append(p.Cidrs, ipamCidr{Cidr: netip.MustParsePrefix(c)})
	}
	return p
}

func TestIpamAllocate(t *testing.T) {
	p := testPool("10.1.0.0/16", "10.0.0.0/24")
	var got []string
	for _, bits := range []int{26, 26, 25, 24, 16, 28} {
		a, err := p.take(nil, &bits, []string{"10.0.0.64/26"}, "custom", "", "1", "")
		if err != nil {
			got = append(got, "err")
			continue
		}
		got = append(got, a.Cidr.String())
	}
	want := "[10.0.0.0/26 10.0.0.128/26 10.1.0.0/25 10.1.1.0/24 err 10.0.0.192/28]"
	if fmt.Sprint(got) != want {
		t.Fatalf("got %v, want %s", got, want)
	}
	// No two allocations overlap.
	for i, a := range p.Allocations {
		for _, b := range p.Allocations[i+1:] {
			if a.Cidr.Overlaps(b.Cidr) {
				t.Errorf("%s overlaps %s", a.Cidr, b.Cidr)
			}
		}
	}
	// A nested disallowed range inside a taken one does not confuse the jump.
	q := testPool("10.0.0.0/24")
	q.Allocations = []ipamAlloc{{Cidr: netip.MustParsePrefix("10.0.0.0/25")}}
	bits := 26
	a, err := q.take(nil, &bits, []string{"10.0.0.0/27", "10.0.0.128/27"}, "custom", "", "1", "")
	if err != nil || a.Cidr.String() != "10.0.0.192/26" {
		t.Fatalf("nested: %v %v", a.Cidr, err)
	}
}

// BenchmarkIpamAllocate10000 allocates the 10,001st /28 of a /12 pool that
// already holds 10,000 (the worst case: every candidate before the free
// block is taken).
func BenchmarkIpamAllocate10000(b *testing.B) {
	p := testPool("10.0.0.0/12")
	bits := 28
	for range 10000 {
		if _, err := p.take(nil, &bits, nil, "custom", "", "1", ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for range b.N {
		if _, ok := p.allocate(28, nil); !ok {
			b.Fatal("full")
		}
	}
}
