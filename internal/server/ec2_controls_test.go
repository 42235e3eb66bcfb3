package server_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Security Hub's EC2 controls on the live network: a security group open
// to the world on SSH fails EC2.53 and EC2.13 until the rule is revoked;
// a VPC's default security group (AWS's default rules) fails EC2.2.
func TestSecurityHubEC2Controls(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, v2)
	ctx := context.Background()
	c := ec2.NewFromConfig(ts.config(ts.Root))
	f.ok("moat-root", "securityhub", "enable-security-hub")
	vpc, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String("10.0.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	sg, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{GroupName: aws.String("bastion"), Description: aws.String("ssh"), VpcId: vpc.Vpc.VpcId})
	if err != nil {
		t.Fatal(err)
	}
	ssh := []ec2types.IpPermission{{IpProtocol: aws.String("tcp"), FromPort: aws.Int32(22), ToPort: aws.Int32(22), IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}}
	if _, err := c.AuthorizeSecurityGroupIngress(ctx, &ec2.AuthorizeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: ssh}); err != nil {
		t.Fatal(err)
	}
	status := func(control, resourceSuffix string) string {
		out := f.ok("moat-root", "securityhub", "get-findings", "--filters",
			`{"GeneratorId":[{"Value":"security-control/`+control+`","Comparison":"EQUALS"}],"RecordState":[{"Value":"ACTIVE","Comparison":"EQUALS"}]}`)
		for _, x := range out["Findings"].([]any) {
			fd := x.(map[string]any)
			for _, r := range fd["Resources"].([]any) {
				id, _ := r.(map[string]any)["Id"].(string)
				if len(id) >= len(resourceSuffix) && id[len(id)-len(resourceSuffix):] == resourceSuffix {
					return fd["Compliance"].(map[string]any)["Status"].(string)
				}
			}
		}
		return ""
	}
	group := aws.ToString(sg.GroupId)
	waitFor(t, func() bool { return status("EC2.13", group) == "FAILED" })
	if s := status("EC2.53", group); s != "FAILED" {
		t.Errorf("EC2.53 for SSH open to 0.0.0.0/0: %q", s)
	}
	if _, err := c.RevokeSecurityGroupIngress(ctx, &ec2.RevokeSecurityGroupIngressInput{GroupId: sg.GroupId, IpPermissions: ssh}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool { return status("EC2.13", group) == "PASSED" })
	defaults, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: aws.String("vpc-id"), Values: []string{aws.ToString(vpc.Vpc.VpcId)}}, {Name: aws.String("group-name"), Values: []string{"default"}}}})
	if err != nil || len(defaults.SecurityGroups) != 1 {
		t.Fatalf("default group: %+v %v", defaults, err)
	}
	if s := status("EC2.2", aws.ToString(defaults.SecurityGroups[0].GroupId)); s != "FAILED" {
		t.Errorf("EC2.2 for a default group with AWS's default rules: %q", s)
	}
}
