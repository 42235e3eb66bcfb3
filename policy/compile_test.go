package policy

import (
	"strings"
	"testing"
)

func TestConditionKeys(t *testing.T) {
	p, err := Parse([]byte(`{"Version":"2012-10-17","Statement":[
	  {"Effect":"Allow","Action":"s3:Get*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"a","s3:prefix":"x"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}},
	  {"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:RequestTag/env":"dev"},"Null":{"aws:TokenIssueTime":"false"},"StringLike":{"AWS:PRINCIPALTAG/team":"b"}}},
	  {"Effect":"Deny","NotAction":"s3:*","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compile(p, Identity)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		action string
		want   string
	}{
		{"s3:GetObject", "aws:PrincipalTag/team s3:prefix aws:SourceIp"},
		{"S3:LISTBUCKET", ""},
		{"iam:ListUsers", "aws:MultiFactorAuthPresent"},
	} {
		if got := strings.Join(c.ConditionKeys(tc.action), " "); got != tc.want {
			t.Errorf("ConditionKeys(%s) = %q, want %q", tc.action, got, tc.want)
		}
	}
}
