package cases_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/authz/cases"
)

// FuzzReader feeds arbitrary input to the case reader: it must never panic,
// must answer every non-blank, non-comment line exactly once (a case or a
// CaseError with an id), and every case it returns must be decidable.
func FuzzReader(f *testing.F) {
	seeds := []string{
		`{"id": "a", ` + request + `, "policies": {"identity": [` + doc + `]}}`,
		`{"id": "b", ` + request + `, "policies": {"resource": {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}}}}`,
		`{"id": "c", ` + request + `, "policies": {"scps": [{"target": "r", "policies": [{"name": "n", "policy": ` + doc + `}]}], "session": ` + doc + `}}`,
		`{"id": "d", ` + request + `, "policies": {"identity": [{"managedPolicy": "ReadOnly"}], "permissionBoundary": [` + doc + `]}}`,
		`{"id": "e", "request": {"principal": "anonymous", "action": "s3:GetObject", "resource": "*", "resourceAccount": "1", "context": {"k": ["v", 1, true]}}}`,
		`{"id": "f", "request": {"principal": "sns.amazonaws.com", "action": "sts:AssumeRole", "resource": "arn:aws:iam::1:role/r", "resourceAccount": "1"}}`,
		"# comment\n\n{\"id\": 1}\n[]\n{bad\n",
		`{"id": "\u00e9\ud800", "request": null, "policies": []}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	managed := cases.Managed{"ReadOnly": {ARN: "arn:aws:iam::aws:policy/ReadOnly", Document: []byte(doc)}}
	f.Fuzz(func(t *testing.T, input []byte) {
		want := 0
		for _, line := range bytes.Split(input, []byte("\n")) {
			line = bytes.TrimSpace(line)
			if len(line) > 0 && line[0] != '#' && !bytes.HasPrefix(line, []byte("//")) {
				want++
			}
		}
		rd := cases.NewReader(bytes.NewReader(input), managed)
		got := 0
		for {
			c, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			got++
			var ce *cases.CaseError
			switch {
			case errors.As(err, &ce):
				if ce.ID == "" || ce.Message == "" {
					t.Fatalf("case error without id or message: %+v", ce)
				}
			case err != nil:
				t.Fatalf("read error on in-memory input: %v", err)
			default:
				authz.Evaluate(&c.Request, &c.Policies)
				authz.Explain(&c.Request, &c.Policies)
			}
		}
		if got != want {
			t.Fatalf("answered %d lines, want %d", got, want)
		}
	})
}
