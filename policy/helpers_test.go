package policy_test

import (
	"testing"

	"github.com/moatdev/moat/policy"
)

func mustCompile(t testing.TB, doc string, kind policy.Kind) *policy.Compiled {
	t.Helper()
	p, err := policy.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, doc)
	}
	c, err := policy.Compile(p, kind)
	if err != nil {
		t.Fatalf("Compile: %v\n%s", err, doc)
	}
	return c
}

func mkContext(kv map[string]any) *policy.Context {
	ctx := policy.NewContext()
	for k, v := range kv {
		switch v := v.(type) {
		case string:
			ctx.Set(k, v)
		case []string:
			ctx.SetMulti(k, v)
		default:
			panic("context value must be string or []string")
		}
	}
	return ctx
}

// doc wraps statements in a 2012-10-17 policy.
func doc(statements string) string {
	return `{"Version": "2012-10-17", "Statement": [` + statements + `]}`
}

// outcome is a compact verdict: "allow 0", "deny 1", "none", "allow 0 deny 2".
func outcome(r policy.Result) string {
	s := ""
	if r.Allow {
		s += "allow " + itoa(r.AllowStmt)
	}
	if r.Deny {
		if s != "" {
			s += " "
		}
		s += "deny " + itoa(r.DenyStmt)
	}
	if s == "" {
		return "none"
	}
	return s
}

func itoa(i int) string {
	if i < 0 {
		return "-" + itoa(-i)
	}
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}
