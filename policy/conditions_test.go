package policy_test

import (
	"testing"

	"github.com/moatdev/moat/policy"
)

// cond builds an Allow * on * statement with one condition block.
func cond(block string) string {
	return doc(`{"Effect":"Allow","Action":"*","Resource":"*","Condition":` + block + `}`)
}

func denyCond(block string) string {
	return doc(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":` + block + `}`)
}

// TestConditionOperators covers every operator family of [OPS].
func TestConditionOperators(t *testing.T) {
	t.Parallel()
	c := func(name, block string, ctx map[string]any, want string) evalCase {
		return evalCase{name: name, doc: cond(block), action: "s3:GetObject", ctx: ctx, want: want}
	}
	ip := map[string]any{"aws:SourceIp": "203.0.113.7"}
	ip6 := map[string]any{"aws:SourceIp": "2001:db8::1"}
	runEval(t, []evalCase{
		// String
		c("StringEquals match", `{"StringEquals":{"aws:PrincipalTag/team":"red"}}`, map[string]any{"aws:PrincipalTag/team": "red"}, "allow 0"),
		c("StringEquals is case-sensitive", `{"StringEquals":{"aws:PrincipalTag/team":"red"}}`, map[string]any{"aws:PrincipalTag/team": "Red"}, "none"),
		c("StringEquals several values OR", `{"StringEquals":{"aws:PrincipalTag/team":["blue","red"]}}`, map[string]any{"aws:PrincipalTag/team": "red"}, "allow 0"),
		c("StringEquals no wildcard", `{"StringEquals":{"aws:PrincipalTag/team":"r*"}}`, map[string]any{"aws:PrincipalTag/team": "red"}, "none"),
		c("StringEquals missing key", `{"StringEquals":{"aws:PrincipalTag/team":"red"}}`, nil, "none"),
		c("key name case-insensitive", `{"StringEquals":{"AWS:principaltag/TEAM":"red"}}`, map[string]any{"aws:PrincipalTag/team": "red"}, "allow 0"),
		c("StringNotEquals differs from all", `{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}`, map[string]any{"aws:RequestedRegion": "us-east-1"}, "allow 0"),
		c("StringNotEquals equals one", `{"StringNotEquals":{"aws:RequestedRegion":["eu-west-1","eu-central-1"]}}`, map[string]any{"aws:RequestedRegion": "eu-central-1"}, "none"),
		c("StringNotEquals missing key is true", `{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}`, nil, "allow 0"),
		c("StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"aws:PrincipalTag/team":"RED"}}`, map[string]any{"aws:PrincipalTag/team": "red"}, "allow 0"),
		c("StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase":{"aws:PrincipalTag/team":"RED"}}`, map[string]any{"aws:PrincipalTag/team": "red"}, "none"),
		c("StringLike star", `{"StringLike":{"s3:prefix":"home/*"}}`, map[string]any{"s3:prefix": "home/alice/x"}, "allow 0"),
		c("StringLike question", `{"StringLike":{"s3:prefix":"a?c"}}`, map[string]any{"s3:prefix": "abc"}, "allow 0"),
		c("StringLike is case-sensitive", `{"StringLike":{"s3:prefix":"Home/*"}}`, map[string]any{"s3:prefix": "home/x"}, "none"),
		c("StringLike crosses colons", `{"StringLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}`, map[string]any{"aws:SourceArn": "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}, "allow 0"),
		c("StringNotLike", `{"StringNotLike":{"s3:prefix":"secret/*"}}`, map[string]any{"s3:prefix": "secret/x"}, "none"),
		c("StringLike empty string value", `{"StringLike":{"s3:prefix":["","home/"]}}`, map[string]any{"s3:prefix": ""}, "allow 0"),
		// Numeric
		c("NumericLessThanEquals 10 of 10", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, map[string]any{"s3:max-keys": "10"}, "allow 0"),
		c("NumericLessThanEquals 11 of 10", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, map[string]any{"s3:max-keys": "11"}, "none"),
		c("Numeric order not text order", `{"NumericLessThan":{"s3:max-keys":100}}`, map[string]any{"s3:max-keys": "20"}, "allow 0"),
		c("NumericEquals decimal", `{"NumericEquals":{"k:n":"1.50"}}`, map[string]any{"k:n": "1.5"}, "allow 0"),
		c("NumericNotEquals", `{"NumericNotEquals":{"k:n":["1","2"]}}`, map[string]any{"k:n": "3"}, "allow 0"),
		c("NumericGreaterThan", `{"NumericGreaterThan":{"aws:MultiFactorAuthAge":"3600"}}`, map[string]any{"aws:MultiFactorAuthAge": "3600"}, "none"),
		c("NumericGreaterThanEquals", `{"NumericGreaterThanEquals":{"aws:MultiFactorAuthAge":"3600"}}`, map[string]any{"aws:MultiFactorAuthAge": "3600"}, "allow 0"),
		c("Numeric request not a number", `{"NumericLessThan":{"k:n":"10"}}`, map[string]any{"k:n": "abc"}, "none"),
		// Date
		c("DateGreaterThan absent key (OPS doc)", `{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}`, nil, "none"),
		c("DateGreaterThan ISO", `{"DateGreaterThan":{"aws:TokenIssueTime":"2020-01-01T00:00:01Z"}}`, map[string]any{"aws:TokenIssueTime": "2020-01-01T00:00:02Z"}, "allow 0"),
		c("DateLessThan epoch policy, ISO request", `{"DateLessThan":{"aws:CurrentTime":"1735689600"}}`, map[string]any{"aws:CurrentTime": "2024-12-31T23:59:59Z"}, "allow 0"),
		c("DateLessThan epoch policy, ISO request equal instant", `{"DateLessThan":{"aws:CurrentTime":"1735689600"}}`, map[string]any{"aws:CurrentTime": "2025-01-01T00:00:00Z"}, "none"),
		c("DateEquals epoch request, ISO policy", `{"DateEquals":{"aws:EpochTime":"2025-01-01T00:00:00Z"}}`, map[string]any{"aws:EpochTime": "1735689600"}, "allow 0"),
		c("Date with offset", `{"DateEquals":{"aws:CurrentTime":"2025-01-01T01:00:00+01:00"}}`, map[string]any{"aws:CurrentTime": "2025-01-01T00:00:00Z"}, "allow 0"),
		c("Date only", `{"DateLessThanEquals":{"aws:CurrentTime":"2025-01-01"}}`, map[string]any{"aws:CurrentTime": "2025-01-01T00:00:00Z"}, "allow 0"),
		c("Date fractional seconds", `{"DateGreaterThan":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}}`, map[string]any{"aws:CurrentTime": "2025-01-01T00:00:00.5Z"}, "allow 0"),
		c("DateNotEquals", `{"DateNotEquals":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}}`, map[string]any{"aws:CurrentTime": "2025-01-02T00:00:00Z"}, "allow 0"),
		c("DateGreaterThanEquals", `{"DateGreaterThanEquals":{"aws:CurrentTime":"2025-01-01T00:00:00Z"}}`, map[string]any{"aws:CurrentTime": "2025-01-01T00:00:00Z"}, "allow 0"),
		// Bool
		c("Bool true", `{"Bool":{"aws:SecureTransport":"true"}}`, map[string]any{"aws:SecureTransport": "true"}, "allow 0"),
		c("Bool JSON boolean", `{"Bool":{"aws:SecureTransport":false}}`, map[string]any{"aws:SecureTransport": "false"}, "allow 0"),
		c("Bool mismatch", `{"Bool":{"aws:SecureTransport":"true"}}`, map[string]any{"aws:SecureTransport": "false"}, "none"),
		// Binary
		c("BinaryEquals", `{"BinaryEquals":{"k:b":"QmluYXJ5VmFsdWU="}}`, map[string]any{"k:b": "QmluYXJ5VmFsdWU="}, "allow 0"),
		c("BinaryEquals mismatch", `{"BinaryEquals":{"k:b":"QmluYXJ5VmFsdWU="}}`, map[string]any{"k:b": "AAAA"}, "none"),
		// IP
		c("IpAddress in range", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, ip, "allow 0"),
		c("IpAddress out of range", `{"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}}`, ip, "none"),
		c("IpAddress bare address is /32", `{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}`, ip, "allow 0"),
		c("IpAddress /0 matches every IPv4", `{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}`, ip, "allow 0"),
		c("IpAddress v4 never in v6 range", `{"IpAddress":{"aws:SourceIp":"::/0"}}`, ip, "none"),
		c("IpAddress v6", `{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}`, ip6, "allow 0"),
		c("IpAddress unmasked CIDR", `{"IpAddress":{"aws:SourceIp":"203.0.113.99/24"}}`, ip, "allow 0"),
		c("NotIpAddress", `{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","198.51.100.0/24"]}}`, ip, "allow 0"),
		c("NotIpAddress in one", `{"NotIpAddress":{"aws:SourceIp":["192.0.2.0/24","203.0.113.0/24"]}}`, ip, "none"),
		c("NotIpAddress missing key", `{"NotIpAddress":{"aws:SourceIp":"192.0.2.0/24"}}`, nil, "allow 0"),
		// ARN
		c("ArnEquals", `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:topic"}}`, map[string]any{"aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:topic"}, "allow 0"),
		c("ArnLike per field", `{"ArnLike":{"aws:SourceArn":"arn:aws:someservice:*:111122223333:finance/*"}}`, map[string]any{"aws:SourceArn": "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"}, "none"),
		c("ArnLike matches", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin-*"}}`, map[string]any{"aws:PrincipalArn": "arn:aws:iam::111122223333:role/admin-x"}, "allow 0"),
		c("ArnEquals behaves like ArnLike", `{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}`, map[string]any{"aws:PrincipalArn": "arn:aws:iam::111122223333:role/r"}, "allow 0"),
		c("ArnLike resource with colons", `{"ArnLike":{"aws:SourceArn":"arn:aws:logs:us-east-1:111122223333:log-group:*"}}`, map[string]any{"aws:SourceArn": "arn:aws:logs:us-east-1:111122223333:log-group:a:log-stream:b"}, "allow 0"),
		c("ArnLike value not an ARN", `{"ArnLike":{"aws:SourceArn":"arn:aws:s3:::*"}}`, map[string]any{"aws:SourceArn": "bucket"}, "none"),
		c("ArnNotEquals", `{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/admin"}}`, map[string]any{"aws:PrincipalArn": "arn:aws:iam::111122223333:role/dev"}, "allow 0"),
		c("ArnNotLike", `{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/admin*"}}`, map[string]any{"aws:PrincipalArn": "arn:aws:iam::111122223333:role/admin1"}, "none"),
		// Null
		c("Null true absent", `{"Null":{"aws:TokenIssueTime":"true"}}`, nil, "allow 0"),
		c("Null true present", `{"Null":{"aws:TokenIssueTime":"true"}}`, map[string]any{"aws:TokenIssueTime": "2025-01-01T00:00:00Z"}, "none"),
		c("Null false present empty string", `{"Null":{"k:x":false}}`, map[string]any{"k:x": ""}, "allow 0"),
		c("Null false absent", `{"Null":{"k:x":"false"}}`, nil, "none"),
		c("Null false empty set", `{"Null":{"aws:TagKeys":"false"}}`, map[string]any{"aws:TagKeys": []string{}}, "none"),
		// IfExists
		c("IfExists absent is true", `{"StringEqualsIfExists":{"ec2:InstanceType":"t3.micro"}}`, nil, "allow 0"),
		c("IfExists present compares", `{"StringEqualsIfExists":{"ec2:InstanceType":"t3.micro"}}`, map[string]any{"ec2:InstanceType": "m5.large"}, "none"),
		c("NumericLessThanIfExists", `{"NumericLessThanIfExists":{"k:n":"5"}}`, map[string]any{"k:n": "4"}, "allow 0"),
		// block logic
		c("several keys AND", `{"StringEquals":{"k:a":"1","k:b":"2"}}`, map[string]any{"k:a": "1", "k:b": "3"}, "none"),
		c("several operators AND", `{"StringEquals":{"k:a":"1"},"Bool":{"aws:SecureTransport":"true"}}`, map[string]any{"k:a": "1", "aws:SecureTransport": "true"}, "allow 0"),
		c("several operators AND fails", `{"StringEquals":{"k:a":"1"},"Bool":{"aws:SecureTransport":"true"}}`, map[string]any{"k:a": "1"}, "none"),
		c("empty condition block", `{}`, nil, "allow 0"),
	}, 70)
}

// TestMFAMatrix is the aws:MultiFactorAuthPresent table of [KEYS].
func TestMFAMatrix(t *testing.T) {
	t.Parallel()
	longTerm := map[string]any{}
	noMFA := map[string]any{"aws:MultiFactorAuthPresent": "false"}
	mfa := map[string]any{"aws:MultiFactorAuthPresent": "true"}
	rows := []struct {
		name, doc string
		want      [3]string
	}{
		{"Deny BoolIfExists false", denyCond(`{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`), [3]string{"deny 0", "deny 0", "none"}},
		{"Deny Bool false", denyCond(`{"Bool":{"aws:MultiFactorAuthPresent":"false"}}`), [3]string{"none", "deny 0", "none"}},
		{"Allow Bool true", cond(`{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`), [3]string{"none", "none", "allow 0"}},
		{"Allow BoolIfExists true", cond(`{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}`), [3]string{"allow 0", "none", "allow 0"}},
		{"Allow Null false", cond(`{"Null":{"aws:MultiFactorAuthPresent":"false"}}`), [3]string{"none", "allow 0", "allow 0"}},
	}
	var cases []evalCase
	for _, r := range rows {
		for i, ctx := range []map[string]any{longTerm, noMFA, mfa} {
			cases = append(cases, evalCase{name: r.name + "/" + [3]string{"long-term", "no MFA", "MFA"}[i], doc: r.doc, action: "ec2:StopInstances", ctx: ctx, want: r.want[i]})
		}
	}
	runEval(t, cases, 15)
}

// TestSetOperators covers [MULTI], including the DynamoDB doc example.
func TestSetOperators(t *testing.T) {
	t.Parallel()
	getItem := doc(`{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"arn:aws:dynamodb:*:*:table/Thread","Condition":{"ForAllValues:StringEquals":{"dynamodb:Attributes":["ID","Message","Tags"]}}}`)
	putItem := doc(`{"Effect":"Deny","Action":"dynamodb:PutItem","Resource":"arn:aws:dynamodb:*:*:table/Thread","Condition":{"ForAnyValue:StringEquals":{"dynamodb:Attributes":["ID","PostDateTime"]}}}`)
	table := "arn:aws:dynamodb:us-east-1:111122223333:table/Thread"
	attrs := func(v ...string) map[string]any { return map[string]any{"dynamodb:Attributes": v} }
	c := func(name, block string, ctx map[string]any, want string) evalCase {
		return evalCase{name: name, doc: cond(block), action: "s3:GetObject", ctx: ctx, want: want}
	}
	runEval(t, []evalCase{
		{name: "MULTI doc: GetItem subset allowed", doc: getItem, action: "dynamodb:GetItem", resource: table, ctx: attrs("ID", "Message", "Tags"), want: "allow 0"},
		{name: "MULTI doc: GetItem extra attribute refused", doc: getItem, action: "dynamodb:GetItem", resource: table, ctx: attrs("ID", "Message", "Tags", "UserName"), want: "none"},
		{name: "MULTI doc: PutItem PostDateTime denied", doc: putItem, action: "dynamodb:PutItem", resource: table, ctx: attrs("PostDateTime", "Message"), want: "deny 0"},
		{name: "MULTI doc: PutItem UserName not denied", doc: putItem, action: "dynamodb:PutItem", resource: table, ctx: attrs("UserName"), want: "none"},
		c("ForAllValues absent key is true", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, nil, "allow 0"),
		c("ForAllValues empty set is true", `{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`, map[string]any{"aws:TagKeys": []string{}}, "allow 0"),
		c("ForAnyValue absent key is false", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}`, nil, "none"),
		c("ForAnyValue empty set is false", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}`, map[string]any{"aws:TagKeys": []string{}}, "none"),
		c("ForAnyValue match", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["a"]}}`, map[string]any{"aws:TagKeys": []string{"b", "a"}}, "allow 0"),
		c("ForAllValues StringNotEquals none forbidden", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret","admin"]}}`, map[string]any{"aws:TagKeys": []string{"team", "env"}}, "allow 0"),
		c("ForAllValues StringNotEquals one forbidden", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["secret","admin"]}}`, map[string]any{"aws:TagKeys": []string{"team", "admin"}}, "none"),
		c("ForAnyValue StringNotEquals", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a"]}}`, map[string]any{"aws:TagKeys": []string{"a", "b"}}, "allow 0"),
		c("ForAnyValue StringLike", `{"ForAnyValue:StringLike":{"aws:CalledVia":"*.amazonaws.com"}}`, map[string]any{"aws:CalledVia": []string{"cloudformation.amazonaws.com"}}, "allow 0"),
		c("ForAnyValue IfExists absent is true", `{"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":["a"]}}`, nil, "allow 0"),
		c("set operator on single-valued key", `{"ForAnyValue:StringEquals":{"aws:PrincipalTag/team":["red"]}}`, map[string]any{"aws:PrincipalTag/team": "red"}, "allow 0"),
		c("multivalued key without set operator never matches", `{"StringEquals":{"aws:TagKeys":"a"}}`, map[string]any{"aws:TagKeys": []string{"a"}}, "none"),
		c("multivalued key without set operator, negated", `{"StringNotEquals":{"aws:TagKeys":"a"}}`, map[string]any{"aws:TagKeys": []string{"b"}}, "none"),
		c("ForAllValues Null behaves as Null", `{"ForAllValues:Null":{"aws:TagKeys":"false"}}`, map[string]any{"aws:TagKeys": []string{"x"}}, "allow 0"),
	}, 18)
}

func TestContextZeroValue(t *testing.T) {
	t.Parallel()
	var ctx policy.Context
	if _, _, ok := ctx.Get("aws:username"); ok {
		t.Fatal("empty context has a key")
	}
	ctx.Set("AWS:UserName", "alice")
	ctx.SetMulti("aws:TagKeys", nil)
	if v, multi, ok := ctx.Get("aws:username"); !ok || multi || len(v) != 1 || v[0] != "alice" {
		t.Fatalf("Get = %v %v %v", v, multi, ok)
	}
	if v, multi, ok := ctx.Get("AWS:TAGKEYS"); !ok || !multi || len(v) != 0 || ctx.Len() != 2 {
		t.Fatalf("Get multi = %v %v %v", v, multi, ok)
	}
}
