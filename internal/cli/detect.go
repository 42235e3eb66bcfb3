package cli

import (
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/moatdev/moat/detect"
)

func init() { registerCmd(newDetectCmd) }

type detectFlags struct {
	cloudtrail, flowlogs, dns []string
	threatLists               []string
	trustedList, listFormat   string
	geoip, sigmaDir           string
	instances                 []string
	sshCountries              []string
	format, failOn            string
	flowFormat                string
	learning                  time.Duration
	disable                   []string
	workers                   int
	progress                  string
	showErrors                int
}

func newDetectCmd() *cobra.Command {
	var fl detectFlags
	cmd := &cobra.Command{
		Use:   "detect [--cloudtrail PATH...] [--flowlogs PATH...] [--dns PATH...] [flags]",
		Short: "Find threats in CloudTrail, VPC flow logs and Route 53 Resolver query logs, as GuardDuty does",
		Long: `Detect reads the files AWS delivers — CloudTrail .json.gz files (or plain JSON:
{"Records":[...]}, arrays, JSON lines), VPC flow logs (.log/.log.gz, default or
custom format, header line or --flow-format) and Route 53 Resolver query logs
(JSON lines) — from files or directory trees, runs GuardDuty's detectors over
them and prints the findings in GuardDuty's finding shape.

Paths may repeat. Malformed records are counted and reported with file and
line on standard error; they never stop the run. The exit status is 1 when a
finding at or above --fail-on exists, 2 when a path cannot be read, else 0.
Finding types named moat:... are moat's own, not GuardDuty's. See
docs/detection.md.`,
		Example: `  moat detect --cloudtrail AWSLogs/111122223333/CloudTrail --fail-on high
  moat detect --flowlogs flows/ --geoip GeoLite2-City.mmdb --ssh-allowed-countries FR,DE
  moat detect --cloudtrail trail/ --threat-list bad-ips.txt --threat-list c2:c2.txt --format sarif`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDetect(cmd, fl) },
	}
	f := cmd.Flags()
	f.StringArrayVar(&fl.cloudtrail, "cloudtrail", nil, "CloudTrail file or directory (repeatable)")
	f.StringArrayVar(&fl.flowlogs, "flowlogs", nil, "VPC flow log file or directory (repeatable)")
	f.StringArrayVar(&fl.dns, "dns", nil, "Route 53 Resolver query log file or directory (repeatable)")
	f.StringArrayVar(&fl.threatLists, "threat-list", nil, "threat list file, optionally KIND:FILE with KIND custom (default), c2 or mining (repeatable)")
	f.StringVar(&fl.trustedList, "trusted-list", "", "trusted IP list file")
	f.StringVar(&fl.listFormat, "list-format", "TXT", "format of the lists: TXT or STIX")
	f.StringArrayVar(&fl.instances, "instances", nil, "aws ec2 describe-instances output: the instances' addresses, for InstanceCredentialExfiltration (repeatable)")
	f.StringVar(&fl.geoip, "geoip", "", "GeoIP database (MaxMind DB format: GeoLite2/DB-IP City or Country)")
	f.StringSliceVar(&fl.sshCountries, "ssh-allowed-countries", nil, "ISO country codes SSH may come from (needs --geoip)")
	f.StringVar(&fl.sigmaDir, "sigma", "", "directory of Sigma rules for CloudTrail (logsource product aws, service cloudtrail)")
	f.StringVar(&fl.format, "format", "table", "output: table, json (GuardDuty findings), asff or sarif")
	f.StringVar(&fl.failOn, "fail-on", "", "exit 1 when a finding at or above this severity exists: low, medium, high, critical or 0-10")
	f.StringVar(&fl.flowFormat, "flow-format", "", `flow log format for files without a header line, e.g. "${version} ${vpc-id} ..." (default: AWS's default format)`)
	f.DurationVar(&fl.learning, "learning", 0, "learning period of the per-principal and per-interface baselines (default 168h)")
	f.StringArrayVar(&fl.disable, "disable", nil, "finding type to turn off (repeatable)")
	f.IntVar(&fl.workers, "workers", 0, "parsing goroutines (default: number of CPUs)")
	f.StringVar(&fl.progress, "progress", "auto", "progress on standard error: auto (when a terminal), always or never")
	f.IntVar(&fl.showErrors, "show-errors", 20, "how many malformed-record errors to print")
	return cmd
}

func runDetect(cmd *cobra.Command, fl detectFlags) error {
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	if len(fl.cloudtrail)+len(fl.flowlogs)+len(fl.dns) == 0 {
		return fmt.Errorf("nothing to read: give --cloudtrail, --flowlogs or --dns")
	}
	switch fl.format {
	case "table", "json", "asff", "sarif":
	default:
		return fmt.Errorf("--format %q: expected table, json, asff or sarif", fl.format)
	}
	failOn := -1.0
	if fl.failOn != "" {
		v, err := detect.ParseSeverity(fl.failOn)
		if err != nil {
			return fmt.Errorf("--fail-on: %w", err)
		}
		failOn = v
	}
	switch fl.progress {
	case "auto", "always", "never":
	default:
		return fmt.Errorf("--progress %q: expected auto, always or never", fl.progress)
	}
	if fl.flowFormat != "" {
		if _, err := detect.ParseFlowFormat(fl.flowFormat); err != nil {
			return fmt.Errorf("--flow-format: %w", err)
		}
	}
	opts, closeFn, err := detectOptions(fl)
	if err != nil {
		return err
	}
	defer closeFn()
	d, err := detect.New(opts)
	if err != nil {
		return err
	}
	sopts := detect.ScanOptions{Workers: fl.workers}
	if fl.progress == "always" || (fl.progress == "auto" && detectIsTerminal(errOut)) {
		sopts.Progress = func(s detect.ScanStats) {
			fmt.Fprintf(errOut, "\r%d records, %d malformed, %.0f records/s ", s.Records, s.Malformed, float64(s.Records)/s.Elapsed.Seconds())
		}
	}
	st, err := detect.Scan(context.Background(), detect.Sources{CloudTrail: fl.cloudtrail, FlowLogs: fl.flowlogs, DNS: fl.dns, FlowFormat: fl.flowFormat}, d, sopts)
	if sopts.Progress != nil {
		fmt.Fprintln(errOut)
	}
	if err != nil {
		return err
	}
	findings := d.Findings()
	if err := printFindings(out, fl.format, findings); err != nil {
		return err
	}
	reportScan(errOut, st, len(findings), fl.showErrors)
	if len(st.Unreadable) > 0 {
		return exitError{code: 2}
	}
	if failOn >= 0 {
		for _, f := range findings {
			if f.Severity >= failOn {
				return exitError{code: 1}
			}
		}
	}
	return nil
}

func printFindings(w io.Writer, format string, findings []*detect.Finding) error {
	switch format {
	case "json":
		return detect.WriteJSON(w, findings)
	case "asff":
		return detect.WriteASFF(w, findings)
	case "sarif":
		return detect.WriteSARIF(w, findings, Version)
	}
	if len(findings) == 0 {
		fmt.Fprintln(w, "no findings")
		return nil
	}
	return detect.WriteTable(w, findings)
}

func reportScan(w io.Writer, st detect.ScanStats, findings, show int) {
	for _, err := range st.Unreadable {
		fmt.Fprintf(w, "moat: %v\n", err)
	}
	for i, err := range st.Errors {
		if i >= show {
			fmt.Fprintf(w, "moat: ... and %d more malformed records\n", st.Malformed-show)
			break
		}
		fmt.Fprintf(w, "moat: skipped: %v\n", err)
	}
	fmt.Fprintf(w, "moat detect: %d files, %d records, %d malformed, %d findings in %s\n",
		st.Files, st.Records, st.Malformed, findings, st.Elapsed.Round(time.Millisecond))
}

// detectOptions loads the lists, GeoIP database and Sigma rules.
func detectOptions(fl detectFlags) (detect.Options, func(), error) {
	opts := detect.Options{Baseline: detect.BaselineOptions{Learning: fl.learning}, SSHAllowedCountries: fl.sshCountries}
	closeFn := func() {}
	format := detect.ListFormat(strings.ToUpper(fl.listFormat))
	for _, spec := range fl.threatLists {
		kind, path := detect.ThreatCustom, spec
		if k, p, ok := strings.Cut(spec, ":"); ok && !strings.Contains(k, string(filepath.Separator)) {
			switch k {
			case "custom":
				kind, path = detect.ThreatCustom, p
			case "c2":
				kind, path = detect.ThreatCommandAndControl, p
			case "mining":
				kind, path = detect.ThreatCryptoMining, p
			default:
				return opts, closeFn, fmt.Errorf("--threat-list %q: kind %q is not custom, c2 or mining", spec, k)
			}
		}
		l, err := detectReadList(path, format, kind)
		if err != nil {
			return opts, closeFn, err
		}
		opts.ThreatLists = append(opts.ThreatLists, l)
	}
	if fl.trustedList != "" {
		l, err := detectReadList(fl.trustedList, format, detect.ThreatCustom)
		if err != nil {
			return opts, closeFn, err
		}
		opts.TrustedList = l
	}
	if fl.geoip != "" {
		db, err := detect.OpenMaxMindDB(fl.geoip)
		if err != nil {
			return opts, closeFn, err
		}
		opts.GeoIP = db
		closeFn = func() { db.Close() }
	}
	for _, path := range fl.instances {
		m, err := detectReadInstances(path)
		if err != nil {
			return opts, closeFn, err
		}
		if opts.InstanceAddresses == nil {
			opts.InstanceAddresses = map[string][]netip.Addr{}
		}
		for id, addrs := range m {
			opts.InstanceAddresses[id] = append(opts.InstanceAddresses[id], addrs...)
		}
	}
	if fl.sigmaDir != "" {
		rules, err := detect.LoadSigmaDir(fl.sigmaDir)
		if err != nil {
			return opts, closeFn, err
		}
		opts.Sigma = rules
	}
	if len(fl.disable) > 0 {
		opts.Disabled = map[string]bool{}
		for _, t := range fl.disable {
			opts.Disabled[t] = true
		}
	}
	return opts, closeFn, nil
}

func detectReadList(path string, format detect.ListFormat, kind detect.ThreatKind) (*detect.IPList, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return detect.ReadIPList(f, filepath.Base(path), format, kind)
}

func detectReadInstances(path string) (map[string][]netip.Addr, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return detect.ReadInstances(f, path)
}

func detectIsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
