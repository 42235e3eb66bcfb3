package cli

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moatdev/moat/vpc"
)

func init() { registerCmd(newNetCmd) }

// exitUnreachable is the exit status of "moat net reach" when no path exists.
const exitUnreachable = 2

func newNetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "net",
		Short: "Analyze VPC networks offline: reachability, internet exposure, CIDR overlaps",
		Long: `Reads the JSON that "aws ec2 describe-*" commands print (one file per command,
in one directory) and answers network questions the way AWS's Reachability
Analyzer and Network Access Analyzer do, without sending a packet.`,
	}
	cmd.AddCommand(newNetReachCmd(), newNetEvalCmd(), newNetExposedCmd(), newNetOverlapsCmd(), newNetStaleCmd(), newNetFlowCheckCmd())
	return cmd
}

// loadNet reads DIR; errors in single files are printed and the rest kept,
// unless --strict.
func loadNet(dir string, strict bool, stderr io.Writer) (*vpc.Network, error) {
	if dir == "" {
		return nil, errors.New("--from-files DIR is required (a directory of aws ec2 describe-* JSON outputs)")
	}
	n, errs := vpc.LoadDir(dir)
	for _, err := range errs {
		fmt.Fprintln(stderr, "moat: skipped:", err)
	}
	if len(errs) > 0 && (strict || len(n.VPCs)+len(n.Interfaces)+len(n.SecurityGroups) == 0) {
		return nil, fmt.Errorf("%d input file(s) could not be read", len(errs))
	}
	return n, nil
}

func newNetReachCmd() *cobra.Command {
	var dir, from, to, proto, ports, srcIP, dstIP, srcPorts, output string
	var strict bool
	cmd := &cobra.Command{
		Use:   "reach",
		Short: "Can the source reach the destination? If not, every rule that stops it",
		Long: `Analyzes one path like Reachability Analyzer: --from an instance, network
interface or internet gateway; --to an instance, network interface, internet
gateway or (with --to-ip) an address. Prints the forward and return path with
the route, network ACL rule and security group rule of each hop, or AWS's
explanation codes for every blocking component (AWS stops at the first).
Exit status: 0 reachable, 2 not reachable, 1 error.`,
		Example: `  moat net reach --from-files ./describe --from i-0a1b2c3d4e5f600c1 --to i-0a1b2c3d4e5f600c2 --proto tcp --port 22
  moat net reach --from-files ./describe --from igw-0a1b2c3d4e5f60041 --to eni-0a1b2c3d4e5f600e1 --port 5432 --output json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := vpc.PathQuery{Source: from, Destination: to, Protocol: proto}
			var err error
			if strings.Contains(to, "/") {
				if q.DestinationCidr, err = netip.ParsePrefix(to); err != nil {
					return fmt.Errorf("--to %q is not a CIDR block", to)
				}
				q.Destination = ""
			}
			if q.DestinationPorts, err = parsePorts("--port", ports); err != nil {
				return err
			}
			if q.SourcePorts, err = parsePorts("--source-port", srcPorts); err != nil {
				return err
			}
			if q.SourceIp, err = parseIP("--from-ip", srcIP); err != nil {
				return err
			}
			if q.DestinationIp, err = parseIP("--to-ip", dstIP); err != nil {
				return err
			}
			n, err := loadNet(dir, strict, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			res, err := vpc.Compile(n).Reach(q)
			if err != nil {
				return err
			}
			if err := printReach(cmd.OutOrStdout(), q, res, output); err != nil {
				return err
			}
			if !res.NetworkPathFound {
				return exitError{exitUnreachable}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "from-files", "", "directory of aws ec2 describe-* JSON outputs")
	f.StringVar(&from, "from", "", "source: i-…, eni-… or igw-…")
	f.StringVar(&to, "to", "", "destination: i-…, eni-…, igw-… or a CIDR block (or use --to-ip)")
	f.StringVar(&proto, "proto", "tcp", "tcp or udp")
	f.StringVar(&ports, "port", "", "destination port or range (N or N-M; default all)")
	f.StringVar(&srcPorts, "source-port", "", "source port or range (default 1024-65535)")
	f.StringVar(&srcIP, "from-ip", "", "source address (one of the source's, or a public address for igw-)")
	f.StringVar(&dstIP, "to-ip", "", "destination address")
	f.StringVar(&output, "output", "text", "text or json (EC2's NetworkInsightsAnalysis shapes)")
	f.BoolVar(&strict, "strict", false, "fail when any input file cannot be read")
	return cmd
}

func newNetEvalCmd() *cobra.Command {
	var dir, proto, src, dst, from, to, output string
	var sport, dport, icmpType, icmpCode int
	var strict bool
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Decide one packet hop by hop (any protocol), and its reply",
		Long: `Follows one packet from --src to --dst through security groups, route tables,
network ACLs and gateways, then its reply back, and prints each hop with the
rule that admitted it or every component that drops it. Addresses are matched
to network interfaces by private or public IPv4 address; an address no
interface holds is the internet. Exit status: 0 delivered and answered, 2 not,
1 error.`,
		Example: `  moat net eval --from-files ./describe --src 192.0.2.10 --dst 203.0.113.10 --proto tcp --dport 22
  moat net eval --from-files ./describe --src 10.0.1.20 --dst 10.0.2.50 --proto icmp --icmp-type 8`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			p, err := vpc.ParseProtocol(proto)
			if err != nil || p < 0 {
				return fmt.Errorf("--proto %q: want tcp, udp, icmp, icmpv6 or a protocol number 0-255", proto)
			}
			f := vpc.Flow{Protocol: p, SrcPort: sport, DstPort: dport, Source: from, Destination: to}
			if p == vpc.ProtoICMP || p == vpc.ProtoICMPv6 {
				f.DstPort, f.SrcPort = icmpType, icmpCode
			}
			if f.SrcAddr, err = parseIP("--src", src); err != nil {
				return err
			}
			if f.DstAddr, err = parseIP("--dst", dst); err != nil {
				return err
			}
			if !f.SrcAddr.IsValid() || !f.DstAddr.IsValid() {
				return errors.New("--src and --dst are required")
			}
			n, err := loadNet(dir, strict, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			res, err := vpc.Compile(n).Evaluate(f)
			if err != nil {
				return err
			}
			q := vpc.PathQuery{Source: src, Destination: dst, Protocol: strings.ToLower(proto)}
			if err := printReach(cmd.OutOrStdout(), q, res, output); err != nil {
				return err
			}
			if !res.NetworkPathFound {
				return exitError{exitUnreachable}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&dir, "from-files", "", "directory of aws ec2 describe-* JSON outputs")
	fl.StringVar(&src, "src", "", "source IPv4 address")
	fl.StringVar(&dst, "dst", "", "destination IPv4 address")
	fl.StringVar(&from, "from", "", "source resource (eni-, i-, igw-) when the address is ambiguous")
	fl.StringVar(&to, "to", "", "destination resource (eni-, i-, igw-) when the address is ambiguous")
	fl.StringVar(&proto, "proto", "tcp", "tcp, udp, icmp, icmpv6 or a protocol number")
	fl.IntVar(&sport, "sport", 49152, "source port (TCP/UDP)")
	fl.IntVar(&dport, "dport", 443, "destination port (TCP/UDP)")
	fl.IntVar(&icmpType, "icmp-type", 8, "ICMP type")
	fl.IntVar(&icmpCode, "icmp-code", 0, "ICMP code")
	fl.StringVar(&output, "output", "text", "text or json")
	fl.BoolVar(&strict, "strict", false, "fail when any input file cannot be read")
	return cmd
}

func parsePorts(flag, s string) (vpc.PortRange, error) {
	if s == "" {
		return vpc.PortRange{}, nil
	}
	lo, hi, ok := strings.Cut(s, "-")
	if !ok {
		hi = lo
	}
	a, err1 := strconv.Atoi(lo)
	b, err2 := strconv.Atoi(hi)
	if err1 != nil || err2 != nil || a < 0 || b > 65535 || a > b {
		return vpc.PortRange{}, fmt.Errorf("%s %q: want a port 0-65535 or a range N-M", flag, s)
	}
	return vpc.PortRange{From: a, To: b}, nil
}

func parseIP(flag, s string) (netip.Addr, error) {
	if s == "" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return a, fmt.Errorf("%s %q is not an IP address", flag, s)
	}
	return a, nil
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func printReach(w io.Writer, q vpc.PathQuery, res *vpc.Analysis, output string) error {
	switch output {
	case "json":
		return printJSON(w, res.AWS())
	case "text":
	default:
		return fmt.Errorf("--output %q: want text or json", output)
	}
	to := q.Destination
	switch {
	case to != "":
	case q.DestinationCidr.IsValid():
		to = q.DestinationCidr.String()
	default:
		to = q.DestinationIp.String()
	}
	verdict := "REACHABLE"
	if !res.NetworkPathFound {
		verdict = "NOT REACHABLE"
	}
	fmt.Fprintf(w, "%s -> %s %s: %s\n", q.Source, to, strings.ToLower(q.Protocol), verdict)
	if p := res.Example; p != nil {
		fmt.Fprintf(w, "example packet: %s:%d -> %s:%d (destination ports that work: %s)\n", p.SourceIp, p.SourcePort, p.DestinationIp, p.DestinationPort, res.DestinationPorts.PortString())
	}
	printHops(w, "forward path", res.ForwardPath)
	printHops(w, "return path", res.ReturnPath)
	if len(res.Explanations) > 0 {
		fmt.Fprintf(w, "blocked by (%d):\n", len(res.Explanations))
		for _, e := range res.Explanations {
			fmt.Fprintf(w, "  %-26s %-8s %s\n", e.ExplanationCode, e.Path, e.Message)
		}
	}
	return nil
}

func printHops(w io.Writer, title string, hops []vpc.PathComponent) {
	if len(hops) == 0 {
		return
	}
	fmt.Fprintln(w, title+":")
	for _, c := range hops {
		fmt.Fprintf(w, "  %2d %s%s\n", c.SequenceNumber, c.Component.Id, hopDetail(c))
	}
}

func hopDetail(c vpc.PathComponent) string {
	var b strings.Builder
	if r := c.AclRule; r != nil {
		fmt.Fprintf(&b, " %s rule %s %s %s", c.Direction, r.RuleLabel(), r.RuleAction, aclMatch(r))
	}
	if r := c.SecurityGroupRule; r != nil {
		id := r.SecurityGroupRuleId
		if id == "" {
			id = "rule"
		}
		dir := "to"
		if c.Direction == "ingress" {
			dir = "from"
		}
		fmt.Fprintf(&b, " %s %s %s %s %s", c.Direction, id, ruleProto(r.IpProtocol, r.FromPort, r.ToPort), dir, r.Peer())
	}
	if r := c.Route; r != nil {
		fmt.Fprintf(&b, " route %s -> %s", r.Destination(), r.TargetId)
	}
	if c.Note != "" {
		b.WriteString(" (" + c.Note + ")")
	}
	return b.String()
}

func aclMatch(r *vpc.ACLEntry) string {
	cidr := r.CidrBlock.String()
	if r.Ipv6CidrBlock.IsValid() {
		cidr = r.Ipv6CidrBlock.String()
	}
	return ruleProto(r.Protocol, r.FromPort, r.ToPort) + " " + cidr
}

func ruleProto(proto, from, to int) string {
	name := map[int]string{-1: "all", 6: "tcp", 17: "udp", 1: "icmp", 58: "icmpv6"}[proto]
	if name == "" {
		name = strconv.Itoa(proto)
	}
	if (proto == 6 || proto == 17) && from >= 0 {
		if from == to {
			return fmt.Sprintf("%s/%d", name, from)
		}
		return fmt.Sprintf("%s/%d-%d", name, from, to)
	}
	return name
}

func newNetExposedCmd() *cobra.Command {
	var dir, output string
	var strict, sensitiveOnly bool
	cmd := &cobra.Command{
		Use:   "exposed",
		Short: "Every network interface reachable from the internet, and on which ports",
		Long: `Reports each network interface that some internet address can reach through
an internet gateway (TCP and UDP, every port), with the path and the rules that
admit the traffic, and calls out sensitive ports (22, 3389, 3306, 5432, 6379,
9200, 27017).`,
		Example: `  moat net exposed --from-files ./describe
  moat net exposed --from-files ./describe --sensitive-only --output json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return fmt.Errorf("--output %q: want text or json", output)
			}
			n, err := loadNet(dir, strict, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			var list []vpc.Exposure
			for _, x := range vpc.Compile(n).Exposed() {
				if !sensitiveOnly || len(x.Sensitive) > 0 {
					list = append(list, x)
				}
			}
			if output == "json" {
				return printJSON(cmd.OutOrStdout(), exposuresJSON(list))
			}
			printExposures(cmd.OutOrStdout(), list)
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "from-files", "", "directory of aws ec2 describe-* JSON outputs")
	f.StringVar(&output, "output", "text", "text or json")
	f.BoolVar(&sensitiveOnly, "sensitive-only", false, "only interfaces with a sensitive port open")
	f.BoolVar(&strict, "strict", false, "fail when any input file cannot be read")
	return cmd
}

type exposureJSON struct {
	NetworkInterfaceId string                  `json:"NetworkInterfaceId"`
	InstanceId         string                  `json:"InstanceId,omitempty"`
	SubnetId           string                  `json:"SubnetId"`
	VpcId              string                  `json:"VpcId"`
	PublicIp           string                  `json:"PublicIp"`
	InternetGatewayId  string                  `json:"InternetGatewayId"`
	Protocol           string                  `json:"Protocol"`
	Ports              string                  `json:"Ports"`
	SensitivePorts     []int                   `json:"SensitivePorts"`
	Sources            string                  `json:"Sources"`
	Path               []vpc.PathComponentJSON `json:"Path"`
	Advice             string                  `json:"Advice,omitempty"`
}

func exposuresJSON(list []vpc.Exposure) []exposureJSON {
	out := []exposureJSON{}
	for _, x := range list {
		a := (&vpc.Analysis{ForwardPath: x.Path}).AWS()
		out = append(out, exposureJSON{NetworkInterfaceId: x.NetworkInterfaceId, InstanceId: x.InstanceId, SubnetId: x.SubnetId,
			VpcId: x.VpcId, PublicIp: x.PublicIp.String(), InternetGatewayId: x.InternetGatewayId, Protocol: x.Protocol,
			Ports: x.Ports.PortString(), SensitivePorts: append([]int{}, x.Sensitive...), Sources: x.Sources.AddrString(),
			Path: a.ForwardPathComponents, Advice: x.Advice})
	}
	return out
}

func printExposures(w io.Writer, list []vpc.Exposure) {
	if len(list) == 0 {
		fmt.Fprintln(w, "no network interface is reachable from the internet")
		return
	}
	for _, x := range list {
		name := x.NetworkInterfaceId
		if x.InstanceId != "" {
			name += " (" + x.InstanceId + ")"
		}
		fmt.Fprintf(w, "%s %s %s ports %s from %s\n", name, x.PublicIp, x.Protocol, x.Ports.PortString(), x.Sources.AddrString())
		if len(x.Sensitive) > 0 {
			fmt.Fprintf(w, "  SENSITIVE %v: %s\n", x.Sensitive, x.Advice)
		}
		for _, c := range x.Path {
			fmt.Fprintf(w, "    %s%s\n", c.Component.Id, hopDetail(c))
		}
	}
}

func newNetOverlapsCmd() *cobra.Command {
	var dir, output string
	var strict bool
	cmd := &cobra.Command{
		Use:   "overlaps",
		Short: "VPC CIDR blocks that overlap across VPCs and accounts",
		Long: `Lists every pair of VPC CIDR blocks (and of subnets inside one VPC) whose
address ranges intersect, as IPAM's overlap monitoring does in one scope, and
marks pairs linked by a peering connection (AWS cannot activate those).`,
		Example: `  moat net overlaps --from-files ./describe`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if output != "text" && output != "json" {
				return fmt.Errorf("--output %q: want text or json", output)
			}
			n, err := loadNet(dir, strict, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			list := vpc.Overlaps(n)
			w := cmd.OutOrStdout()
			if output == "json" {
				type ref struct{ ResourceId, ResourceType, VpcId, OwnerId, Cidr string }
				type pair struct {
					A, B   ref
					Peered bool
				}
				out := []pair{}
				conv := func(r vpc.CIDRRef) ref { return ref{r.ResourceId, r.ResourceType, r.VpcId, r.OwnerId, r.Cidr.String()} }
				for _, o := range list {
					out = append(out, pair{conv(o.A), conv(o.B), o.Peered})
				}
				return printJSON(w, out)
			}
			if len(list) == 0 {
				fmt.Fprintln(w, "no overlapping CIDR blocks")
			}
			for _, o := range list {
				peer := ""
				if o.Peered {
					peer = " (peered: the peering cannot be active)"
				}
				fmt.Fprintf(w, "%s %s (%s) overlaps %s %s (%s)%s\n", o.A.ResourceId, o.A.Cidr, o.A.OwnerId, o.B.ResourceId, o.B.Cidr, o.B.OwnerId, peer)
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&dir, "from-files", "", "directory of aws ec2 describe-* JSON outputs")
	f.StringVar(&output, "output", "text", "text or json")
	f.BoolVar(&strict, "strict", false, "fail when any input file cannot be read")
	return cmd
}

func newNetStaleCmd() *cobra.Command {
	var dir string
	var strict bool
	cmd := &cobra.Command{
		Use:   "stale",
		Short: "Security group rules that reference missing or unpeered groups",
		Long: `Lists rules that reference a security group that no longer exists (in the
input) or that lives in a VPC without an active peering connection, as
DescribeStaleSecurityGroups does. Such rules match nothing.`,
		Example: `  moat net stale --from-files ./describe`,
		Args:    cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			n, err := loadNet(dir, strict, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			list := n.StaleReferences()
			if len(list) == 0 {
				fmt.Fprintln(w, "no stale security group references")
			}
			for _, s := range list {
				dir := "ingress"
				if s.Rule.IsEgress {
					dir = "egress"
				}
				fmt.Fprintf(w, "%s %s %s %s: %s\n", s.GroupId, dir, ruleProto(s.Rule.IpProtocol, s.Rule.FromPort, s.Rule.ToPort), s.Rule.Peer(), s.Reason)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "from-files", "", "directory of aws ec2 describe-* JSON outputs")
	cmd.Flags().BoolVar(&strict, "strict", false, "fail when any input file cannot be read")
	return cmd
}

func newNetFlowCheckCmd() *cobra.Command {
	var dir string
	var strict, all bool
	cmd := &cobra.Command{
		Use:   "flowcheck FILE...",
		Short: "Check VPC flow log records' ACCEPT/REJECT against the configuration",
		Long: `Reads VPC flow log files (plain or .gz, as delivered to S3 or exported from
CloudWatch Logs; a first line of field names sets a custom format, otherwise
the default version 2 format is assumed) and decides each record at its
network interface from the configuration in --from-files. Prints every record
where the logged action and the model's disagree (--all: every record), then
a summary. The network ACL check is exact; the security group check is "could
be allowed" because a record does not say which side opened the connection.
Exit status: 0 no disagreement, 2 disagreements, 1 error.`,
		Example: `  moat net flowcheck --from-files ./describe 111122223333_vpcflowlogs_us-east-1_fl-0123_20260101T0000Z_hash.log.gz`,
		Args:    cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			n, err := loadNet(dir, strict, cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			a := vpc.Compile(n)
			w := bufio.NewWriter(cmd.OutOrStdout())
			defer w.Flush()
			var checked, disagree, skipped, bad int
			for _, name := range args {
				c, d, s, b, err := flowCheckFile(a, name, w, cmd.ErrOrStderr(), all)
				if err != nil {
					return err
				}
				checked, disagree, skipped, bad = checked+c, disagree+d, skipped+s, bad+b
			}
			fmt.Fprintf(w, "%d records checked, %d disagree, %d not checkable, %d malformed\n", checked, disagree, skipped, bad)
			if disagree > 0 {
				w.Flush()
				return exitError{exitUnreachable}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "from-files", "", "directory of aws ec2 describe-* JSON outputs")
	cmd.Flags().BoolVar(&all, "all", false, "print every checked record, not only disagreements")
	cmd.Flags().BoolVar(&strict, "strict", false, "fail when any input file cannot be read")
	return cmd
}

func flowCheckFile(a *vpc.Analyzer, name string, w, stderr io.Writer, all bool) (checked, disagree, skipped, bad int, err error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, 0, 0, 0, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		gz, err := gzip.NewReader(br)
		if err != nil {
			return 0, 0, 0, 0, fmt.Errorf("%s: %w", name, err)
		}
		defer gz.Close()
		r = gz
	}
	fr := vpc.NewFlowLogReader(r, name)
	for {
		rec, err := fr.Next()
		if errors.Is(err, io.EOF) {
			return checked, disagree, skipped, bad, nil
		}
		var le *vpc.LoadError
		if errors.As(err, &le) {
			fmt.Fprintln(stderr, "moat: skipped:", err)
			bad++
			if le.Err != nil { // an I/O or gzip error: stop this file
				return checked, disagree, skipped, bad, nil
			}
			continue
		}
		if err != nil {
			return checked, disagree, skipped, bad, err
		}
		c := a.CheckFlowLog(rec)
		if c.Model == "" {
			skipped++
			continue
		}
		checked++
		if c.Disagree {
			disagree++
		}
		if c.Disagree || all {
			verdict := "agrees"
			if c.Disagree {
				verdict = "DISAGREES"
			}
			fmt.Fprintf(w, "%s:%d: %s %s %s:%s -> %s:%s proto %s: logged %s, model %s (%s)\n", name, rec.Line,
				rec.Get("interface-id"), verdict, rec.Get("srcaddr"), rec.Get("srcport"), rec.Get("dstaddr"), rec.Get("dstport"),
				rec.Get("protocol"), c.Logged, c.Model, c.Reason)
		}
	}
}
