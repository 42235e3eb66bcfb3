package vpc

import (
	"cmp"
	"net/netip"
	"slices"
)

// Analyzer is an immutable, indexed snapshot of a Network for reachability
// questions. Build it once with Compile and share it between goroutines; it
// must be rebuilt after the Network changes (it keeps pointers into it, so
// the Network must not be mutated while the Analyzer is in use).
type Analyzer struct {
	n         *Network
	eniByIP   map[vpcAddr]*NetworkInterface
	eniByPub  map[netip.Addr]*NetworkInterface
	eniByAddr map[netip.Addr]*NetworkInterface // private IPv4, any VPC
	members   map[string]Set                   // security group -> private IPv4s of its ENIs
	sgs       map[string]*csg
	subnetRT  map[string]*crt // subnet -> its (explicit or main) route table
	edgeRT    map[string]*crt // igw/vgw -> edge route table
	subnetACL map[string]*cacl
	prefix    map[string]Set
	internet  Set
}

type vpcAddr struct {
	vpc string
	ip  netip.Addr
}

// csg is a compiled security group: its IPv4-relevant rules per direction.
type csg struct {
	sg      *SecurityGroup
	in, out []crule
}

type crule struct {
	proto int
	b     box // the packets the rule admits (other address field: all)
	sg    *SecurityGroup
	rule  *SecurityGroupRule
	acl   *ACLEntry
}

// crt is a compiled route table: IPv4 routes most specific first.
type crt struct {
	rt     *RouteTable
	routes []croute
}

type croute struct {
	bits   int
	static bool
	addrs  Set
	route  *Route
}

// cacl is a compiled network ACL: IPv4 entries by rule number, "*" last.
type cacl struct {
	acl     *NetworkACL
	in, out []crule
}

// Compile indexes n for analysis. It never fails: references to missing
// resources become unusable paths that Reach explains.
func Compile(n *Network) *Analyzer {
	a := &Analyzer{
		n: n, eniByIP: make(map[vpcAddr]*NetworkInterface, len(n.Interfaces)),
		eniByPub: map[netip.Addr]*NetworkInterface{}, eniByAddr: make(map[netip.Addr]*NetworkInterface, len(n.Interfaces)), members: map[string]Set{},
		sgs: make(map[string]*csg, len(n.SecurityGroups)), subnetRT: map[string]*crt{},
		edgeRT: map[string]*crt{}, subnetACL: map[string]*cacl{}, prefix: map[string]Set{},
		internet: internetAddrs,
	}
	a.indexInterfaces()
	for id, pl := range n.PrefixLists {
		var s Set
		for _, e := range pl.Entries {
			s = s.Union(PrefixSet(e.Cidr))
		}
		a.prefix[id] = s
	}
	for id, sg := range n.SecurityGroups {
		a.sgs[id] = a.compileSG(sg)
	}
	a.indexRouteTables()
	a.indexACLs()
	return a
}

func (a *Analyzer) indexInterfaces() {
	ips := map[string][]uint32{}
	for _, e := range a.n.Interfaces {
		for _, ip := range e.PrivateIpAddresses {
			if ip.Is4() {
				a.eniByIP[vpcAddr{e.VpcId, ip}] = e
				if old := a.eniByAddr[ip]; old == nil || e.NetworkInterfaceId < old.NetworkInterfaceId {
					a.eniByAddr[ip] = e
				}
				for _, g := range e.Groups {
					ips[g] = append(ips[g], addrU32(ip))
				}
			}
		}
		if e.PublicIp.IsValid() {
			a.eniByPub[e.PublicIp] = e
		}
	}
	for g, v := range ips {
		a.members[g] = setFromValues(v)
	}
}

// internetAddrs are the addresses moat treats as "the internet": IPv4 minus
// RFC 1918, shared (100.64/10), loopback, link-local, "this network" and
// multicast/reserved space.
var internetAddrs = internetSet()

func internetSet() Set {
	s := allAddrs
	for _, p := range []string{"0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
		"172.16.0.0/12", "192.168.0.0/16", "224.0.0.0/3"} {
		s = s.Subtract(PrefixSet(netip.MustParsePrefix(p)))
	}
	return s
}

// portBox returns the port fields a rule with this protocol and range matches.
func portFields(proto, from, to int) (src, dst Set) {
	switch proto {
	case ProtoTCP, ProtoUDP:
		if from < 0 || to < 0 {
			return allPorts, allPorts
		}
		return allPorts, Range(uint32(from), uint32(to))
	case ProtoICMP, ProtoICMPv6:
		dst, src = allPorts, allPorts // type in DstPort, code in SrcPort
		if from >= 0 {
			dst = Single(uint32(from))
			if to >= 0 {
				src = Single(uint32(to))
			}
		}
		return src, dst
	}
	return allPorts, allPorts
}

func (a *Analyzer) compileSG(sg *SecurityGroup) *csg {
	c := &csg{sg: sg}
	for _, list := range []*[]SecurityGroupRule{&sg.Ingress, &sg.Egress} {
		for i := range *list {
			r := &(*list)[i]
			var addrs Set
			switch {
			case r.ReferencedGroup != nil:
				addrs = a.members[r.ReferencedGroup.GroupId]
			case r.PrefixListId != "":
				addrs = a.prefix[r.PrefixListId]
			case r.CidrIpv4.IsValid():
				addrs = PrefixSet(r.CidrIpv4)
			default:
				continue // IPv6 rules never match IPv4 traffic
			}
			cr := crule{proto: r.IpProtocol, sg: sg, rule: r}
			cr.b[fSrcPort], cr.b[fDstPort] = portFields(r.IpProtocol, r.FromPort, r.ToPort)
			if r.IsEgress {
				cr.b[fSrcAddr], cr.b[fDstAddr] = allAddrs, addrs
				c.out = append(c.out, cr)
			} else {
				cr.b[fSrcAddr], cr.b[fDstAddr] = addrs, allAddrs
				c.in = append(c.in, cr)
			}
		}
	}
	return c
}

func (a *Analyzer) compileRT(rt *RouteTable) *crt {
	c := &crt{rt: rt}
	for i := range rt.Routes {
		r := &rt.Routes[i]
		switch {
		case r.DestinationPrefixListId != "":
			if pl := a.n.PrefixLists[r.DestinationPrefixListId]; pl != nil {
				for _, e := range pl.Entries {
					if e.Cidr.Addr().Is4() {
						c.routes = append(c.routes, croute{bits: e.Cidr.Bits(), addrs: PrefixSet(e.Cidr), route: r})
					}
				}
			}
		case r.DestinationCidrBlock.IsValid() && r.DestinationCidrBlock.Addr().Is4():
			c.routes = append(c.routes, croute{bits: r.DestinationCidrBlock.Bits(), static: true,
				addrs: PrefixSet(r.DestinationCidrBlock), route: r})
		}
	}
	// Longest prefix first; on equal prefixes a CIDR route beats a
	// prefix-list route (route-table priority rules).
	slices.SortStableFunc(c.routes, func(x, y croute) int {
		if x.bits != y.bits {
			return cmp.Compare(y.bits, x.bits)
		}
		switch {
		case x.static && !y.static:
			return -1
		case y.static && !x.static:
			return 1
		}
		return 0
	})
	return c
}

func (a *Analyzer) indexRouteTables() {
	main := map[string]*crt{}
	for _, rt := range a.n.RouteTables {
		c := a.compileRT(rt)
		if rt.Main {
			main[rt.VpcId] = c
		}
		for _, s := range rt.SubnetIds {
			a.subnetRT[s] = c
		}
		for _, g := range rt.GatewayIds {
			a.edgeRT[g] = c
		}
	}
	for id, s := range a.n.Subnets {
		if a.subnetRT[id] == nil && main[s.VpcId] != nil {
			a.subnetRT[id] = main[s.VpcId]
		}
	}
}

func (a *Analyzer) indexACLs() {
	def := map[string]*cacl{}
	for _, acl := range a.n.NetworkACLs {
		c := compileACL(acl)
		if acl.IsDefault {
			def[acl.VpcId] = c
		}
		for _, s := range acl.SubnetIds {
			a.subnetACL[s] = c
		}
	}
	for id, s := range a.n.Subnets {
		if a.subnetACL[id] == nil && def[s.VpcId] != nil {
			a.subnetACL[id] = def[s.VpcId]
		}
	}
}

// starDeny is the "*" rule every list ends with.
var starDenyIn, starDenyOut = &ACLEntry{RuleNumber: 32767, Protocol: -1, RuleAction: "deny", CidrBlock: netip.MustParsePrefix("0.0.0.0/0")},
	&ACLEntry{RuleNumber: 32767, Egress: true, Protocol: -1, RuleAction: "deny", CidrBlock: netip.MustParsePrefix("0.0.0.0/0")}

func compileACL(acl *NetworkACL) *cacl {
	c := &cacl{acl: acl}
	entries := make([]*ACLEntry, 0, len(acl.Entries))
	for i := range acl.Entries {
		if e := &acl.Entries[i]; e.CidrBlock.IsValid() && e.CidrBlock.Addr().Is4() && e.RuleNumber < 32767 {
			entries = append(entries, e)
		}
	}
	slices.SortStableFunc(entries, func(x, y *ACLEntry) int { return cmp.Compare(x.RuleNumber, y.RuleNumber) })
	for _, e := range append(entries, starDenyIn, starDenyOut) {
		cr := crule{proto: e.Protocol, acl: e}
		switch e.Protocol {
		case ProtoICMP, ProtoICMPv6:
			cr.b[fSrcPort], cr.b[fDstPort] = portFields(e.Protocol, e.IcmpType, e.IcmpCode)
		default:
			from, to := e.FromPort, e.ToPort
			if from == 0 && to == 0 {
				from, to = -1, -1
			}
			cr.b[fSrcPort], cr.b[fDstPort] = portFields(e.Protocol, from, to)
		}
		addrs := PrefixSet(e.CidrBlock)
		if e.Egress {
			cr.b[fSrcAddr], cr.b[fDstAddr] = allAddrs, addrs
			c.out = append(c.out, cr)
		} else {
			cr.b[fSrcAddr], cr.b[fDstAddr] = addrs, allAddrs
			c.in = append(c.in, cr)
		}
	}
	return c
}

func protoMatches(rule, proto int) bool { return rule == ProtoAll || rule == proto }

// sgAllow returns the part of sp that the union of groups admits, and the
// first rule that admits part of it.
func (a *Analyzer) sgAllow(groups []string, egress bool, proto int, sp space) (space, *crule) {
	var allowed space
	var first *crule
	rest := sp
	for _, g := range groups {
		c := a.sgs[g]
		if c == nil {
			continue
		}
		rules := c.in
		if egress {
			rules = c.out
		}
		for i := range rules {
			r := &rules[i]
			if !protoMatches(r.proto, proto) {
				continue
			}
			m := rest.intersect(&r.b)
			if m.empty() {
				continue
			}
			if first == nil {
				first = r
			}
			allowed = append(allowed, m...)
			rest = rest.subtract(&r.b)
			if rest.empty() {
				return allowed, first
			}
		}
	}
	return allowed, first
}

// aclAllow applies a network ACL's first-match semantics to sp. It returns
// the admitted part, the first allow entry that admitted some of it and the
// first deny entry that refused some of it.
func aclAllow(c *cacl, egress bool, proto int, sp space) (allowed space, allow, deny *ACLEntry) {
	rules := c.in
	if egress {
		rules = c.out
	}
	rest := sp
	for i := range rules {
		r := &rules[i]
		if !protoMatches(r.proto, proto) {
			continue
		}
		m := rest.intersect(&r.b)
		if m.empty() {
			continue
		}
		if r.acl.Allow() {
			allowed = append(allowed, m...)
			if allow == nil {
				allow = r.acl
			}
		} else if deny == nil {
			deny = r.acl
		}
		rest = rest.subtract(&r.b)
		if rest.empty() {
			break
		}
	}
	return allowed, allow, deny
}

// branch is the part of a space one route carries.
type branch struct {
	route *Route
	sp    space
}

// lookup splits sp by longest-prefix match on the destination address.
// Addresses with no route are returned as rest.
func (c *crt) lookup(sp space) (out []branch, rest space) {
	if c == nil {
		return nil, sp
	}
	rest = sp
	for i := range c.routes {
		r := &c.routes[i]
		var rb box
		for f := range rb {
			rb[f] = allPorts
		}
		rb[fSrcAddr], rb[fDstAddr] = allAddrs, r.addrs
		rb[fSrcPort], rb[fDstPort] = allPorts, allPorts
		m := rest.intersect(&rb)
		if m.empty() {
			continue
		}
		if n := len(out); n > 0 && out[n-1].route == r.route {
			out[n-1].sp = append(out[n-1].sp, m...)
		} else {
			out = append(out, branch{route: r.route, sp: m})
		}
		rest = rest.subtract(&rb)
		if rest.empty() {
			break
		}
	}
	return out, rest
}

// untracked applies the connection-tracking page's rule: a TCP or UDP flow
// admitted by a 0.0.0.0/0 rule is not tracked when the opposite direction
// allows all traffic from/to 0.0.0.0/0 on all ports. ICMP is always tracked.
func (a *Analyzer) untracked(groups []string, r *crule, egress bool, proto int) bool {
	if (proto != ProtoTCP && proto != ProtoUDP) || r.rule.CidrIpv4 != allIPv4 {
		return false
	}
	for _, g := range groups {
		sg := a.n.SecurityGroups[g]
		if sg == nil {
			continue
		}
		rules := sg.Egress
		if egress {
			rules = sg.Ingress
		}
		for _, o := range rules {
			if o.CidrIpv4 == allIPv4 && (o.IpProtocol == ProtoAll || (o.IpProtocol == proto && o.FromPort == 0 && o.ToPort == 65535)) {
				return true
			}
		}
	}
	return false
}
