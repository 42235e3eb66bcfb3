package cli

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/authz/cases"
)

// newPolicyEvalCmd is "moat policy eval": decision cases in, decisions out
// (iam-cases-schema.md §1-2). The output contract is how moat's fidelity is
// measured: one line per case, in input order, {"id":…,"decision":…} or
// {"id":…,"error":…}; --explain adds members after "decision".
func newPolicyEvalCmd() *cobra.Command {
	var explain bool
	var managedFile string
	cmd := &cobra.Command{
		Use:   "eval",
		Short: "Decide IAM authorization requests read as JSON Lines cases",
		Long: `Reads decision cases (one JSON object per line: a request and every policy
that applies to it) from standard input and prints one line per case, in
input order: {"id":"…","decision":"Allowed|ExplicitDeny|ImplicitDeny"}, or
{"id":"…","error":"…"} when the case cannot be evaluated. A bad case never
stops the run. --explain adds the deciding policy type, statement, AWS's
AccessDenied message and every applicable statement.`,
		Example: `  moat policy eval < cases.jsonl
  moat policy eval --explain --managed-policies managed-policies.json < cases.jsonl`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var managed cases.Managed
			if managedFile != "" {
				m, err := readManagedFile(managedFile)
				if err != nil {
					return err
				}
				managed = m
			}
			return evalCases(cmd.InOrStdin(), cmd.OutOrStdout(), managed, explain)
		},
	}
	cmd.Flags().BoolVar(&explain, "explain", false, "add the deciding statement, the AccessDenied message and every applicable statement")
	cmd.Flags().StringVar(&managedFile, "managed-policies", "", "JSON file of AWS managed policies keyed by name (for {\"managedPolicy\": NAME})")
	return cmd
}

func readManagedFile(name string) (cases.Managed, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return cases.ReadManaged(bufio.NewReaderSize(f, 1<<20))
}

// evalCases runs every case of in and writes one line per case to out.
func evalCases(in io.Reader, out io.Writer, managed cases.Managed, explain bool) error {
	rd := cases.NewReader(in, managed)
	w := bufio.NewWriterSize(out, 64<<10)
	var line []byte
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		var ce *cases.CaseError
		switch {
		case errors.As(err, &ce):
			line = appendErrorLine(line[:0], ce.ID, ce.Message)
		case err != nil:
			w.Flush()
			return fmt.Errorf("reading cases: %w", err)
		case explain:
			line, err = appendExplained(line[:0], c)
			if err != nil {
				return err
			}
		default:
			res := authz.Evaluate(&c.Request, &c.Policies)
			line = appendDecisionLine(line[:0], c.ID, res.Decision)
		}
		if _, err := w.Write(line); err != nil {
			return err
		}
	}
	return w.Flush()
}

func appendDecisionLine(b []byte, id string, d authz.Decision) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, id)
	b = append(b, `,"decision":"`...)
	b = append(b, d.String()...)
	return append(b, "\"}\n"...)
}

func appendErrorLine(b []byte, id, msg string) []byte {
	b = append(b, `{"id":`...)
	b = appendJSONString(b, id)
	b = append(b, `,"error":`...)
	b = appendJSONString(b, msg)
	return append(b, "}\n"...)
}

// explained is the --explain output after "decision".
type explained struct {
	Type      string          `json:"type"`
	Level     *int            `json:"level,omitempty"`
	Policy    string          `json:"policy,omitempty"`
	PolicyARN string          `json:"policyArn,omitempty"`
	Statement *int            `json:"statement,omitempty"`
	Sid       string          `json:"sid,omitempty"`
	Message   string          `json:"message,omitempty"`
	Matched   []matchedOutput `json:"matched"`
}

type matchedOutput struct {
	Type      string `json:"type"`
	Target    string `json:"target,omitempty"`
	Policy    string `json:"policy"`
	Statement int    `json:"statement"`
	Sid       string `json:"sid,omitempty"`
	Effect    string `json:"effect"`
	Line      int    `json:"line,omitempty"`
	Column    int    `json:"column,omitempty"`
}

func appendExplained(b []byte, c *cases.Case) ([]byte, error) {
	e := authz.Explain(&c.Request, &c.Policies)
	x := explained{Type: e.Type.String(), Message: e.Message, Matched: make([]matchedOutput, 0, len(e.Matched))}
	if e.Level >= 0 {
		x.Level = &e.Level
	}
	if m, ok := e.Deciding(); ok {
		x.Policy, x.PolicyARN, x.Sid = policyLabel(m), m.ARN, m.Sid
		x.Statement = &m.Stmt
	}
	for _, m := range e.Matched {
		x.Matched = append(x.Matched, matchedOutput{
			Type: m.Type.String(), Target: m.Target, Policy: policyLabel(m), Statement: m.Stmt,
			Sid: m.Sid, Effect: m.Effect.String(), Line: m.Line, Column: m.Column,
		})
	}
	body, err := json.Marshal(x)
	if err != nil {
		return nil, err
	}
	b = appendDecisionLine(b, c.ID, e.Decision)
	b = b[:len(b)-2] // drop "}\n"
	b = append(b, `,"explanation":`...)
	b = append(b, body...)
	return append(b, "}\n"...), nil
}

// policyLabel names a policy in explanations: its name, or its position.
func policyLabel(m authz.MatchedStatement) string {
	if m.Name != "" {
		return m.Name
	}
	if m.Type == authz.ResourceBased {
		return "resource"
	}
	return m.Type.String() + " #" + strconv.Itoa(m.Policy)
}

// appendJSONString appends s as a JSON string; invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
