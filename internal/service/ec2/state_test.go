package ec2

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/moatdev/moat/vpc"
)

// genState builds an account's network with n interfaces: one VPC, 20
// subnets, 50 groups chained by reference (each with a CIDR rule and a
// reference to the previous group), an internet gateway and a public route.
func genState(tb testing.TB, enis int) *state {
	tb.Helper()
	st := emptyState("111122223333")
	net := st.Net
	v, err := net.CreateVpc("10.0.0.0/16")
	if err != nil {
		tb.Fatal(err)
	}
	igw := net.CreateInternetGateway()
	if err := net.AttachInternetGateway(igw.InternetGatewayId, v.VpcId); err != nil {
		tb.Fatal(err)
	}
	if err := net.CreateRoute(v.MainRouteTableId, vpc.Route{DestinationCidrBlock: netip.MustParsePrefix("0.0.0.0/0"),
		TargetType: vpc.TargetInternetGateway, TargetId: igw.InternetGatewayId}); err != nil {
		tb.Fatal(err)
	}
	var subnets []string
	for i := 0; i < 20; i++ {
		s, err := net.CreateSubnet(v.VpcId, fmt.Sprintf("10.0.%d.0/22", i*4), "us-east-1a")
		if err != nil {
			tb.Fatal(err)
		}
		subnets = append(subnets, s.SubnetId)
		st.AclAssoc[s.SubnetId] = newID("aclassoc")
	}
	var groups []string
	for i := 0; i < 50; i++ {
		g, err := net.CreateSecurityGroup(v.VpcId, fmt.Sprintf("g%d", i), "generated")
		if err != nil {
			tb.Fatal(err)
		}
		port := 1000 + i
		perms := []vpc.IpPermission{{IpProtocol: "tcp", FromPort: &port, ToPort: &port, IpRanges: []string{"0.0.0.0/0"}}}
		if len(groups) > 0 {
			perms = append(perms, vpc.IpPermission{IpProtocol: "tcp", FromPort: &port, ToPort: &port,
				UserIdGroupPairs: []vpc.ReferencedGroup{{GroupId: groups[len(groups)-1]}}})
		}
		if _, err := net.AuthorizeSecurityGroupIngress(g.GroupId, perms); err != nil {
			tb.Fatal(err)
		}
		groups = append(groups, g.GroupId)
	}
	for i := 0; i < enis; i++ {
		e, err := net.CreateNetworkInterface(subnets[i%len(subnets)], netip.Addr{}, []string{groups[i%len(groups)]})
		if err != nil {
			tb.Fatal(err)
		}
		if i%10 == 0 {
			if err := net.AssociatePublicIp(e.NetworkInterfaceId, st.freePublicIP()); err != nil {
				tb.Fatal(err)
			}
		}
	}
	return st
}

// The stored document gives back the same network, and the analyzer the
// same answers.
func TestStateRoundTrip(t *testing.T) {
	st := genState(t, 200)
	st.Tags["vpc-x"] = map[string]string{"Name": "lab"}
	b, err := st.encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeState("111122223333", b)
	if err != nil {
		t.Fatal(err)
	}
	b2, err := got.encode()
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != string(b2) {
		t.Fatal("encode(decode(doc)) differs from doc")
	}
	var igw, eni string
	for id := range got.Net.InternetGateways {
		igw = id
	}
	for id, e := range got.Net.Interfaces {
		if e.PublicIp.IsValid() {
			eni = id
		}
	}
	q := vpc.PathQuery{Source: igw, Destination: eni, Protocol: "tcp"}
	a1, err1 := vpc.Compile(st.Net).Reach(q)
	a2, err2 := vpc.Compile(got.Net).Reach(q)
	if err1 != nil || err2 != nil || a1.NetworkPathFound != a2.NetworkPathFound || !a1.NetworkPathFound {
		t.Fatalf("reach before/after: %v %v / %v %v", a1.NetworkPathFound, err1, a2.NetworkPathFound, err2)
	}
	if _, err := decodeState("111122223333", []byte("{")); err == nil {
		t.Fatal("a broken document decodes")
	}
}

func TestGlob(t *testing.T) {
	for _, c := range []struct {
		p, s string
		want bool
	}{
		{"prod", "prod", true}, {"pr*", "prod", true}, {"*", "", true}, {"p?od", "prod", true}, {"p?od", "pod", false},
		{"*od", "prod", true}, {"a*b*c", "aXbYc", true}, {"a*b*c", "aXbY", false}, {"10.0.*", "10.0.1.0/24", true}, {"", "x", false},
	} {
		if got := glob(c.p, c.s); got != c.want {
			t.Errorf("glob(%q, %q) = %v", c.p, c.s, got)
		}
	}
}

// FuzzGlob checks the filter-value matcher against a simple recursive
// definition on arbitrary patterns (filter values come from callers).
func FuzzGlob(f *testing.F) {
	for _, s := range [][2]string{{"pr*", "prod"}, {"a*b?c", "aXXbYc"}, {"**", ""}, {"?", "é"}, {"*x*", "xyx"}} {
		f.Add(s[0], s[1])
	}
	var ref func(p, s string) bool
	ref = func(p, s string) bool {
		switch {
		case p == "":
			return s == ""
		case p[0] == '*':
			return ref(p[1:], s) || (s != "" && ref(p, s[1:]))
		case s == "":
			return false
		case p[0] == '?' || p[0] == s[0]:
			return ref(p[1:], s[1:])
		}
		return false
	}
	f.Fuzz(func(t *testing.T, p, s string) {
		if len(p) > 12 || len(s) > 24 {
			return
		}
		if got, want := glob(p, s), ref(p, s); got != want {
			t.Fatalf("glob(%q, %q) = %v, want %v", p, s, got, want)
		}
	})
}

// BenchmarkAnalyzeStored1000ENIs measures what StartNetworkInsightsAnalysis
// does on an account with 1,000 interfaces: read the stored document,
// compile the network and answer one path.
func BenchmarkAnalyzeStored1000ENIs(b *testing.B) {
	st := genState(b, 1000)
	doc, err := st.encode()
	if err != nil {
		b.Fatal(err)
	}
	var igw, eni string
	for id := range st.Net.InternetGateways {
		igw = id
	}
	for id, e := range st.Net.Interfaces {
		if e.PublicIp.IsValid() {
			eni = id
		}
	}
	b.ReportMetric(float64(len(doc)), "doc-bytes")
	b.Run("decode", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := decodeState("111122223333", doc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encode", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := st.encode(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decode+compile+reach", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			s, err := decodeState("111122223333", doc)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := s.analyze(&insightsPath{Source: igw, Destination: eni, Protocol: "tcp", DestinationPort: 1000}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzPaginate feeds arbitrary tokens and page sizes: never a panic, pages
// within bounds, and a returned token leads to the rest.
func FuzzPaginate(f *testing.F) {
	f.Add("", int32(5), 12)
	f.Add("bW9hdDo1", int32(5), 12) // moat:5
	f.Add("bW9hdDotMQ", int32(1000), 3)
	f.Add("!!", int32(0), 0)
	f.Fuzz(func(t *testing.T, token string, max int32, n int) {
		if n < 0 || n > 5000 {
			return
		}
		items := make([]int, n)
		for i := range items {
			items[i] = i
		}
		page, next, err := paginate(items, &max, &token, false)
		if err != nil {
			return
		}
		if len(page) > int(max) {
			t.Fatalf("page of %d with MaxResults %d", len(page), max)
		}
		if next != nil {
			rest, _, err := paginate(items, &max, next, false)
			if err != nil || len(rest) == 0 || rest[0] != page[len(page)-1]+1 {
				t.Fatalf("next token %q: %v %v", *next, rest, err)
			}
		}
	})
}
