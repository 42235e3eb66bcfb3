package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moatdev/moat/eventpattern"
)

func init() { registerCmd(newEventsCmd) }

func newEventsCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "events",
		Short: "EventBridge offline: test event patterns against events",
	}
	cmd.AddCommand(newEventsTestPatternCmd())
	return cmd
}

func newEventsTestPatternCmd() *cobra.Command {
	var patternFile, eventFile string
	var explain bool
	cmd := &cobra.Command{
		Use:   "test-pattern --pattern FILE --event FILE",
		Short: "Test whether an EventBridge event pattern matches an event, like aws events test-event-pattern",
		Long: `test-pattern parses an EventBridge event pattern with AWS's validation rules
and tests it against one event (a JSON object), as "aws events
test-event-pattern" does. It prints {"Result": true} or {"Result": false}.

Exit status: 0 the pattern matches, 1 it does not, 2 bad input (an unreadable
file, an invalid pattern, an event that is not a JSON object). An invalid
pattern is reported with its line, column and field path, and with the
message EventBridge answers in InvalidEventPatternException. "-" reads
standard input (for one of the two files). With --explain, the fields of the
pattern the event fails are listed on standard error, per $or combination:

  branch 1: detail.state: no value matches (event: "running")`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if patternFile == "" || eventFile == "" {
				return eventsUsageError(cmd, "--pattern and --event are required")
			}
			if patternFile == "-" && eventFile == "-" {
				return eventsUsageError(cmd, "only one of --pattern and --event can be \"-\"")
			}
			return runTestPattern(cmd, patternFile, eventFile, explain)
		},
	}
	cmd.Flags().StringVar(&patternFile, "pattern", "", "file holding the event pattern (JSON)")
	cmd.Flags().StringVar(&eventFile, "event", "", "file holding the event (JSON)")
	cmd.Flags().BoolVar(&explain, "explain", false, "list on standard error the fields the event fails")
	return cmd
}

func eventsUsageError(cmd *cobra.Command, msg string) error {
	fmt.Fprintf(cmd.ErrOrStderr(), "moat: %s\n", msg)
	return exitError{code: 2}
}

func runTestPattern(cmd *cobra.Command, patternFile, eventFile string, explain bool) error {
	errOut := cmd.ErrOrStderr()
	pdata, err := eventsReadFile(cmd, patternFile, 4*eventpattern.MaxPatternSize) // characters of up to 4 bytes
	if err != nil {
		fmt.Fprintf(errOut, "moat: %v\n", err)
		return exitError{code: 2}
	}
	edata, err := eventsReadFile(cmd, eventFile, eventpattern.MaxEventSize)
	if err != nil {
		fmt.Fprintf(errOut, "moat: %v\n", err)
		return exitError{code: 2}
	}
	p, err := eventpattern.ParseLimit(pdata, eventpattern.MaxPatternSize)
	if err != nil {
		var pe *eventpattern.Error
		if errors.As(err, &pe) {
			fmt.Fprintf(errOut, "%s:%d:%d: %s\n%s: %s\n", patternFile, pe.Line, pe.Column, pe.Reason, eventpattern.ErrorCode, pe.AWSMessage())
		} else {
			fmt.Fprintf(errOut, "%s: %v\n", patternFile, err)
		}
		return exitError{code: 2}
	}
	set := eventpattern.NewSet()
	set.Add("pattern", p)
	ids, err := set.Match(edata)
	if err != nil {
		var ee *eventpattern.EventError
		if errors.As(err, &ee) {
			fmt.Fprintf(errOut, "%s:%d:%d: %s\n", eventFile, ee.Line, ee.Column, ee.Reason)
		} else {
			fmt.Fprintf(errOut, "%s: %v\n", eventFile, err)
		}
		return exitError{code: 2}
	}
	matched := len(ids) == 1
	fmt.Fprintf(cmd.OutOrStdout(), "{\n    \"Result\": %t\n}\n", matched)
	if explain {
		printExplanation(errOut, p, edata)
	}
	if !matched {
		return exitError{code: 1}
	}
	return nil
}

// eventsReadFile reads a file ("-": standard input) of at most limit bytes.
func eventsReadFile(cmd *cobra.Command, file string, limit int) ([]byte, error) {
	var r io.Reader
	if file == "-" {
		r = cmd.InOrStdin()
	} else {
		f, err := os.Open(file)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if len(data) > limit {
		return nil, fmt.Errorf("%s: larger than %d bytes", file, limit)
	}
	return data, nil
}

// printExplanation lists, per branch of the pattern, the fields the event fails.
func printExplanation(w io.Writer, p *eventpattern.Pattern, event []byte) {
	ex, err := p.Explain(event)
	if err != nil {
		fmt.Fprintf(w, "moat: %v\n", err)
		return
	}
	for i, b := range ex.Branches {
		if b.Matched {
			fmt.Fprintf(w, "branch %d: matches\n", i+1)
			continue
		}
		for _, f := range b.Failed {
			path := f.Path
			if path != "" {
				path += ": "
			}
			vals := ""
			if len(f.Values) > 0 {
				vals = " (event: " + strings.Join(f.Values, ", ") + ")"
			}
			fmt.Fprintf(w, "branch %d: %s%s%s\n", i+1, path, f.Reason, vals)
		}
	}
}
