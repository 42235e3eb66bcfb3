package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/netip"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/spf13/cobra"

	"github.com/moatdev/moat/suricata"
	"github.com/moatdev/moat/suricata/nfw"
	"github.com/moatdev/moat/suricata/proxy"
)

// `moat nfw proxy` joins the nfw command from this file, the way nfw
// fetch does (nfw_live.go): the registered constructor is wrapped.
func init() {
	for i, build := range engineCmds {
		build := build
		engineCmds[i] = func() *cobra.Command {
			c := build()
			if c.Name() == "nfw" {
				c.AddCommand(newNfwProxyCmd())
			}
			return c
		}
	}
}

type nfwProxyOpts struct {
	rf                            ruleFlags
	policy, firewall, endpoint    string
	profile, region               string
	rules, homeNet, resolve       []string
	listen, alertLog, flowLog     string
	fwName, az                    string
	strict, allowSNIMismatch      bool
	defaults                      []string
	handshakeTimeout, dialTimeout time.Duration
	responseTimeout, idleTimeout  time.Duration
	ready                         func(addr string) // tests: called once listening
	stop                          context.Context   // tests: stops the proxy
}

func newNfwProxyCmd() *cobra.Command {
	o := &nfwProxyOpts{}
	cmd := &cobra.Command{
		Use:   "proxy (--policy FILE | --firewall NAME | --rules FILE...) --listen ADDR",
		Short: "Run an enforcing egress proxy (HTTP and CONNECT/TLS) that applies a Network Firewall policy",
		Long: `Proxy runs an HTTP forward proxy that enforces a Network Firewall policy on
the connections of the clients pointed at it (HTTP_PROXY/HTTPS_PROXY, curl
--proxy):

  - CONNECT host:port (HTTPS): the client's TLS ClientHello is read and its
    SNI evaluated before the upstream is dialed; a refused connection is
    closed before any TLS handshake completes.
  - plain http:// requests: Host and URI (and the other request buffers)
    are evaluated; a refused request gets 403 naming the rule's sid and msg
    and never reaches the upstream.

The policy is a policy document (--policy, as moat nfw pcap and moat nfw fetch
use), a live firewall's policy (--firewall, fetched from a Network Firewall
API as moat nfw fetch does), or Suricata rule files (--rules; with --policy
they are added as one more stateful rule group, after the others). Domain
lists, 5-tuple rules, Suricata rules, stateless rules, rule order and the
stateful default actions apply as Network Firewall applies them, with the
client as source and the upstream's resolved address as destination.

Rules written from $HOME_NET (domain lists are) match only clients inside
HOME_NET: --home-net sets it (Network Firewall's default is the VPC CIDR).

--alert-log and --flow-log receive Network Firewall's alert and flow log
records (JSON lines, appended). Refusals and bad input are logged on
standard error. SIGINT or SIGTERM stops the proxy.`,
		Example: `  moat nfw proxy --policy policy.json --listen 127.0.0.1:3128 --home-net 127.0.0.1/32 --alert-log alert.log
  HTTPS_PROXY=http://127.0.0.1:3128 curl https://allowed.example.com/`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runNfwProxy(cmd, o) },
	}
	o.rf.add(cmd)
	f := cmd.Flags()
	f.StringVar(&o.policy, "policy", "", "Network Firewall policy document (JSON: FirewallPolicy and RuleGroups)")
	f.StringVar(&o.firewall, "firewall", "", "fetch this firewall's policy (name or ARN) from the Network Firewall API at --endpoint-url")
	f.StringVar(&o.endpoint, "endpoint-url", envOr("MOAT_ENDPOINT", "http://127.0.0.1:4566"), "with --firewall: Network Firewall endpoint (env MOAT_ENDPOINT; empty: AWS's)")
	f.StringVar(&o.profile, "profile", "", "with --firewall: AWS profile (default: the usual credential chain)")
	f.StringVar(&o.region, "region", envOr("AWS_REGION", "us-east-1"), "with --firewall: region")
	f.StringArrayVar(&o.rules, "rules", nil, "Suricata rule file, repeatable")
	f.StringVar(&o.listen, "listen", "127.0.0.1:3128", "address to listen on")
	f.StringArrayVar(&o.homeNet, "home-net", nil, "HOME_NET CIDR (repeatable); overrides the policy's")
	f.StringArrayVar(&o.resolve, "resolve", nil, "resolve HOST to ADDR instead of asking DNS: HOST=ADDR (repeatable)")
	f.StringVar(&o.alertLog, "alert-log", "", "append Network Firewall alert log records to this file (- for standard output)")
	f.StringVar(&o.flowLog, "flow-log", "", "append Network Firewall flow log records to this file (- for standard output)")
	f.StringVar(&o.fwName, "firewall-name", "", "firewall_name in the log records (default: --firewall, else moat)")
	f.StringVar(&o.az, "availability-zone", "", "availability_zone in the log records (default: the region's a zone)")
	f.BoolVar(&o.strict, "strict-order", false, "with --rules alone: STRICT_ORDER (first pass/drop/reject match decides)")
	f.StringArrayVar(&o.defaults, "default-action", nil, "with --rules alone and --strict-order: stateful default action (aws:drop_strict, aws:drop_established, aws:alert_strict, aws:alert_established), repeatable")
	f.BoolVar(&o.allowSNIMismatch, "allow-sni-mismatch", false, "let a CONNECT tunnel carry a ClientHello for another host name (refused by default)")
	f.DurationVar(&o.handshakeTimeout, "handshake-timeout", 10*time.Second, "time allowed for a request head or a ClientHello")
	f.DurationVar(&o.dialTimeout, "dial-timeout", 10*time.Second, "time allowed to resolve and connect to the upstream")
	f.DurationVar(&o.responseTimeout, "response-timeout", 30*time.Second, "time allowed for an upstream HTTP response head")
	f.DurationVar(&o.idleTimeout, "idle-timeout", 5*time.Minute, "idle time after which a tunnel or keep-alive connection closes")
	return cmd
}

func runNfwProxy(cmd *cobra.Command, o *nfwProxyOpts) error {
	errOut := cmd.ErrOrStderr()
	sources := 0
	for _, s := range []string{o.policy, o.firewall} {
		if s != "" {
			sources++
		}
	}
	if sources > 1 {
		return errors.New("give one of --policy FILE and --firewall NAME")
	}
	if sources == 0 && len(o.rules) == 0 {
		return errors.New("give --policy FILE, --firewall NAME or --rules FILE")
	}
	if (o.strict || len(o.defaults) > 0) && sources > 0 {
		return errors.New("--strict-order and --default-action apply to --rules alone: a policy sets its own rule order and default actions")
	}
	resolved := map[string]netip.Addr{}
	for _, r := range o.resolve {
		h, a, ok := strings.Cut(r, "=")
		addr, err := netip.ParseAddr(strings.TrimSpace(a))
		if !ok || strings.TrimSpace(h) == "" || err != nil {
			return fmt.Errorf("--resolve %q: want HOST=ADDR", r)
		}
		resolved[strings.ToLower(strings.TrimSpace(h))] = addr
	}
	for _, c := range o.homeNet {
		if _, err := netip.ParsePrefix(c); err != nil {
			if _, err := netip.ParseAddr(c); err != nil {
				return fmt.Errorf("--home-net %q: not a CIDR block", c)
			}
		}
	}
	var doc *nfw.PolicyDocument
	fwName := o.fwName
	switch {
	case o.policy != "":
		src, err := os.ReadFile(o.policy)
		if err != nil {
			fmt.Fprintf(errOut, "moat: %v\n", err)
			return exitError{code: 2}
		}
		doc = &nfw.PolicyDocument{}
		dec := json.NewDecoder(bytes.NewReader(src))
		dec.DisallowUnknownFields()
		if err := dec.Decode(doc); err != nil {
			return fmt.Errorf("%s: policy document: %w", o.policy, err)
		}
	case o.firewall != "":
		ctx := cmd.Context()
		if ctx == nil {
			ctx = context.Background()
		}
		opts := []func(*config.LoadOptions) error{config.WithRegion(o.region)}
		if o.profile != "" {
			opts = append(opts, config.WithSharedConfigProfile(o.profile))
		}
		cfg, err := config.LoadDefaultConfig(ctx, opts...)
		if err != nil {
			return err
		}
		if o.endpoint != "" {
			cfg.BaseEndpoint = aws.String(o.endpoint)
		}
		d, name, err := fetchPolicyDocument(ctx, cfg, o.firewall, "", errOut)
		if err != nil {
			return err
		}
		doc = d
		if fwName == "" {
			fwName = name
		}
	}
	var insp proxy.Inspector
	ruleErrors := 0
	homeNet := o.homeNet
	if doc != nil {
		if len(o.rules) > 0 {
			if err := addRulesGroup(doc, o.rules); err != nil {
				fmt.Fprintf(errOut, "moat: %v\n", err)
				return exitError{code: 2}
			}
		}
		if len(o.homeNet) > 0 {
			if doc.FirewallPolicy.PolicyVariables == nil {
				doc.FirewallPolicy.PolicyVariables = &nfw.PolicyVariables{}
			}
			if doc.FirewallPolicy.PolicyVariables.RuleVariables == nil {
				doc.FirewallPolicy.PolicyVariables.RuleVariables = map[string]nfw.IPSet{}
			}
			doc.FirewallPolicy.PolicyVariables.RuleVariables["HOME_NET"] = nfw.IPSet{Definition: o.homeNet}
		} else if pv := doc.FirewallPolicy.PolicyVariables; pv != nil {
			homeNet = pv.RuleVariables["HOME_NET"].Definition
		}
		fw, err := nfw.Compile(doc)
		if err != nil {
			return err
		}
		for _, e := range fw.RuleErrors {
			fmt.Fprintf(errOut, "moat: %s\n", e)
			ruleErrors++
		}
		insp = fw
	} else {
		cfg, err := o.rf.config()
		if err != nil {
			return err
		}
		if len(o.homeNet) > 0 {
			cfg.AddressVars["HOME_NET"] = "[" + strings.Join(o.homeNet, ",") + "]"
		} else if h, ok := cfg.AddressVars["HOME_NET"]; ok {
			homeNet = strings.Split(strings.Trim(h, "[]"), ",")
		}
		var all []*suricata.Rule
		for _, file := range o.rules {
			src, err := os.ReadFile(file)
			if err != nil {
				fmt.Fprintf(errOut, "moat: %v\n", err)
				return exitError{code: 2}
			}
			c := *cfg
			c.File = file
			rs := suricata.Parse(src, &c)
			for _, e := range rs.Errors {
				fmt.Fprintf(errOut, "moat: %v\n", e)
				ruleErrors++
			}
			all = append(all, rs.Rules...)
		}
		eng, err := suricata.Compile(all, suricata.Options{IPS: true, StrictOrder: o.strict})
		if err != nil {
			return err
		}
		insp = eng
		if len(o.defaults) > 0 {
			if !o.strict {
				return errors.New("--default-action needs --strict-order (Network Firewall allows stateful default actions only with STRICT_ORDER)")
			}
			st, err := nfw.NewStateful(eng, o.defaults)
			if err != nil {
				return err
			}
			insp = st
		}
	}
	openLog := func(name string) (io.Writer, func(), error) {
		switch name {
		case "":
			return nil, func() {}, nil
		case "-":
			return cmd.OutOrStdout(), func() {}, nil
		}
		f, err := os.OpenFile(name, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, nil, err
		}
		return f, func() { f.Close() }, nil
	}
	alertW, closeA, err := openLog(o.alertLog)
	if err != nil {
		return err
	}
	defer closeA()
	var flowW io.Writer
	if o.flowLog != "" && o.flowLog == o.alertLog {
		flowW = alertW
	} else {
		w, closeF, err := openLog(o.flowLog)
		if err != nil {
			return err
		}
		defer closeF()
		flowW = w
	}
	if fwName == "" {
		fwName = "moat"
	}
	az := o.az
	if az == "" {
		az = o.region + "a"
	}
	cfg := proxy.Config{Inspector: insp, AlertLog: alertW, FlowLog: flowW, FirewallName: fwName, AvailabilityZone: az,
		ErrorLog: log.New(errOut, "", log.LstdFlags), HandshakeTimeout: o.handshakeTimeout, DialTimeout: o.dialTimeout,
		ResponseTimeout: o.responseTimeout, IdleTimeout: o.idleTimeout, AllowSNIMismatch: o.allowSNIMismatch}
	if len(resolved) > 0 {
		cfg.Resolve = func(ctx context.Context, host string) ([]netip.Addr, error) {
			if a, ok := resolved[host]; ok {
				return []netip.Addr{a}, nil
			}
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	p, err := proxy.New(cfg)
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	addr := l.Addr().String()
	if note := homeNetNote(l.Addr(), homeNet); note != "" {
		fmt.Fprintln(errOut, note)
	}
	fmt.Fprintf(errOut, "moat: nfw proxy listening on %s (firewall %s)", addr, fwName)
	if ruleErrors > 0 {
		fmt.Fprintf(errOut, "; %d rules did not load", ruleErrors)
	}
	fmt.Fprintln(errOut)
	ctx := o.stop
	if ctx == nil {
		var stop context.CancelFunc
		ctx, stop = signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
	}
	done := make(chan error, 1)
	go func() { done <- p.Serve(l) }()
	if o.ready != nil {
		o.ready(addr)
	}
	select {
	case <-ctx.Done():
		p.Close()
		<-done
		return nil
	case err := <-done:
		p.Close()
		return err
	}
}

// addRulesGroup appends the rule files as one more stateful rule group,
// after the policy's groups and in its rule order.
func addRulesGroup(doc *nfw.PolicyDocument, files []string) error {
	var text strings.Builder
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		text.Write(src)
		if len(src) > 0 && src[len(src)-1] != '\n' {
			text.WriteByte('\n')
		}
	}
	fp := &doc.FirewallPolicy
	order := "DEFAULT_ACTION_ORDER"
	if fp.StatefulEngineOptions != nil && fp.StatefulEngineOptions.RuleOrder != "" {
		order = fp.StatefulEngineOptions.RuleOrder
	}
	prio := 0
	for _, r := range fp.StatefulRuleGroupReferences {
		prio = max(prio, r.Priority)
	}
	const arn = "arn:aws:network-firewall:moat:000000000000:stateful-rulegroup/moat-proxy-rules"
	doc.RuleGroups = append(doc.RuleGroups, nfw.DescribeRuleGroup{
		RuleGroup:         nfw.RuleGroup{RulesSource: nfw.RulesSource{RulesString: text.String()}, StatefulRuleOptions: &nfw.StatefulRuleOptions{RuleOrder: order}},
		RuleGroupResponse: nfw.RuleGroupResponse{RuleGroupArn: arn, RuleGroupName: "moat-proxy-rules", Type: "STATEFUL"}})
	fp.StatefulRuleGroupReferences = append(fp.StatefulRuleGroupReferences, nfw.RuleGroupReference{ResourceArn: arn, Priority: prio + 1})
	return nil
}

// homeNetNote warns when the proxy listens on loopback and HOME_NET (the
// policy's, else Suricata's default) does not hold the loopback client.
func homeNetNote(a net.Addr, homeNet []string) string {
	ta, ok := a.(*net.TCPAddr)
	if !ok || !ta.IP.IsLoopback() {
		return ""
	}
	if len(homeNet) == 0 {
		homeNet = []string{"192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12"}
	}
	cli, _ := netip.AddrFromSlice(ta.IP)
	cli = cli.Unmap()
	for _, c := range homeNet {
		c = strings.TrimSpace(c)
		if p, err := netip.ParsePrefix(c); err == nil && p.Contains(cli) {
			return ""
		}
		if ad, err := netip.ParseAddr(c); err == nil && ad == cli {
			return ""
		}
	}
	return fmt.Sprintf("moat: note: HOME_NET (%s) does not hold the loopback clients (%s): rules from $HOME_NET, domain lists among them, will not match them; pass --home-net %s/32",
		strings.Join(homeNet, ","), cli, cli)
}
