package vpc

import (
	"net/netip"

	"github.com/moatdev/moat/policy"
)

// Protocol numbers (IANA) that change how ports are read.
const (
	ProtoAll    = -1
	ProtoICMP   = 1
	ProtoTCP    = 6
	ProtoUDP    = 17
	ProtoICMPv6 = 58
)

// Network is one Region's VPC configuration: every resource by ID. Build it
// with the Create*/Authorize*/... methods (which validate as EC2 does and
// return *Error with EC2's error codes) or load it with LoadDir from
// "aws ec2 describe-*" output. A Network is not safe for concurrent
// mutation; Compile takes an immutable snapshot for analysis.
type Network struct {
	VPCs             map[string]*VPC
	Subnets          map[string]*Subnet
	RouteTables      map[string]*RouteTable
	InternetGateways map[string]*InternetGateway
	NATGateways      map[string]*NATGateway
	Peerings         map[string]*PeeringConnection
	PrefixLists      map[string]*PrefixList
	SecurityGroups   map[string]*SecurityGroup
	NetworkACLs      map[string]*NetworkACL
	Interfaces       map[string]*NetworkInterface
	Instances        map[string]*Instance
	Endpoints        map[string]*VPCEndpoint
	Addresses        map[string]*Address // Elastic IPs by allocation ID

	// OwnerID is the account used for resources created without one.
	OwnerID string
	// NewID returns a fresh ID with the given prefix ("vpc", "subnet", ...).
	// nil: deterministic IDs (prefix-0000000000000001, ...).
	NewID func(prefix string) string
	seq   uint64
}

// NewNetwork returns an empty network owned by account.
func NewNetwork(account string) *Network {
	return &Network{
		VPCs: map[string]*VPC{}, Subnets: map[string]*Subnet{}, RouteTables: map[string]*RouteTable{},
		InternetGateways: map[string]*InternetGateway{}, NATGateways: map[string]*NATGateway{},
		Peerings: map[string]*PeeringConnection{}, PrefixLists: map[string]*PrefixList{},
		SecurityGroups: map[string]*SecurityGroup{}, NetworkACLs: map[string]*NetworkACL{},
		Interfaces: map[string]*NetworkInterface{}, Instances: map[string]*Instance{},
		Endpoints: map[string]*VPCEndpoint{}, Addresses: map[string]*Address{}, OwnerID: account,
	}
}

// VPC is a virtual private cloud.
type VPC struct {
	VpcId          string
	OwnerId        string
	CidrBlocks     []netip.Prefix // primary first, then secondary blocks
	Ipv6CidrBlocks []netip.Prefix
	IsDefault      bool
	// Set by CreateVpc; empty for loaded VPCs unless the files name them.
	MainRouteTableId, DefaultNetworkAclId, DefaultSecurityGroupId string
}

// Subnet is a range of a VPC's addresses in one Availability Zone.
type Subnet struct {
	SubnetId            string
	VpcId               string
	OwnerId             string
	AvailabilityZone    string
	CidrBlock           netip.Prefix
	Ipv6CidrBlock       netip.Prefix
	MapPublicIpOnLaunch bool
}

// TargetType is the kind of a route's target.
type TargetType uint8

// Route targets as EC2 names them in a Route (GatewayId covers local, igw-,
// vgw- and gateway vpce-).
const (
	TargetLocal TargetType = iota + 1
	TargetInternetGateway
	TargetEgressOnlyInternetGateway
	TargetNatGateway
	TargetVpcPeeringConnection
	TargetNetworkInterface
	TargetInstance
	TargetGatewayEndpoint // gateway VPC endpoint (S3, DynamoDB), via a prefix-list route
	TargetGatewayLoadBalancerEndpoint
	TargetTransitGateway
	TargetVirtualPrivateGateway
	TargetLocalGateway
	TargetCarrierGateway
	TargetCoreNetwork
)

var targetNames = [...]string{"", "local", "internet-gateway", "egress-only-internet-gateway", "nat-gateway",
	"vpc-peering-connection", "network-interface", "instance", "gateway-endpoint",
	"gateway-load-balancer-endpoint", "transit-gateway", "virtual-private-gateway", "local-gateway",
	"carrier-gateway", "core-network"}

func (t TargetType) String() string {
	if int(t) < len(targetNames) {
		return targetNames[t]
	}
	return "unknown"
}

// Route is one entry of a route table. Exactly one of DestinationCidrBlock,
// DestinationIpv6CidrBlock and DestinationPrefixListId is set.
type Route struct {
	DestinationCidrBlock     netip.Prefix
	DestinationIpv6CidrBlock netip.Prefix
	DestinationPrefixListId  string
	TargetType               TargetType
	TargetId                 string // "local", igw-…, nat-…, pcx-…, eni-…, i-…, vpce-…, tgw-…
	State                    string // "active" or "blackhole"
	Origin                   string // CreateRouteTable, CreateRoute, EnableVgwRoutePropagation
}

// Destination returns the route's destination as text.
func (r *Route) Destination() string {
	switch {
	case r.DestinationPrefixListId != "":
		return r.DestinationPrefixListId
	case r.DestinationIpv6CidrBlock.IsValid():
		return r.DestinationIpv6CidrBlock.String()
	}
	return r.DestinationCidrBlock.String()
}

// RouteTable is a route table with its subnet and edge associations.
type RouteTable struct {
	RouteTableId string
	VpcId        string
	OwnerId      string
	Main         bool
	SubnetIds    []string // explicit subnet associations
	GatewayIds   []string // edge associations (igw-, vgw-)
	Routes       []Route
}

// InternetGateway is attached to at most one VPC.
type InternetGateway struct {
	InternetGatewayId string
	OwnerId           string
	VpcId             string // "" when detached
}

// NATGateway is a NAT gateway in a subnet.
type NATGateway struct {
	NatGatewayId     string
	VpcId            string
	SubnetId         string
	ConnectivityType string // "public" (default) or "private"
	State            string // "available" unless stated
	PrivateIp        netip.Addr
	PublicIp         netip.Addr // the Elastic IP of a public NAT gateway
	AllocationId     string
}

// PeeringConnection links two VPCs (possibly of two accounts).
type PeeringConnection struct {
	VpcPeeringConnectionId string
	RequesterVpcId         string
	RequesterOwnerId       string
	AccepterVpcId          string
	AccepterOwnerId        string
	Status                 string // "pending-acceptance", "active", "rejected", "deleted", ...
}

// Peer returns the VPC at the other end from vpcID, or "".
func (p *PeeringConnection) Peer(vpcID string) string {
	switch vpcID {
	case p.RequesterVpcId:
		return p.AccepterVpcId
	case p.AccepterVpcId:
		return p.RequesterVpcId
	}
	return ""
}

// PrefixList is a managed prefix list (customer- or AWS-managed).
type PrefixList struct {
	PrefixListId   string
	PrefixListName string
	AddressFamily  string // "IPv4" or "IPv6"
	MaxEntries     int
	Version        int
	OwnerId        string // "AWS" for AWS-managed lists
	Entries        []PrefixListEntry
}

// PrefixListEntry is one CIDR of a prefix list.
type PrefixListEntry struct {
	Cidr        netip.Prefix
	Description string
}

// SecurityGroup is an allow-only, stateful set of rules.
type SecurityGroup struct {
	GroupId     string
	GroupName   string
	Description string
	VpcId       string
	OwnerId     string
	Ingress     []SecurityGroupRule
	Egress      []SecurityGroupRule
}

// SecurityGroupRule is one rule as DescribeSecurityGroupRules shows it: one
// protocol/port range and exactly one peer (CIDR, prefix list or group).
type SecurityGroupRule struct {
	SecurityGroupRuleId string
	IsEgress            bool
	IpProtocol          int // -1 for all, else the IANA number
	// FromPort/ToPort: TCP/UDP port range; ICMP type and code (-1 = all);
	// -1/-1 for other protocols.
	FromPort, ToPort int
	CidrIpv4         netip.Prefix
	CidrIpv6         netip.Prefix
	PrefixListId     string
	ReferencedGroup  *ReferencedGroup
	Description      string
}

// ReferencedGroup is the peer of a rule that names another security group.
type ReferencedGroup struct {
	GroupId                string
	UserId                 string
	VpcId                  string
	VpcPeeringConnectionId string
	PeeringStatus          string
}

// Peer returns the rule's peer as text (CIDR, pl-…, sg-…).
func (r *SecurityGroupRule) Peer() string {
	switch {
	case r.ReferencedGroup != nil:
		return r.ReferencedGroup.GroupId
	case r.PrefixListId != "":
		return r.PrefixListId
	case r.CidrIpv6.IsValid():
		return r.CidrIpv6.String()
	}
	return r.CidrIpv4.String()
}

// NetworkACL is a stateless, numbered allow/deny list applied at subnet edges.
type NetworkACL struct {
	NetworkAclId string
	VpcId        string
	OwnerId      string
	IsDefault    bool
	SubnetIds    []string
	Entries      []ACLEntry
}

// ACLEntry is one numbered rule. Rule numbers 32767 (IPv4) and 32768 (IPv6)
// are the unmodifiable default deny ("*").
type ACLEntry struct {
	RuleNumber    int
	Egress        bool
	Protocol      int // -1 for all
	RuleAction    string
	CidrBlock     netip.Prefix
	Ipv6CidrBlock netip.Prefix
	// PortRange (TCP/UDP); -1/-1 or 0/0 when absent.
	FromPort, ToPort int
	// IcmpTypeCode (ICMP/ICMPv6); -1 = all.
	IcmpType, IcmpCode int
}

// Allow reports whether the entry allows.
func (e *ACLEntry) Allow() bool { return e.RuleAction == "allow" }

// RuleLabel is the rule number as the console shows it ("*" for the default).
func (e *ACLEntry) RuleLabel() string {
	if e.RuleNumber >= 32767 {
		return "*"
	}
	return itoa(e.RuleNumber)
}

// NetworkInterface is an ENI. Instances, NAT gateways, interface endpoints and
// load balancers all reach the network through one.
type NetworkInterface struct {
	NetworkInterfaceId string
	SubnetId           string
	VpcId              string
	OwnerId            string
	InterfaceType      string // "interface", "nat_gateway", "vpc_endpoint", ...
	Status             string // "in-use", "available"
	PrivateIpAddresses []netip.Addr
	PublicIp           netip.Addr // public IPv4 or Elastic IP of the primary private IP
	Ipv6Addresses      []netip.Addr
	Groups             []string
	SourceDestCheck    bool
	InstanceId         string
	Description        string
}

// PrimaryIP returns the primary private IPv4 address.
func (e *NetworkInterface) PrimaryIP() netip.Addr {
	if len(e.PrivateIpAddresses) == 0 {
		return netip.Addr{}
	}
	return e.PrivateIpAddresses[0]
}

// Instance is an EC2 instance as far as networking needs it.
type Instance struct {
	InstanceId          string
	State               string // "running", "stopped", ...
	NetworkInterfaceIds []string
	IamInstanceProfile  string
	// MetadataOptions, kept for the instance-metadata work.
	HttpTokens              string // "required" or "optional"
	HttpPutResponseHopLimit int
	ImageId                 string
}

// VPCEndpoint is a gateway, interface or Gateway Load Balancer endpoint.
type VPCEndpoint struct {
	VpcEndpointId       string
	VpcEndpointType     string // "Gateway", "Interface", "GatewayLoadBalancer"
	VpcId               string
	OwnerId             string
	ServiceName         string // com.amazonaws.us-east-1.s3
	State               string
	RouteTableIds       []string
	SubnetIds           []string
	Groups              []string
	NetworkInterfaceIds []string
	PrivateDnsEnabled   bool
	PolicyDocument      string
	// Policy is PolicyDocument compiled as an endpoint policy (nil: the
	// default full-access policy).
	Policy *policy.Compiled
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	neg := i < 0
	if neg {
		i = -i
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	if neg {
		n--
		b[n] = '-'
	}
	return string(b[n:])
}
