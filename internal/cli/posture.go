package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/moatdev/moat/posture"
)

func init() { registerCmd(newPostureCmd) }

// Exit statuses of moat posture.
const (
	postureExitInput     = 2 // an input could not be read or parsed
	postureExitBelowGate = 3 // --fail-below: the score is lower (or there is none)
)

type postureFlags struct {
	in         posture.Inputs
	format     string
	output     string
	asOf       string
	region     string
	failBelow  int
	failBelowP bool
}

func newPostureCmd() *cobra.Command {
	var f postureFlags
	cmd := &cobra.Command{
		Use:   "posture --auth-details FILE [--credential-report CSV] [--ec2 DIR] [--trails FILE] [--format table|json|asff|html]",
		Short: "Score an account's exports against CIS AWS Foundations and AWS Foundational Security Best Practices",
		Long: `Posture evaluates Security Hub's controls for CIS AWS Foundations Benchmark
v3.0.0 and v1.4.0 and AWS Foundational Security Best Practices on files exported
from a real account, and prints the security score per standard and each
failing control with the resource and the fix.

Inputs (each optional; controls whose input is missing report NOT_AVAILABLE and
do not count towards the score):
  --auth-details       aws iam get-account-authorization-details > auth.json
  --credential-report  aws iam get-credential-report > report.json (or the decoded CSV)
  --password-policy    aws iam get-account-password-policy > pw.json ({} if none is set)
  --ec2 DIR            aws ec2 describe-security-groups, describe-network-acls,
                       describe-instances, describe-vpcs, describe-flow-logs,
                       describe-route-tables, describe-subnets, describe-volumes,
                       describe-addresses, get-ebs-encryption-by-default, each
                       saved as a .json file in DIR
  --trails FILE        aws cloudtrail describe-trails, get-trail-status and
                       get-event-selectors outputs, appended into one file (repeatable)

Formats: table (default), json (the report), asff (control findings for
aws securityhub batch-import-findings), ocsf (the same findings as OCSF 1.6
Compliance Findings), html (a self-contained report page).

Exit status: 0; 2 when an input cannot be read or parsed; 3 when the summary
score is below --fail-below (or no control has data); 1 for usage errors.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			f.failBelowP = cmd.Flags().Changed("fail-below")
			return runPosture(cmd, &f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.in.AuthDetails, "auth-details", "", "aws iam get-account-authorization-details output")
	fl.StringVar(&f.in.CredentialReport, "credential-report", "", "aws iam get-credential-report output (JSON) or the report CSV")
	fl.StringVar(&f.in.PasswordPolicy, "password-policy", "", "aws iam get-account-password-policy output")
	fl.StringVar(&f.in.EC2Dir, "ec2", "", "directory of aws ec2 describe-* outputs (*.json)")
	fl.StringArrayVar(&f.in.Trails, "trails", nil, "aws cloudtrail describe-trails / get-trail-status / get-event-selectors outputs (repeatable)")
	fl.StringVar(&f.in.S3Dir, "s3", "", "directory of aws s3api outputs: list-buckets.json and BUCKET/get-bucket-*.json (see docs/posture.md)")
	fl.StringVar(&f.format, "format", "table", "output format: table, json, asff, ocsf or html")
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file instead of standard output")
	fl.IntVar(&f.failBelow, "fail-below", 0, "exit 3 when the summary score (0-100) is below this")
	fl.StringVar(&f.asOf, "as-of", "", "evaluate as of this RFC 3339 time (default: now); ages of keys and passwords are measured from it")
	fl.StringVar(&f.region, "region", "us-east-1", "region written into findings and resource ARNs")
	return cmd
}

func runPosture(cmd *cobra.Command, f *postureFlags) error {
	write, ok := map[string]func(*posture.Report, io.Writer) error{
		"table": (*posture.Report).WriteTable, "json": (*posture.Report).WriteJSON,
		"asff": (*posture.Report).WriteASFF, "html": (*posture.Report).WriteHTML, "ocsf": (*posture.Report).WriteOCSF,
	}[f.format]
	if !ok {
		return fmt.Errorf("--format %q: expected table, json, asff, ocsf or html", f.format)
	}
	if f.failBelowP && (f.failBelow < 0 || f.failBelow > 100) {
		return fmt.Errorf("--fail-below %d: expected a score from 0 to 100", f.failBelow)
	}
	if f.in.AuthDetails == "" && f.in.CredentialReport == "" && f.in.PasswordPolicy == "" && f.in.EC2Dir == "" && len(f.in.Trails) == 0 && f.in.S3Dir == "" {
		return errors.New("no input: give at least one of --auth-details, --credential-report, --password-policy, --ec2, --trails, --s3")
	}
	var now time.Time
	if f.asOf != "" {
		t, err := time.Parse(time.RFC3339, f.asOf)
		if err != nil {
			return fmt.Errorf("--as-of %q: expected an RFC 3339 time such as 2026-11-28T12:00:00Z", f.asOf)
		}
		now = t.UTC()
	}
	acct, err := posture.Load(f.in)
	if err != nil {
		fmt.Fprintln(cmd.ErrOrStderr(), "moat:", err)
		return exitError{code: postureExitInput}
	}
	acct.Now, acct.Region = now, f.region
	rep := posture.Evaluate(acct)
	if err := writeReport(cmd, f.output, rep, write); err != nil {
		return err
	}
	if f.failBelowP && rep.Score < f.failBelow {
		if rep.Score < 0 {
			fmt.Fprintf(cmd.ErrOrStderr(), "moat: no control has data, so the score cannot reach --fail-below %d\n", f.failBelow)
		} else {
			fmt.Fprintf(cmd.ErrOrStderr(), "moat: security score %d%% is below --fail-below %d\n", rep.Score, f.failBelow)
		}
		return exitError{code: postureExitBelowGate}
	}
	return nil
}

func writeReport(cmd *cobra.Command, path string, rep *posture.Report, write func(*posture.Report, io.Writer) error) error {
	if path == "" {
		return write(rep, cmd.OutOrStdout())
	}
	out, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := write(rep, out); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "moat: wrote %s (security score %s)\n", path, scoreText(rep.Score))
	return nil
}

func scoreText(s int) string {
	if s < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%d%%", s)
}
