package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/moatdev/moat/policy"
)

// validateFinding is one line of `moat policy validate` output.
type validateFinding struct {
	File     string `json:"file"`
	Line     int    `json:"line"`
	Column   int    `json:"column"`
	Severity string `json:"severity"`
	Code     string `json:"code"`
	Path     string `json:"path,omitempty"`
	Message  string `json:"message"`
}

var policyTypes = map[string]policy.Kind{
	"identity": policy.Identity, "resource": policy.Resource, "trust": policy.Trust, "boundary": policy.PermissionsBoundary,
	"session": policy.Session, "scp": policy.SCP, "rcp": policy.RCP, "endpoint": policy.EndpointPolicy,
}

func newPolicyValidateCmd() *cobra.Command {
	var typ, format string
	cmd := &cobra.Command{
		Use:   "validate [--type identity|resource|trust|boundary|session|scp|rcp|endpoint] [--format text|json] FILE...",
		Short: "Validate IAM policy documents like IAM Access Analyzer's ValidatePolicy",
		Long: `Validate checks each policy document against the IAM policy grammar and AWS's
recommendations and prints one finding per line:

  FILE:LINE:COL: SEVERITY CODE: PATH: MESSAGE

Severities are ERROR, WARNING and SUGGESTION. The exit status is 1 when any
finding is an ERROR, 2 when a file cannot be read, 0 otherwise. "-" reads
standard input.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, ok := policyTypes[typ]
			if !ok {
				return fmt.Errorf("--type %q: expected one of identity, resource, trust, boundary, session, scp, rcp, endpoint", typ)
			}
			if format != "text" && format != "json" {
				return fmt.Errorf("--format %q: expected text or json", format)
			}
			return runPolicyValidate(cmd, args, kind, format)
		},
	}
	cmd.Flags().StringVar(&typ, "type", "identity", "policy type: identity, resource, trust, boundary, session, scp, rcp or endpoint")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	return cmd
}

func runPolicyValidate(cmd *cobra.Command, files []string, kind policy.Kind, format string) error {
	out, errOut := cmd.OutOrStdout(), cmd.ErrOrStderr()
	all := []validateFinding{}
	hasError, unreadable := false, false
	for _, file := range files {
		data, err := readPolicyFile(cmd, file)
		if err != nil {
			fmt.Fprintf(errOut, "moat: %v\n", err)
			unreadable = true
			continue
		}
		for _, f := range validateDocument(file, data, kind) {
			hasError = hasError || f.Severity == policy.SeverityError.String()
			all = append(all, f)
		}
	}
	if format == "json" {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(all); err != nil {
			return err
		}
	} else {
		for _, f := range all {
			path := ""
			if f.Path != "" {
				path = f.Path + ": "
			}
			fmt.Fprintf(out, "%s:%d:%d: %s %s: %s%s\n", f.File, f.Line, f.Column, f.Severity, f.Code, path, f.Message)
		}
	}
	switch {
	case unreadable:
		return exitError{code: 2}
	case hasError:
		return exitError{code: 1}
	}
	return nil
}

func readPolicyFile(cmd *cobra.Command, file string) ([]byte, error) {
	if file == "-" {
		return io.ReadAll(io.LimitReader(cmd.InOrStdin(), policy.MaxDocumentSize+1))
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, policy.MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return data, nil
}

// validateDocument parses and validates one document; a parse error becomes an ERROR finding.
func validateDocument(file string, data []byte, kind policy.Kind) []validateFinding {
	p, err := policy.Parse(data)
	if err != nil {
		var pe *policy.Error
		if !errors.As(err, &pe) {
			pe = &policy.Error{Message: err.Error()}
		}
		code := pe.Code
		if code == "" {
			code = "JSON_SYNTAX_ERROR"
		}
		return []validateFinding{{File: file, Line: max(pe.Line, 1), Column: max(pe.Column, 1), Severity: policy.SeverityError.String(),
			Code: code, Path: pe.Path, Message: strings.TrimSpace(pe.Message)}}
	}
	var out []validateFinding
	for _, f := range policy.Validate(p, kind) {
		out = append(out, validateFinding{File: file, Line: f.Line, Column: f.Column, Severity: f.Severity.String(),
			Code: f.Code, Path: f.Path, Message: f.Message})
	}
	return out
}
