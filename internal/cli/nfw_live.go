package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/networkfirewall"
	"github.com/spf13/cobra"

	"github.com/moatdev/moat/suricata"
	"github.com/moatdev/moat/suricata/nfw"
	"github.com/moatdev/moat/suricata/replay"
)

// `moat nfw fetch` joins the nfw command from this file: the command
// registry builds `nfw` in nfw.go, so the constructor is wrapped here
// (nfw.go's init runs first: files initialise in name order).
func init() {
	for i, build := range engineCmds {
		build := build
		engineCmds[i] = func() *cobra.Command {
			c := build()
			if c.Name() == "nfw" {
				c.AddCommand(newNfwFetchCmd())
			}
			return c
		}
	}
}

func newNfwFetchCmd() *cobra.Command {
	var (
		firewall, policy, endpoint, profile, region string
		out, pcap, eve, format                      string
		noMidstream                                 bool
	)
	cmd := &cobra.Command{
		Use:   "fetch (--firewall NAME|ARN | --firewall-policy NAME|ARN) [--pcap FILE]",
		Short: "Fetch a live firewall policy and its rule groups (the --policy document), optionally replaying a capture through it",
		Long: `Fetch reads a firewall policy and every rule group it references from a
Network Firewall API — moat serve's (--endpoint-url, the default) or AWS's —
with DescribeFirewall, DescribeFirewallPolicy and DescribeRuleGroup, and writes
the policy document that "moat nfw pcap --policy" reads. With --pcap it
replays the capture through the policy at once (same output as nfw pcap).

With --firewall, a policy that does not set HOME_NET gets the firewall VPC's
CIDR blocks (EC2 DescribeVpcs), as Network Firewall does; without an EC2 API
(or the permission), Suricata's default HOME_NET stays and a note says so.

Credentials come from the usual AWS chain (--profile, AWS_* variables).`,
		Example: `  moat nfw fetch --firewall edge --profile moat-root > policy.json
  moat nfw fetch --firewall-policy egress --pcap capture.pcap --eve eve.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (firewall == "") == (policy == "") {
				return errors.New("give --firewall NAME|ARN or --firewall-policy NAME|ARN")
			}
			ctx := cmd.Context()
			if ctx == nil {
				ctx = context.Background()
			}
			opts := []func(*config.LoadOptions) error{config.WithRegion(region)}
			if profile != "" {
				opts = append(opts, config.WithSharedConfigProfile(profile))
			}
			cfg, err := config.LoadDefaultConfig(ctx, opts...)
			if err != nil {
				return err
			}
			if endpoint != "" {
				cfg.BaseEndpoint = aws.String(endpoint)
			}
			doc, fwName, err := fetchPolicyDocument(ctx, cfg, firewall, policy, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			body, err := json.MarshalIndent(doc, "", "  ")
			if err != nil {
				return err
			}
			body = append(body, '\n')
			if pcap == "" {
				if out == "" || out == "-" {
					_, err = cmd.OutOrStdout().Write(body)
					return err
				}
				return os.WriteFile(out, body, 0o600)
			}
			if out == "" || out == "-" {
				dir, err := os.MkdirTemp("", "moat-nfw-")
				if err != nil {
					return err
				}
				defer os.RemoveAll(dir)
				out = filepath.Join(dir, "policy.json")
			}
			if err := os.WriteFile(out, body, 0o600); err != nil {
				return err
			}
			var f replay.Format
			switch format {
			case "eve":
			case "aws":
				f = replay.FormatNetworkFirewall
			default:
				return fmt.Errorf("--format %q: expected eve or aws", format)
			}
			if fwName == "" {
				fwName = "moat"
			}
			return runNfwPcap(cmd, pcapOpts{policy: out, pcap: pcap, eve: eve, cfg: &suricata.Config{NetworkFirewall: true}, ips: true,
				replay: replay.Config{NoMidstream: noMidstream, Format: f, FirewallName: fwName, AvailabilityZone: region + "a"}})
		},
	}
	f := cmd.Flags()
	f.StringVar(&firewall, "firewall", "", "firewall name or ARN: its associated policy is fetched")
	f.StringVar(&policy, "firewall-policy", "", "firewall policy name or ARN")
	f.StringVar(&endpoint, "endpoint-url", envOr("MOAT_ENDPOINT", "http://127.0.0.1:4566"), "Network Firewall endpoint (env MOAT_ENDPOINT; empty: AWS's)")
	f.StringVar(&profile, "profile", "", "AWS profile (default: the usual credential chain)")
	f.StringVar(&region, "region", envOr("AWS_REGION", "us-east-1"), "region")
	f.StringVar(&out, "out", "", "write the policy document here (default: standard output; with --pcap a temporary file)")
	f.StringVar(&pcap, "pcap", "", "replay this capture (pcap or pcapng) through the fetched policy")
	f.StringVar(&eve, "eve", "-", "with --pcap: output file for the records")
	f.StringVar(&format, "format", "eve", "with --pcap: eve (Suricata EVE JSON) or aws (Network Firewall log records)")
	f.BoolVar(&noMidstream, "no-midstream", false, "with --pcap: do not pick up TCP sessions whose handshake is not in the capture")
	return cmd
}

// fetchPolicyDocument reads the policy (of the firewall, when one is named)
// and its rule groups, and converts them to the engine's policy document.
// It returns the firewall's name ("" without --firewall).
func fetchPolicyDocument(ctx context.Context, cfg aws.Config, firewall, policy string, notes io.Writer) (*nfw.PolicyDocument, string, error) {
	client := networkfirewall.NewFromConfig(cfg)
	in := &networkfirewall.DescribeFirewallPolicyInput{}
	var vpc, fwName string
	if firewall != "" {
		fin := &networkfirewall.DescribeFirewallInput{}
		if isARN(firewall) {
			fin.FirewallArn = aws.String(firewall)
		} else {
			fin.FirewallName = aws.String(firewall)
		}
		fw, err := client.DescribeFirewall(ctx, fin)
		if err != nil {
			return nil, "", fmt.Errorf("DescribeFirewall: %w", err)
		}
		in.FirewallPolicyArn = fw.Firewall.FirewallPolicyArn
		vpc, fwName = aws.ToString(fw.Firewall.VpcId), aws.ToString(fw.Firewall.FirewallName)
	} else if isARN(policy) {
		in.FirewallPolicyArn = aws.String(policy)
	} else {
		in.FirewallPolicyName = aws.String(policy)
	}
	fp, err := client.DescribeFirewallPolicy(ctx, in)
	if err != nil {
		return nil, "", fmt.Errorf("DescribeFirewallPolicy: %w", err)
	}
	doc := &nfw.PolicyDocument{}
	if err := convertJSON(fp.FirewallPolicy, &doc.FirewallPolicy); err != nil {
		return nil, "", err
	}
	var arns []string
	for _, r := range fp.FirewallPolicy.StatelessRuleGroupReferences {
		arns = append(arns, aws.ToString(r.ResourceArn))
	}
	for _, r := range fp.FirewallPolicy.StatefulRuleGroupReferences {
		arns = append(arns, aws.ToString(r.ResourceArn))
	}
	for _, arn := range arns {
		g, err := client.DescribeRuleGroup(ctx, &networkfirewall.DescribeRuleGroupInput{RuleGroupArn: aws.String(arn)})
		if err != nil {
			return nil, "", fmt.Errorf("DescribeRuleGroup %s: %w", arn, err)
		}
		var d nfw.DescribeRuleGroup
		if err := convertJSON(g.RuleGroup, &d.RuleGroup); err != nil {
			return nil, "", err
		}
		r := g.RuleGroupResponse
		d.RuleGroupResponse = nfw.RuleGroupResponse{RuleGroupArn: aws.ToString(r.RuleGroupArn), RuleGroupName: aws.ToString(r.RuleGroupName),
			Type: string(r.Type), Capacity: int(aws.ToInt32(r.Capacity))}
		doc.RuleGroups = append(doc.RuleGroups, d)
	}
	set := false
	if pv := doc.FirewallPolicy.PolicyVariables; pv != nil {
		_, set = pv.RuleVariables["HOME_NET"]
	}
	if vpc != "" && !set {
		cidrs, err := vpcCIDRs(ctx, cfg, vpc)
		if err != nil || len(cidrs) == 0 {
			fmt.Fprintf(notes, "moat: HOME_NET: the CIDR blocks of %s are unknown (%v); Suricata's default HOME_NET applies\n", vpc, err)
		} else {
			if doc.FirewallPolicy.PolicyVariables == nil {
				doc.FirewallPolicy.PolicyVariables = &nfw.PolicyVariables{}
			}
			if doc.FirewallPolicy.PolicyVariables.RuleVariables == nil {
				doc.FirewallPolicy.PolicyVariables.RuleVariables = map[string]nfw.IPSet{}
			}
			doc.FirewallPolicy.PolicyVariables.RuleVariables["HOME_NET"] = nfw.IPSet{Definition: cidrs}
		}
	}
	return doc, fwName, nil
}

// vpcCIDRs are a VPC's IPv4 and IPv6 CIDR blocks (Network Firewall's
// default HOME_NET).
func vpcCIDRs(ctx context.Context, cfg aws.Config, vpc string) ([]string, error) {
	out, err := ec2.NewFromConfig(cfg).DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{vpc}})
	if err != nil {
		return nil, err
	}
	var cidrs []string
	for _, v := range out.Vpcs {
		for _, a := range v.CidrBlockAssociationSet {
			cidrs = append(cidrs, aws.ToString(a.CidrBlock))
		}
		if len(v.CidrBlockAssociationSet) == 0 && v.CidrBlock != nil {
			cidrs = append(cidrs, aws.ToString(v.CidrBlock))
		}
		for _, a := range v.Ipv6CidrBlockAssociationSet {
			cidrs = append(cidrs, aws.ToString(a.Ipv6CidrBlock))
		}
	}
	return cidrs, nil
}

func isARN(s string) bool { return len(s) > 4 && s[:4] == "arn:" }

// convertJSON moves an SDK shape into the engine's shape of the same
// member names (members the engine does not model are left out).
func convertJSON(from, to any) error {
	b, err := json.Marshal(from)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, to)
}
