package policy

import (
	"strconv"
	"strings"
	"testing"
)

// AWS's meaning of "public" for bucket policies.
func TestS3Public(t *testing.T) {
	stmt := func(principal, action, cond string) string {
		s := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"` + action + `","Resource":"arn:aws:s3:::b/*"`
		if cond != "" {
			s += `,"Condition":` + cond
		}
		return s + `}]}`
	}
	for i, c := range []struct {
		doc    string
		public bool
	}{
		{stmt(`"*"`, "s3:GetObject", ""), true},
		{stmt(`{"AWS":"*"}`, "s3:*", ""), true},
		{stmt(`{"AWS":"arn:aws:iam::111122223333:root"}`, "s3:GetObject", ""), false},
		{stmt(`{"Service":"cloudtrail.amazonaws.com"}`, "s3:PutObject", ""), false},
		{stmt(`"*"`, "s3:GetObject", `{"StringEquals":{"aws:SourceVpce":"vpce-1"}}`), false},
		{stmt(`"*"`, "s3:GetObject", `{"StringLike":{"aws:SourceVpce":"vpce-*"}}`), true},
		{stmt(`"*"`, "s3:GetObject", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), false},
		{stmt(`"*"`, "s3:GetObject", `{"IpAddress":{"aws:SourceIp":"0.0.0.0/1"}}`), true},
		{stmt(`"*"`, "s3:GetObject", `{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`), true},
		{stmt(`"*"`, "s3:GetObject", `{"StringEquals":{"aws:SourceAccount":"111122223333"}}`), false},
		{stmt(`"*"`, "s3:GetObject", `{"Bool":{"aws:SecureTransport":"true"}}`), true},
		{stmt(`"*"`, "s3:CreateBucket", ""), false},
		{strconv.Quote("not json"), false},
	} {
		p, err := Parse([]byte(c.doc))
		if got := err == nil && S3Public(p); got != c.public {
			t.Errorf("%d: S3Public = %v, want %v\n%s", i, got, c.public, c.doc)
		}
	}
}

func TestWildcardMatch(t *testing.T) {
	for _, c := range []struct {
		p, s string
		ok   bool
	}{
		{"s3:get*", "s3:getobject", true}, {"s3:*object", "s3:putobject", true}, {"s3:?et*", "s3:getx", true},
		{"s3:list*", "s3:getobject", false}, {"*", "", true}, {"a**b", "ab", true}, {"a?", "a", false}, {"", "x", false},
	} {
		if got := WildcardMatch(c.p, c.s); got != c.ok {
			t.Errorf("WildcardMatch(%q, %q) = %v", c.p, c.s, got)
		}
	}
}

// A hostile pattern cannot make matching slow: no backtracking.
func TestWildcardMatchHostile(t *testing.T) {
	s := strings.Repeat("a", 10000)
	if WildcardMatch(strings.Repeat("*a", 30)+"b", s) {
		t.Fatal("matched")
	}
}
