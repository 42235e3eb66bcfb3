package vpc

// The types below render an Analysis in the shapes of EC2's
// DescribeNetworkInsightsAnalyses (NetworkInsightsAnalysis, PathComponent,
// Explanation, AnalysisAclRule, AnalysisSecurityGroupRule,
// AnalysisRouteTableRoute), so the EC2 API and the CLI print the same thing.
// Fields moat adds beyond AWS: Path and Message on explanations,
// AdditionalNote on components.

// AnalysisComponent is AWS's AnalysisComponent.
type AnalysisComponent struct {
	Id   string `json:"Id"`
	Name string `json:"Name,omitempty"`
}

// PortRangeJSON is AWS's PortRange.
type PortRangeJSON struct {
	From int `json:"From"`
	To   int `json:"To"`
}

// AnalysisAclRule is AWS's AnalysisAclRule.
type AnalysisAclRule struct {
	Cidr       string         `json:"Cidr"`
	Egress     bool           `json:"Egress"`
	PortRange  *PortRangeJSON `json:"PortRange,omitempty"`
	Protocol   string         `json:"Protocol"`
	RuleAction string         `json:"RuleAction"`
	RuleNumber int            `json:"RuleNumber"`
}

// AnalysisSecurityGroupRule is AWS's AnalysisSecurityGroupRule.
type AnalysisSecurityGroupRule struct {
	Cidr            string         `json:"Cidr,omitempty"`
	Direction       string         `json:"Direction"`
	PortRange       *PortRangeJSON `json:"PortRange,omitempty"`
	PrefixListId    string         `json:"PrefixListId,omitempty"`
	Protocol        string         `json:"Protocol"`
	SecurityGroupId string         `json:"SecurityGroupId"`
	// moat: the referenced group, and the rule ID when known.
	ReferencedGroupId   string `json:"ReferencedGroupId,omitempty"`
	SecurityGroupRuleId string `json:"SecurityGroupRuleId,omitempty"`
}

// AnalysisRouteTableRoute is AWS's AnalysisRouteTableRoute.
type AnalysisRouteTableRoute struct {
	DestinationCidr             string `json:"DestinationCidr,omitempty"`
	DestinationPrefixListId     string `json:"DestinationPrefixListId,omitempty"`
	EgressOnlyInternetGatewayId string `json:"EgressOnlyInternetGatewayId,omitempty"`
	GatewayId                   string `json:"GatewayId,omitempty"`
	InstanceId                  string `json:"InstanceId,omitempty"`
	NatGatewayId                string `json:"NatGatewayId,omitempty"`
	NetworkInterfaceId          string `json:"NetworkInterfaceId,omitempty"`
	TransitGatewayId            string `json:"TransitGatewayId,omitempty"`
	VpcPeeringConnectionId      string `json:"VpcPeeringConnectionId,omitempty"`
	Origin                      string `json:"Origin,omitempty"`
	State                       string `json:"State,omitempty"`
}

// PathComponentJSON is AWS's PathComponent.
type PathComponentJSON struct {
	SequenceNumber    int                        `json:"SequenceNumber"`
	Component         AnalysisComponent          `json:"Component"`
	AclRule           *AnalysisAclRule           `json:"AclRule,omitempty"`
	SecurityGroupRule *AnalysisSecurityGroupRule `json:"SecurityGroupRule,omitempty"`
	RouteTableRoute   *AnalysisRouteTableRoute   `json:"RouteTableRoute,omitempty"`
	AdditionalNote    string                     `json:"AdditionalNote,omitempty"`
}

// ExplanationJSON is AWS's Explanation (the members moat fills).
type ExplanationJSON struct {
	ExplanationCode string                   `json:"ExplanationCode"`
	Component       *AnalysisComponent       `json:"Component,omitempty"`
	Direction       string                   `json:"Direction,omitempty"`
	SecurityGroups  []AnalysisComponent      `json:"SecurityGroups,omitempty"`
	Acl             *AnalysisComponent       `json:"Acl,omitempty"`
	AclRule         *AnalysisAclRule         `json:"AclRule,omitempty"`
	RouteTable      *AnalysisComponent       `json:"RouteTable,omitempty"`
	RouteTableRoute *AnalysisRouteTableRoute `json:"RouteTableRoute,omitempty"`
	Path            string                   `json:"Path"`
	Message         string                   `json:"Message"`
}

// AnalysisJSON is the NetworkPathFound / ForwardPathComponents /
// ReturnPathComponents / Explanations part of NetworkInsightsAnalysis.
type AnalysisJSON struct {
	NetworkPathFound      bool                `json:"NetworkPathFound"`
	ForwardPathComponents []PathComponentJSON `json:"ForwardPathComponents"`
	ReturnPathComponents  []PathComponentJSON `json:"ReturnPathComponents"`
	Explanations          []ExplanationJSON   `json:"Explanations"`
}

// AWS renders the analysis in EC2's shapes.
func (a *Analysis) AWS() AnalysisJSON {
	out := AnalysisJSON{NetworkPathFound: a.NetworkPathFound, ForwardPathComponents: []PathComponentJSON{},
		ReturnPathComponents: []PathComponentJSON{}, Explanations: []ExplanationJSON{}}
	for _, c := range a.ForwardPath {
		out.ForwardPathComponents = append(out.ForwardPathComponents, componentJSON(c))
	}
	for _, c := range a.ReturnPath {
		out.ReturnPathComponents = append(out.ReturnPathComponents, componentJSON(c))
	}
	for _, e := range a.Explanations {
		x := ExplanationJSON{ExplanationCode: e.ExplanationCode, Direction: e.Direction, Path: e.Path, Message: e.Message}
		comp := &AnalysisComponent{Id: e.Component.Id}
		switch e.Component.Type {
		case typeACL:
			x.Acl = comp
		case typeRT:
			x.RouteTable = comp
		default:
			x.Component = comp
		}
		for _, g := range e.SecurityGroups {
			x.SecurityGroups = append(x.SecurityGroups, AnalysisComponent{Id: g})
		}
		if e.AclRule != nil {
			x.AclRule = aclRuleJSON(e.AclRule)
		}
		if e.Route != nil {
			x.RouteTableRoute = routeJSON(e.Route)
		}
		out.Explanations = append(out.Explanations, x)
	}
	return out
}

func componentJSON(c PathComponent) PathComponentJSON {
	x := PathComponentJSON{SequenceNumber: c.SequenceNumber, Component: AnalysisComponent{Id: c.Component.Id}, AdditionalNote: c.Note}
	if c.AclRule != nil {
		x.AclRule = aclRuleJSON(c.AclRule)
	}
	if r := c.SecurityGroupRule; r != nil {
		s := &AnalysisSecurityGroupRule{Direction: c.Direction, Protocol: protoJSON(r.IpProtocol), SecurityGroupId: c.SecurityGroupId,
			PrefixListId: r.PrefixListId, SecurityGroupRuleId: r.SecurityGroupRuleId}
		switch {
		case r.CidrIpv4.IsValid():
			s.Cidr = r.CidrIpv4.String()
		case r.CidrIpv6.IsValid():
			s.Cidr = r.CidrIpv6.String()
		case r.ReferencedGroup != nil:
			s.ReferencedGroupId = r.ReferencedGroup.GroupId
		}
		if r.FromPort >= 0 && (r.IpProtocol == ProtoTCP || r.IpProtocol == ProtoUDP) {
			s.PortRange = &PortRangeJSON{r.FromPort, r.ToPort}
		}
		x.SecurityGroupRule = s
	}
	if c.Route != nil {
		x.RouteTableRoute = routeJSON(c.Route)
	}
	return x
}

func protoJSON(p int) string {
	switch p {
	case ProtoTCP:
		return "tcp"
	case ProtoUDP:
		return "udp"
	case ProtoICMP:
		return "icmp"
	}
	return itoa(p)
}

func aclRuleJSON(e *ACLEntry) *AnalysisAclRule {
	r := &AnalysisAclRule{Cidr: e.CidrBlock.String(), Egress: e.Egress, Protocol: itoa(e.Protocol), RuleAction: e.RuleAction, RuleNumber: e.RuleNumber}
	if e.Ipv6CidrBlock.IsValid() {
		r.Cidr = e.Ipv6CidrBlock.String()
	}
	if (e.Protocol == ProtoTCP || e.Protocol == ProtoUDP) && e.FromPort >= 0 {
		r.PortRange = &PortRangeJSON{e.FromPort, e.ToPort}
	}
	return r
}

func routeJSON(r *Route) *AnalysisRouteTableRoute {
	x := &AnalysisRouteTableRoute{DestinationPrefixListId: r.DestinationPrefixListId, Origin: r.Origin, State: r.State}
	if r.DestinationPrefixListId == "" {
		x.DestinationCidr = r.Destination()
	}
	switch r.TargetType {
	case TargetLocal, TargetInternetGateway, TargetVirtualPrivateGateway, TargetGatewayEndpoint, TargetGatewayLoadBalancerEndpoint:
		x.GatewayId = r.TargetId
	case TargetNatGateway:
		x.NatGatewayId = r.TargetId
	case TargetVpcPeeringConnection:
		x.VpcPeeringConnectionId = r.TargetId
	case TargetNetworkInterface:
		x.NetworkInterfaceId = r.TargetId
	case TargetInstance:
		x.InstanceId = r.TargetId
	case TargetTransitGateway:
		x.TransitGatewayId = r.TargetId
	case TargetEgressOnlyInternetGateway:
		x.EgressOnlyInternetGatewayId = r.TargetId
	default:
		x.GatewayId = r.TargetId
	}
	return x
}
