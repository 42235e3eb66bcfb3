package policy_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/moatdev/moat/policy"
)

func FuzzParse(f *testing.F) {
	seeds := []string{
		doc(`{"Effect":"Allow","Action":["s3:Get*","iam:*Report"],"Resource":"arn:aws:s3:::b/${aws:username}/*"}`),
		doc(`{"Effect":"Deny","NotPrincipal":{"AWS":["111122223333"]},"NotAction":"s3:*","NotResource":"*","Condition":{"ForAnyValue:StringLikeIfExists":{"aws:TagKeys":["a*"]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`),
		`{"Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":1735689600}}}}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*"}]}`,
		`{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Effect":"Deny"}]}`,
		strings.Repeat(`{"a":`, 70),
		`{"Statement":[{"Effect":"Allow","Action":"s3:*a*a*a*a*a*b","Resource":"arn:aws:s3:::*a*a*a*a*a*b"}]}`,
	}
	for _, s := range seeds {
		f.Add([]byte(s), "s3:GetObject", "arn:aws:s3:::b/alice/k")
	}
	f.Fuzz(func(t *testing.T, d []byte, action, resource string) {
		p, err := policy.Parse(d)
		if err != nil {
			var pe *policy.Error
			if !asError(err, &pe) || pe.Message == "" {
				t.Fatalf("error %v is not a *policy.Error with a message", err)
			}
			return
		}
		for k := policy.Identity; k <= policy.EndpointPolicy; k++ {
			for _, fd := range policy.Validate(p, k) {
				if fd.Code == "" || fd.Message == "" || fd.Line < 1 {
					t.Fatalf("bad finding %+v", fd)
				}
			}
			c, err := policy.Compile(p, k)
			if err != nil {
				continue
			}
			ctx := policy.NewContext()
			ctx.Set("aws:username", "alice")
			ctx.SetMulti("aws:TagKeys", []string{"a", "b"})
			caller, _ := policy.NewCaller("arn:aws:iam::111122223333:user/alice")
			r := &policy.Request{Action: action, Resource: resource, Context: ctx, Caller: caller}
			res := c.Evaluate(r)
			n := 0
			c.Matches(r, func(int, policy.Effect, policy.Grant) { n++ })
			if (res.Allow || res.Deny) != (n > 0) {
				t.Fatalf("Evaluate %+v but Matches saw %d statements", res, n)
			}
		}
	})
}

func asError(err error, target **policy.Error) bool {
	e, ok := err.(*policy.Error)
	if ok {
		*target = e
	}
	return ok
}

// negations pairs each operator with its negated form.
var negations = map[string]string{
	"StringEquals": "StringNotEquals", "StringEqualsIgnoreCase": "StringNotEqualsIgnoreCase", "StringLike": "StringNotLike",
	"NumericEquals": "NumericNotEquals", "DateEquals": "DateNotEquals", "IpAddress": "NotIpAddress",
	"ArnEquals": "ArnNotEquals", "ArnLike": "ArnNotLike",
}

// FuzzCondition evaluates hostile condition values: no panics, and for a
// present single-valued key an operator and its negation always disagree.
func FuzzCondition(f *testing.F) {
	f.Add(uint8(0), "home/${aws:username}/*", "home/alice/x", "alice")
	f.Add(uint8(3), "10", "9.5", "")
	f.Add(uint8(4), "2025-01-01T00:00:00Z", "1735689600", "")
	f.Add(uint8(5), "10.0.0.0/8", "10.1.2.3", "")
	f.Add(uint8(6), "arn:aws:sns:*:${aws:username}:*", "arn:aws:sns:us-east-1:alice:t", "alice")
	f.Add(uint8(2), "*a*a*a*a*a*a*b", strings.Repeat("a", 5000), "")
	ops := []string{"StringEquals", "StringEqualsIgnoreCase", "StringLike", "NumericEquals", "DateEquals", "IpAddress", "ArnLike", "ArnEquals"}
	f.Fuzz(func(t *testing.T, opIdx uint8, policyValue, requestValue, username string) {
		op := ops[int(opIdx)%len(ops)]
		ctx := policy.NewContext()
		ctx.Set("k:v", requestValue)
		ctx.Set("aws:username", username)
		var results [2]bool
		for i, o := range []string{op, negations[op]} {
			block, _ := json.Marshal(map[string]map[string]string{o: {"k:v": policyValue}})
			c := mustCompile(t, doc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":`+string(block)+`}`), policy.Identity)
			results[i] = c.Evaluate(&policy.Request{Action: "s3:GetObject", Resource: "*", Context: ctx}).Allow
		}
		if results[0] == results[1] {
			t.Fatalf("%s and %s agree (%v) on policy %q, request %q", op, negations[op], results[0], policyValue, requestValue)
		}
	})
}
