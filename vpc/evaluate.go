package vpc

import (
	"net/netip"
)

// Flow is one packet (the first of a connection) for Evaluate.
type Flow struct {
	// Protocol is the IANA number: 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...
	Protocol int
	SrcAddr  netip.Addr
	DstAddr  netip.Addr
	// SrcPort and DstPort for TCP and UDP; for ICMP DstPort is the type and
	// SrcPort the code. Ignored for other protocols.
	SrcPort, DstPort int
	// Source and Destination optionally name the resources (eni-, i-, igw-)
	// when an address alone is ambiguous (overlapping VPCs).
	Source, Destination string
}

// Evaluate decides one packet hop by hop, as Reach does for a path, with
// every field fixed: the sender's security group egress, route lookup,
// network ACLs out and in, translation at internet and NAT gateways, the
// receiver's security group ingress, and the reply (allowed by connection
// tracking at the security groups, checked again at every network ACL).
// Addresses are resolved to interfaces by private IPv4 address (first match)
// or public IPv4 address; an address no interface holds is the internet.
func (a *Analyzer) Evaluate(f Flow) (*Analysis, error) {
	if f.Protocol < 0 || f.Protocol > 255 {
		return nil, errf("InvalidParameterValue", "protocol %d is not 0-255", f.Protocol)
	}
	if f.SrcPort < 0 || f.SrcPort > 65535 || f.DstPort < 0 || f.DstPort > 65535 {
		return nil, errf("InvalidParameterValue", "ports %d/%d are not 0-65535", f.SrcPort, f.DstPort)
	}
	if !f.SrcAddr.Is4() || !f.DstAddr.Is4() {
		return nil, errf("InvalidParameterValue", "moat evaluates IPv4 packets only (%s -> %s)", f.SrcAddr, f.DstAddr)
	}
	dst, err := a.flowEnd(f.Destination, f.DstAddr, "Destination")
	if err != nil {
		return nil, err
	}
	src, err := a.flowEnd(f.Source, f.SrcAddr, "Source")
	if err != nil {
		return nil, err
	}
	if src.eni == nil {
		if dst.eni == nil {
			return nil, errf("InvalidParameterValue", "neither %s nor %s belongs to a network interface", f.SrcAddr, f.DstAddr)
		}
		g := a.igwOf(dst.eni.VpcId)
		if g == nil {
			return nil, errf("InvalidParameterValue", "%s is outside the network and %s has no internet gateway", f.SrcAddr, dst.eni.VpcId)
		}
		src = end{igw: g, addr: Single(addrU32(f.SrcAddr))}
		if dst.ip != dst.eni.PrimaryIP() {
			dst.ip = dst.eni.PrimaryIP()
		}
	}
	w := &walk{a: a, proto: f.Protocol, res: &Analysis{}}
	var b box
	b[fSrcPort], b[fDstPort] = Single(uint32(f.SrcPort)), Single(uint32(f.DstPort))
	if f.Protocol != ProtoTCP && f.Protocol != ProtoUDP && f.Protocol != ProtoICMP && f.Protocol != ProtoICMPv6 {
		b[fSrcPort], b[fDstPort] = allPorts, allPorts
	}
	w.run(src, dst, b)
	return w.res, nil
}

func (a *Analyzer) igwOf(vpc string) *InternetGateway {
	for _, g := range a.n.InternetGateways {
		if g.VpcId == vpc {
			return g
		}
	}
	return nil
}

func (a *Analyzer) flowEnd(id string, ip netip.Addr, param string) (end, error) {
	if id != "" {
		return a.endpoint(id, ip, param)
	}
	if e := a.eniByAddr[ip]; e != nil {
		return end{eni: e, ip: ip, addr: Single(addrU32(ip))}, nil
	}
	if e := a.eniByPub[ip]; e != nil {
		return end{eni: e, ip: e.PrimaryIP(), addr: Single(addrU32(e.PrimaryIP()))}, nil
	}
	return end{ip: ip, addr: Single(addrU32(ip))}, nil
}

// icmpReply maps an ICMP query type to its reply type (echo, timestamp,
// information, address mask); other types have no reply.
func icmpReply(t uint32) (uint32, bool) {
	switch t {
	case 8:
		return 0, true
	case 13, 15, 17:
		return t + 1, true
	}
	return 0, false
}

// icmpReplies turns reversed ICMP queries into their replies (type in
// DstPort, code 0 in SrcPort). ok is false when the type has no reply.
func icmpReplies(r space) (space, bool) {
	out := make(space, 0, len(r))
	for _, b := range r {
		t, single := b[fSrcPort].single()
		if !single {
			return nil, false
		}
		reply, ok := icmpReply(t)
		if !ok {
			return nil, false
		}
		b[fDstPort], b[fSrcPort] = Single(reply), Single(0)
		out = append(out, b)
	}
	return out, true
}
