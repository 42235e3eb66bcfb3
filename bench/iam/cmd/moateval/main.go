// Command moateval answers a case file like `moat policy eval` does, from
// the same reader (authz/cases) and engine (authz.Evaluate), without the
// rest of the moat binary. diff.sh falls back to it when cmd/moat does not
// build, and says so.
//
//	moateval [-explain] -managed-policies FILE < cases.jsonl
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/authz/cases"
)

type answer struct {
	ID       string   `json:"id"`
	Decision string   `json:"decision,omitempty"`
	Error    string   `json:"error,omitempty"`
	Message  string   `json:"message,omitempty"`
	Matched  []string `json:"matched,omitempty"`
}

func main() {
	explain := flag.Bool("explain", false, "add the applicable statements and the AccessDenied message")
	managedFile := flag.String("managed-policies", os.Getenv("MOAT_MANAGED_POLICIES"), "managed-policies file")
	flag.Parse()
	var managed cases.Managed
	if *managedFile != "" {
		f, err := os.Open(*managedFile)
		if err == nil {
			managed, err = cases.ReadManaged(f)
			f.Close()
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "moateval:", err)
			os.Exit(1)
		}
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	rd := cases.NewReader(os.Stdin, managed)
	for {
		c, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return
		}
		var ce *cases.CaseError
		switch {
		case errors.As(err, &ce):
			_ = enc.Encode(answer{ID: ce.ID, Error: ce.Message})
		case err != nil:
			fmt.Fprintln(os.Stderr, "moateval:", err)
			os.Exit(1)
		case *explain:
			e := authz.Explain(&c.Request, &c.Policies)
			a := answer{ID: c.ID, Decision: e.Decision.String(), Message: e.Message}
			for _, m := range e.Matched {
				a.Matched = append(a.Matched, fmt.Sprintf("%s[%d]%s stmt %d %s grants=%d", m.Type, m.Policy, m.Target, m.Stmt, m.Effect, m.Grants))
			}
			_ = enc.Encode(a)
		default:
			_ = enc.Encode(answer{ID: c.ID, Decision: authz.Evaluate(&c.Request, &c.Policies).Decision.String()})
		}
	}
}
