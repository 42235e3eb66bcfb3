package ec2

import (
	"context"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/vpc"
)

// Reachability Analyzer over the stored model: a path names a source and a
// destination; StartNetworkInsightsAnalysis compiles the account's network
// (vpc.Compile) and asks vpc.Analyzer.Reach, then keeps the answer in
// AWS's shapes (vpc.Analysis.AWS, rendered here with EC2's XML names).

var (
	pathNotFound     = nf("InvalidNetworkInsightsPathId.NotFound", "network insights path ID")
	analysisNotFound = nf("InvalidNetworkInsightsAnalysisId.NotFound", "network insights analysis ID")
)

// insightsPath is a stored NetworkInsightsPath.
type insightsPath struct {
	ID              string
	Source          string
	Destination     string `json:",omitempty"`
	SourceIP        string `json:",omitempty"`
	DestinationIP   string `json:",omitempty"`
	Protocol        string
	DestinationPort int `json:",omitempty"`
	Filter          *pathFilter
	Created         time.Time
}

type pathFilter struct {
	SourceAddress, DestinationAddress string `json:",omitempty"`
	SourceFrom, SourceTo              int    `json:",omitempty"`
	DestFrom, DestTo                  int    `json:",omitempty"`
}

// insightsAnalysis is a stored NetworkInsightsAnalysis: the analyzer's
// answer in AWS's shape.
type insightsAnalysis struct {
	ID, PathID    string
	Start         time.Time
	Status        string
	StatusMessage string `json:",omitempty"`
	Result        *vpc.AnalysisJSON
}

// --- shapes ---

// RequestFilterPortRange is EC2's RequestFilterPortRange / FilterPortRange.
type RequestFilterPortRange struct {
	FromPort *int `aws:"FromPort"`
	ToPort   *int `aws:"ToPort"`
}

// PathRequestFilter is EC2's PathRequestFilter.
type PathRequestFilter struct {
	SourceAddress        *string
	DestinationAddress   *string
	SourcePortRange      *RequestFilterPortRange
	DestinationPortRange *RequestFilterPortRange
}

// FilterPortRange is FilterPortRange in a response.
type FilterPortRange struct {
	FromPort int `aws:"fromPort"`
	ToPort   int `aws:"toPort"`
}

// PathFilter is EC2's PathFilter.
type PathFilter struct {
	SourceAddress        string           `aws:"sourceAddress,omitempty"`
	DestinationAddress   string           `aws:"destinationAddress,omitempty"`
	SourcePortRange      *FilterPortRange `aws:"sourcePortRange"`
	DestinationPortRange *FilterPortRange `aws:"destinationPortRange"`
}

// NetworkInsightsPath is EC2's NetworkInsightsPath.
type NetworkInsightsPath struct {
	NetworkInsightsPathID  string      `aws:"networkInsightsPathId"`
	NetworkInsightsPathArn string      `aws:"networkInsightsPathArn"`
	CreatedDate            time.Time   `aws:"createdDate"`
	Source                 string      `aws:"source"`
	SourceArn              string      `aws:"sourceArn,omitempty"`
	Destination            string      `aws:"destination,omitempty"`
	DestinationArn         string      `aws:"destinationArn,omitempty"`
	SourceIP               string      `aws:"sourceIp,omitempty"`
	DestinationIP          string      `aws:"destinationIp,omitempty"`
	Protocol               string      `aws:"protocol"`
	DestinationPort        *int        `aws:"destinationPort"`
	FilterAtSource         *PathFilter `aws:"filterAtSource"`
	Tags                   []Tag       `aws:"tagSet"`
}

// AnalysisComponent is EC2's AnalysisComponent.
type AnalysisComponent struct {
	ID   string `aws:"id"`
	Arn  string `aws:"arn,omitempty"`
	Name string `aws:"name,omitempty"`
}

// AnalysisPortRange is PortRange inside analysis rules.
type AnalysisPortRange struct {
	From int `aws:"from"`
	To   int `aws:"to"`
}

// AnalysisAclRule is EC2's AnalysisAclRule.
type AnalysisAclRule struct {
	Cidr       string             `aws:"cidr"`
	Egress     bool               `aws:"egress"`
	PortRange  *AnalysisPortRange `aws:"portRange"`
	Protocol   string             `aws:"protocol"`
	RuleAction string             `aws:"ruleAction"`
	RuleNumber int                `aws:"ruleNumber"`
}

// AnalysisSecurityGroupRule is EC2's AnalysisSecurityGroupRule.
type AnalysisSecurityGroupRule struct {
	Cidr            string             `aws:"cidr,omitempty"`
	Direction       string             `aws:"direction"`
	PortRange       *AnalysisPortRange `aws:"portRange"`
	PrefixListID    string             `aws:"prefixListId,omitempty"`
	Protocol        string             `aws:"protocol"`
	SecurityGroupID string             `aws:"securityGroupId"`
}

// AnalysisRouteTableRoute is EC2's AnalysisRouteTableRoute.
type AnalysisRouteTableRoute struct {
	DestinationCidr             string `aws:"destinationCidr,omitempty"`
	DestinationPrefixListID     string `aws:"destinationPrefixListId,omitempty"`
	EgressOnlyInternetGatewayID string `aws:"egressOnlyInternetGatewayId,omitempty"`
	GatewayID                   string `aws:"gatewayId,omitempty"`
	InstanceID                  string `aws:"instanceId,omitempty"`
	NatGatewayID                string `aws:"natGatewayId,omitempty"`
	NetworkInterfaceID          string `aws:"networkInterfaceId,omitempty"`
	TransitGatewayID            string `aws:"transitGatewayId,omitempty"`
	VpcPeeringConnectionID      string `aws:"vpcPeeringConnectionId,omitempty"`
	Origin                      string `aws:"origin,omitempty"`
	State                       string `aws:"state,omitempty"`
}

// PathComponent is EC2's PathComponent.
type PathComponent struct {
	SequenceNumber    int                        `aws:"sequenceNumber"`
	Component         AnalysisComponent          `aws:"component"`
	AclRule           *AnalysisAclRule           `aws:"aclRule"`
	SecurityGroupRule *AnalysisSecurityGroupRule `aws:"securityGroupRule"`
	RouteTableRoute   *AnalysisRouteTableRoute   `aws:"routeTableRoute"`
}

// Explanation is EC2's Explanation (the members moat fills).
type Explanation struct {
	ExplanationCode string                   `aws:"explanationCode"`
	Component       *AnalysisComponent       `aws:"component"`
	Direction       string                   `aws:"direction,omitempty"`
	SecurityGroups  []AnalysisComponent      `aws:"securityGroupSet"`
	Acl             *AnalysisComponent       `aws:"acl"`
	AclRule         *AnalysisAclRule         `aws:"aclRule"`
	RouteTable      *AnalysisComponent       `aws:"routeTable"`
	RouteTableRoute *AnalysisRouteTableRoute `aws:"routeTableRoute"`
}

// NetworkInsightsAnalysis is EC2's NetworkInsightsAnalysis.
type NetworkInsightsAnalysis struct {
	NetworkInsightsAnalysisID  string          `aws:"networkInsightsAnalysisId"`
	NetworkInsightsAnalysisArn string          `aws:"networkInsightsAnalysisArn"`
	NetworkInsightsPathID      string          `aws:"networkInsightsPathId"`
	StartDate                  time.Time       `aws:"startDate"`
	Status                     string          `aws:"status"`
	StatusMessage              string          `aws:"statusMessage,omitempty"`
	NetworkPathFound           *bool           `aws:"networkPathFound"`
	ForwardPathComponents      []PathComponent `aws:"forwardPathComponentSet"`
	ReturnPathComponents       []PathComponent `aws:"returnPathComponentSet"`
	Explanations               []Explanation   `aws:"explanationSet"`
	Tags                       []Tag           `aws:"tagSet"`
}

// --- conversion from vpc's AWS-shaped analysis ---

func (st *state) component(c *service.Call, a *vpc.AnalysisComponent) *AnalysisComponent {
	if a == nil {
		return nil
	}
	out := &AnalysisComponent{ID: a.Id, Name: a.Name}
	if arn := arnOfID(c, a.Id); arn != "*" {
		out.Arn = arn
	}
	if a.Name == "" {
		if n, has := st.Tags[a.Id]["Name"]; has {
			out.Name = n
		}
	}
	return out
}

func portRange(p *vpc.PortRangeJSON) *AnalysisPortRange {
	if p == nil {
		return nil
	}
	return &AnalysisPortRange{p.From, p.To}
}

func aclRule(r *vpc.AnalysisAclRule) *AnalysisAclRule {
	if r == nil {
		return nil
	}
	return &AnalysisAclRule{Cidr: r.Cidr, Egress: r.Egress, PortRange: portRange(r.PortRange), Protocol: r.Protocol, RuleAction: r.RuleAction, RuleNumber: r.RuleNumber}
}

func routeRule(r *vpc.AnalysisRouteTableRoute) *AnalysisRouteTableRoute {
	if r == nil {
		return nil
	}
	return &AnalysisRouteTableRoute{DestinationCidr: r.DestinationCidr, DestinationPrefixListID: r.DestinationPrefixListId,
		EgressOnlyInternetGatewayID: r.EgressOnlyInternetGatewayId, GatewayID: r.GatewayId, InstanceID: r.InstanceId, NatGatewayID: r.NatGatewayId,
		NetworkInterfaceID: r.NetworkInterfaceId, TransitGatewayID: r.TransitGatewayId, VpcPeeringConnectionID: r.VpcPeeringConnectionId,
		Origin: r.Origin, State: r.State}
}

func (st *state) pathComponents(c *service.Call, in []vpc.PathComponentJSON) []PathComponent {
	out := []PathComponent{}
	for _, p := range in {
		o := PathComponent{SequenceNumber: p.SequenceNumber, Component: *st.component(c, &p.Component), AclRule: aclRule(p.AclRule), RouteTableRoute: routeRule(p.RouteTableRoute)}
		if r := p.SecurityGroupRule; r != nil {
			cidr := r.Cidr
			if cidr == "" && r.ReferencedGroupId != "" {
				// AWS's AnalysisSecurityGroupRule has no member for a
				// referenced group; moat names it where the CIDR would be.
				cidr = r.ReferencedGroupId
			}
			o.SecurityGroupRule = &AnalysisSecurityGroupRule{Cidr: cidr, Direction: r.Direction, PortRange: portRange(r.PortRange),
				PrefixListID: r.PrefixListId, Protocol: r.Protocol, SecurityGroupID: r.SecurityGroupId}
		}
		out = append(out, o)
	}
	return out
}

func (st *state) analysisOut(c *service.Call, a *insightsAnalysis) NetworkInsightsAnalysis {
	out := NetworkInsightsAnalysis{NetworkInsightsAnalysisID: a.ID, NetworkInsightsAnalysisArn: arn(c, "network-insights-analysis", a.ID),
		NetworkInsightsPathID: a.PathID, StartDate: a.Start, Status: a.Status, StatusMessage: a.StatusMessage, Tags: st.tagSet(a.ID)}
	if r := a.Result; r != nil {
		out.NetworkPathFound = ptr(r.NetworkPathFound)
		out.ForwardPathComponents = st.pathComponents(c, r.ForwardPathComponents)
		out.ReturnPathComponents = st.pathComponents(c, r.ReturnPathComponents)
		out.Explanations = []Explanation{}
		for _, e := range r.Explanations {
			x := Explanation{ExplanationCode: e.ExplanationCode, Component: st.component(c, e.Component), Direction: e.Direction,
				Acl: st.component(c, e.Acl), AclRule: aclRule(e.AclRule), RouteTable: st.component(c, e.RouteTable), RouteTableRoute: routeRule(e.RouteTableRoute)}
			for _, g := range e.SecurityGroups {
				x.SecurityGroups = append(x.SecurityGroups, *st.component(c, &g))
			}
			out.Explanations = append(out.Explanations, x)
		}
	}
	return out
}

func (st *state) pathOut(c *service.Call, p *insightsPath) NetworkInsightsPath {
	out := NetworkInsightsPath{NetworkInsightsPathID: p.ID, NetworkInsightsPathArn: arn(c, "network-insights-path", p.ID), CreatedDate: p.Created,
		Source: p.Source, Destination: p.Destination, SourceIP: p.SourceIP, DestinationIP: p.DestinationIP, Protocol: p.Protocol, Tags: st.tagSet(p.ID)}
	if a := arnOfID(c, p.Source); a != "*" {
		out.SourceArn = a
	}
	if a := arnOfID(c, p.Destination); p.Destination != "" && a != "*" {
		out.DestinationArn = a
	}
	if p.DestinationPort != 0 {
		out.DestinationPort = ptr(p.DestinationPort)
	}
	if f := p.Filter; f != nil {
		pf := &PathFilter{SourceAddress: f.SourceAddress, DestinationAddress: f.DestinationAddress}
		if f.SourceFrom != 0 || f.SourceTo != 0 {
			pf.SourcePortRange = &FilterPortRange{f.SourceFrom, f.SourceTo}
		}
		if f.DestFrom != 0 || f.DestTo != 0 {
			pf.DestinationPortRange = &FilterPortRange{f.DestFrom, f.DestTo}
		}
		out.FilterAtSource = pf
	}
	return out
}

// --- operations ---

// CreateNetworkInsightsPathInput is CreateNetworkInsightsPath's input.
type CreateNetworkInsightsPathInput struct {
	common
	Source            string `aws:",required"`
	Destination       *string
	SourceIP          *string `aws:"SourceIp"`
	DestinationIP     *string `aws:"DestinationIp"`
	Protocol          string  `aws:",required"`
	DestinationPort   *int
	FilterAtSource    *PathRequestFilter
	ClientToken       *string
	TagSpecifications []TagSpecification `aws:"TagSpecification"`
}

// CreateNetworkInsightsPathOutput is CreateNetworkInsightsPath's output.
type CreateNetworkInsightsPathOutput struct {
	NetworkInsightsPath NetworkInsightsPath `aws:"networkInsightsPath"`
}

// resourceID accepts an ID or an ARN (…/id).
func resourceID(s string) string {
	if strings.HasPrefix(s, "arn:") {
		return s[strings.LastIndexByte(s, '/')+1:]
	}
	return s
}

// checkEndpoint checks a path's source or destination: an instance, a
// network interface or an internet gateway of the account.
func (st *state) checkEndpoint(id, param string) error {
	switch idPrefix(id) {
	case "i":
		if inst := st.Net.Instances[id]; inst == nil || inst.State == "terminated" {
			return instanceNotFound(id)
		}
	case "eni":
		if st.Net.Interfaces[id] == nil {
			return eniNotFound(id)
		}
	case "igw":
		if st.Net.InternetGateways[id] == nil {
			return igwNotFound(id)
		}
	default:
		return invalidParamValue.New("Value (%s) for parameter %s is invalid. moat analyzes paths between instances, network interfaces and internet gateways.", id, param)
	}
	return nil
}

func createNetworkInsightsPath(ctx context.Context, c *service.Call, in *CreateNetworkInsightsPathInput) (*CreateNetworkInsightsPathOutput, error) {
	p := &insightsPath{ID: newID("nip"), Source: resourceID(in.Source), Protocol: strings.ToLower(in.Protocol), Created: c.Now.UTC().Truncate(time.Second)}
	if p.Protocol != "tcp" && p.Protocol != "udp" {
		return nil, invalidParamValue.New("Value (%s) for parameter protocol is invalid. Valid values: tcp, udp", in.Protocol)
	}
	if in.Destination != nil {
		p.Destination = resourceID(*in.Destination)
	}
	for _, a := range []struct {
		v     *string
		dst   *string
		param string
	}{{in.SourceIP, &p.SourceIP, "SourceIp"}, {in.DestinationIP, &p.DestinationIP, "DestinationIp"}} {
		if a.v != nil {
			if _, err := netip.ParseAddr(*a.v); err != nil {
				return nil, invalidParamValue.New("Value (%s) for parameter %s is invalid. This is not a valid IP address.", *a.v, a.param)
			}
			*a.dst = *a.v
		}
	}
	if p.Destination == "" && p.DestinationIP == "" {
		return nil, missingParameter.New("The request must contain the parameter Destination or DestinationIp")
	}
	if in.DestinationPort != nil {
		if *in.DestinationPort < 0 || *in.DestinationPort > 65535 {
			return nil, invalidParamValue.New("Value (%d) for parameter destinationPort is invalid. It must be 0-65535", *in.DestinationPort)
		}
		p.DestinationPort = *in.DestinationPort
	}
	if f := in.FilterAtSource; f != nil {
		p.Filter = &pathFilter{SourceAddress: deref(f.SourceAddress), DestinationAddress: deref(f.DestinationAddress)}
		if r := f.SourcePortRange; r != nil && r.FromPort != nil && r.ToPort != nil {
			p.Filter.SourceFrom, p.Filter.SourceTo = *r.FromPort, *r.ToPort
		}
		if r := f.DestinationPortRange; r != nil && r.FromPort != nil && r.ToPort != nil {
			p.Filter.DestFrom, p.Filter.DestTo = *r.FromPort, *r.ToPort
		}
	}
	var out CreateNetworkInsightsPathOutput
	err := update(ctx, c, func(st *state) error {
		if err := st.checkEndpoint(p.Source, "Source"); err != nil {
			return err
		}
		if p.Destination != "" {
			if err := st.checkEndpoint(p.Destination, "Destination"); err != nil {
				return err
			}
		}
		st.Paths[p.ID] = p
		if err := st.applyTagSpecs(p.ID, "network-insights-path", in.TagSpecifications); err != nil {
			return err
		}
		out.NetworkInsightsPath = st.pathOut(c, p)
		return nil
	})
	return &out, err
}

// query turns a stored path into the analyzer's question.
func (p *insightsPath) query() (vpc.PathQuery, error) {
	q := vpc.PathQuery{Source: p.Source, Destination: p.Destination, Protocol: p.Protocol}
	if p.SourceIP != "" {
		q.SourceIp, _ = netip.ParseAddr(p.SourceIP)
	}
	if p.DestinationIP != "" {
		q.DestinationIp, _ = netip.ParseAddr(p.DestinationIP)
	}
	if p.DestinationPort != 0 {
		q.DestinationPorts = vpc.PortRange{From: p.DestinationPort, To: p.DestinationPort}
	}
	if f := p.Filter; f != nil {
		if f.DestFrom != 0 || f.DestTo != 0 {
			q.DestinationPorts = vpc.PortRange{From: f.DestFrom, To: f.DestTo}
		}
		if f.SourceFrom != 0 || f.SourceTo != 0 {
			q.SourcePorts = vpc.PortRange{From: f.SourceFrom, To: f.SourceTo}
		}
		if f.SourceAddress != "" && !q.SourceIp.IsValid() {
			a, err := netip.ParseAddr(f.SourceAddress)
			if err != nil {
				return q, invalidParamValue.New("FilterAtSource.SourceAddress %s: moat filters on single addresses", f.SourceAddress)
			}
			q.SourceIp = a
		}
		if f.DestinationAddress != "" && !q.DestinationIp.IsValid() {
			if pf, err := netip.ParsePrefix(f.DestinationAddress); err == nil {
				q.DestinationCidr = pf
			} else if a, err := netip.ParseAddr(f.DestinationAddress); err == nil {
				q.DestinationIp = a
			}
		}
	}
	return q, nil
}

// StartNetworkInsightsAnalysisInput is StartNetworkInsightsAnalysis' input.
type StartNetworkInsightsAnalysisInput struct {
	common
	NetworkInsightsPathID string   `aws:"NetworkInsightsPathId,required"`
	FilterInArns          []string `aws:"FilterInArn"`
	ClientToken           *string
	TagSpecifications     []TagSpecification `aws:"TagSpecification"`
}

// StartNetworkInsightsAnalysisOutput is StartNetworkInsightsAnalysis' output.
type StartNetworkInsightsAnalysisOutput struct {
	NetworkInsightsAnalysis NetworkInsightsAnalysis `aws:"networkInsightsAnalysis"`
}

// analyze answers a path on the current model. The analysis is done when
// the call returns (AWS answers "running" and finishes later).
func (st *state) analyze(p *insightsPath) (*vpc.AnalysisJSON, error) {
	q, err := p.query()
	if err != nil {
		return nil, err
	}
	res, err := vpc.Compile(st.Net).Reach(q)
	if err != nil {
		return nil, err
	}
	j := res.AWS()
	return &j, nil
}

func startNetworkInsightsAnalysis(ctx context.Context, c *service.Call, in *StartNetworkInsightsAnalysisInput) (*StartNetworkInsightsAnalysisOutput, error) {
	if len(in.FilterInArns) > 0 {
		return nil, awserr.Def{Code: "Unsupported", Status: 400}.New("moat does not filter analyses by intermediate components (FilterInArns)")
	}
	var out StartNetworkInsightsAnalysisOutput
	err := update(ctx, c, func(st *state) error {
		p := st.Paths[in.NetworkInsightsPathID]
		if p == nil {
			return pathNotFound(in.NetworkInsightsPathID)
		}
		a := &insightsAnalysis{ID: newID("nia"), PathID: p.ID, Start: c.Now.UTC().Truncate(time.Second), Status: "succeeded"}
		res, err := st.analyze(p)
		if err != nil {
			a.Status, a.StatusMessage = "failed", ec2Err(err).Error()
		} else {
			a.Result = res
		}
		st.Analyses[a.ID] = a
		if err := st.applyTagSpecs(a.ID, "network-insights-analysis", in.TagSpecifications); err != nil {
			return err
		}
		out.NetworkInsightsAnalysis = st.analysisOut(c, a)
		return nil
	})
	return &out, err
}

// DescribeNetworkInsightsAnalysesInput is DescribeNetworkInsightsAnalyses' input.
type DescribeNetworkInsightsAnalysesInput struct {
	common
	NetworkInsightsAnalysisIDs []string `aws:"NetworkInsightsAnalysisId"`
	NetworkInsightsPathID      *string  `aws:"NetworkInsightsPathId"`
	AnalysisStartTime          *time.Time
	AnalysisEndTime            *time.Time
	Filters                    []Filter `aws:"Filter"`
	MaxResults                 *int32
	NextToken                  *string
}

// DescribeNetworkInsightsAnalysesOutput is DescribeNetworkInsightsAnalyses' output.
type DescribeNetworkInsightsAnalysesOutput struct {
	NetworkInsightsAnalyses []NetworkInsightsAnalysis `aws:"networkInsightsAnalysisSet"`
	NextToken               *string                   `aws:"nextToken"`
}

func describeNetworkInsightsAnalyses(ctx context.Context, c *service.Call, in *DescribeNetworkInsightsAnalysesInput) (*DescribeNetworkInsightsAnalysesOutput, error) {
	fs, err := newFilters(in.Filters, "path-found", "status")
	if err != nil {
		return nil, err
	}
	out := &DescribeNetworkInsightsAnalysesOutput{NetworkInsightsAnalyses: []NetworkInsightsAnalysis{}}
	err = view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.Analyses, in.NetworkInsightsAnalysisIDs, analysisNotFound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			a := st.Analyses[id]
			if in.NetworkInsightsPathID != nil && a.PathID != *in.NetworkInsightsPathID {
				continue
			}
			if in.AnalysisStartTime != nil && a.Start.Before(*in.AnalysisStartTime) || in.AnalysisEndTime != nil && a.Start.After(*in.AnalysisEndTime) {
				continue
			}
			found := ""
			if a.Result != nil {
				found = "false"
				if a.Result.NetworkPathFound {
					found = "true"
				}
			}
			if fs.match(attrs{"path-found": {found}, "status": {a.Status}}, st.Tags[id]) {
				out.NetworkInsightsAnalyses = append(out.NetworkInsightsAnalyses, st.analysisOut(c, a))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.NetworkInsightsAnalyses, out.NextToken, err = paginate(out.NetworkInsightsAnalyses, in.MaxResults, in.NextToken, len(in.NetworkInsightsAnalysisIDs) > 0)
	return out, err
}

// DescribeNetworkInsightsPathsInput is DescribeNetworkInsightsPaths' input.
type DescribeNetworkInsightsPathsInput struct {
	common
	NetworkInsightsPathIDs []string `aws:"NetworkInsightsPathId"`
	Filters                []Filter `aws:"Filter"`
	MaxResults             *int32
	NextToken              *string
}

// DescribeNetworkInsightsPathsOutput is DescribeNetworkInsightsPaths' output.
type DescribeNetworkInsightsPathsOutput struct {
	NetworkInsightsPaths []NetworkInsightsPath `aws:"networkInsightsPathSet"`
	NextToken            *string               `aws:"nextToken"`
}

func describeNetworkInsightsPaths(ctx context.Context, c *service.Call, in *DescribeNetworkInsightsPathsInput) (*DescribeNetworkInsightsPathsOutput, error) {
	fs, err := newFilters(in.Filters, "destination", "destination-ip", "source", "source-ip", "protocol", "destination-port")
	if err != nil {
		return nil, err
	}
	out := &DescribeNetworkInsightsPathsOutput{NetworkInsightsPaths: []NetworkInsightsPath{}}
	err = view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.Paths, in.NetworkInsightsPathIDs, pathNotFound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			p := st.Paths[id]
			port := ""
			if p.DestinationPort != 0 {
				port = strconv.Itoa(p.DestinationPort)
			}
			if fs.match(attrs{"destination": {p.Destination}, "destination-ip": {p.DestinationIP}, "source": {p.Source}, "source-ip": {p.SourceIP},
				"protocol": {p.Protocol}, "destination-port": {port}}, st.Tags[id]) {
				out.NetworkInsightsPaths = append(out.NetworkInsightsPaths, st.pathOut(c, p))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.NetworkInsightsPaths, out.NextToken, err = paginate(out.NetworkInsightsPaths, in.MaxResults, in.NextToken, len(in.NetworkInsightsPathIDs) > 0)
	return out, err
}

// PathIDInput names one path.
type PathIDInput struct {
	common
	NetworkInsightsPathID string `aws:"NetworkInsightsPathId,required"`
}

// DeleteNetworkInsightsPathOutput is DeleteNetworkInsightsPath's output.
type DeleteNetworkInsightsPathOutput struct {
	NetworkInsightsPathID string `aws:"networkInsightsPathId"`
}

// deleteNetworkInsightsPath deletes a path with its analyses.
func deleteNetworkInsightsPath(ctx context.Context, c *service.Call, in *PathIDInput) (*DeleteNetworkInsightsPathOutput, error) {
	return &DeleteNetworkInsightsPathOutput{NetworkInsightsPathID: in.NetworkInsightsPathID}, update(ctx, c, func(st *state) error {
		if st.Paths[in.NetworkInsightsPathID] == nil {
			return pathNotFound(in.NetworkInsightsPathID)
		}
		for id, a := range st.Analyses {
			if a.PathID == in.NetworkInsightsPathID {
				delete(st.Analyses, id)
				st.forget(id)
			}
		}
		delete(st.Paths, in.NetworkInsightsPathID)
		st.forget(in.NetworkInsightsPathID)
		return nil
	})
}

// AnalysisIDInput names one analysis.
type AnalysisIDInput struct {
	common
	NetworkInsightsAnalysisID string `aws:"NetworkInsightsAnalysisId,required"`
}

// DeleteNetworkInsightsAnalysisOutput is DeleteNetworkInsightsAnalysis' output.
type DeleteNetworkInsightsAnalysisOutput struct {
	NetworkInsightsAnalysisID string `aws:"networkInsightsAnalysisId"`
}

func deleteNetworkInsightsAnalysis(ctx context.Context, c *service.Call, in *AnalysisIDInput) (*DeleteNetworkInsightsAnalysisOutput, error) {
	return &DeleteNetworkInsightsAnalysisOutput{NetworkInsightsAnalysisID: in.NetworkInsightsAnalysisID}, update(ctx, c, func(st *state) error {
		if st.Analyses[in.NetworkInsightsAnalysisID] == nil {
			return analysisNotFound(in.NetworkInsightsAnalysisID)
		}
		delete(st.Analyses, in.NetworkInsightsAnalysisID)
		st.forget(in.NetworkInsightsAnalysisID)
		return nil
	})
}

func insightsOps() []*service.Operation {
	pathRes := func(c *service.Call, id string) string { return arn(c, "network-insights-path", id) }
	return []*service.Operation{
		op("CreateNetworkInsightsPath", createNetworkInsightsPath, func(c *service.Call, _ *CreateNetworkInsightsPathInput) string { return pathRes(c, "") }),
		op("StartNetworkInsightsAnalysis", startNetworkInsightsAnalysis, func(c *service.Call, in *StartNetworkInsightsAnalysisInput) string {
			return pathRes(c, in.NetworkInsightsPathID)
		}),
		op("DescribeNetworkInsightsAnalyses", describeNetworkInsightsAnalyses, nil, ro[DescribeNetworkInsightsAnalysesInput]()),
		op("DescribeNetworkInsightsPaths", describeNetworkInsightsPaths, nil, ro[DescribeNetworkInsightsPathsInput]()),
		op("DeleteNetworkInsightsPath", deleteNetworkInsightsPath, func(c *service.Call, in *PathIDInput) string { return pathRes(c, in.NetworkInsightsPathID) }),
		op("DeleteNetworkInsightsAnalysis", deleteNetworkInsightsAnalysis, func(c *service.Call, in *AnalysisIDInput) string {
			return arn(c, "network-insights-analysis", in.NetworkInsightsAnalysisID)
		}),
	}
}
