package ec2

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/vpc"
)

// zones are a region's Availability Zones as moat serves them: six in
// us-east-1 (a–f, as AWS has), three (a–c) elsewhere. AWS's real count
// varies by region and account; three is what every commercial region has.
func zones(region string) []string {
	n := 3
	if region == "us-east-1" {
		n = 6
	}
	out := make([]string, n)
	for i := range out {
		out[i] = region + string(rune('a'+i))
	}
	return out
}

// zoneID is a stable zone ID ("use1-az1") from the region's parts.
func zoneID(region string, i int) string {
	parts := strings.Split(region, "-")
	short := ""
	for j, p := range parts {
		switch {
		case j == 0:
			short += p
		case j == len(parts)-1:
			short += p
		case p != "":
			short += p[:1]
		}
	}
	return fmt.Sprintf("%s-az%d", short, i+1)
}

func checkZone(region, az string) error {
	if zs := zones(region); !slices.Contains(zs, az) {
		return invalidParamValue.New("Value (%s) for parameter availabilityZone is invalid. Subnets can currently only be created in the following availability zones: %s.", az, strings.Join(zs, ", "))
	}
	return nil
}

// AvailabilityZone is EC2's AvailabilityZone.
type AvailabilityZone struct {
	ZoneName           string     `aws:"zoneName"`
	ZoneID             string     `aws:"zoneId"`
	ZoneType           string     `aws:"zoneType"`
	ZoneState          string     `aws:"zoneState"`
	RegionName         string     `aws:"regionName"`
	GroupName          string     `aws:"groupName"`
	NetworkBorderGroup string     `aws:"networkBorderGroup"`
	OptInStatus        string     `aws:"optInStatus"`
	Messages           []struct{} `aws:"messageSet"`
}

// DescribeAvailabilityZonesInput is DescribeAvailabilityZones' input.
type DescribeAvailabilityZonesInput struct {
	common
	ZoneNames            []string `aws:"ZoneName"`
	ZoneIDs              []string `aws:"ZoneId"`
	AllAvailabilityZones *bool
	Filters              []Filter `aws:"Filter"`
}

// DescribeAvailabilityZonesOutput is DescribeAvailabilityZones' output.
type DescribeAvailabilityZonesOutput struct {
	AvailabilityZones []AvailabilityZone `aws:"availabilityZoneInfo"`
}

func describeAvailabilityZones(_ context.Context, c *service.Call, in *DescribeAvailabilityZonesInput) (*DescribeAvailabilityZonesOutput, error) {
	fs, err := newFilters(in.Filters, "zone-name", "zone-id", "state", "zone-type", "region-name", "group-name", "opt-in-status")
	if err != nil {
		return nil, err
	}
	out := &DescribeAvailabilityZonesOutput{AvailabilityZones: []AvailabilityZone{}}
	names := zones(c.Region)
	for _, z := range in.ZoneNames {
		if !slices.Contains(names, z) {
			return nil, invalidParamValue.New("The zone '%s' does not exist.", z)
		}
	}
	for i, z := range names {
		id := zoneID(c.Region, i)
		if len(in.ZoneNames) > 0 && !slices.Contains(in.ZoneNames, z) || len(in.ZoneIDs) > 0 && !slices.Contains(in.ZoneIDs, id) {
			continue
		}
		az := AvailabilityZone{ZoneName: z, ZoneID: id, ZoneType: "availability-zone", ZoneState: "available", RegionName: c.Region,
			GroupName: c.Region, NetworkBorderGroup: c.Region, OptInStatus: "opt-in-not-required", Messages: []struct{}{}}
		if fs.match(attrs{"zone-name": {z}, "zone-id": {id}, "state": {"available"}, "zone-type": {"availability-zone"},
			"region-name": {c.Region}, "group-name": {c.Region}, "opt-in-status": {"opt-in-not-required"}}, nil) {
			out.AvailabilityZones = append(out.AvailabilityZones, az)
		}
	}
	return out, nil
}

// CreateDefaultVpcInput is CreateDefaultVpc's input.
type CreateDefaultVpcInput struct {
	common
}

// CreateDefaultVpc makes the region's default VPC as AWS does: 172.31.0.0/16,
// one /20 default subnet per Availability Zone that gives instances public
// addresses, an internet gateway attached and routed from the main route
// table. (AWS creates one in every region of a new account; moat starts
// without, so that a network holds only what its user built.)
func createDefaultVpc(ctx context.Context, c *service.Call, _ *CreateDefaultVpcInput) (*CreateVpcOutput, error) {
	var out CreateVpcOutput
	err := update(ctx, c, func(st *state) error {
		if st.defaultVpc() != "" {
			return awserr.Def{Code: "DefaultVpcAlreadyExists", Status: 400}.New("A Default VPC already exists for this account in this region.")
		}
		v, err := st.Net.CreateVpc("172.31.0.0/16")
		if err != nil {
			return err
		}
		v.IsDefault = true
		st.MainAssoc[v.MainRouteTableId] = newID("rtbassoc")
		for i, z := range zones(c.Region) {
			s, err := st.Net.CreateSubnet(v.VpcId, fmt.Sprintf("172.31.%d.0/20", i*16), z)
			if err != nil {
				return err
			}
			s.MapPublicIpOnLaunch = true
			st.AclAssoc[s.SubnetId] = newID("aclassoc")
		}
		g := st.Net.CreateInternetGateway()
		if err := st.Net.AttachInternetGateway(g.InternetGatewayId, v.VpcId); err != nil {
			return err
		}
		if err := st.Net.CreateRoute(v.MainRouteTableId, vpc.Route{DestinationCidrBlock: netip.MustParsePrefix("0.0.0.0/0"),
			TargetType: vpc.TargetInternetGateway, TargetId: g.InternetGatewayId}); err != nil {
			return err
		}
		out.Vpc = st.vpcOut(v)
		return nil
	})
	return &out, err
}

func zoneOps() []*service.Operation {
	return []*service.Operation{
		op("DescribeAvailabilityZones", describeAvailabilityZones, nil, ro[DescribeAvailabilityZonesInput]()),
		op("CreateDefaultVpc", createDefaultVpc, func(c *service.Call, _ *CreateDefaultVpcInput) string { return arn(c, "vpc", "") }),
	}
}
