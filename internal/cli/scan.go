package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/moatdev/moat/dataid"
)

func init() { registerCmd(newScanCmd) }

type scanFlags struct {
	custom, profile, format, failOn, selector, ids, allowRegex, allowWords string
	workers                                                                int
	maxFileSize                                                            int64
	s3                                                                     s3Source
}

func newScanCmd() *cobra.Command {
	var f scanFlags
	cmd := &cobra.Command{
		Use:   "scan PATH|s3://BUCKET[/PREFIX]... [--custom FILE] [--profile macie|extended] [--format table|jsonl|asff] [--fail-on SEVERITY]",
		Short: "Find sensitive data in local files or S3 buckets with Macie's managed and custom data identifiers",
		Long: `Scan reads files and directories (recursively, into gzip, zip and tar archives),
or the objects under s3://BUCKET/PREFIX of moat serve's S3 (--endpoint-url,
--aws-profile), and reports each occurrence of sensitive data that Amazon
Macie's managed data identifiers, or your custom data identifiers, would find.

  --profile macie      only identifiers Macie has, under Macie's ids (default)
  --profile extended   also Korean identifiers, e-mail addresses, access key ids
  --custom FILE        custom data identifiers: a JSON object or array with
                       CreateCustomDataIdentifier's fields (name, regex,
                       keywords, ignoreWords, maximumMatchDistance, severityLevels)
  --format jsonl       one line per occurrence: path (archive members joined
                       with '!'), identifier, byteOffset, byteLength, line,
                       column, severity (and cell or record when structured)

Files that cannot be scanned are reported on standard error with Macie's
reason codes. Exit status: 1 when --fail-on is given and an occurrence has
that severity or higher, 2 when a path cannot be read, 0 otherwise.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return runScan(cmd, args, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.custom, "custom", "", "JSON file with custom data identifiers")
	fl.StringVar(&f.profile, "profile", "macie", "identifier profile: macie or extended")
	fl.StringVar(&f.format, "format", "table", "output format: table, jsonl or asff")
	fl.StringVar(&f.failOn, "fail-on", "", "exit 1 when an occurrence has this severity or higher: LOW, MEDIUM or HIGH")
	fl.StringVar(&f.selector, "managed", "ALL", "managed identifier selector: ALL, RECOMMENDED, INCLUDE, EXCLUDE or NONE")
	fl.StringVar(&f.ids, "ids", "", "comma-separated managed identifier ids for --managed INCLUDE or EXCLUDE")
	fl.StringVar(&f.allowRegex, "allow-regex", "", "allow list: a regex; occurrences it matches in full are not reported")
	fl.StringVar(&f.allowWords, "allow-words", "", "allow list: a file with one entry a line (exact, case-insensitive)")
	fl.IntVar(&f.workers, "workers", 0, "files scanned in parallel (default: number of CPUs)")
	fl.Int64Var(&f.maxFileSize, "max-file-size", 0, "bytes read from one file or archive member (default 256 MiB)")
	fl.StringVar(&f.s3.endpoint, "endpoint-url", envOr("MOAT_ENDPOINT", "http://127.0.0.1:4566"), "S3 endpoint for s3:// paths (env MOAT_ENDPOINT; empty: AWS's)")
	fl.StringVar(&f.s3.profile, "aws-profile", "", "AWS shared-config profile for s3:// paths (moat serve writes moat-root)")
	fl.StringVar(&f.s3.region, "region", "us-east-1", "region for s3:// paths")
	return cmd
}

func buildScanner(f scanFlags) (*dataid.Scanner, error) {
	profile, err := dataid.ParseProfile(f.profile)
	if err != nil {
		return nil, fmt.Errorf("--profile: %w", err)
	}
	cfg := dataid.Config{Profile: profile, Managed: dataid.Selector{Kind: f.selector}}
	if f.ids != "" {
		cfg.Managed.IDs = strings.Split(f.ids, ",")
	}
	if f.custom != "" {
		cfg.Custom, err = loadCustom(f.custom)
		if err != nil {
			return nil, err
		}
	}
	if f.allowRegex != "" {
		a, err := dataid.NewRegexAllowList("cli", f.allowRegex)
		if err != nil {
			return nil, fmt.Errorf("--allow-regex: %w", err)
		}
		cfg.AllowLists = append(cfg.AllowLists, a)
	}
	if f.allowWords != "" {
		data, err := os.ReadFile(f.allowWords)
		if err != nil {
			return nil, fmt.Errorf("--allow-words: %w", err)
		}
		a, err := dataid.NewWordsAllowList(f.allowWords, string(data))
		if err != nil {
			return nil, fmt.Errorf("--allow-words %s: %w", f.allowWords, err)
		}
		cfg.AllowLists = append(cfg.AllowLists, a)
	}
	s, err := dataid.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("--managed/--ids: %w", err)
	}
	return s, nil
}

// loadCustom reads one CreateCustomDataIdentifier body or an array of them.
func loadCustom(file string) ([]*dataid.CustomDataIdentifier, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("--custom: %w", err)
	}
	var ins []dataid.CustomDataIdentifierInput
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		var one dataid.CustomDataIdentifierInput
		err = dec.Decode(&one)
		ins = append(ins, one)
	} else {
		err = dec.Decode(&ins)
	}
	if err != nil {
		return nil, fmt.Errorf("--custom %s: %w", file, jsonErrorAt(data, err))
	}
	var out []*dataid.CustomDataIdentifier
	for i, in := range ins {
		c, err := dataid.CompileCustom(in)
		if err != nil {
			return nil, fmt.Errorf("--custom %s: identifier %d (%q): %w", file, i, in.Name, err)
		}
		out = append(out, c)
	}
	return out, nil
}

// jsonErrorAt adds line:column to encoding/json's offset-only errors.
func jsonErrorAt(data []byte, err error) error {
	var off int64 = -1
	switch e := err.(type) {
	case *json.SyntaxError:
		off = max(e.Offset-1, 0) // Offset counts the offending byte as read
	case *json.UnmarshalTypeError:
		off = e.Offset
	}
	if off < 0 {
		return err
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}

func runScan(cmd *cobra.Command, args []string, f scanFlags) error {
	if f.format != "table" && f.format != "jsonl" && f.format != "asff" {
		return fmt.Errorf("--format %q: expected table, jsonl or asff", f.format)
	}
	var failOn dataid.Severity
	if f.failOn != "" {
		failOn = dataid.Severity(strings.ToUpper(f.failOn))
		if failOn.Score() == 0 {
			return fmt.Errorf("--fail-on %q: expected LOW, MEDIUM or HIGH", f.failOn)
		}
	}
	var local, buckets []string
	for _, a := range args {
		if strings.HasPrefix(a, "s3://") {
			buckets = append(buckets, a)
		} else {
			local = append(local, a)
		}
	}
	s, err := buildScanner(f)
	if err != nil {
		return err
	}
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	p := newScanPrinter(out, f.format)
	opt := dataid.Options{Workers: f.workers, Limits: dataid.Limits{MaxFileSize: f.maxFileSize}}
	if isTerminal(errOut) {
		opt.Progress = func(done, total int) { fmt.Fprintf(errOut, "\rscanned %d/%d files", done, total) }
	}
	worst, unreadable := 0, false
	emit := func(r dataid.Result) {
		if r.Status != dataid.StatusComplete {
			fmt.Fprintf(errOut, "moat: %s: %s %s: %s\n", r.Path, r.Status, r.Reason, r.Detail)
		}
		for _, o := range r.Occurrences {
			worst = max(worst, o.Severity.Score())
		}
		p.result(r)
	}
	if len(local) > 0 {
		err = s.ScanPaths(local, opt, emit)
		if opt.Progress != nil {
			fmt.Fprintln(errOut)
		}
		if err != nil {
			fmt.Fprintf(errOut, "moat: %v\n", err)
			unreadable = true
		}
	}
	ctx := cmd.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	for _, b := range buckets {
		if err := f.s3.scan(ctx, s, b, opt.Limits, emit); err != nil {
			fmt.Fprintf(errOut, "moat: %v\n", err)
			unreadable = true
		}
	}
	if err := p.flush(); err != nil {
		return err
	}
	switch {
	case unreadable:
		return exitError{code: 2}
	case failOn != "" && worst >= failOn.Score():
		return exitError{code: 1}
	}
	return nil
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

type scanPrinter struct {
	w      io.Writer
	format string
	enc    *json.Encoder
	asff   []map[string]any
	now    string
}

func newScanPrinter(w io.Writer, format string) *scanPrinter {
	return &scanPrinter{w: w, format: format, enc: json.NewEncoder(w), now: time.Now().UTC().Format(time.RFC3339)}
}

func (p *scanPrinter) result(r dataid.Result) {
	switch p.format {
	case "jsonl":
		for _, o := range r.Occurrences {
			_ = p.enc.Encode(o)
		}
	case "table":
		for _, o := range r.Occurrences {
			where := ""
			switch {
			case o.Cell != nil:
				where = fmt.Sprintf(" row %d column %d (%s)", o.Cell.Row, o.Cell.Column, o.Cell.ColumnName)
			case o.Record != nil:
				where = fmt.Sprintf(" record %d %s", o.Record.RecordIndex, o.Record.JSONPath)
			}
			fmt.Fprintf(p.w, "%s:%d:%d: %s %s%s\n", o.Path, o.Line, o.Column, o.Severity, o.Identifier, where)
		}
	case "asff":
		if len(r.Occurrences) > 0 {
			p.asff = append(p.asff, asffFinding(r, p.now))
		}
	}
}

func (p *scanPrinter) flush() error {
	if p.format != "asff" {
		return nil
	}
	e := json.NewEncoder(p.w)
	e.SetIndent("", "  ")
	return e.Encode(map[string]any{"Findings": p.asff})
}

// asffFinding renders one file's result as a Security Hub finding (ASFF),
// as Macie publishes sensitive data findings: one per object.
func asffFinding(r dataid.Result, now string) map[string]any {
	counts := map[string]int{}
	var types []string
	for _, o := range r.Occurrences {
		if counts[o.Identifier] == 0 {
			types = append(types, o.Identifier)
		}
		counts[o.Identifier]++
	}
	label := string(r.Severity)
	return map[string]any{
		"SchemaVersion": "2018-10-08",
		"Id":            "moat-scan/" + r.Path,
		"ProductArn":    "arn:aws:securityhub:us-east-1::product/aws/macie",
		"GeneratorId":   "moat scan",
		"AwsAccountId":  "000000000000",
		"Types":         []string{"Sensitive Data Identifications/PII"},
		"CreatedAt":     now,
		"UpdatedAt":     now,
		"Severity":      map[string]any{"Label": label},
		"Title":         fmt.Sprintf("The file %s contains sensitive data", r.Path),
		"Description":   fmt.Sprintf("moat scan found %d occurrences of %s.", len(r.Occurrences), strings.Join(types, ", ")),
		"Resources":     []map[string]any{{"Type": "Other", "Id": r.Path, "Details": map[string]any{"Other": counts}}},
		"RecordState":   "ACTIVE",
		"Workflow":      map[string]any{"Status": "NEW"},
	}
}
