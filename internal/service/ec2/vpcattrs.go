package ec2

import (
	"context"

	"github.com/moatdev/moat/internal/service"
)

// VPC attributes (DNS support and hostnames, network address usage
// metrics), kept for what reads them; they do not change reachability.

var vpcAttributes = []string{"enableDnsSupport", "enableDnsHostnames", "enableNetworkAddressUsageMetrics"}

// vpcAttr returns a VPC attribute: the stored value, else AWS's default
// (DNS support on; DNS hostnames on only in the default VPC; metrics off).
func (st *state) vpcAttr(vpcID, name string) bool {
	if v, set := st.VpcAttrs[vpcID][name]; set {
		return v
	}
	switch name {
	case "enableDnsSupport":
		return true
	case "enableDnsHostnames":
		return st.Net.VPCs[vpcID] != nil && st.Net.VPCs[vpcID].IsDefault
	}
	return false
}

// BoolAttr is AttributeBooleanValue in a response.
type BoolAttr struct {
	Value bool `aws:"value"`
}

// ModifyVpcAttributeInput is ModifyVpcAttribute's input.
type ModifyVpcAttributeInput struct {
	common
	VpcID                            string `aws:"VpcId,required"`
	EnableDnsSupport                 *BoolValue
	EnableDnsHostnames               *BoolValue
	EnableNetworkAddressUsageMetrics *BoolValue
}

func modifyVpcAttribute(ctx context.Context, c *service.Call, in *ModifyVpcAttributeInput) (*struct{}, error) {
	set := map[string]*BoolValue{"enableDnsSupport": in.EnableDnsSupport, "enableDnsHostnames": in.EnableDnsHostnames,
		"enableNetworkAddressUsageMetrics": in.EnableNetworkAddressUsageMetrics}
	name := ""
	for _, k := range vpcAttributes {
		if v := set[k]; v != nil {
			if name != "" {
				return nil, invalidParamCombo.New("Fields for multiple attribute types specified: %s, %s", name, k)
			}
			name = k
		}
	}
	if name == "" || set[name].Value == nil {
		return nil, missingParameter.New("The request must contain the parameter EnableDnsSupport, EnableDnsHostnames or EnableNetworkAddressUsageMetrics")
	}
	return &struct{}{}, update(ctx, c, func(st *state) error {
		if st.Net.VPCs[in.VpcID] == nil {
			return vpcNotFound(in.VpcID)
		}
		if name == "enableDnsHostnames" && *set[name].Value && !st.vpcAttr(in.VpcID, "enableDnsSupport") {
			return invalidParamValue.New("Cannot enable DNS hostnames when DNS support is disabled for vpc %s", in.VpcID)
		}
		if st.VpcAttrs[in.VpcID] == nil {
			st.VpcAttrs[in.VpcID] = map[string]bool{}
		}
		st.VpcAttrs[in.VpcID][name] = *set[name].Value
		return nil
	})
}

// DescribeVpcAttributeInput is DescribeVpcAttribute's input.
type DescribeVpcAttributeInput struct {
	common
	VpcID     string `aws:"VpcId,required"`
	Attribute string `aws:",required"`
}

// DescribeVpcAttributeOutput is DescribeVpcAttribute's output.
type DescribeVpcAttributeOutput struct {
	VpcID                            string    `aws:"vpcId"`
	EnableDnsSupport                 *BoolAttr `aws:"enableDnsSupport"`
	EnableDnsHostnames               *BoolAttr `aws:"enableDnsHostnames"`
	EnableNetworkAddressUsageMetrics *BoolAttr `aws:"enableNetworkAddressUsageMetrics"`
}

func describeVpcAttribute(ctx context.Context, c *service.Call, in *DescribeVpcAttributeInput) (*DescribeVpcAttributeOutput, error) {
	out := &DescribeVpcAttributeOutput{VpcID: in.VpcID}
	return out, view(ctx, c, func(st *state) error {
		if st.Net.VPCs[in.VpcID] == nil {
			return vpcNotFound(in.VpcID)
		}
		v := &BoolAttr{st.vpcAttr(in.VpcID, in.Attribute)}
		switch in.Attribute {
		case "enableDnsSupport":
			out.EnableDnsSupport = v
		case "enableDnsHostnames":
			out.EnableDnsHostnames = v
		case "enableNetworkAddressUsageMetrics":
			out.EnableNetworkAddressUsageMetrics = v
		default:
			return invalidParamValue.New("Value (%s) for parameter attribute is invalid. Valid values: enableDnsSupport, enableDnsHostnames, enableNetworkAddressUsageMetrics", in.Attribute)
		}
		return nil
	})
}

func vpcAttrOps() []*service.Operation {
	return []*service.Operation{
		op("ModifyVpcAttribute", modifyVpcAttribute, func(c *service.Call, in *ModifyVpcAttributeInput) string { return arn(c, "vpc", in.VpcID) }),
		op("DescribeVpcAttribute", describeVpcAttribute, func(c *service.Call, in *DescribeVpcAttributeInput) string { return arn(c, "vpc", in.VpcID) },
			ro[DescribeVpcAttributeInput]()),
	}
}
