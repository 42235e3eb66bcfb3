package vpc

import (
	"fmt"
	"strings"
)

// walk follows one query through the network: forward hops narrow the
// packet space, and each hop registers the check its reply must pass; the
// return path runs those checks in reverse order on the reversed space.
type walk struct {
	a      *Analyzer
	proto  int
	res    *Analysis
	ret    []func(space) space
	phase  string // "forward" or "return"
	middle bool   // the path went through a middlebox ENI
}

const maxMiddleboxes = 4

func (w *walk) add(c PathComponent) {
	list := &w.res.ForwardPath
	if w.phase == "return" {
		list = &w.res.ReturnPath
	}
	c.SequenceNumber = len(*list) + 1
	*list = append(*list, c)
}

func (w *walk) block(e Explanation) {
	e.Path = w.phase
	w.res.Explanations = append(w.res.Explanations, e)
}

// onReturn registers a check for the reply, in forward order.
func (w *walk) onReturn(f func(space) space) { w.ret = append(w.ret, f) }

func (w *walk) run(src, dst end, b box) {
	w.phase = "forward"
	for _, x := range []end{src, dst} {
		if x.inst != nil && x.inst.State != "" && x.inst.State != "running" {
			w.block(Explanation{ExplanationCode: CodeBadState, Component: Component{x.inst.InstanceId, "AWS::EC2::Instance"},
				Message: "instance " + x.inst.InstanceId + " is " + x.inst.State + ", not running"})
		}
	}
	var fwd space
	switch {
	case src.eni != nil:
		b[fSrcAddr], b[fDstAddr] = src.addr, dst.addr
		if dst.igw != nil || (dst.eni == nil && dst.addr.Empty()) {
			b[fDstAddr] = w.a.internet
		}
		fwd = w.fromENI(src.eni, space{b}, dst, 0)
	case src.igw != nil:
		if dst.eni == nil {
			w.block(Explanation{ExplanationCode: CodeUnsupported, Component: Component{src.igw.InternetGatewayId, typeIGW},
				Message: "an internet gateway source needs a network interface or instance destination"})
			return
		}
		b[fSrcAddr] = src.addr
		fwd = w.fromInternet(src.igw, dst.eni, b)
	}
	w.phase = "return"
	r := fwd.reversed()
	if w.proto == ProtoICMP {
		replies, ok := icmpReplies(r)
		if !ok {
			w.ret = nil // no reply expected: the forward path decides
		} else {
			r = replies
		}
	}
	for i := len(w.ret) - 1; i >= 0; i-- {
		r = w.ret[i](r)
	}
	if len(w.res.Explanations) == 0 && !r.empty() {
		w.res.NetworkPathFound = true
		w.res.DestinationPorts = r.field(fSrcPort)
		w.res.sources = r.field(fDstAddr)
		p := &Packet{Protocol: protoName(w.proto)}
		bx := r[0]
		s, _ := bx[fDstAddr].Min()
		d, _ := bx[fSrcAddr].Min()
		sp, _ := bx[fDstPort].Min()
		dp, _ := bx[fSrcPort].Min()
		if w.proto == ProtoICMP && len(fwd) > 0 { // ports are type and code: show the request's
			t, _ := fwd[0][fDstPort].Min()
			c, _ := fwd[0][fSrcPort].Min()
			dp, sp = t, c
			w.res.DestinationPorts = fwd.field(fDstPort)
		}
		p.SourceIp, p.DestinationIp, p.SourcePort, p.DestinationPort = u32Addr(s), u32Addr(d), int(sp), int(dp)
		w.res.Example = p
	}
}

func protoName(p int) string {
	switch p {
	case ProtoTCP:
		return "tcp"
	case ProtoUDP:
		return "udp"
	}
	return itoa(p)
}

// check records a blocker when allowed is empty and then carries on with
// before, as if the component had let the traffic through.
func (w *walk) check(allowed, before space, e Explanation) space {
	if !allowed.empty() || before.empty() {
		return allowed
	}
	w.block(e)
	return before
}

func eniComp(e *NetworkInterface) Component { return Component{e.NetworkInterfaceId, typeENI} }

func (w *walk) sg(e *NetworkInterface, egress bool, sp space) space {
	dir := "ingress"
	if egress {
		dir = "egress"
	}
	if e.InterfaceType == "nat_gateway" {
		return sp // security groups do not apply to a NAT gateway's interface
	}
	allowed, r := w.a.sgAllow(e.Groups, egress, w.proto, sp)
	if r != nil {
		c := PathComponent{Component: Component{r.sg.GroupId, typeSG}, Direction: dir,
			SecurityGroupRule: r.rule, SecurityGroupId: r.sg.GroupId}
		if w.a.untracked(e.Groups, r, egress, w.proto) {
			c.Note = "untracked connection: the rule allows 0.0.0.0/0 and the other direction allows all traffic, so removing the rule cuts the flow at once"
		}
		w.add(c)
		return allowed
	}
	return w.check(allowed, sp, Explanation{ExplanationCode: CodeSGRulesMismatch, Component: eniComp(e),
		Direction: dir, SecurityGroups: e.Groups,
		Message: fmt.Sprintf("no %s rule of %s on %s allows %s", dir, strings.Join(e.Groups, ", "), e.NetworkInterfaceId, describe(w.proto, sp, egress))})
}

func (w *walk) acl(subnetID string, egress bool, sp space) space {
	if sp.empty() {
		return sp
	}
	dir := "ingress"
	if egress {
		dir = "egress"
	}
	c := w.a.subnetACL[subnetID]
	if c == nil {
		w.block(Explanation{ExplanationCode: CodeACLRestriction, Component: Component{subnetID, typeSubnet}, Direction: dir,
			Message: "subnet " + subnetID + " has no network ACL in the input (no default ACL for its VPC)"})
		return sp
	}
	allowed, allow, deny := aclAllow(c, egress, w.proto, sp)
	comp := Component{c.acl.NetworkAclId, typeACL}
	if allow != nil {
		w.add(PathComponent{Component: comp, Direction: dir, AclRule: allow})
	}
	if !allowed.empty() {
		return allowed
	}
	msg := fmt.Sprintf("network ACL %s of %s: %s rule %s denies %s", c.acl.NetworkAclId, subnetID, dir, deny.RuleLabel(), describe(w.proto, sp, egress))
	return w.check(allowed, sp, Explanation{ExplanationCode: CodeACLRestriction, Component: comp, Direction: dir, AclRule: deny, Message: msg})
}

// leg crosses from subnet from to subnet to (either may be "" for outside
// the VPC): the source subnet's outbound ACL, the destination's inbound ACL;
// the reply crosses back. Traffic inside one subnet meets no ACL.
func (w *walk) leg(from, to string, sp space) space {
	if from == to {
		return sp
	}
	if from != "" {
		sp = w.acl(from, true, sp)
	}
	if to != "" {
		sp = w.acl(to, false, sp)
	}
	w.onReturn(func(r space) space {
		if to != "" {
			r = w.acl(to, true, r)
		}
		if from != "" {
			r = w.acl(from, false, r)
		}
		return r
	})
	return sp
}

func describe(proto int, sp space, egress bool) string {
	if sp.empty() {
		return "no traffic"
	}
	peer, pf := "from", fSrcAddr
	if egress {
		peer, pf = "to", fDstAddr
	}
	return fmt.Sprintf("%s %s %s port %s", protoName(proto), peer, sp.field(pf).AddrString(), sp.field(fDstPort).PortString())
}

// fromENI sends sp out of ENI s: its security groups, then its subnet's
// route table.
func (w *walk) fromENI(s *NetworkInterface, sp space, dst end, depth int) space {
	w.add(PathComponent{Component: eniComp(s)})
	sp = w.sg(s, true, sp)
	sub := w.a.n.Subnets[s.SubnetId]
	rt := w.a.subnetRT[s.SubnetId]
	if rt == nil {
		w.block(Explanation{ExplanationCode: CodeNoRoute, Component: Component{s.SubnetId, typeSubnet},
			Message: "subnet " + s.SubnetId + " has no route table (and its VPC no main route table) in the input"})
		return w.blockedArrive(s, sp, dst)
	}
	branches, _ := rt.lookup(sp)
	br := w.pick(branches, dst)
	if br == nil {
		w.block(Explanation{ExplanationCode: CodeNoRoute, Component: Component{rt.rt.RouteTableId, typeRT},
			RouteTableId: rt.rt.RouteTableId, Message: fmt.Sprintf("route table %s has no route for %s", rt.rt.RouteTableId, sp.field(fDstAddr).AddrString())})
		return w.blockedArrive(s, sp, dst)
	}
	sp = br.sp
	w.add(PathComponent{Component: Component{rt.rt.RouteTableId, typeRT}, RouteTableId: rt.rt.RouteTableId, Route: br.route})
	if br.route.State == "blackhole" {
		w.block(Explanation{ExplanationCode: CodeBadStateRoute, Component: Component{rt.rt.RouteTableId, typeRT},
			RouteTableId: rt.rt.RouteTableId, Route: br.route,
			Message: fmt.Sprintf("route %s -> %s in %s is a blackhole (its target is gone)", br.route.Destination(), br.route.TargetId, rt.rt.RouteTableId)})
		return w.blockedArrive(s, sp, dst)
	}
	_ = sub
	switch br.route.TargetType {
	case TargetLocal:
		return w.viaLocal(s, sp, dst)
	case TargetVpcPeeringConnection:
		return w.viaPeering(s, br.route, sp, dst)
	case TargetInternetGateway:
		return w.viaIGW(s, br.route, sp, dst)
	case TargetNatGateway:
		return w.viaNAT(s, br.route, sp, dst)
	case TargetNetworkInterface, TargetInstance:
		return w.viaMiddlebox(s, br.route, sp, dst, depth)
	case TargetGatewayEndpoint:
		return w.viaGatewayEndpoint(s, br.route, sp, dst)
	}
	w.block(Explanation{ExplanationCode: CodeUnsupported, Component: Component{br.route.TargetId, br.route.TargetType.String()},
		RouteTableId: rt.rt.RouteTableId, Route: br.route,
		Message: fmt.Sprintf("moat does not model %s targets yet (route %s -> %s)", br.route.TargetType, br.route.Destination(), br.route.TargetId)})
	return w.blockedArrive(s, sp, dst)
}

// pick chooses the branch to follow: the only one for a single destination
// address; for a set of addresses (the internet, a CIDR), the most specific
// route that leaves for the internet, else the most specific one.
func (w *walk) pick(branches []branch, dst end) *branch {
	if len(branches) == 0 {
		return nil
	}
	if (dst.igw == nil && !dst.cidr) || len(branches) == 1 {
		return &branches[0]
	}
	for i := range branches {
		switch branches[i].route.TargetType {
		case TargetInternetGateway, TargetNatGateway:
			return &branches[i]
		}
	}
	return &branches[0]
}

// blockedArrive continues a path whose routing failed to the destination's
// own checks, so that every blocker is reported ("blocked path" mode).
func (w *walk) blockedArrive(s *NetworkInterface, sp space, dst end) space {
	if dst.eni == nil {
		return sp
	}
	return w.arrive(s.SubnetId, dst.eni, sp, nil)
}

// arrive delivers sp from subnet from to ENI d: ACLs of the crossing, d's
// inbound rules; the reply's route at d's subnet must satisfy back.
func (w *walk) arrive(from string, d *NetworkInterface, sp space, back func(*Route) bool) space {
	sp = w.leg(from, d.SubnetId, sp)
	sp = w.sg(d, false, sp)
	w.add(PathComponent{Component: eniComp(d)})
	w.onReturn(func(r space) space {
		w.add(PathComponent{Component: eniComp(d), Note: "reply allowed by security group connection tracking"})
		if back == nil {
			return r
		}
		rt := w.a.subnetRT[d.SubnetId]
		branches, _ := rt.lookup(r)
		var ok space
		var used *Route
		for _, b := range branches {
			if back(b.route) {
				ok = append(ok, b.sp...)
				used = b.route
			}
		}
		if used != nil {
			w.add(PathComponent{Component: Component{rt.rt.RouteTableId, typeRT}, RouteTableId: rt.rt.RouteTableId, Route: used})
		}
		id := ""
		if rt != nil {
			id = rt.rt.RouteTableId
		}
		return w.check(ok, r, Explanation{ExplanationCode: CodeNoRoute, Component: Component{id, typeRT}, RouteTableId: id,
			Message: fmt.Sprintf("route table %s of %s has no route back to %s along the forward path", id, d.SubnetId, r.field(fDstAddr).AddrString())})
	})
	return sp
}

func isLocal(r *Route) bool { return r.TargetType == TargetLocal }

func (w *walk) target(vpc string, dst end) *NetworkInterface {
	if dst.eni != nil {
		if dst.eni.VpcId == vpc {
			return dst.eni
		}
		return nil
	}
	if dst.ip.IsValid() {
		return w.a.eniByIP[vpcAddr{vpc, dst.ip}]
	}
	return nil
}

func (w *walk) viaLocal(s *NetworkInterface, sp space, dst end) space {
	d := w.target(s.VpcId, dst)
	if d == nil {
		w.block(Explanation{ExplanationCode: CodeNoRoute, Component: Component{s.VpcId, typeVPC},
			Message: fmt.Sprintf("the local route of %s carries %s but no network interface of the VPC holds it", s.VpcId, sp.field(fDstAddr).AddrString())})
		return w.blockedArrive(s, sp, dst)
	}
	back := isLocal
	if w.middle {
		back = nil
	}
	return w.arrive(s.SubnetId, d, sp, back)
}

func (w *walk) viaPeering(s *NetworkInterface, r *Route, sp space, dst end) space {
	p := w.a.n.Peerings[r.TargetId]
	comp := Component{r.TargetId, typePCX}
	if p == nil || p.Status != "active" || p.Peer(s.VpcId) == "" {
		state := "missing"
		if p != nil {
			state = p.Status
		}
		w.block(Explanation{ExplanationCode: CodeBadState, Component: comp,
			Message: fmt.Sprintf("peering connection %s is %s (it must be active and include %s)", r.TargetId, state, s.VpcId)})
		return w.blockedArrive(s, sp, dst)
	}
	w.add(PathComponent{Component: comp})
	peer := p.Peer(s.VpcId)
	d := w.target(peer, dst)
	if d == nil {
		w.block(Explanation{ExplanationCode: CodeNoRoute, Component: comp,
			Message: fmt.Sprintf("%s leads to %s, where no network interface holds %s (peering is not transitive)", r.TargetId, peer, sp.field(fDstAddr).AddrString())})
		return w.blockedArrive(s, sp, dst)
	}
	pcx := r.TargetId
	back := func(rt *Route) bool { return rt.TargetType == TargetVpcPeeringConnection && rt.TargetId == pcx }
	sp = w.leg(s.SubnetId, "", sp)
	return w.arrive("", d, sp, back)
}

func (w *walk) igwFor(r *Route, vpc string) (*InternetGateway, bool) {
	g := w.a.n.InternetGateways[r.TargetId]
	if g == nil || g.VpcId != vpc {
		w.block(Explanation{ExplanationCode: CodeBadStateAttachment, Component: Component{r.TargetId, typeIGW},
			Message: fmt.Sprintf("internet gateway %s is not attached to %s", r.TargetId, vpc)})
		return g, false
	}
	w.add(PathComponent{Component: Component{g.InternetGatewayId, typeIGW}})
	return g, true
}

func (w *walk) viaIGW(s *NetworkInterface, r *Route, sp space, dst end) space {
	if dst.eni != nil || (dst.ip.IsValid() && !w.a.internet.Contains(addrU32(dst.ip))) {
		w.block(Explanation{ExplanationCode: CodeNoRoute, Component: Component{r.TargetId, typeIGW},
			Message: fmt.Sprintf("the route to %s leads to internet gateway %s, not to the destination", sp.field(fDstAddr).AddrString(), r.TargetId)})
		return w.blockedArrive(s, sp, dst)
	}
	if dst.cidr {
		pub := sp.with(fDstAddr, w.a.internet)
		if pub.empty() {
			w.block(Explanation{ExplanationCode: CodeNoRoute, Component: Component{r.TargetId, typeIGW},
				Message: fmt.Sprintf("%s holds no public address: internet gateway %s cannot deliver to it", sp.field(fDstAddr).AddrString(), r.TargetId)})
			return sp
		}
		sp = pub
	}
	sp = w.leg(s.SubnetId, "", sp)
	g, attached := w.igwFor(r, s.VpcId)
	if dst.igw != nil && g != nil && dst.igw != g {
		w.block(Explanation{ExplanationCode: CodeNoRoute, Component: Component{dst.igw.InternetGatewayId, typeIGW},
			Message: fmt.Sprintf("traffic leaves through %s, not through %s", r.TargetId, dst.igw.InternetGatewayId)})
	}
	if !s.PublicIp.IsValid() {
		w.block(Explanation{ExplanationCode: CodeNoPublicIP, Component: eniComp(s),
			Message: fmt.Sprintf("%s has no public IPv4 address, so the internet gateway cannot translate its traffic (use a NAT gateway)", s.NetworkInterfaceId)})
		return sp
	}
	pub, priv := Single(addrU32(s.PublicIp)), sp.field(fSrcAddr)
	w.onReturn(func(r space) space {
		w.add(PathComponent{Component: Component{r0(g), typeIGW}, Note: "translates " + s.PublicIp.String() + " back to " + priv.AddrString()})
		return r.replace(fDstAddr, priv)
	})
	if attached {
		w.res.ForwardPath[len(w.res.ForwardPath)-1].Note = "translates " + priv.AddrString() + " to " + s.PublicIp.String()
	}
	return sp.replace(fSrcAddr, pub)
}

func r0(g *InternetGateway) string {
	if g == nil {
		return ""
	}
	return g.InternetGatewayId
}

// natPorts are the source ports a NAT gateway uses.
var natPorts = Range(1024, 65535)

func (w *walk) viaNAT(s *NetworkInterface, r *Route, sp space, dst end) space {
	n := w.a.n.NATGateways[r.TargetId]
	comp := Component{r.TargetId, typeNAT}
	if n == nil || (n.State != "" && n.State != "available") {
		w.block(Explanation{ExplanationCode: CodeBadState, Component: comp, Message: "NAT gateway " + r.TargetId + " is missing or not available"})
		return sp
	}
	sp = w.leg(s.SubnetId, n.SubnetId, sp)
	pre := sp
	w.add(PathComponent{Component: comp, Note: "translates " + pre.field(fSrcAddr).AddrString() + " to " + n.PrivateIp.String() + " (ports 1024-65535)"})
	sp = sp.replace(fSrcAddr, Single(addrU32(n.PrivateIp))).replace(fSrcPort, natPorts)
	w.onReturn(func(r space) space {
		w.add(PathComponent{Component: comp, Note: "translates the reply back to " + pre.field(fSrcAddr).AddrString()})
		return pre.reversed().with(fSrcAddr, r.field(fSrcAddr))
	})
	if n.ConnectivityType == "private" {
		w.block(Explanation{ExplanationCode: CodeUnsupported, Component: comp, Message: "moat does not model private NAT gateways yet"})
		return sp
	}
	rt := w.a.subnetRT[n.SubnetId]
	branches, _ := rt.lookup(sp)
	var out *branch
	for i := range branches {
		if branches[i].route.TargetType == TargetInternetGateway {
			out = &branches[i]
			break
		}
	}
	if out == nil {
		id := ""
		if rt != nil {
			id = rt.rt.RouteTableId
		}
		w.block(Explanation{ExplanationCode: CodeNoRoute, Component: Component{id, typeRT}, RouteTableId: id,
			Message: fmt.Sprintf("the NAT gateway's subnet %s has no route to an internet gateway for %s", n.SubnetId, sp.field(fDstAddr).AddrString())})
		return sp
	}
	w.add(PathComponent{Component: Component{rt.rt.RouteTableId, typeRT}, RouteTableId: rt.rt.RouteTableId, Route: out.route})
	pub := out.sp.with(fDstAddr, w.a.internet)
	if pub.empty() {
		w.block(Explanation{ExplanationCode: CodeNoRoute, Component: Component{out.route.TargetId, typeIGW},
			Message: fmt.Sprintf("%s holds no public address: internet gateway %s cannot deliver to it", out.sp.field(fDstAddr).AddrString(), out.route.TargetId)})
		return sp
	}
	sp = w.leg(n.SubnetId, "", pub)
	w.igwFor(out.route, n.VpcId)
	if !n.PublicIp.IsValid() {
		w.block(Explanation{ExplanationCode: CodeNoPublicIP, Component: comp, Message: "public NAT gateway " + n.NatGatewayId + " has no Elastic IP address"})
		return sp
	}
	return sp.replace(fSrcAddr, Single(addrU32(n.PublicIp)))
}

func (w *walk) viaMiddlebox(s *NetworkInterface, r *Route, sp space, dst end, depth int) space {
	m := w.a.n.Interfaces[r.TargetId]
	if r.TargetType == TargetInstance {
		if inst := w.a.n.Instances[r.TargetId]; inst != nil && len(inst.NetworkInterfaceIds) > 0 {
			m = w.a.n.Interfaces[inst.NetworkInterfaceIds[0]]
		}
	}
	if m == nil || depth >= maxMiddleboxes {
		w.block(Explanation{ExplanationCode: CodeBadState, Component: Component{r.TargetId, typeENI},
			Message: fmt.Sprintf("route target %s is missing or the path passes more than %d appliances", r.TargetId, maxMiddleboxes)})
		return w.blockedArrive(s, sp, dst)
	}
	w.middle = true
	sp = w.leg(s.SubnetId, m.SubnetId, sp)
	sp = w.sg(m, false, sp)
	if m.SourceDestCheck {
		w.block(Explanation{ExplanationCode: CodeSourceDestCheck, Component: eniComp(m),
			Message: fmt.Sprintf("%s forwards traffic for others but its source/destination check is enabled", m.NetworkInterfaceId)})
	}
	// The appliance forwards the packet unchanged (no NAT).
	return w.fromENI(m, sp, dst, depth+1)
}

func (w *walk) viaGatewayEndpoint(s *NetworkInterface, r *Route, sp space, dst end) space {
	e := w.a.n.Endpoints[r.TargetId]
	comp := Component{r.TargetId, typeVPCE}
	if e == nil {
		w.block(Explanation{ExplanationCode: CodeBadState, Component: comp, Message: "gateway endpoint " + r.TargetId + " is missing"})
		return sp
	}
	if dst.eni != nil {
		w.block(Explanation{ExplanationCode: CodeNoRoute, Component: comp,
			Message: "the route leads to gateway endpoint " + r.TargetId + ", not to " + dst.eni.NetworkInterfaceId})
		return w.blockedArrive(s, sp, dst)
	}
	sp = w.leg(s.SubnetId, "", sp)
	note := "service " + e.ServiceName + "; requests must also pass the endpoint policy"
	if e.PolicyDocument == "" {
		note = "service " + e.ServiceName + "; default endpoint policy (full access)"
	}
	w.add(PathComponent{Component: comp, Note: note})
	return sp
}

// fromInternet delivers traffic arriving at internet gateway g to ENI d.
func (w *walk) fromInternet(g *InternetGateway, d *NetworkInterface, b box) space {
	comp := Component{g.InternetGatewayId, typeIGW}
	w.add(PathComponent{Component: comp})
	if g.VpcId != d.VpcId {
		w.block(Explanation{ExplanationCode: CodeBadStateAttachment, Component: comp,
			Message: fmt.Sprintf("internet gateway %s is not attached to %s, the VPC of %s", g.InternetGatewayId, d.VpcId, d.NetworkInterfaceId)})
	}
	if !d.PublicIp.IsValid() {
		w.block(Explanation{ExplanationCode: CodeIGWPrivateIP, Component: eniComp(d),
			Message: fmt.Sprintf("%s has no public IPv4 address: the internet gateway cannot deliver traffic to a private address", d.NetworkInterfaceId)})
	} else {
		w.res.ForwardPath[len(w.res.ForwardPath)-1].Note = "translates " + d.PublicIp.String() + " to " + d.PrimaryIP().String()
	}
	b[fDstAddr] = Single(addrU32(d.PrimaryIP()))
	sp := space{b}
	if rt := w.a.edgeRT[g.InternetGatewayId]; rt != nil {
		if out, ok := w.edge(rt, sp, d); ok {
			return out
		}
	}
	igw := g.InternetGatewayId
	return w.arrive("", d, sp, func(r *Route) bool { return r.TargetType == TargetInternetGateway && r.TargetId == igw })
}

// edge follows an internet gateway's edge route table (ingress routing).
// It returns ok=false when the table's route is local (the normal path).
func (w *walk) edge(rt *crt, sp space, d *NetworkInterface) (space, bool) {
	comp := Component{rt.rt.RouteTableId, typeRT}
	branches, _ := rt.lookup(sp)
	if len(branches) == 0 {
		w.block(Explanation{ExplanationCode: CodeNoRoute, Component: comp, RouteTableId: rt.rt.RouteTableId,
			Message: "gateway route table " + rt.rt.RouteTableId + " has no route for " + d.PrimaryIP().String()})
		return sp, false
	}
	r := branches[0].route
	w.add(PathComponent{Component: comp, RouteTableId: rt.rt.RouteTableId, Route: r})
	switch r.TargetType {
	case TargetLocal:
		return nil, false
	case TargetNetworkInterface, TargetInstance:
	default:
		w.block(Explanation{ExplanationCode: CodeUnsupported, Component: comp, RouteTableId: rt.rt.RouteTableId, Route: r,
			Message: "moat does not follow gateway route table targets of type " + r.TargetType.String() + " yet"})
		return sp, false
	}
	m := w.a.n.Interfaces[r.TargetId]
	if r.TargetType == TargetInstance {
		if inst := w.a.n.Instances[r.TargetId]; inst != nil && len(inst.NetworkInterfaceIds) > 0 {
			m = w.a.n.Interfaces[inst.NetworkInterfaceIds[0]]
		}
	}
	if m == nil {
		w.block(Explanation{ExplanationCode: CodeBadState, Component: Component{r.TargetId, typeENI},
			Message: "gateway route target " + r.TargetId + " is missing"})
		return sp, false
	}
	w.middle = true
	sp = w.leg("", m.SubnetId, branches[0].sp)
	sp = w.sg(m, false, sp)
	if m.SourceDestCheck {
		w.block(Explanation{ExplanationCode: CodeSourceDestCheck, Component: eniComp(m),
			Message: fmt.Sprintf("%s inspects traffic for others but its source/destination check is enabled", m.NetworkInterfaceId)})
	}
	return w.fromENI(m, sp, end{eni: d, ip: d.PrimaryIP(), addr: Single(addrU32(d.PrimaryIP()))}, 1), true
}
