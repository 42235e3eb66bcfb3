package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moatdev/moat/suricata"
	"github.com/moatdev/moat/suricata/nfw"
	"github.com/moatdev/moat/suricata/replay"
)

func init() { registerCmd(newNfwCmd) }

func newNfwCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "nfw",
		Short: "AWS Network Firewall offline: lint Suricata rules, evaluate pcaps",
	}
	cmd.AddCommand(newNfwLintCmd(), newNfwPcapCmd(), newNfwRulesCmd())
	return cmd
}

// ruleFlags are the rule-loading flags shared by the nfw commands.
type ruleFlags struct {
	vars           []string
	classification string
	anf            bool
}

func (f *ruleFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&f.vars, "var", nil, "rule variable NAME=VALUE (names ending in _PORTS are port variables), repeatable")
	cmd.Flags().StringVar(&f.classification, "classification", "", "classification.config file (default: Suricata's built-in classtypes)")
	cmd.Flags().BoolVar(&f.anf, "anf", false, "also refuse what AWS Network Firewall refuses (threshold, detection_filter, ...)")
}

func (f *ruleFlags) config() (*suricata.Config, error) {
	cfg := &suricata.Config{NetworkFirewall: f.anf, AddressVars: map[string]string{}, PortVars: map[string]string{}}
	for _, v := range f.vars {
		name, val, ok := strings.Cut(v, "=")
		name = strings.TrimPrefix(strings.TrimSpace(name), "$")
		if !ok || name == "" || strings.TrimSpace(val) == "" {
			return nil, fmt.Errorf("--var %q: want NAME=VALUE", v)
		}
		if strings.HasSuffix(name, "_PORTS") {
			cfg.PortVars[name] = val
		} else {
			cfg.AddressVars[name] = val
		}
	}
	if f.classification != "" {
		src, err := os.ReadFile(f.classification)
		if err != nil {
			return nil, err
		}
		cls, err := suricata.ParseClassification(src)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f.classification, err)
		}
		cfg.Classifications = cls
	}
	return cfg, nil
}

func newNfwLintCmd() *cobra.Command {
	var rf ruleFlags
	var format string
	cmd := &cobra.Command{
		Use:   "lint [--anf] [--var NAME=VALUE...] [--format text|json] FILE...",
		Short: "Report how many Suricata rules moat loads and which keywords refuse the rest",
		Long: `Lint parses Suricata rule files and prints, per file, the number of rules,
how many load, the keywords that made the rest fail (and whether Suricata,
AWS Network Firewall (--anf) or moat refuses them), then one line per
refused rule:

  FILE:LINE:COL: sid N: KEYWORD: MESSAGE (refused by ...)

The exit status is 1 when any rule does not load, 2 when a file cannot be
read, 0 otherwise.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: expected text or json", format)
			}
			cfg, err := rf.config()
			if err != nil {
				return err
			}
			return runNfwLint(cmd, args, cfg, format)
		},
	}
	rf.add(cmd)
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

type lintFileReport struct {
	File        string                  `json:"file"`
	Rules       int                     `json:"rules"`
	Parsed      int                     `json:"parsed"`
	Unsupported []suricata.KeywordCount `json:"unsupported"`
	Errors      []string                `json:"errors"`
}

func runNfwLint(cmd *cobra.Command, files []string, cfg *suricata.Config, format string) error {
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	var reports []lintFileReport
	unreadable, refused := false, false
	for _, file := range files {
		src, err := os.ReadFile(file)
		if err != nil {
			fmt.Fprintf(errOut, "moat: %v\n", err)
			unreadable = true
			continue
		}
		c := *cfg
		c.File = file
		rep := suricata.Lint(src, &c)
		r := lintFileReport{File: file, Rules: rep.Rules, Parsed: rep.Parsed, Unsupported: rep.Unsupported, Errors: []string{}}
		for _, e := range rep.Errors {
			r.Errors = append(r.Errors, e.Error())
		}
		refused = refused || len(rep.Errors) > 0
		reports = append(reports, r)
	}
	if format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(reports); err != nil {
			return err
		}
	} else {
		for _, r := range reports {
			pct := 100.0
			if r.Rules > 0 {
				pct = 100 * float64(r.Parsed) / float64(r.Rules)
			}
			fmt.Fprintf(out, "%s: %d rules, %d load (%.1f%%)\n", r.File, r.Rules, r.Parsed, pct)
			for _, u := range r.Unsupported {
				fmt.Fprintf(out, "  %6d  %-24s refused by %s\n", u.Rules, u.Keyword, u.By)
			}
			for _, e := range r.Errors {
				fmt.Fprintln(out, e)
			}
		}
	}
	switch {
	case unreadable:
		return exitError{code: 2}
	case refused:
		return exitError{code: 1}
	}
	return nil
}

func newNfwPcapCmd() *cobra.Command {
	var (
		rf                    ruleFlags
		rules                 []string
		pcap, eve, policyFile string
		format, fwName, az    string
		noMidstream, ids      bool
		strict                bool
		defaults              []string
	)
	cmd := &cobra.Command{
		Use:   "pcap --rules FILE [--rules FILE...] --pcap FILE [--eve OUT] [--var NAME=VALUE...]",
		Short: "Evaluate a pcap/pcapng capture against Suricata rules or a Network Firewall policy",
		Long: `Pcap replays a capture (pcap or pcapng) through moat's Suricata-compatible
engine: TCP reassembly, HTTP/1.x, TLS ClientHello (SNI, JA3) and DNS parsing,
then the rules. It writes Suricata EVE JSON lines (alert, drop, http, tls, dns,
flow, stats) to --eve, or with --format aws Network Firewall's log records
(the firewall_name/availability_zone/event_timestamp envelope around alert,
tls and per-direction netflow events).

Rules come from --rules files, or from a Network Firewall policy document
(--policy: stateless and stateful rule groups, domain lists, rule order and
default actions). By default the engine acts like Network Firewall (drop
rules block); --ids makes drop rules only alert, as Suricata in IDS mode.

Rules that do not load are listed on standard error and the exit status is 1;
the others still run. A truncated capture is processed up to the break, then
reported (exit status 1). Unreadable files exit with 2.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if pcap == "" {
				return errors.New("--pcap is required")
			}
			if (len(rules) == 0) == (policyFile == "") {
				return errors.New("give --rules FILE (repeatable) or --policy FILE")
			}
			var f replay.Format
			switch format {
			case "eve":
			case "aws":
				f = replay.FormatNetworkFirewall
			default:
				return fmt.Errorf("--format %q: expected eve or aws", format)
			}
			cfg, err := rf.config()
			if err != nil {
				return err
			}
			o := pcapOpts{rules: rules, policy: policyFile, pcap: pcap, eve: eve, cfg: cfg, ips: !ids, strict: strict, defaults: defaults,
				replay: replay.Config{NoMidstream: noMidstream, Format: f, FirewallName: fwName, AvailabilityZone: az}}
			return runNfwPcap(cmd, o)
		},
	}
	rf.add(cmd)
	cmd.Flags().StringArrayVar(&rules, "rules", nil, "Suricata rule file, repeatable")
	cmd.Flags().StringVar(&policyFile, "policy", "", "Network Firewall policy document (JSON: FirewallPolicy and RuleGroups, see docs/network-firewall.md)")
	cmd.Flags().StringVar(&pcap, "pcap", "", "capture file (pcap or pcapng); - reads standard input")
	cmd.Flags().StringVar(&eve, "eve", "-", "output file for the EVE records; - writes standard output")
	cmd.Flags().StringVar(&format, "format", "eve", "output records: eve (Suricata EVE JSON) or aws (Network Firewall log records)")
	cmd.Flags().StringVar(&fwName, "firewall-name", "moat", "firewall_name in --format aws records")
	cmd.Flags().StringVar(&az, "availability-zone", "us-east-1a", "availability_zone in --format aws records")
	cmd.Flags().BoolVar(&noMidstream, "no-midstream", false, "do not pick up TCP sessions whose handshake is not in the capture")
	cmd.Flags().BoolVar(&ids, "ids", false, "IDS mode: drop and reject rules alert but do not block")
	cmd.Flags().BoolVar(&strict, "strict-order", false, "evaluate --rules in STRICT_ORDER (first pass/drop/reject match decides) instead of DEFAULT_ACTION_ORDER")
	cmd.Flags().StringArrayVar(&defaults, "default-action", nil, "stateful default action with --strict-order: aws:drop_strict, aws:drop_established, aws:alert_strict, aws:alert_established (repeatable)")
	return cmd
}

type pcapOpts struct {
	rules       []string
	policy      string
	pcap, eve   string
	cfg         *suricata.Config
	ips, strict bool
	defaults    []string
	replay      replay.Config
}

func runNfwPcap(cmd *cobra.Command, o pcapOpts) error {
	errOut := cmd.ErrOrStderr()
	var insp replay.Inspector
	ruleErrors := 0
	if o.policy != "" {
		src, err := os.ReadFile(o.policy)
		if err != nil {
			fmt.Fprintf(errOut, "moat: %v\n", err)
			return exitError{code: 2}
		}
		fw, err := nfw.LoadPolicyDocument(src)
		if err != nil {
			return fmt.Errorf("%s: %w", o.policy, err)
		}
		for _, e := range fw.RuleErrors {
			fmt.Fprintf(errOut, "moat: %s\n", e)
			ruleErrors++
		}
		insp = fw
	} else {
		var all []*suricata.Rule
		for _, file := range o.rules {
			src, err := os.ReadFile(file)
			if err != nil {
				fmt.Fprintf(errOut, "moat: %v\n", err)
				return exitError{code: 2}
			}
			c := *o.cfg
			c.File = file
			rs := suricata.Parse(src, &c)
			for _, e := range rs.Errors {
				fmt.Fprintf(errOut, "moat: %v\n", e)
				ruleErrors++
			}
			all = append(all, rs.Rules...)
		}
		eng, err := suricata.Compile(all, suricata.Options{IPS: o.ips, StrictOrder: o.strict})
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
	var in io.Reader = cmd.InOrStdin()
	if o.pcap != "-" {
		f, err := os.Open(o.pcap)
		if err != nil {
			fmt.Fprintf(errOut, "moat: %v\n", err)
			return exitError{code: 2}
		}
		defer f.Close()
		in = f
	}
	var out io.Writer = cmd.OutOrStdout()
	if o.eve != "-" {
		f, err := os.Create(o.eve)
		if err != nil {
			fmt.Fprintf(errOut, "moat: %v\n", err)
			return exitError{code: 2}
		}
		defer f.Close()
		out = f
	}
	o.replay.Inspector = insp
	st, err := replay.Run(in, out, o.replay)
	var te *replay.TruncatedError
	switch {
	case errors.As(err, &te):
		fmt.Fprintf(errOut, "moat: %s: %v\n", o.pcap, err)
	case err != nil:
		return fmt.Errorf("%s: %w", o.pcap, err)
	}
	fmt.Fprintf(errOut, "moat: %d packets, %d flows, %d alerts, %d drops", st.Packets, st.Flows, st.Alerts, st.Drops)
	if ruleErrors > 0 {
		fmt.Fprintf(errOut, "; %d rules did not load", ruleErrors)
	}
	fmt.Fprintln(errOut)
	if te != nil || ruleErrors > 0 {
		return exitError{code: 1}
	}
	return nil
}

func newNfwRulesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rules POLICY_FILE",
		Short: "Print a Network Firewall policy's stateful rule groups as Suricata rules (domain lists and 5-tuple rules rendered)",
		Long: `Rules reads a policy document (FirewallPolicy and RuleGroups, as for
moat nfw pcap --policy) and prints each stateful rule group as the Suricata
rules moat evaluates: RulesString as written, StatefulRules and domain lists
(RulesSourceList) as generated. Rules that do not load are listed on
standard error and the exit status is 1.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := os.ReadFile(args[0])
			if err != nil {
				fmt.Fprintf(cmd.ErrOrStderr(), "moat: %v\n", err)
				return exitError{code: 2}
			}
			fw, err := nfw.LoadPolicyDocument(src)
			if err != nil {
				return fmt.Errorf("%s: %w", args[0], err)
			}
			out := cmd.OutOrStdout()
			for _, g := range fw.Rendered {
				fmt.Fprintf(out, "# rule group %s (priority %d)\n%s", g.Name, g.Priority, g.Rules)
				if !strings.HasSuffix(g.Rules, "\n") {
					fmt.Fprintln(out)
				}
			}
			for _, e := range fw.RuleErrors {
				fmt.Fprintf(cmd.ErrOrStderr(), "moat: %s\n", e)
			}
			if len(fw.RuleErrors) > 0 {
				return exitError{code: 1}
			}
			return nil
		},
	}
}
