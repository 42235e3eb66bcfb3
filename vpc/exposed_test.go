package vpc

import (
	"net/netip"
	"slices"
	"testing"
)

func TestExposedAccount(t *testing.T) {
	t.Parallel()
	got := Compile(loadAccount(t)).Exposed()
	type row struct {
		eni, proto, ports string
		sensitive         []int
	}
	want := []row{
		{"eni-0a1b2c3d4e5f600d1", "tcp", "22", []int{22}},
		{"eni-0a1b2c3d4e5f600d2", "tcp", "443", nil},
	}
	if len(got) != len(want) {
		t.Fatalf("%d exposures, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.NetworkInterfaceId != w.eni || g.Protocol != w.proto || g.Ports.PortString() != w.ports || !slices.Equal(g.Sensitive, w.sensitive) {
			t.Errorf("exposure %d: %s %s ports %s sensitive %v; want %+v", i, g.NetworkInterfaceId, g.Protocol, g.Ports.PortString(), g.Sensitive, w)
		}
		if len(g.Path) == 0 || g.Path[0].Component.Id != "igw-0a1b2c3d4e5f60041" {
			t.Errorf("exposure %d path %+v does not start at the internet gateway", i, g.Path)
		}
	}
	// The subnet ACL's rule 90 denies 198.51.100.0/24: those addresses are
	// not among the sources.
	if got[0].Sources.Contains(addrU32(netip.MustParseAddr("198.51.100.9"))) || !got[0].Sources.Contains(addrU32(netip.MustParseAddr("192.0.2.1"))) {
		t.Errorf("sources %s", got[0].Sources.AddrString())
	}
	if got[0].Advice == "" {
		t.Error("no advice for an open SSH port")
	}
}

func TestExposedThreeTier(t *testing.T) {
	t.Parallel()
	x := threeTier(t)
	got := Compile(x.n).Exposed()
	// web and web2 on 443 only; the app and db tiers have no public IP.
	if len(got) != 2 {
		t.Fatalf("%d exposures, want 2 (the two web instances): %+v", len(got), got)
	}
	for _, g := range got {
		if g.Ports.PortString() != "443" || g.Protocol != "tcp" {
			t.Errorf("%s: %s %s", g.NetworkInterfaceId, g.Protocol, g.Ports.PortString())
		}
	}
}

func TestOverlaps(t *testing.T) {
	t.Parallel()
	n := NewNetwork("111122223333")
	a := must(n.CreateVpc("10.0.0.0/16"))
	b := must(n.CreateVpc("10.0.128.0/17"))
	c := must(n.CreateVpc("10.1.0.0/16"))
	must(n.CreateSubnet(a.VpcId, "10.0.1.0/24", "az"))
	must(n.CreateSubnet(b.VpcId, "10.0.200.0/24", "az"))
	must(n.CreateSubnet(c.VpcId, "10.1.0.0/24", "az"))
	p := must(n.CreateVpcPeeringConnection(a.VpcId, b.VpcId))
	if p.Status != "failed" {
		t.Fatalf("peering of overlapping VPCs: status %s, want failed", p.Status)
	}
	got := Overlaps(n)
	if len(got) != 1 || got[0].A.ResourceId != a.VpcId || got[0].B.ResourceId != b.VpcId || !got[0].Peered {
		t.Fatalf("overlaps %+v, want only %s/%s (peered)", got, a.VpcId, b.VpcId)
	}
	if len(Overlaps(loadAccount(t))) != 0 {
		t.Fatal("the sample account has no overlap")
	}
}
