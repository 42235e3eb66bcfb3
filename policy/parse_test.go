package policy_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/moatdev/moat/policy"
)

func TestParseForms(t *testing.T) {
	t.Parallel()
	p, err := policy.Parse([]byte(`{
  "Version": "2012-10-17",
  "Id": "q1",
  "Statement": {
    "Sid": "One",
    "Effect": "Allow",
    "Principal": {"AWS": ["123456789012", "*"], "Service": "sns.amazonaws.com", "Federated": "accounts.google.com", "CanonicalUser": "abc"},
    "NotAction": "s3:DeleteBucket",
    "NotResource": ["arn:aws:s3:::a", "arn:aws:s3:::b"],
    "Condition": {"NumericLessThan": {"s3:max-keys": 10}, "Bool": {"aws:SecureTransport": true}}
  }
}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != "2012-10-17" || p.ID != "q1" || len(p.Statements) != 1 {
		t.Fatalf("policy = %+v", p)
	}
	s := p.Statements[0]
	want := policy.Statement{Index: 0, Sid: "One", Effect: policy.Allow, NotAction: true, Actions: []string{"s3:DeleteBucket"},
		NotResource: true, HasResource: true, Resources: []string{"arn:aws:s3:::a", "arn:aws:s3:::b"}, Line: 4, Column: 16}
	if s.Sid != want.Sid || s.Effect != want.Effect || !s.NotAction || !reflect.DeepEqual(s.Actions, want.Actions) ||
		!s.NotResource || !s.HasResource || !reflect.DeepEqual(s.Resources, want.Resources) || s.Line != 4 || s.Column != 16 {
		t.Fatalf("statement = %+v", s)
	}
	pr := s.Principal
	if !pr.Any || !reflect.DeepEqual(pr.AWS, []string{"123456789012", "*"}) || pr.Service[0] != "sns.amazonaws.com" ||
		pr.Federated[0] != "accounts.google.com" || pr.CanonicalUser[0] != "abc" || s.NotPrincipal {
		t.Fatalf("principal = %+v", pr)
	}
	wantConds := []policy.Condition{
		{Operator: "NumericLessThan", Key: "s3:max-keys", Values: []string{"10"}, Line: 10, Column: 39},
		{Operator: "Bool", Key: "aws:SecureTransport", Values: []string{"true"}, Line: 10, Column: 68},
	}
	got := make([]policy.Condition, len(s.Conditions))
	for i, c := range s.Conditions {
		got[i] = policy.Condition{Operator: c.Operator, Key: c.Key, Values: c.Values, Line: c.Line, Column: c.Column}
	}
	if !reflect.DeepEqual(got, wantConds) {
		t.Fatalf("conditions = %+v", s.Conditions)
	}
}

func TestParseStatementArray(t *testing.T) {
	t.Parallel()
	p, err := policy.Parse([]byte(`{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Principal":"*"},{"Effect":"Allow","Action":[],"NotPrincipal":{"AWS":"*"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != "" || len(p.Statements) != 2 || p.Statements[1].Index != 1 || !p.Statements[0].Principal.Any ||
		!p.Statements[1].NotPrincipal || !p.Statements[1].Principal.Any || p.Statements[1].HasResource || p.Statements[1].Actions == nil {
		t.Fatalf("got %+v %+v", p.Statements[0], p.Statements[1])
	}
	if policy.Allow.String() != "Allow" || policy.Deny.String() != "Deny" {
		t.Fatal("Effect.String")
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		doc       string
		line, col int
		path, msg string
	}{
		{name: "json syntax", doc: "{\"Statement\": [\n  {\"Effect\": \"Allow\" \"Action\": \"*\"}]}", line: 2, col: 22, msg: "invalid JSON: unexpected"},
		{name: "not an object", doc: `[]`, line: 1, col: 1, msg: "policy must be a JSON object, got array"},
		{name: "missing statement", doc: `{"Version": "2012-10-17"}`, line: 1, col: 1, path: "Statement", msg: "missing required element Statement"},
		{name: "unknown top-level", doc: `{"Statment": []}`, line: 1, col: 2, path: "Statment", msg: "did you mean Statement?"},
		{name: "version not string", doc: `{"Version": 2012, "Statement": []}`, line: 1, col: 13, path: "Version", msg: "must be a string, got number"},
		{name: "duplicate key in statement", doc: "{\"Statement\": [{\"Effect\": \"Allow\",\n \"Effect\": \"Deny\"}]}", line: 2, col: 2, path: "Statement[0].Effect", msg: `duplicate key "Effect" (first at line 1, column 17)`},
		{name: "duplicate top-level", doc: `{"Statement": [], "Statement": []}`, line: 1, col: 19, path: "Statement", msg: "duplicate key"},
		{name: "unknown statement key", doc: `{"Statement": [{"Efect": "Allow"}]}`, line: 1, col: 17, path: "Statement[0].Efect", msg: "did you mean Effect?"},
		{name: "statement not object", doc: `{"Statement": ["x"]}`, line: 1, col: 16, path: "Statement[0]", msg: "statement must be a JSON object, got string"},
		{name: "statement string", doc: `{"Statement": "x"}`, line: 1, col: 15, path: "Statement", msg: "must be an object or an array of objects"},
		{name: "action and notaction", doc: `{"Statement": {"Action": "*", "NotAction": "*"}}`, line: 1, col: 31, path: "Statement.NotAction", msg: "Action or NotAction, not both"},
		{name: "resource and notresource", doc: `{"Statement": {"Resource": "*", "NotResource": "*"}}`, line: 1, col: 33, path: "Statement.NotResource", msg: "not both"},
		{name: "principal and notprincipal", doc: `{"Statement": {"Principal": "*", "NotPrincipal": "*"}}`, line: 1, col: 34, path: "Statement.NotPrincipal", msg: "not both"},
		{name: "action number", doc: `{"Statement": {"Action": ["s3:x", 3]}}`, line: 1, col: 35, path: "Statement.Action[1]", msg: "must be a string, got number"},
		{name: "principal string", doc: `{"Statement": {"Principal": "123456789012"}}`, line: 1, col: 29, path: "Statement.Principal", msg: `must be "*" or an object`},
		{name: "principal key", doc: `{"Statement": {"Principal": {"Aws": "*"}}}`, line: 1, col: 30, path: "Statement.Principal.Aws", msg: "did you mean AWS?"},
		{name: "condition not object", doc: `{"Statement": {"Condition": []}}`, line: 1, col: 29, path: "Statement.Condition", msg: "must be an object of operators"},
		{name: "condition operator value", doc: `{"Statement": {"Condition": {"StringEquals": "x"}}}`, line: 1, col: 46, path: "Statement.Condition.StringEquals", msg: "must be an object of condition keys"},
		{name: "condition null value", doc: `{"Statement": {"Condition": {"StringEquals": {"a:b": null}}}}`, line: 1, col: 54, path: "Statement.Condition.StringEquals.a:b", msg: "must be a string, number or boolean, got null"},
		{name: "condition nested", doc: `{"Statement": {"Condition": {"StringEquals": {"a:b": [{"x": 1}]}}}}`, line: 1, col: 55, path: "Statement.Condition.StringEquals.a:b[0]", msg: "got object"},
		{name: "effect number", doc: `{"Statement": {"Effect": 1}}`, line: 1, col: 26, path: "Statement.Effect", msg: "must be a string"},
		{name: "too deep", doc: strings.Repeat("[", 100), line: 1, col: 65, msg: "nesting too deep"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := policy.Parse([]byte(tt.doc))
			var pe *policy.Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse error = %v (%T), want *policy.Error", err, err)
			}
			if pe.Line != tt.line || pe.Column != tt.col || pe.Path != tt.path || !strings.Contains(pe.Message, tt.msg) {
				t.Fatalf("Parse error = %q (line %d col %d path %q), want line %d col %d path %q message containing %q",
					pe.Error(), pe.Line, pe.Column, pe.Path, tt.line, tt.col, tt.path, tt.msg)
			}
		})
	}
}

func TestErrorString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    policy.Error
		want string
	}{
		{policy.Error{Line: 3, Column: 7, Path: "Statement[1].Effect", Message: "bad"}, "line 3, column 7: Statement[1].Effect: bad"},
		{policy.Error{Path: "Statement", Message: "bad"}, "Statement: bad"},
		{policy.Error{Message: "bad"}, "bad"},
		{policy.Error{Line: 1, Column: 2, Message: "bad"}, "line 1, column 2: bad"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

func TestParseLargeDocument(t *testing.T) {
	t.Parallel()
	doc := make([]byte, 10<<20)
	for i := range doc {
		doc[i] = ' '
	}
	_, err := policy.Parse(doc)
	if err == nil || !strings.Contains(err.Error(), "document too large") {
		t.Fatalf("10 MB document: %v", err)
	}
}

func TestParseErrorCodes(t *testing.T) {
	t.Parallel()
	for doc, want := range map[string]string{
		`{"Statement": [}`:                                    "JSON_SYNTAX_ERROR",
		`{"Statement": [], "Statement": []}`:                  "DUPLICATE_KEY",
		`{"Statment": []}`:                                    "INVALID_POLICY_ELEMENT",
		`{"Version": 1, "Statement": []}`:                     "DATA_TYPE_MISMATCH",
		`{"Version": "2012-10-17"}`:                           "MISSING_STATEMENT",
		`{"Statement": {"Action": "*", "NotAction": "*"}}`:    "UNSUPPORTED_ELEMENT_COMBINATION",
		`{"Statement": {"Principal": {"Users": "x"}}}`:        "INVALID_PRINCIPAL_KEY",
		`{"Statement": {"Principal": "arn:aws:iam::1:root"}}`: "INVALID_PRINCIPAL_FORMAT",
	} {
		_, err := policy.Parse([]byte(doc))
		var pe *policy.Error
		if !errors.As(err, &pe) || pe.Code != want {
			t.Errorf("Parse(%s): %v (code %q), want code %s", doc, err, codeOf(pe), want)
		}
	}
}

func codeOf(e *policy.Error) string {
	if e == nil {
		return ""
	}
	return e.Code
}

func TestHostilePolicyIsFast(t *testing.T) {
	t.Parallel()
	hostile := strings.Repeat("*a", 30) + "*b"
	c := mustCompile(t, doc(`{"Effect":"Allow","Action":"s3:`+hostile+`","Resource":"arn:aws:s3:::`+hostile+`","Condition":{"StringLike":{"k:v":"`+hostile+`"},"ArnLike":{"aws:SourceArn":"arn:aws:s3:::`+hostile+`"}}}`), policy.Identity)
	long := strings.Repeat("a", 200000)
	ctx := policy.NewContext()
	ctx.Set("k:v", long)
	ctx.Set("aws:SourceArn", "arn:aws:s3:::"+long)
	start := time.Now()
	r := c.Evaluate(&policy.Request{Action: "s3:" + long, Resource: "arn:aws:s3:::" + long, Context: ctx})
	if r.Allow || r.Deny {
		t.Fatalf("hostile request matched: %+v", r)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("hostile evaluation took %v", d)
	}
}
