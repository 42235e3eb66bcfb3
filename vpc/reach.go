package vpc

import (
	"net/netip"
	"strings"
)

// PortRange is an inclusive port range; the zero value means all ports.
type PortRange struct{ From, To int }

func (p PortRange) set() Set {
	if p.From == 0 && p.To == 0 {
		return allPorts
	}
	return Range(uint32(p.From), uint32(p.To))
}

var ephemeral = Range(1024, 65535)

// PathQuery is a Reachability Analyzer path (CreateNetworkInsightsPath):
// Source and Destination are resource IDs (eni-…, i-…, igw-…); Destination
// may be empty when DestinationIp is set.
type PathQuery struct {
	Source        string
	Destination   string
	SourceIp      netip.Addr
	DestinationIp netip.Addr
	// DestinationCidr, instead of Destination/DestinationIp, asks about a
	// range of addresses outside the VPCs (an internet range, a service's
	// range): the path is found if some address of it is reached.
	DestinationCidr netip.Prefix
	Protocol        string // "tcp" or "udp" (AWS accepts only these for paths)
	// DestinationPorts filters the packet header (zero: all ports).
	DestinationPorts PortRange
	// SourcePorts is the client's port range; zero means the ephemeral
	// range 1024-65535 that AWS's network ACL guidance assumes (a moat
	// choice: AWS does not document the default of its analyzer).
	SourcePorts PortRange
}

// Component names a resource on a path.
type Component struct {
	Id   string
	Type string // AWS::EC2::NetworkInterface, AWS::EC2::SecurityGroup, ...
}

// PathComponent is one hop of the forward or return path, with the rule
// that admitted the traffic.
type PathComponent struct {
	SequenceNumber    int
	Component         Component
	Direction         string // "egress" or "ingress" for security groups and ACLs
	RouteTableId      string
	Route             *Route
	AclRule           *ACLEntry
	SecurityGroupRule *SecurityGroupRule
	SecurityGroupId   string
	Note              string // address translation, connection tracking, ...
}

// Explanation says why (part of) a path is blocked, with AWS's explanation
// code (see Codes).
type Explanation struct {
	ExplanationCode string
	Component       Component
	Path            string // "forward" or "return"
	Direction       string
	SecurityGroups  []string
	AclRule         *ACLEntry
	RouteTableId    string
	Route           *Route
	Message         string
}

// Packet is one concrete packet header of an admitted path.
type Packet struct {
	Protocol                    string
	SourceIp, DestinationIp     netip.Addr
	SourcePort, DestinationPort int
}

// Analysis is the answer to a PathQuery. NetworkPathFound is true when some
// packet of the query's header space gets to the destination and its reply
// gets back. Unlike AWS, which reports the first blocking component, every
// blocker on the path is listed (the walk continues past each one as if it
// had allowed the traffic), so one analysis names every rule to change.
type Analysis struct {
	NetworkPathFound bool
	ForwardPath      []PathComponent
	ReturnPath       []PathComponent
	Explanations     []Explanation
	// Example is a packet that makes it (when found).
	Example *Packet
	// DestinationPorts are the destination ports that make it.
	DestinationPorts Set
	sources          Set // source addresses that make it
}

// Reach answers q. Errors are EC2 errors for missing resources or bad
// parameters; an unreachable path is not an error.
func (a *Analyzer) Reach(q PathQuery) (*Analysis, error) {
	proto, err := parsePathProtocol(q.Protocol)
	if err != nil {
		return nil, err
	}
	if err := checkRange("DestinationPortRange", q.DestinationPorts); err != nil {
		return nil, err
	}
	if err := checkRange("SourcePortRange", q.SourcePorts); err != nil {
		return nil, err
	}
	w := &walk{a: a, proto: proto, res: &Analysis{}}
	src, err := a.endpoint(q.Source, q.SourceIp, "Source")
	if err != nil {
		return nil, err
	}
	dst, err := a.destination(q)
	if err != nil {
		return nil, err
	}
	var b box
	b[fSrcPort], b[fDstPort] = ephemeral, q.DestinationPorts.set()
	if q.SourcePorts != (PortRange{}) {
		b[fSrcPort] = q.SourcePorts.set()
	}
	w.run(src, dst, b)
	return w.res, nil
}

func checkRange(name string, p PortRange) error {
	if p.From < 0 || p.To > 65535 || p.From > p.To {
		return errf("InvalidParameterValue", "%s %d-%d is not a valid port range (0-65535, From <= To)", name, p.From, p.To)
	}
	return nil
}

func parsePathProtocol(p string) (int, error) {
	switch strings.ToLower(p) {
	case "tcp", "6":
		return ProtoTCP, nil
	case "udp", "17":
		return ProtoUDP, nil
	}
	return 0, errf("InvalidParameterValue", "Value (%s) for parameter Protocol is invalid. Valid values: tcp, udp", p)
}

// end is a resolved source or destination.
type end struct {
	eni  *NetworkInterface
	ip   netip.Addr
	igw  *InternetGateway // the internet through this gateway
	addr Set              // destination addresses when not an ENI
	vpce *VPCEndpoint
	cidr bool      // a range of addresses (DestinationCidr)
	inst *Instance // when named by instance ID
}

func (a *Analyzer) endpoint(id string, ip netip.Addr, param string) (end, error) {
	switch {
	case strings.HasPrefix(id, "eni-"):
		e := a.n.Interfaces[id]
		if e == nil {
			return end{}, notFound("eni", id)
		}
		return a.eniEnd(e, ip, param)
	case strings.HasPrefix(id, "i-"):
		inst := a.n.Instances[id]
		if inst == nil {
			return end{}, notFound("i", id)
		}
		if len(inst.NetworkInterfaceIds) == 0 {
			return end{}, errf("InvalidParameterValue", "instance %s has no network interface (state %s)", id, inst.State)
		}
		e := a.n.Interfaces[inst.NetworkInterfaceIds[0]]
		if e == nil {
			return end{}, notFound("eni", inst.NetworkInterfaceIds[0])
		}
		x, err := a.eniEnd(e, ip, param)
		x.inst = inst
		return x, err
	case strings.HasPrefix(id, "igw-"):
		g := a.n.InternetGateways[id]
		if g == nil {
			return end{}, notFound("igw", id)
		}
		s := a.internet
		if ip.IsValid() {
			if !ip.Is4() || !a.internet.Contains(addrU32(ip)) {
				return end{}, errf("InvalidParameterValue", "%sIp %s is not a public IPv4 address", param, ip)
			}
			s = Single(addrU32(ip))
		}
		return end{igw: g, addr: s}, nil
	case id == "":
		return end{}, errf("MissingParameter", "The request must contain the parameter %s", param)
	}
	return end{}, errf("InvalidParameterValue", "%s %q is not a network interface (eni-), instance (i-) or internet gateway (igw-) ID", param, id)
}

func (a *Analyzer) eniEnd(e *NetworkInterface, ip netip.Addr, param string) (end, error) {
	if !ip.IsValid() {
		ip = e.PrimaryIP()
		if !ip.IsValid() {
			return end{}, errf("InvalidParameterValue", "network interface %s has no private IPv4 address", e.NetworkInterfaceId)
		}
		return end{eni: e, ip: ip, addr: Single(addrU32(ip))}, nil
	}
	for _, p := range e.PrivateIpAddresses {
		if p == ip {
			return end{eni: e, ip: ip, addr: Single(addrU32(ip))}, nil
		}
	}
	return end{}, errf("InvalidParameterValue", "%sIp %s is not an address of %s", param, ip, e.NetworkInterfaceId)
}

func (a *Analyzer) destination(q PathQuery) (end, error) {
	if q.Destination != "" {
		return a.endpoint(q.Destination, q.DestinationIp, "Destination")
	}
	if q.DestinationCidr.IsValid() {
		if !q.DestinationCidr.Addr().Is4() {
			return end{}, errf("InvalidParameterValue", "DestinationCidr %s: moat analyzes IPv4 paths only", q.DestinationCidr)
		}
		return end{addr: PrefixSet(q.DestinationCidr), cidr: true}, nil
	}
	if !q.DestinationIp.IsValid() || !q.DestinationIp.Is4() {
		return end{}, errf("MissingParameter", "The request must contain the parameter Destination or an IPv4 DestinationIp")
	}
	ip := q.DestinationIp
	if e := a.eniByPub[ip]; e != nil {
		return end{eni: e, ip: e.PrimaryIP(), addr: Single(addrU32(e.PrimaryIP()))}, nil
	}
	// An address: private ones resolve to the ENI that holds them in a VPC
	// reachable from the source (resolved during the walk).
	return end{ip: ip, addr: Single(addrU32(ip))}, nil
}

const (
	typeENI     = "AWS::EC2::NetworkInterface"
	typeSG      = "AWS::EC2::SecurityGroup"
	typeACL     = "AWS::EC2::NetworkAcl"
	typeRT      = "AWS::EC2::RouteTable"
	typeIGW     = "AWS::EC2::InternetGateway"
	typeNAT     = "AWS::EC2::NatGateway"
	typePCX     = "AWS::EC2::VPCPeeringConnection"
	typeVPCE    = "AWS::EC2::VPCEndpoint"
	typeSubnet  = "AWS::EC2::Subnet"
	typeVPC     = "AWS::EC2::VPC"
	typeAddress = "Address"
)
