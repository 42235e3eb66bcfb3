package ec2

import (
	"context"
	"fmt"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/vpc"
)

var (
	eniNotFound      = nf("InvalidNetworkInterfaceID.NotFound", "network interface ID")
	instanceNotFound = nf("InvalidInstanceID.NotFound", "instance ID")
	amiMalformed     = awserr.Def{Code: "InvalidAMIID.Malformed", Status: 400}
	amiRE            = regexp.MustCompile(`^ami-([0-9a-f]{8}|[0-9a-f]{17})$`)
	// publicPool is where moat takes the public IPv4 address of an instance
	// launched with one (AWS uses Amazon's pool; this is a documentation
	// range, so no real address appears, and apart from the Elastic IP pool).
	publicPool = netip.MustParsePrefix("198.51.100.0/24")
)

// maxLaunch caps MaxCount (AWS's limit is the account's vCPU quota).
const maxLaunch = 100

// --- shapes ---

// InstanceState is EC2's InstanceState.
type InstanceState struct {
	Code int    `aws:"code"`
	Name string `aws:"name"`
}

var stateCodes = map[string]int{"pending": 0, "running": 16, "shutting-down": 32, "terminated": 48, "stopping": 64, "stopped": 80}

// GroupIdentifier is EC2's GroupIdentifier.
type GroupIdentifier struct {
	GroupID   string `aws:"groupId"`
	GroupName string `aws:"groupName"`
}

// IamInstanceProfile is EC2's IamInstanceProfile.
type IamInstanceProfile struct {
	Arn string `aws:"arn"`
	ID  string `aws:"id"`
}

// MetadataOptions is InstanceMetadataOptionsResponse.
type MetadataOptions struct {
	State                   string `aws:"state"`
	HttpTokens              string `aws:"httpTokens"`
	HttpPutResponseHopLimit int    `aws:"httpPutResponseHopLimit"`
	HttpEndpoint            string `aws:"httpEndpoint"`
	HttpProtocolIpv6        string `aws:"httpProtocolIpv6"`
	InstanceMetadataTags    string `aws:"instanceMetadataTags"`
}

// Placement is EC2's Placement.
type Placement struct {
	AvailabilityZone string `aws:"availabilityZone"`
	Tenancy          string `aws:"tenancy"`
}

// Association is the public IP of an interface or private address.
type Association struct {
	PublicIP      string `aws:"publicIp"`
	PublicDNSName string `aws:"publicDnsName"`
	IPOwnerID     string `aws:"ipOwnerId"`
	AllocationID  string `aws:"allocationId,omitempty"`
}

// PrivateIPAddress is NetworkInterfacePrivateIpAddress / InstancePrivateIpAddress.
type PrivateIPAddress struct {
	PrivateIPAddress string       `aws:"privateIpAddress"`
	PrivateDNSName   string       `aws:"privateDnsName"`
	Primary          bool         `aws:"primary"`
	Association      *Association `aws:"association"`
}

// Attachment is NetworkInterfaceAttachment.
type Attachment struct {
	AttachmentID        string    `aws:"attachmentId"`
	DeviceIndex         int       `aws:"deviceIndex"`
	NetworkCardIndex    int       `aws:"networkCardIndex"`
	Status              string    `aws:"status"`
	AttachTime          time.Time `aws:"attachTime"`
	DeleteOnTermination bool      `aws:"deleteOnTermination"`
	InstanceID          string    `aws:"instanceId,omitempty"`
	InstanceOwnerID     string    `aws:"instanceOwnerId,omitempty"`
}

// NetworkInterface is EC2's NetworkInterface (and, without the fields it
// lacks, InstanceNetworkInterface).
type NetworkInterface struct {
	NetworkInterfaceID string             `aws:"networkInterfaceId"`
	SubnetID           string             `aws:"subnetId"`
	VpcID              string             `aws:"vpcId"`
	AvailabilityZone   string             `aws:"availabilityZone,omitempty"`
	Description        string             `aws:"description"`
	OwnerID            string             `aws:"ownerId"`
	RequesterManaged   bool               `aws:"requesterManaged"`
	Status             string             `aws:"status"`
	MacAddress         string             `aws:"macAddress"`
	PrivateIPAddress   string             `aws:"privateIpAddress"`
	PrivateDNSName     string             `aws:"privateDnsName"`
	SourceDestCheck    bool               `aws:"sourceDestCheck"`
	InterfaceType      string             `aws:"interfaceType"`
	Groups             []GroupIdentifier  `aws:"groupSet"`
	Attachment         *Attachment        `aws:"attachment"`
	Association        *Association       `aws:"association"`
	PrivateIPAddresses []PrivateIPAddress `aws:"privateIpAddressesSet"`
	IPv6Addresses      []struct{}         `aws:"ipv6AddressesSet"`
	Tags               []Tag              `aws:"tagSet"`
}

// Instance is EC2's Instance (the members moat models).
type Instance struct {
	InstanceID         string              `aws:"instanceId"`
	ImageID            string              `aws:"imageId"`
	State              InstanceState       `aws:"instanceState"`
	PrivateDNSName     string              `aws:"privateDnsName"`
	DNSName            string              `aws:"dnsName"`
	KeyName            string              `aws:"keyName,omitempty"`
	AmiLaunchIndex     int                 `aws:"amiLaunchIndex"`
	InstanceType       string              `aws:"instanceType"`
	LaunchTime         time.Time           `aws:"launchTime"`
	Placement          Placement           `aws:"placement"`
	Monitoring         State               `aws:"monitoring"`
	SubnetID           string              `aws:"subnetId,omitempty"`
	VpcID              string              `aws:"vpcId,omitempty"`
	PrivateIPAddress   string              `aws:"privateIpAddress,omitempty"`
	PublicIPAddress    string              `aws:"ipAddress,omitempty"`
	SourceDestCheck    *bool               `aws:"sourceDestCheck"`
	Groups             []GroupIdentifier   `aws:"groupSet"`
	Architecture       string              `aws:"architecture"`
	RootDeviceType     string              `aws:"rootDeviceType"`
	RootDeviceName     string              `aws:"rootDeviceName"`
	VirtualizationType string              `aws:"virtualizationType"`
	Hypervisor         string              `aws:"hypervisor"`
	NetworkInterfaces  []NetworkInterface  `aws:"networkInterfaceSet"`
	IamInstanceProfile *IamInstanceProfile `aws:"iamInstanceProfile"`
	MetadataOptions    MetadataOptions     `aws:"metadataOptions"`
	Tags               []Tag               `aws:"tagSet"`
}

// Reservation is EC2's Reservation (also RunInstances' output).
type Reservation struct {
	ReservationID string            `aws:"reservationId"`
	OwnerID       string            `aws:"ownerId"`
	Groups        []GroupIdentifier `aws:"groupSet"`
	Instances     []Instance        `aws:"instancesSet"`
}

// --- renderers ---

func dnsName(ip netip.Addr, region string) string {
	if !ip.IsValid() {
		return ""
	}
	host := "ip-" + strings.ReplaceAll(ip.String(), ".", "-")
	if region == "us-east-1" {
		return host + ".ec2.internal"
	}
	return host + "." + region + ".compute.internal"
}

func publicDNS(ip netip.Addr, region string) string {
	if !ip.IsValid() {
		return ""
	}
	host := "ec2-" + strings.ReplaceAll(ip.String(), ".", "-")
	if region == "us-east-1" {
		return host + ".compute-1.amazonaws.com"
	}
	return host + "." + region + ".compute.amazonaws.com"
}

// mac derives a stable MAC address (02:… locally administered) from an ID.
func mac(id string) string {
	h := id[strings.LastIndexByte(id, '-')+1:]
	for len(h) < 10 {
		h += "0"
	}
	return "02:" + h[0:2] + ":" + h[2:4] + ":" + h[4:6] + ":" + h[6:8] + ":" + h[8:10]
}

func (st *state) groupIDs(ids []string) []GroupIdentifier {
	out := []GroupIdentifier{}
	for _, id := range ids {
		name := ""
		if g := st.Net.SecurityGroups[id]; g != nil {
			name = g.GroupName
		}
		out = append(out, GroupIdentifier{id, name})
	}
	return out
}

func (st *state) eniOut(c *service.Call, e *vpc.NetworkInterface) NetworkInterface {
	out := NetworkInterface{NetworkInterfaceID: e.NetworkInterfaceId, SubnetID: e.SubnetId, VpcID: e.VpcId, Description: e.Description,
		OwnerID: e.OwnerId, Status: e.Status, MacAddress: mac(e.NetworkInterfaceId), SourceDestCheck: e.SourceDestCheck,
		InterfaceType: e.InterfaceType, Groups: st.groupIDs(e.Groups), PrivateIPAddresses: []PrivateIPAddress{}, IPv6Addresses: []struct{}{},
		Tags: st.tagSet(e.NetworkInterfaceId), RequesterManaged: e.InterfaceType == "nat_gateway" || e.InterfaceType == "vpc_endpoint"}
	if s := st.Net.Subnets[e.SubnetId]; s != nil {
		out.AvailabilityZone = s.AvailabilityZone
	}
	ip := e.PrimaryIP()
	if ip.IsValid() {
		out.PrivateIPAddress, out.PrivateDNSName = ip.String(), dnsName(ip, c.Region)
	}
	if e.PublicIp.IsValid() {
		out.Association = &Association{PublicIP: e.PublicIp.String(), PublicDNSName: publicDNS(e.PublicIp, c.Region), IPOwnerID: "amazon"}
		for id, a := range st.Net.Addresses {
			if a.PublicIp == e.PublicIp {
				out.Association.AllocationID, out.Association.IPOwnerID = id, c.Account()
			}
		}
	}
	for i, p := range e.PrivateIpAddresses {
		pa := PrivateIPAddress{PrivateIPAddress: p.String(), PrivateDNSName: dnsName(p, c.Region), Primary: i == 0}
		if i == 0 {
			pa.Association = out.Association
		}
		out.PrivateIPAddresses = append(out.PrivateIPAddresses, pa)
	}
	if e.InstanceId != "" {
		m := st.ENIs[e.NetworkInterfaceId]
		if m == nil {
			m = &eniMeta{}
		}
		out.Attachment = &Attachment{AttachmentID: m.AttachmentID, Status: "attached", AttachTime: m.AttachTime,
			DeleteOnTermination: true, InstanceID: e.InstanceId, InstanceOwnerID: c.Account()}
	}
	return out
}

func (st *state) instanceOut(c *service.Call, inst *vpc.Instance) Instance {
	m := st.Instances[inst.InstanceId]
	if m == nil {
		m = &instanceMeta{}
	}
	out := Instance{InstanceID: inst.InstanceId, ImageID: inst.ImageId, State: InstanceState{stateCodes[inst.State], inst.State},
		KeyName: m.KeyName, InstanceType: m.InstanceType, LaunchTime: m.LaunchTime,
		Placement: Placement{AvailabilityZone: m.AvailabilityZone, Tenancy: "default"}, Monitoring: State{"disabled"},
		Groups: []GroupIdentifier{}, Architecture: "x86_64", RootDeviceType: "ebs", RootDeviceName: "/dev/xvda",
		VirtualizationType: "hvm", Hypervisor: "xen", NetworkInterfaces: []NetworkInterface{}, Tags: st.tagSet(inst.InstanceId),
		MetadataOptions: MetadataOptions{State: "applied", HttpTokens: inst.HttpTokens, HttpPutResponseHopLimit: inst.HttpPutResponseHopLimit,
			HttpEndpoint: m.HttpEndpoint, HttpProtocolIpv6: "disabled", InstanceMetadataTags: m.InstanceMetadataTags}}
	if inst.IamInstanceProfile != "" {
		out.IamInstanceProfile = &IamInstanceProfile{Arn: inst.IamInstanceProfile, ID: profileID(inst.IamInstanceProfile)}
	}
	for i, id := range inst.NetworkInterfaceIds {
		e := st.Net.Interfaces[id]
		if e == nil {
			continue
		}
		eo := st.eniOut(c, e)
		eo.AvailabilityZone, eo.Tags = "", nil
		if eo.Attachment != nil {
			eo.Attachment.DeviceIndex = i
		}
		out.NetworkInterfaces = append(out.NetworkInterfaces, eo)
		if i == 0 {
			out.SubnetID, out.VpcID = e.SubnetId, e.VpcId
			out.PrivateIPAddress, out.PrivateDNSName = eo.PrivateIPAddress, eo.PrivateDNSName
			out.SourceDestCheck = ptr(e.SourceDestCheck)
			out.Groups = eo.Groups
			if e.PublicIp.IsValid() {
				out.PublicIPAddress, out.DNSName = e.PublicIp.String(), publicDNS(e.PublicIp, c.Region)
			}
		}
	}
	return out
}

// profileID is a stable instance profile ID (AIPA…) derived from its ARN.
func profileID(arn string) string {
	h := uint64(14695981039346656037)
	for _, c := range arn {
		h = (h ^ uint64(c)) * 1099511628211
	}
	return "AIPA" + strings.ToUpper(strconv.FormatUint(h, 36))
}

// --- RunInstances ---

// NetworkInterfaceSpec is InstanceNetworkInterfaceSpecification.
type NetworkInterfaceSpec struct {
	AssociatePublicIPAddress *bool    `aws:"AssociatePublicIpAddress"`
	DeviceIndex              *int     `aws:"DeviceIndex"`
	SubnetID                 *string  `aws:"SubnetId"`
	Groups                   []string `aws:"SecurityGroupId"`
	PrivateIPAddress         *string  `aws:"PrivateIpAddress"`
	NetworkInterfaceID       *string  `aws:"NetworkInterfaceId"`
	Description              *string
	DeleteOnTermination      *bool
}

// IamInstanceProfileSpec is IamInstanceProfileSpecification.
type IamInstanceProfileSpec struct {
	Arn  *string
	Name *string
}

// MetadataOptionsIn is InstanceMetadataOptionsRequest.
type MetadataOptionsIn struct {
	HttpTokens              *string
	HttpPutResponseHopLimit *int
	HttpEndpoint            *string
	HttpProtocolIpv6        *string
	InstanceMetadataTags    *string
}

// PlacementIn is Placement in a request.
type PlacementIn struct {
	AvailabilityZone *string
	Tenancy          *string
}

// RunInstancesInput is RunInstances' input.
type RunInstancesInput struct {
	common
	ImageID            *string `aws:"ImageId"`
	InstanceType       *string
	MinCount           int `aws:",required"`
	MaxCount           int `aws:",required"`
	KeyName            *string
	SubnetID           *string                 `aws:"SubnetId"`
	SecurityGroupIDs   []string                `aws:"SecurityGroupId"`
	SecurityGroups     []string                `aws:"SecurityGroup"`
	PrivateIPAddress   *string                 `aws:"PrivateIpAddress"`
	NetworkInterfaces  []NetworkInterfaceSpec  `aws:"NetworkInterface"`
	IamInstanceProfile *IamInstanceProfileSpec `aws:"IamInstanceProfile"`
	MetadataOptions    *MetadataOptionsIn      `aws:"MetadataOptions"`
	Placement          *PlacementIn
	TagSpecifications  []TagSpecification `aws:"TagSpecification"`
	ClientToken        *string
	UserData           *string `aws:",sensitive"`
}

func (in *RunInstancesInput) subnet() string {
	if in.SubnetID != nil {
		return *in.SubnetID
	}
	if len(in.NetworkInterfaces) > 0 && in.NetworkInterfaces[0].SubnetID != nil {
		return *in.NetworkInterfaces[0].SubnetID
	}
	return ""
}

func checkMetadata(m *MetadataOptionsIn) error {
	if m == nil {
		return nil
	}
	oneOf := func(p *string, param string, vals ...string) error {
		if p != nil && !slices.Contains(vals, *p) {
			return invalidParamValue.New("Value (%s) for parameter %s is invalid. Valid values: %s", *p, param, strings.Join(vals, ", "))
		}
		return nil
	}
	for _, err := range []error{oneOf(m.HttpTokens, "HttpTokens", "optional", "required"), oneOf(m.HttpEndpoint, "HttpEndpoint", "enabled", "disabled"),
		oneOf(m.InstanceMetadataTags, "InstanceMetadataTags", "enabled", "disabled"), oneOf(m.HttpProtocolIpv6, "HttpProtocolIpv6", "enabled", "disabled")} {
		if err != nil {
			return err
		}
	}
	if h := m.HttpPutResponseHopLimit; h != nil && (*h < 1 || *h > 64) {
		return invalidParamValue.New("Value (%d) for parameter HttpPutResponseHopLimit is invalid. It must be 1-64", *h)
	}
	return nil
}

func runInstances(ctx context.Context, c *service.Call, in *RunInstancesInput) (*Reservation, error) {
	if in.ImageID == nil {
		return nil, missingParameter.New("The request must contain the parameter ImageId")
	}
	if !amiRE.MatchString(*in.ImageID) {
		return nil, amiMalformed.New("Invalid id: \"%s\" (expecting \"ami-...\")", *in.ImageID)
	}
	if in.MinCount < 1 || in.MaxCount < in.MinCount {
		return nil, invalidParamValue.New("Invalid value '%d' for minCount. MinCount must be at least 1 and no more than maxCount (%d)", in.MinCount, in.MaxCount)
	}
	if in.MinCount > maxLaunch {
		return nil, awserr.Def{Code: "InstanceLimitExceeded", Status: 400}.New("You have requested more instances (%d) than your current instance limit of %d allows for the specified instance type.", in.MinCount, maxLaunch)
	}
	count := min(in.MaxCount, maxLaunch)
	if len(in.NetworkInterfaces) > 1 {
		return nil, awserr.Def{Code: "Unsupported", Status: 400}.New("moat launches instances with one network interface; attach more with CreateNetworkInterface")
	}
	var spec NetworkInterfaceSpec
	if len(in.NetworkInterfaces) == 1 {
		spec = in.NetworkInterfaces[0]
		if len(in.SecurityGroupIDs) > 0 || len(in.SecurityGroups) > 0 || in.SubnetID != nil {
			return nil, invalidParamCombo.New("Network interfaces and an instance-level security groups may not be specified on the same request")
		}
		if spec.NetworkInterfaceID != nil {
			return nil, awserr.Def{Code: "Unsupported", Status: 400}.New("moat does not launch instances on an existing network interface")
		}
	}
	privateIP := in.PrivateIPAddress
	if spec.PrivateIPAddress != nil {
		privateIP = spec.PrivateIPAddress
	}
	var ip netip.Addr
	if privateIP != nil {
		var err error
		if ip, err = netip.ParseAddr(*privateIP); err != nil || !ip.Is4() {
			return nil, invalidParamValue.New("Invalid value '%s' for IP address. This is not a valid IPv4 address.", *privateIP)
		}
		if count > 1 {
			return nil, invalidParamCombo.New("Network interfaces with a specific private IP address cannot be launched with more than one instance (maxCount %d)", count)
		}
	}
	if err := checkMetadata(in.MetadataOptions); err != nil {
		return nil, err
	}
	profile := ""
	if p := in.IamInstanceProfile; p != nil {
		switch {
		case p.Arn != nil:
			if !strings.HasPrefix(*p.Arn, "arn:aws:iam::") || !strings.Contains(*p.Arn, ":instance-profile/") {
				return nil, invalidParamValue.New("Value (%s) for parameter iamInstanceProfile.arn is invalid. Invalid IAM Instance Profile ARN", *p.Arn)
			}
			profile = *p.Arn
		case p.Name != nil:
			profile = "arn:aws:iam::" + c.Account() + ":instance-profile/" + *p.Name
		}
	}
	res := &Reservation{ReservationID: newID("r"), OwnerID: c.Account(), Groups: []GroupIdentifier{}, Instances: []Instance{}}
	err := update(ctx, c, func(st *state) error {
		subnetID := in.subnet()
		if subnetID == "" {
			def := st.defaultVpc()
			if def == "" {
				return awserr.Def{Code: "VPCIdNotSpecified", Status: 400}.New("No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.")
			}
			for id, s := range st.Net.Subnets {
				if s.VpcId == def && (subnetID == "" || id < subnetID) {
					subnetID = id
				}
			}
		}
		s := st.Net.Subnets[subnetID]
		if s == nil {
			return subnetNotFound(subnetID)
		}
		var groups []string
		switch {
		case len(spec.Groups) > 0:
			groups = spec.Groups
		case len(in.SecurityGroupIDs) > 0 || len(in.SecurityGroups) > 0:
			groups = slices.Clone(in.SecurityGroupIDs)
			for _, name := range in.SecurityGroups {
				found := ""
				for id, g := range st.Net.SecurityGroups {
					if g.VpcId == s.VpcId && g.GroupName == name {
						found = id
					}
				}
				if found == "" {
					return awserr.Def{Code: "InvalidGroup.NotFound", Status: 400}.New("The security group '%s' does not exist in VPC '%s'", name, s.VpcId)
				}
				groups = append(groups, found)
			}
		}
		public := s.MapPublicIpOnLaunch
		if spec.AssociatePublicIPAddress != nil {
			public = *spec.AssociatePublicIPAddress
		}
		now := c.Now.UTC().Truncate(time.Second)
		for i := 0; i < count; i++ {
			e, err := st.Net.CreateNetworkInterface(subnetID, ip, groups)
			if err != nil {
				if ve, isVE := err.(*vpc.Error); isVE && ve.Code == "InsufficientFreeAddressesInSubnet" && i >= in.MinCount {
					// EC2 launches as many as it can above MinCount.
					break
				}
				return err
			}
			if spec.Description != nil {
				e.Description = *spec.Description
			}
			if public {
				if err := st.Net.AssociatePublicIp(e.NetworkInterfaceId, st.freePublicIP()); err != nil {
					return err
				}
			}
			inst := &vpc.Instance{InstanceId: newID("i"), State: "running", NetworkInterfaceIds: []string{e.NetworkInterfaceId},
				HttpTokens: "optional", HttpPutResponseHopLimit: 1, ImageId: *in.ImageID, IamInstanceProfile: profile}
			meta := &instanceMeta{InstanceType: "m1.small", ReservationID: res.ReservationID, AvailabilityZone: s.AvailabilityZone,
				LaunchTime: now, HttpEndpoint: "enabled", InstanceMetadataTags: "disabled"}
			if in.InstanceType != nil {
				meta.InstanceType = *in.InstanceType
			}
			if in.KeyName != nil {
				meta.KeyName = *in.KeyName
			}
			if m := in.MetadataOptions; m != nil {
				if m.HttpTokens != nil {
					inst.HttpTokens = *m.HttpTokens
				}
				if m.HttpPutResponseHopLimit != nil {
					inst.HttpPutResponseHopLimit = *m.HttpPutResponseHopLimit
				}
				if m.HttpEndpoint != nil {
					meta.HttpEndpoint = *m.HttpEndpoint
				}
				if m.InstanceMetadataTags != nil {
					meta.InstanceMetadataTags = *m.InstanceMetadataTags
				}
			}
			e.InstanceId, e.Status = inst.InstanceId, "in-use"
			st.Net.Instances[inst.InstanceId] = inst
			st.Instances[inst.InstanceId] = meta
			st.ENIs[e.NetworkInterfaceId] = &eniMeta{AttachmentID: newID("eni-attach"), AttachTime: now, Auto: public}
			for _, spec := range in.TagSpecifications {
				var target string
				switch spec.ResourceType {
				case "instance":
					target = inst.InstanceId
				case "network-interface":
					target = e.NetworkInterfaceId
				case "volume":
					continue
				default:
					return invalidParamValue.New("'%s' is not a valid taggable resource type for this operation.", spec.ResourceType)
				}
				if err := st.tag(target, spec.Tags); err != nil {
					return err
				}
			}
			o := st.instanceOut(c, inst)
			o.AmiLaunchIndex = i
			o.State = InstanceState{0, "pending"}
			res.Instances = append(res.Instances, o)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// freePublicIP returns an unused address of publicPool (the zero Addr,
// which AssociatePublicIp refuses, when the pool is exhausted).
func (st *state) freePublicIP() netip.Addr {
	used := map[netip.Addr]bool{}
	for _, e := range st.Net.Interfaces {
		used[e.PublicIp] = true
	}
	for ip := publicPool.Addr().Next(); publicPool.Contains(ip); ip = ip.Next() {
		if !used[ip] && ip != netip.MustParseAddr("198.51.100.255") {
			return ip
		}
	}
	return netip.Addr{}
}

// --- DescribeInstances, TerminateInstances, ModifyInstanceMetadataOptions ---

// DescribeInstancesInput is DescribeInstances' input.
type DescribeInstancesInput struct {
	common
	InstanceIDs []string `aws:"InstanceId"`
	Filters     []Filter `aws:"Filter"`
	MaxResults  *int32
	NextToken   *string
}

// DescribeInstancesOutput is DescribeInstances' output.
type DescribeInstancesOutput struct {
	Reservations []Reservation `aws:"reservationSet"`
	NextToken    *string       `aws:"nextToken"`
}

func describeInstances(ctx context.Context, c *service.Call, in *DescribeInstancesInput) (*DescribeInstancesOutput, error) {
	fs, err := newFilters(in.Filters, "instance-id", "instance-state-name", "instance-state-code", "vpc-id", "subnet-id",
		"private-ip-address", "ip-address", "instance.group-id", "instance.group-name", "group-id", "group-name", "image-id",
		"instance-type", "iam-instance-profile.arn", "availability-zone", "network-interface.network-interface-id",
		"metadata-options.http-tokens", "metadata-options.http-endpoint", "metadata-options.http-put-response-hop-limit",
		"reservation-id", "key-name", "owner-id", "private-dns-name", "dns-name")
	if err != nil {
		return nil, err
	}
	out := &DescribeInstancesOutput{Reservations: []Reservation{}}
	err = view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.Net.Instances, in.InstanceIDs, instanceNotFound)
		if err != nil {
			return err
		}
		byRes := map[string]int{}
		for _, id := range ids {
			o := st.instanceOut(c, st.Net.Instances[id])
			a := attrs{"instance-id": {id}, "instance-state-name": {o.State.Name}, "instance-state-code": {strconv.Itoa(o.State.Code)},
				"vpc-id": {o.VpcID}, "subnet-id": {o.SubnetID}, "private-ip-address": {o.PrivateIPAddress}, "ip-address": {o.PublicIPAddress},
				"image-id": {o.ImageID}, "instance-type": {o.InstanceType}, "availability-zone": {o.Placement.AvailabilityZone},
				"metadata-options.http-tokens": {o.MetadataOptions.HttpTokens}, "metadata-options.http-endpoint": {o.MetadataOptions.HttpEndpoint},
				"metadata-options.http-put-response-hop-limit": {strconv.Itoa(o.MetadataOptions.HttpPutResponseHopLimit)},
				"key-name": {o.KeyName}, "owner-id": {c.Account()}, "private-dns-name": {o.PrivateDNSName}, "dns-name": {o.DNSName}}
			rid := ""
			if m := st.Instances[id]; m != nil {
				rid = m.ReservationID
			}
			a["reservation-id"] = []string{rid}
			if o.IamInstanceProfile != nil {
				a["iam-instance-profile.arn"] = []string{o.IamInstanceProfile.Arn}
			}
			for _, g := range o.Groups {
				for _, k := range []string{"instance.group-id", "group-id"} {
					a[k] = append(a[k], g.GroupID)
				}
				for _, k := range []string{"instance.group-name", "group-name"} {
					a[k] = append(a[k], g.GroupName)
				}
			}
			for _, e := range o.NetworkInterfaces {
				a["network-interface.network-interface-id"] = append(a["network-interface.network-interface-id"], e.NetworkInterfaceID)
			}
			if !fs.match(a, st.Tags[id]) {
				continue
			}
			i, seen := byRes[rid]
			if !seen {
				out.Reservations = append(out.Reservations, Reservation{ReservationID: rid, OwnerID: c.Account(), Groups: []GroupIdentifier{}})
				i = len(out.Reservations) - 1
				byRes[rid] = i
			}
			out.Reservations[i].Instances = append(out.Reservations[i].Instances, o)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.Reservations, out.NextToken, err = paginate(out.Reservations, in.MaxResults, in.NextToken, len(in.InstanceIDs) > 0)
	return out, err
}

// InstanceIDsInput names instances.
type InstanceIDsInput struct {
	common
	InstanceIDs []string `aws:"InstanceId,required"`
	Force       *bool
}

// InstanceStateChange is EC2's InstanceStateChange.
type InstanceStateChange struct {
	InstanceID    string        `aws:"instanceId"`
	CurrentState  InstanceState `aws:"currentState"`
	PreviousState InstanceState `aws:"previousState"`
}

// TerminateInstancesOutput is TerminateInstances' output.
type TerminateInstancesOutput struct {
	Instances []InstanceStateChange `aws:"instancesSet"`
}

func terminateInstances(ctx context.Context, c *service.Call, in *InstanceIDsInput) (*TerminateInstancesOutput, error) {
	out := &TerminateInstancesOutput{Instances: []InstanceStateChange{}}
	return out, update(ctx, c, func(st *state) error {
		for _, id := range in.InstanceIDs {
			inst := st.Net.Instances[id]
			if inst == nil {
				return instanceNotFound(id)
			}
			prev := inst.State
			enis := slices.Clone(inst.NetworkInterfaceIds)
			if err := st.Net.TerminateInstance(id); err != nil {
				return err
			}
			st.blackhole(append(enis, id))
			for _, e := range enis {
				for _, a := range st.Net.Addresses {
					if a.NetworkInterfaceId == e {
						a.NetworkInterfaceId = ""
					}
				}
				delete(st.ENIs, e)
				st.forget(e)
			}
			if m := st.Instances[id]; m != nil && m.TerminatedAt.IsZero() {
				m.TerminatedAt = c.Now.UTC()
			}
			cur := InstanceState{stateCodes["shutting-down"], "shutting-down"}
			if prev == "terminated" {
				cur = InstanceState{stateCodes["terminated"], "terminated"}
			}
			out.Instances = append(out.Instances, InstanceStateChange{InstanceID: id, CurrentState: cur, PreviousState: InstanceState{stateCodes[prev], prev}})
		}
		return nil
	})
}

// ModifyInstanceMetadataOptionsInput is ModifyInstanceMetadataOptions' input.
type ModifyInstanceMetadataOptionsInput struct {
	common
	InstanceID string `aws:"InstanceId,required"`
	MetadataOptionsIn
}

// ModifyInstanceMetadataOptionsOutput is ModifyInstanceMetadataOptions' output.
type ModifyInstanceMetadataOptionsOutput struct {
	InstanceID      string          `aws:"instanceId"`
	MetadataOptions MetadataOptions `aws:"instanceMetadataOptions"`
}

func modifyInstanceMetadataOptions(ctx context.Context, c *service.Call, in *ModifyInstanceMetadataOptionsInput) (*ModifyInstanceMetadataOptionsOutput, error) {
	if err := checkMetadata(&in.MetadataOptionsIn); err != nil {
		return nil, err
	}
	out := &ModifyInstanceMetadataOptionsOutput{InstanceID: in.InstanceID}
	return out, update(ctx, c, func(st *state) error {
		inst := st.Net.Instances[in.InstanceID]
		if inst == nil || inst.State == "terminated" {
			return instanceNotFound(in.InstanceID)
		}
		tokens, hop := "", 0
		if in.HttpTokens != nil {
			tokens = *in.HttpTokens
		}
		if in.HttpPutResponseHopLimit != nil {
			hop = *in.HttpPutResponseHopLimit
		}
		if err := st.Net.ModifyInstanceMetadataOptions(in.InstanceID, tokens, hop); err != nil {
			return err
		}
		m := st.Instances[in.InstanceID]
		if m == nil {
			m = &instanceMeta{}
			st.Instances[in.InstanceID] = m
		}
		if in.HttpEndpoint != nil {
			m.HttpEndpoint = *in.HttpEndpoint
		}
		if in.InstanceMetadataTags != nil {
			m.InstanceMetadataTags = *in.InstanceMetadataTags
		}
		out.MetadataOptions = st.instanceOut(c, inst).MetadataOptions
		out.MetadataOptions.State = "pending"
		return nil
	})
}

// blackhole marks routes to the targets "blackhole", as EC2 does when an
// instance or interface a route names goes away.
func (st *state) blackhole(targets []string) {
	for _, rt := range st.Net.RouteTables {
		for i := range rt.Routes {
			if slices.Contains(targets, rt.Routes[i].TargetId) {
				rt.Routes[i].State = "blackhole"
			}
		}
	}
}

// ModifyInstanceAttributeInput is ModifyInstanceAttribute's input (the
// networking attributes: groups of the primary interface, source/destination
// check; the form Attribute=sourceDestCheck&Value=false too).
type ModifyInstanceAttributeInput struct {
	common
	InstanceID      string   `aws:"InstanceId,required"`
	Groups          []string `aws:"GroupId"`
	SourceDestCheck *BoolValue
	Attribute       *string
	Value           *string
	InstanceType    *ValueIn
}

func modifyInstanceAttribute(ctx context.Context, c *service.Call, in *ModifyInstanceAttributeInput) (*struct{}, error) {
	check := in.SourceDestCheck
	if in.Attribute != nil {
		switch *in.Attribute {
		case "sourceDestCheck":
			v, err := strconv.ParseBool(deref(in.Value))
			if err != nil {
				return nil, invalidParamValue.New("Value (%s) for parameter value is invalid. Valid values: true, false", deref(in.Value))
			}
			check = &BoolValue{Value: &v}
		case "groupSet":
			return nil, invalidParamCombo.New("Specify the groups with GroupId.N")
		default:
			return nil, awserr.Def{Code: "Unsupported", Status: 400}.New("moat models the networking attributes of instances only (groupSet, sourceDestCheck), not %s", *in.Attribute)
		}
	}
	if in.InstanceType != nil {
		if len(in.Groups) > 0 || check != nil {
			return nil, invalidParamCombo.New("Fields for multiple attribute types specified")
		}
	}
	if (len(in.Groups) > 0) == (check != nil) && in.InstanceType == nil {
		return nil, invalidParamCombo.New("Specify exactly one attribute: GroupId.N or SourceDestCheck")
	}
	return &struct{}{}, update(ctx, c, func(st *state) error {
		inst := st.Net.Instances[in.InstanceID]
		if inst == nil || inst.State == "terminated" || len(inst.NetworkInterfaceIds) == 0 {
			return instanceNotFound(in.InstanceID)
		}
		eni := inst.NetworkInterfaceIds[0]
		switch {
		case in.InstanceType != nil:
			if m := st.Instances[in.InstanceID]; m != nil {
				m.InstanceType = deref(in.InstanceType.Value)
			}
			return nil
		case len(in.Groups) > 0:
			return st.Net.ModifyNetworkInterfaceGroups(eni, in.Groups)
		default:
			if check.Value == nil {
				return missingParameter.New("The request must contain the parameter SourceDestCheck.Value")
			}
			return st.Net.ModifyNetworkInterfaceSourceDestCheck(eni, *check.Value)
		}
	})
}

// --- network interfaces ---

// CreateNetworkInterfaceInput is CreateNetworkInterface's input.
type CreateNetworkInterfaceInput struct {
	common
	SubnetID          string   `aws:"SubnetId,required"`
	Groups            []string `aws:"SecurityGroupId"`
	PrivateIPAddress  *string  `aws:"PrivateIpAddress"`
	Description       *string
	ClientToken       *string
	TagSpecifications []TagSpecification `aws:"TagSpecification"`
}

// CreateNetworkInterfaceOutput is CreateNetworkInterface's output.
type CreateNetworkInterfaceOutput struct {
	ClientToken      *string          `aws:"clientToken"`
	NetworkInterface NetworkInterface `aws:"networkInterface"`
}

func createNetworkInterface(ctx context.Context, c *service.Call, in *CreateNetworkInterfaceInput) (*CreateNetworkInterfaceOutput, error) {
	var ip netip.Addr
	if in.PrivateIPAddress != nil {
		var err error
		if ip, err = netip.ParseAddr(*in.PrivateIPAddress); err != nil || !ip.Is4() {
			return nil, invalidParamValue.New("Invalid value '%s' for IP address. This is not a valid IPv4 address.", *in.PrivateIPAddress)
		}
	}
	out := &CreateNetworkInterfaceOutput{ClientToken: in.ClientToken}
	return out, update(ctx, c, func(st *state) error {
		e, err := st.Net.CreateNetworkInterface(in.SubnetID, ip, in.Groups)
		if err != nil {
			return err
		}
		if in.Description != nil {
			e.Description = *in.Description
		}
		if err := st.applyTagSpecs(e.NetworkInterfaceId, "network-interface", in.TagSpecifications); err != nil {
			return err
		}
		st.Created[e.NetworkInterfaceId] = c.Now.UTC()
		out.NetworkInterface = st.eniOut(c, e)
		return nil
	})
}

// DescribeNetworkInterfacesInput is DescribeNetworkInterfaces' input.
type DescribeNetworkInterfacesInput struct {
	common
	NetworkInterfaceIDs []string `aws:"NetworkInterfaceId"`
	Filters             []Filter `aws:"Filter"`
	MaxResults          *int32
	NextToken           *string
}

// DescribeNetworkInterfacesOutput is DescribeNetworkInterfaces' output.
type DescribeNetworkInterfacesOutput struct {
	NetworkInterfaces []NetworkInterface `aws:"networkInterfaceSet"`
	NextToken         *string            `aws:"nextToken"`
}

func describeNetworkInterfaces(ctx context.Context, c *service.Call, in *DescribeNetworkInterfacesInput) (*DescribeNetworkInterfacesOutput, error) {
	fs, err := newFilters(in.Filters, "network-interface-id", "subnet-id", "vpc-id", "group-id", "group-name", "status",
		"private-ip-address", "addresses.private-ip-address", "association.public-ip", "attachment.instance-id", "interface-type",
		"source-dest-check", "description", "owner-id", "availability-zone", "mac-address")
	if err != nil {
		return nil, err
	}
	out := &DescribeNetworkInterfacesOutput{NetworkInterfaces: []NetworkInterface{}}
	err = view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.Net.Interfaces, in.NetworkInterfaceIDs, eniNotFound)
		if err != nil {
			return err
		}
		for _, id := range ids {
			o := st.eniOut(c, st.Net.Interfaces[id])
			a := attrs{"network-interface-id": {id}, "subnet-id": {o.SubnetID}, "vpc-id": {o.VpcID}, "status": {o.Status},
				"private-ip-address": {o.PrivateIPAddress}, "interface-type": {o.InterfaceType}, "source-dest-check": {strconv.FormatBool(o.SourceDestCheck)},
				"description": {o.Description}, "owner-id": {o.OwnerID}, "availability-zone": {o.AvailabilityZone}, "mac-address": {o.MacAddress}}
			for _, g := range o.Groups {
				a["group-id"] = append(a["group-id"], g.GroupID)
				a["group-name"] = append(a["group-name"], g.GroupName)
			}
			for _, p := range o.PrivateIPAddresses {
				a["addresses.private-ip-address"] = append(a["addresses.private-ip-address"], p.PrivateIPAddress)
			}
			if o.Association != nil {
				a["association.public-ip"] = []string{o.Association.PublicIP}
			}
			if o.Attachment != nil {
				a["attachment.instance-id"] = []string{o.Attachment.InstanceID}
			}
			if fs.match(a, st.Tags[id]) {
				out.NetworkInterfaces = append(out.NetworkInterfaces, o)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.NetworkInterfaces, out.NextToken, err = paginate(out.NetworkInterfaces, in.MaxResults, in.NextToken, len(in.NetworkInterfaceIDs) > 0)
	return out, err
}

// ValueIn is AttributeValue / AttributeBooleanValue.
type ValueIn struct {
	Value *string
}

// ModifyNetworkInterfaceAttributeInput is ModifyNetworkInterfaceAttribute's input.
type ModifyNetworkInterfaceAttributeInput struct {
	common
	NetworkInterfaceID string   `aws:"NetworkInterfaceId,required"`
	Groups             []string `aws:"SecurityGroupId"`
	SourceDestCheck    *ValueIn
	Description        *ValueIn
}

func modifyNetworkInterfaceAttribute(ctx context.Context, c *service.Call, in *ModifyNetworkInterfaceAttributeInput) (*struct{}, error) {
	n := 0
	for _, set := range []bool{len(in.Groups) > 0, in.SourceDestCheck != nil, in.Description != nil} {
		if set {
			n++
		}
	}
	if n != 1 {
		return nil, invalidParamCombo.New("Fields for multiple attribute types specified: specify exactly one of groupSet, sourceDestCheck, description")
	}
	return &struct{}{}, update(ctx, c, func(st *state) error {
		e := st.Net.Interfaces[in.NetworkInterfaceID]
		if e == nil {
			return eniNotFound(in.NetworkInterfaceID)
		}
		switch {
		case len(in.Groups) > 0:
			return st.Net.ModifyNetworkInterfaceGroups(in.NetworkInterfaceID, in.Groups)
		case in.SourceDestCheck != nil:
			v, err := strconv.ParseBool(deref(in.SourceDestCheck.Value))
			if err != nil {
				return invalidParamValue.New("Value (%s) for parameter sourceDestCheck is invalid. Valid values: true, false", deref(in.SourceDestCheck.Value))
			}
			return st.Net.ModifyNetworkInterfaceSourceDestCheck(in.NetworkInterfaceID, v)
		default:
			e.Description = deref(in.Description.Value)
			return nil
		}
	})
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// NetworkInterfaceIDInput names one interface.
type NetworkInterfaceIDInput struct {
	common
	NetworkInterfaceID string `aws:"NetworkInterfaceId,required"`
}

func deleteNetworkInterface(ctx context.Context, c *service.Call, in *NetworkInterfaceIDInput) (*struct{}, error) {
	return &struct{}{}, update(ctx, c, func(st *state) error {
		if e := st.Net.Interfaces[in.NetworkInterfaceID]; e != nil && e.InterfaceType != "interface" {
			return awserr.Def{Code: "InvalidNetworkInterface.InUse", Status: 400}.New("Interface: [%s] in use.", in.NetworkInterfaceID)
		}
		if err := st.Net.DeleteNetworkInterface(in.NetworkInterfaceID); err != nil {
			return err
		}
		st.forget(in.NetworkInterfaceID)
		delete(st.ENIs, in.NetworkInterfaceID)
		return nil
	})
}

// --- Elastic IPs ---

// AllocateAddressInput is AllocateAddress' input.
type AllocateAddressInput struct {
	common
	Domain            *string
	Address           *string
	TagSpecifications []TagSpecification `aws:"TagSpecification"`
}

// AllocateAddressOutput is AllocateAddress' output.
type AllocateAddressOutput struct {
	AllocationID       string `aws:"allocationId"`
	PublicIP           string `aws:"publicIp"`
	Domain             string `aws:"domain"`
	PublicIpv4Pool     string `aws:"publicIpv4Pool"`
	NetworkBorderGroup string `aws:"networkBorderGroup"`
}

func allocateAddress(ctx context.Context, c *service.Call, in *AllocateAddressInput) (*AllocateAddressOutput, error) {
	var ip netip.Addr
	if in.Address != nil {
		var err error
		if ip, err = netip.ParseAddr(*in.Address); err != nil {
			return nil, invalidParamValue.New("Invalid value '%s' for IP address. This is not a valid IPv4 address.", *in.Address)
		}
	}
	out := &AllocateAddressOutput{Domain: "vpc", PublicIpv4Pool: "amazon", NetworkBorderGroup: c.Region}
	return out, update(ctx, c, func(st *state) error {
		a, err := st.Net.AllocateAddress(ip)
		if err != nil {
			return err
		}
		if err := st.applyTagSpecs(a.AllocationId, "elastic-ip", in.TagSpecifications); err != nil {
			return err
		}
		out.AllocationID, out.PublicIP = a.AllocationId, a.PublicIp.String()
		return nil
	})
}

// Address is EC2's Address.
type Address struct {
	AllocationID       string `aws:"allocationId"`
	AssociationID      string `aws:"associationId,omitempty"`
	PublicIP           string `aws:"publicIp"`
	Domain             string `aws:"domain"`
	NetworkInterfaceID string `aws:"networkInterfaceId,omitempty"`
	InstanceID         string `aws:"instanceId,omitempty"`
	PrivateIPAddress   string `aws:"privateIpAddress,omitempty"`
	PublicIpv4Pool     string `aws:"publicIpv4Pool"`
	NetworkBorderGroup string `aws:"networkBorderGroup"`
	Tags               []Tag  `aws:"tagSet"`
}

// DescribeAddressesInput is DescribeAddresses' input.
type DescribeAddressesInput struct {
	common
	AllocationIDs []string `aws:"AllocationId"`
	PublicIPs     []string `aws:"PublicIp"`
	Filters       []Filter `aws:"Filter"`
}

// DescribeAddressesOutput is DescribeAddresses' output.
type DescribeAddressesOutput struct {
	Addresses []Address `aws:"addressesSet"`
}

func describeAddresses(ctx context.Context, c *service.Call, in *DescribeAddressesInput) (*DescribeAddressesOutput, error) {
	fs, err := newFilters(in.Filters, "allocation-id", "public-ip", "domain", "network-interface-id", "instance-id", "private-ip-address")
	if err != nil {
		return nil, err
	}
	out := &DescribeAddressesOutput{Addresses: []Address{}}
	return out, view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.Net.Addresses, in.AllocationIDs, func(id string) error {
			return awserr.Def{Code: "InvalidAllocationID.NotFound", Status: 400}.New("The allocation ID '%s' does not exist", id)
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			a := st.Net.Addresses[id]
			o := Address{AllocationID: id, PublicIP: a.PublicIp.String(), Domain: "vpc", NetworkInterfaceID: a.NetworkInterfaceId,
				PublicIpv4Pool: "amazon", NetworkBorderGroup: c.Region, Tags: st.tagSet(id)}
			if a.NatGatewayId != "" {
				if g := st.Net.NATGateways[a.NatGatewayId]; g != nil {
					o.NetworkInterfaceID = st.natENI(g)
				}
			}
			if e := st.Net.Interfaces[o.NetworkInterfaceID]; e != nil {
				o.AssociationID = "eipassoc-" + id[strings.LastIndexByte(id, '-')+1:]
				o.InstanceID, o.PrivateIPAddress = e.InstanceId, e.PrimaryIP().String()
			}
			if len(in.PublicIPs) > 0 && !slices.Contains(in.PublicIPs, o.PublicIP) {
				continue
			}
			if fs.match(attrs{"allocation-id": {id}, "public-ip": {o.PublicIP}, "domain": {"vpc"}, "network-interface-id": {o.NetworkInterfaceID},
				"instance-id": {o.InstanceID}, "private-ip-address": {o.PrivateIPAddress}}, st.Tags[id]) {
				out.Addresses = append(out.Addresses, o)
			}
		}
		return nil
	})
}

// AssociateAddressInput is AssociateAddress' input.
type AssociateAddressInput struct {
	common
	AllocationID       *string `aws:"AllocationId"`
	InstanceID         *string `aws:"InstanceId"`
	NetworkInterfaceID *string `aws:"NetworkInterfaceId"`
	AllowReassociation *bool
}

// AssociateAddressOutput is AssociateAddress' output.
type AssociateAddressOutput struct {
	AssociationID string `aws:"associationId"`
}

func associateAddress(ctx context.Context, c *service.Call, in *AssociateAddressInput) (*AssociateAddressOutput, error) {
	if in.AllocationID == nil {
		return nil, missingParameter.New("The request must contain the parameter AllocationId")
	}
	out := &AssociateAddressOutput{AssociationID: "eipassoc-" + (*in.AllocationID)[strings.LastIndexByte(*in.AllocationID, '-')+1:]}
	return out, update(ctx, c, func(st *state) error {
		eni := deref(in.NetworkInterfaceID)
		if in.InstanceID != nil {
			inst := st.Net.Instances[*in.InstanceID]
			if inst == nil || len(inst.NetworkInterfaceIds) == 0 {
				return instanceNotFound(*in.InstanceID)
			}
			eni = inst.NetworkInterfaceIds[0]
		}
		if eni == "" {
			return missingParameter.New("The request must contain the parameter InstanceId or NetworkInterfaceId")
		}
		if a := st.Net.Addresses[*in.AllocationID]; a != nil && a.NetworkInterfaceId != "" && in.AllowReassociation != nil && *in.AllowReassociation {
			if err := st.Net.DisassociateAddress(*in.AllocationID); err != nil {
				return err
			}
		}
		if err := st.Net.AssociateAddress(*in.AllocationID, eni); err != nil {
			return err
		}
		if m := st.ENIs[eni]; m != nil {
			m.Auto = false
		}
		return nil
	})
}

// AllocationIDInput names one Elastic IP.
type AllocationIDInput struct {
	common
	AllocationID *string `aws:"AllocationId"`
	PublicIP     *string `aws:"PublicIp"`
}

func releaseAddress(ctx context.Context, c *service.Call, in *AllocationIDInput) (*struct{}, error) {
	if in.AllocationID == nil {
		return nil, missingParameter.New("The request must contain the parameter AllocationId")
	}
	return &struct{}{}, update(ctx, c, func(st *state) error {
		if err := st.Net.ReleaseAddress(*in.AllocationID); err != nil {
			return err
		}
		st.forget(*in.AllocationID)
		return nil
	})
}

// --- NAT gateways ---

// NatGatewayAddress is EC2's NatGatewayAddress.
type NatGatewayAddress struct {
	AllocationID       string `aws:"allocationId,omitempty"`
	NetworkInterfaceID string `aws:"networkInterfaceId"`
	PrivateIP          string `aws:"privateIp"`
	PublicIP           string `aws:"publicIp,omitempty"`
	IsPrimary          bool   `aws:"isPrimary"`
	Status             string `aws:"status"`
}

// NatGateway is EC2's NatGateway.
type NatGateway struct {
	NatGatewayID        string              `aws:"natGatewayId"`
	SubnetID            string              `aws:"subnetId"`
	VpcID               string              `aws:"vpcId"`
	State               string              `aws:"state"`
	ConnectivityType    string              `aws:"connectivityType"`
	CreateTime          time.Time           `aws:"createTime"`
	NatGatewayAddresses []NatGatewayAddress `aws:"natGatewayAddressSet"`
	Tags                []Tag               `aws:"tagSet"`
}

// natENI finds the interface of a NAT gateway.
func (st *state) natENI(g *vpc.NATGateway) string {
	if m := st.NATs[g.NatGatewayId]; m != nil && m.ENI != "" {
		return m.ENI
	}
	for id, e := range st.Net.Interfaces {
		if e.InterfaceType == "nat_gateway" && e.SubnetId == g.SubnetId && e.PrimaryIP() == g.PrivateIp {
			return id
		}
	}
	return ""
}

func (st *state) natOut(g *vpc.NATGateway) NatGateway {
	out := NatGateway{NatGatewayID: g.NatGatewayId, SubnetID: g.SubnetId, VpcID: g.VpcId, State: g.State, ConnectivityType: g.ConnectivityType,
		NatGatewayAddresses: []NatGatewayAddress{}, Tags: st.tagSet(g.NatGatewayId)}
	if m := st.NATs[g.NatGatewayId]; m != nil {
		out.CreateTime = m.CreateTime
	}
	addr := NatGatewayAddress{AllocationID: g.AllocationId, NetworkInterfaceID: st.natENI(g), PrivateIP: g.PrivateIp.String(), IsPrimary: true, Status: "succeeded"}
	if g.PublicIp.IsValid() {
		addr.PublicIP = g.PublicIp.String()
	}
	if g.State != "deleted" {
		out.NatGatewayAddresses = append(out.NatGatewayAddresses, addr)
	}
	return out
}

// CreateNatGatewayInput is CreateNatGateway's input.
type CreateNatGatewayInput struct {
	common
	SubnetID          *string `aws:"SubnetId"`
	AllocationID      *string `aws:"AllocationId"`
	ConnectivityType  *string
	ClientToken       *string
	TagSpecifications []TagSpecification `aws:"TagSpecification"`
}

// CreateNatGatewayOutput is CreateNatGateway's output.
type CreateNatGatewayOutput struct {
	ClientToken *string    `aws:"clientToken"`
	NatGateway  NatGateway `aws:"natGateway"`
}

func createNatGateway(ctx context.Context, c *service.Call, in *CreateNatGatewayInput) (*CreateNatGatewayOutput, error) {
	if in.SubnetID == nil {
		return nil, missingParameter.New("The request must contain the parameter SubnetId")
	}
	if t := in.ConnectivityType; t != nil && *t != "public" {
		return nil, awserr.Def{Code: "Unsupported", Status: 400}.New("moat models public NAT gateways only (ConnectivityType public)")
	}
	if in.AllocationID == nil {
		return nil, missingParameter.New("The request must contain the parameter AllocationId (a public NAT gateway needs an Elastic IP)")
	}
	out := &CreateNatGatewayOutput{ClientToken: in.ClientToken}
	return out, update(ctx, c, func(st *state) error {
		before := map[string]bool{}
		for id := range st.Net.Interfaces {
			before[id] = true
		}
		g, err := st.Net.CreateNatGatewayWithAllocation(*in.SubnetID, *in.AllocationID)
		if err != nil {
			return err
		}
		m := &natMeta{CreateTime: c.Now.UTC().Truncate(time.Second), AllocationID: *in.AllocationID}
		for id, e := range st.Net.Interfaces {
			if !before[id] {
				m.ENI = id
				e.Description = "Interface for NAT Gateway " + g.NatGatewayId
			}
		}
		st.NATs[g.NatGatewayId] = m
		if err := st.applyTagSpecs(g.NatGatewayId, "natgateway", in.TagSpecifications); err != nil {
			return err
		}
		out.NatGateway = st.natOut(g)
		out.NatGateway.State = "pending"
		return nil
	})
}

// DescribeNatGatewaysInput is DescribeNatGateways' input.
type DescribeNatGatewaysInput struct {
	common
	NatGatewayIDs []string `aws:"NatGatewayId"`
	Filters       []Filter `aws:"Filter"`
	MaxResults    *int32
	NextToken     *string
}

// DescribeNatGatewaysOutput is DescribeNatGateways' output.
type DescribeNatGatewaysOutput struct {
	NatGateways []NatGateway `aws:"natGatewaySet"`
	NextToken   *string      `aws:"nextToken"`
}

func describeNatGateways(ctx context.Context, c *service.Call, in *DescribeNatGatewaysInput) (*DescribeNatGatewaysOutput, error) {
	fs, err := newFilters(in.Filters, "nat-gateway-id", "state", "subnet-id", "vpc-id")
	if err != nil {
		return nil, err
	}
	out := &DescribeNatGatewaysOutput{NatGateways: []NatGateway{}}
	err = view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.Net.NATGateways, in.NatGatewayIDs, func(id string) error {
			return awserr.Def{Code: "NatGatewayNotFound", Status: 400}.New("The Nat Gateway %s was not found", id)
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			g := st.Net.NATGateways[id]
			if fs.match(attrs{"nat-gateway-id": {id}, "state": {g.State}, "subnet-id": {g.SubnetId}, "vpc-id": {g.VpcId}}, st.Tags[id]) {
				out.NatGateways = append(out.NatGateways, st.natOut(g))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.NatGateways, out.NextToken, err = paginate(out.NatGateways, in.MaxResults, in.NextToken, len(in.NatGatewayIDs) > 0)
	return out, err
}

// NatGatewayIDInput names one NAT gateway.
type NatGatewayIDInput struct {
	common
	NatGatewayID string `aws:"NatGatewayId,required"`
}

// DeleteNatGatewayOutput is DeleteNatGateway's output.
type DeleteNatGatewayOutput struct {
	NatGatewayID string `aws:"natGatewayId"`
}

func deleteNatGateway(ctx context.Context, c *service.Call, in *NatGatewayIDInput) (*DeleteNatGatewayOutput, error) {
	return &DeleteNatGatewayOutput{NatGatewayID: in.NatGatewayID}, update(ctx, c, func(st *state) error {
		g := st.Net.NATGateways[in.NatGatewayID]
		if g == nil {
			return awserr.Def{Code: "NatGatewayNotFound", Status: 400}.New("The Nat Gateway %s was not found", in.NatGatewayID)
		}
		if err := st.Net.DeleteNatGateway(in.NatGatewayID); err != nil {
			return err
		}
		if a := st.Net.Addresses[g.AllocationId]; a != nil && a.NatGatewayId == g.NatGatewayId {
			a.NatGatewayId = ""
		}
		return nil
	})
}

// --- VPC peering ---

// PeeringVpcInfo is VpcPeeringConnectionVpcInfo.
type PeeringVpcInfo struct {
	CidrBlock string `aws:"cidrBlock,omitempty"`
	OwnerID   string `aws:"ownerId"`
	VpcID     string `aws:"vpcId"`
	Region    string `aws:"region"`
}

// PeeringStatus is VpcPeeringConnectionStateReason.
type PeeringStatus struct {
	Code    string `aws:"code"`
	Message string `aws:"message"`
}

// VpcPeeringConnection is EC2's VpcPeeringConnection.
type VpcPeeringConnection struct {
	VpcPeeringConnectionID string         `aws:"vpcPeeringConnectionId"`
	RequesterVpcInfo       PeeringVpcInfo `aws:"requesterVpcInfo"`
	AccepterVpcInfo        PeeringVpcInfo `aws:"accepterVpcInfo"`
	Status                 PeeringStatus  `aws:"status"`
	ExpirationTime         *time.Time     `aws:"expirationTime"`
	Tags                   []Tag          `aws:"tagSet"`
}

var peeringMessages = map[string]string{"pending-acceptance": "Pending Acceptance by %s", "active": "Active", "deleted": "Deleted by %s",
	"rejected": "Rejected by %s", "failed": "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"}

func (st *state) peeringOut(c *service.Call, p *vpc.PeeringConnection) VpcPeeringConnection {
	info := func(vpcID, owner string) PeeringVpcInfo {
		i := PeeringVpcInfo{OwnerID: owner, VpcID: vpcID, Region: c.Region}
		if v := st.Net.VPCs[vpcID]; v != nil && len(v.CidrBlocks) > 0 {
			i.CidrBlock = v.CidrBlocks[0].String()
		}
		return i
	}
	msg := peeringMessages[p.Status]
	if strings.Contains(msg, "%s") {
		msg = fmt.Sprintf(msg, p.AccepterOwnerId)
	}
	out := VpcPeeringConnection{VpcPeeringConnectionID: p.VpcPeeringConnectionId, RequesterVpcInfo: info(p.RequesterVpcId, p.RequesterOwnerId),
		AccepterVpcInfo: info(p.AccepterVpcId, p.AccepterOwnerId), Status: PeeringStatus{p.Status, msg}, Tags: st.tagSet(p.VpcPeeringConnectionId)}
	if p.Status == "pending-acceptance" {
		if t, has := st.Peerings[p.VpcPeeringConnectionId]; has {
			exp := t.Add(7 * 24 * time.Hour)
			out.ExpirationTime = &exp
		}
	}
	return out
}

// CreateVpcPeeringConnectionInput is CreateVpcPeeringConnection's input.
type CreateVpcPeeringConnectionInput struct {
	common
	VpcID             string  `aws:"VpcId,required"`
	PeerVpcID         *string `aws:"PeerVpcId"`
	PeerOwnerID       *string `aws:"PeerOwnerId"`
	PeerRegion        *string
	TagSpecifications []TagSpecification `aws:"TagSpecification"`
}

// PeeringOutput is the output of Create/AcceptVpcPeeringConnection.
type PeeringOutput struct {
	VpcPeeringConnection VpcPeeringConnection `aws:"vpcPeeringConnection"`
}

func createVpcPeeringConnection(ctx context.Context, c *service.Call, in *CreateVpcPeeringConnectionInput) (*PeeringOutput, error) {
	if in.PeerVpcID == nil {
		return nil, missingParameter.New("The request must contain the parameter PeerVpcId")
	}
	if (in.PeerOwnerID != nil && *in.PeerOwnerID != c.Account()) || (in.PeerRegion != nil && *in.PeerRegion != c.Region) {
		return nil, awserr.Def{Code: "Unsupported", Status: 400}.New("moat peers VPCs of one account and region over the API (the vpc engine models cross-account peering offline)")
	}
	out := &PeeringOutput{}
	return out, update(ctx, c, func(st *state) error {
		p, err := st.Net.CreateVpcPeeringConnection(in.VpcID, *in.PeerVpcID)
		if err != nil {
			return err
		}
		if p.Status == "failed" {
			delete(st.Net.Peerings, p.VpcPeeringConnectionId)
			return awserr.Def{Code: "InvalidParameterValue", Status: 400}.New("The CIDR blocks of %s and %s overlap: VPC peering is not possible", in.VpcID, *in.PeerVpcID)
		}
		if err := st.applyTagSpecs(p.VpcPeeringConnectionId, "vpc-peering-connection", in.TagSpecifications); err != nil {
			return err
		}
		st.Peerings[p.VpcPeeringConnectionId] = c.Now.UTC().Truncate(time.Second)
		out.VpcPeeringConnection = st.peeringOut(c, p)
		out.VpcPeeringConnection.Status = PeeringStatus{"initiating-request", "Initiating Request to " + p.AccepterOwnerId}
		return nil
	})
}

// PeeringIDInput names one peering connection.
type PeeringIDInput struct {
	common
	VpcPeeringConnectionID string `aws:"VpcPeeringConnectionId,required"`
}

func acceptVpcPeeringConnection(ctx context.Context, c *service.Call, in *PeeringIDInput) (*PeeringOutput, error) {
	out := &PeeringOutput{}
	return out, update(ctx, c, func(st *state) error {
		if err := st.Net.AcceptVpcPeeringConnection(in.VpcPeeringConnectionID); err != nil {
			return err
		}
		out.VpcPeeringConnection = st.peeringOut(c, st.Net.Peerings[in.VpcPeeringConnectionID])
		return nil
	})
}

func deleteVpcPeeringConnection(ctx context.Context, c *service.Call, in *PeeringIDInput) (*ReturnOutput, error) {
	return ok, update(ctx, c, func(st *state) error { return st.Net.DeleteVpcPeeringConnection(in.VpcPeeringConnectionID) })
}

// DescribeVpcPeeringConnectionsInput is DescribeVpcPeeringConnections' input.
type DescribeVpcPeeringConnectionsInput struct {
	common
	IDs        []string `aws:"VpcPeeringConnectionId"`
	Filters    []Filter `aws:"Filter"`
	MaxResults *int32
	NextToken  *string
}

// DescribeVpcPeeringConnectionsOutput is DescribeVpcPeeringConnections' output.
type DescribeVpcPeeringConnectionsOutput struct {
	VpcPeeringConnections []VpcPeeringConnection `aws:"vpcPeeringConnectionSet"`
	NextToken             *string                `aws:"nextToken"`
}

func describeVpcPeeringConnections(ctx context.Context, c *service.Call, in *DescribeVpcPeeringConnectionsInput) (*DescribeVpcPeeringConnectionsOutput, error) {
	fs, err := newFilters(in.Filters, "vpc-peering-connection-id", "status-code", "requester-vpc-info.vpc-id", "accepter-vpc-info.vpc-id",
		"requester-vpc-info.owner-id", "accepter-vpc-info.owner-id")
	if err != nil {
		return nil, err
	}
	out := &DescribeVpcPeeringConnectionsOutput{VpcPeeringConnections: []VpcPeeringConnection{}}
	err = view(ctx, c, func(st *state) error {
		ids, err := sortedIDs(st.Net.Peerings, in.IDs, nf("InvalidVpcPeeringConnectionID.NotFound", "vpcPeeringConnection ID"))
		if err != nil {
			return err
		}
		for _, id := range ids {
			p := st.Net.Peerings[id]
			if fs.match(attrs{"vpc-peering-connection-id": {id}, "status-code": {p.Status}, "requester-vpc-info.vpc-id": {p.RequesterVpcId},
				"accepter-vpc-info.vpc-id": {p.AccepterVpcId}, "requester-vpc-info.owner-id": {p.RequesterOwnerId},
				"accepter-vpc-info.owner-id": {p.AccepterOwnerId}}, st.Tags[id]) {
				out.VpcPeeringConnections = append(out.VpcPeeringConnections, st.peeringOut(c, p))
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out.VpcPeeringConnections, out.NextToken, err = paginate(out.VpcPeeringConnections, in.MaxResults, in.NextToken, len(in.IDs) > 0)
	return out, err
}

func instanceOps() []*service.Operation {
	eniRes := func(c *service.Call, id string) string { return arn(c, "network-interface", id) }
	return []*service.Operation{
		op("RunInstances", runInstances, func(c *service.Call, in *RunInstancesInput) string {
			if s := in.subnet(); s != "" {
				return arn(c, "subnet", s)
			}
			return arn(c, "instance", "")
		}),
		op("DescribeInstances", describeInstances, nil, ro[DescribeInstancesInput]()),
		op("TerminateInstances", terminateInstances, func(c *service.Call, in *InstanceIDsInput) string { return arn(c, "instance", one(in.InstanceIDs)) }),
		op("ModifyInstanceMetadataOptions", modifyInstanceMetadataOptions, func(c *service.Call, in *ModifyInstanceMetadataOptionsInput) string {
			return arn(c, "instance", in.InstanceID)
		}),
		op("ModifyInstanceAttribute", modifyInstanceAttribute, func(c *service.Call, in *ModifyInstanceAttributeInput) string {
			return arn(c, "instance", in.InstanceID)
		}),
		op("CreateNetworkInterface", createNetworkInterface, func(c *service.Call, in *CreateNetworkInterfaceInput) string { return arn(c, "subnet", in.SubnetID) }),
		op("DescribeNetworkInterfaces", describeNetworkInterfaces, nil, ro[DescribeNetworkInterfacesInput]()),
		op("ModifyNetworkInterfaceAttribute", modifyNetworkInterfaceAttribute, func(c *service.Call, in *ModifyNetworkInterfaceAttributeInput) string {
			return eniRes(c, in.NetworkInterfaceID)
		}),
		op("DeleteNetworkInterface", deleteNetworkInterface, func(c *service.Call, in *NetworkInterfaceIDInput) string { return eniRes(c, in.NetworkInterfaceID) }),
		op("AllocateAddress", allocateAddress, func(c *service.Call, _ *AllocateAddressInput) string { return arn(c, "elastic-ip", "") }),
		op("DescribeAddresses", describeAddresses, nil, ro[DescribeAddressesInput]()),
		op("AssociateAddress", associateAddress, func(c *service.Call, in *AssociateAddressInput) string {
			return arn(c, "elastic-ip", deref(in.AllocationID))
		}),
		op("ReleaseAddress", releaseAddress, func(c *service.Call, in *AllocationIDInput) string {
			return arn(c, "elastic-ip", deref(in.AllocationID))
		}),
		op("CreateNatGateway", createNatGateway, func(c *service.Call, _ *CreateNatGatewayInput) string { return arn(c, "natgateway", "") }),
		op("DescribeNatGateways", describeNatGateways, nil, ro[DescribeNatGatewaysInput]()),
		op("DeleteNatGateway", deleteNatGateway, func(c *service.Call, in *NatGatewayIDInput) string { return arn(c, "natgateway", in.NatGatewayID) }),
		op("CreateVpcPeeringConnection", createVpcPeeringConnection, func(c *service.Call, in *CreateVpcPeeringConnectionInput) string { return arn(c, "vpc", in.VpcID) }),
		op("AcceptVpcPeeringConnection", acceptVpcPeeringConnection, func(c *service.Call, in *PeeringIDInput) string {
			return arn(c, "vpc-peering-connection", in.VpcPeeringConnectionID)
		}),
		op("DeleteVpcPeeringConnection", deleteVpcPeeringConnection, func(c *service.Call, in *PeeringIDInput) string {
			return arn(c, "vpc-peering-connection", in.VpcPeeringConnectionID)
		}),
		op("DescribeVpcPeeringConnections", describeVpcPeeringConnections, nil, ro[DescribeVpcPeeringConnectionsInput]()),
	}
}
