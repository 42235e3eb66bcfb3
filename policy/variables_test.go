package policy_test

import (
	"testing"

	"github.com/moatdev/moat/policy"
)

// TestVariables covers [VARS].
func TestVariables(t *testing.T) {
	t.Parallel()
	home := doc(`{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::bucket","Condition":{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/*"]}}}`)
	team := doc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::example-${aws:PrincipalTag/team, 'company-wide'}/*"}`)
	user := func(name string) map[string]any { return map[string]any{"aws:username": name} }
	v2008 := `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}"}]}`
	noVersion := `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}"}]}`
	runEval(t, []evalCase{
		{name: "OPS doc: own home prefix", doc: home, action: "s3:ListBucket", resource: "arn:aws:s3:::bucket", ctx: map[string]any{"aws:username": "alice", "s3:prefix": "home/alice/docs"}, want: "allow 0"},
		{name: "OPS doc: other home prefix", doc: home, action: "s3:ListBucket", resource: "arn:aws:s3:::bucket", ctx: map[string]any{"aws:username": "alice", "s3:prefix": "home/bob/docs"}, want: "none"},
		{name: "OPS doc: root listing", doc: home, action: "s3:ListBucket", resource: "arn:aws:s3:::bucket", ctx: map[string]any{"aws:username": "alice", "s3:prefix": ""}, want: "allow 0"},
		{name: "VARS doc: team yellow", doc: team, action: "s3:GetObject", resource: "arn:aws:s3:::example-yellow/x", ctx: map[string]any{"aws:PrincipalTag/team": "yellow"}, want: "allow 0"},
		{name: "VARS doc: team yellow not other bucket", doc: team, action: "s3:GetObject", resource: "arn:aws:s3:::example-company-wide/x", ctx: map[string]any{"aws:PrincipalTag/team": "yellow"}, want: "none"},
		{name: "VARS doc: untagged uses default", doc: team, action: "s3:GetObject", resource: "arn:aws:s3:::example-company-wide/x", want: "allow 0"},
		{name: "variable key case-insensitive", doc: doc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${AWS:UserName}"}`), action: "s3:GetObject", resource: "arn:aws:s3:::b/alice", ctx: user("alice"), want: "allow 0"},
		{name: "unresolved in Resource matches nothing", doc: doc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}"}`), action: "s3:GetObject", resource: "arn:aws:s3:::b/", want: "none"},
		{name: "substituted text is literal", doc: doc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}"}`), action: "s3:GetObject", resource: "arn:aws:s3:::b/anything", ctx: user("*"), want: "none"},
		{name: "substituted star matches itself", doc: doc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}"}`), action: "s3:GetObject", resource: "arn:aws:s3:::b/*", ctx: user("*"), want: "allow 0"},
		{name: "wildcard after variable", doc: doc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}`), action: "s3:GetObject", resource: "arn:aws:s3:::b/alice/x/y", ctx: user("alice"), want: "allow 0"},
		{name: "variable outside resource part is literal", doc: doc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:${aws:RequestedRegion}::b"}`), action: "s3:GetObject", resource: "arn:aws:s3:us-east-1::b", ctx: map[string]any{"aws:RequestedRegion": "us-east-1"}, want: "none"},
		{name: "multivalued key is not a variable", doc: doc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:TagKeys}"}`), action: "s3:GetObject", resource: "arn:aws:s3:::b/a", ctx: map[string]any{"aws:TagKeys": []string{"a"}}, want: "none"},
		{name: "2008 version: literal text", doc: v2008, action: "s3:GetObject", resource: "arn:aws:s3:::b/${aws:username}", ctx: user("alice"), want: "allow 0"},
		{name: "2008 version: not substituted", doc: v2008, action: "s3:GetObject", resource: "arn:aws:s3:::b/alice", ctx: user("alice"), want: "none"},
		{name: "no version: literal text", doc: noVersion, action: "s3:GetObject", resource: "arn:aws:s3:::b/${aws:username}", ctx: user("alice"), want: "allow 0"},
		{name: "escape star in StringEquals", doc: cond(`{"StringEquals":{"k:v":"a${*}b"}}`), action: "s3:GetObject", ctx: map[string]any{"k:v": "a*b"}, want: "allow 0"},
		{name: "escape star in StringLike is literal", doc: cond(`{"StringLike":{"k:v":"a${*}b"}}`), action: "s3:GetObject", ctx: map[string]any{"k:v": "axb"}, want: "none"},
		{name: "escape dollar and question", doc: cond(`{"StringEquals":{"k:v":"${$}${?}"}}`), action: "s3:GetObject", ctx: map[string]any{"k:v": "$?"}, want: "allow 0"},
		{name: "escape in resource", doc: doc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${*}"}`), action: "s3:GetObject", resource: "arn:aws:s3:::b/x", want: "none"},
		{name: "unresolved in StringEquals: no match", doc: cond(`{"StringEquals":{"aws:PrincipalTag/team":"${aws:ResourceTag/team}"}}`), action: "s3:GetObject", ctx: map[string]any{"aws:PrincipalTag/team": "red"}, want: "none"},
		{name: "unresolved in StringNotEquals: matches", doc: cond(`{"StringNotEquals":{"aws:PrincipalTag/team":"${aws:ResourceTag/team}"}}`), action: "s3:GetObject", ctx: map[string]any{"aws:PrincipalTag/team": "red"}, want: "allow 0"},
		{name: "unresolved in StringNotLike Deny: denies", doc: denyCond(`{"StringNotLike":{"aws:PrincipalTag/team":"${aws:ResourceTag/team}"}}`), action: "s3:GetObject", ctx: map[string]any{"aws:PrincipalTag/team": "red"}, want: "deny 0"},
		{name: "resolved StringEquals tag match", doc: cond(`{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`), action: "s3:GetObject", ctx: map[string]any{"aws:PrincipalTag/team": "red", "aws:ResourceTag/team": "red"}, want: "allow 0"},
		{name: "StringEqualsIgnoreCase variable", doc: cond(`{"StringEqualsIgnoreCase":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}`), action: "s3:GetObject", ctx: map[string]any{"aws:PrincipalTag/team": "RED", "aws:ResourceTag/team": "red"}, want: "allow 0"},
		{name: "ArnLike variable", doc: cond(`{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:${aws:PrincipalAccount}:*"}}`), action: "s3:GetObject", ctx: map[string]any{"aws:PrincipalAccount": "111122223333", "aws:SourceArn": "arn:aws:sns:us-east-1:111122223333:t"}, want: "allow 0"},
		{name: "Bool accepts variables", doc: cond(`{"Bool":{"k:b":"${k:other}"}}`), action: "s3:GetObject", ctx: map[string]any{"k:b": "true", "k:other": "TRUE"}, want: "allow 0"},
		{name: "Numeric ignores variables", doc: cond(`{"NumericEquals":{"k:n":"${k:m}"}}`), action: "s3:GetObject", ctx: map[string]any{"k:n": "1", "k:m": "1"}, want: "none"},
		{name: "unclosed variable is literal", doc: cond(`{"StringEquals":{"k:v":"${aws:username"}}`), action: "s3:GetObject", ctx: map[string]any{"k:v": "${aws:username"}, want: "allow 0"},
	}, 29)
	_ = policy.Allow
}
