package policy_test

import (
	"testing"

	"github.com/moatdev/moat/policy"
)

type evalCase struct {
	name      string
	doc       string
	kind      policy.Kind
	action    string
	resource  string
	principal string // NewCaller input; "" = no caller
	boundary  bool
	ctx       map[string]any
	want      string // see outcome
	grants    policy.Grant
}

func runEval(t *testing.T, cases []evalCase, wantCount int) {
	t.Helper()
	if len(cases) != wantCount {
		t.Fatalf("table has %d cases, want %d", len(cases), wantCount)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := mustCompile(t, tc.doc, tc.kind)
			r := &policy.Request{Action: tc.action, Resource: tc.resource, Context: mkContext(tc.ctx)}
			if r.Resource == "" {
				r.Resource = "*"
			}
			if tc.principal != "" {
				caller, err := policy.NewCaller(tc.principal)
				if err != nil {
					t.Fatal(err)
				}
				caller.HasPermissionsBoundary = tc.boundary
				r.Caller = caller
			}
			res := c.Evaluate(r)
			if got := outcome(res); got != tc.want {
				t.Fatalf("Evaluate = %s (%+v), want %s", got, res, tc.want)
			}
			if res.Grants != tc.grants {
				t.Fatalf("Grants = %b, want %b", res.Grants, tc.grants)
			}
			// Matches must agree with Evaluate.
			firstAllow, firstDeny := -1, -1
			var grants policy.Grant
			c.Matches(r, func(i int, e policy.Effect, g policy.Grant) {
				if e == policy.Allow {
					grants |= g
					if firstAllow < 0 {
						firstAllow = i
					}
				} else if firstDeny < 0 {
					firstDeny = i
				}
			})
			if firstAllow != res.AllowStmt || firstDeny != res.DenyStmt || grants != res.Grants {
				t.Fatalf("Matches: allow %d deny %d grants %b; Evaluate %+v", firstAllow, firstDeny, grants, res)
			}
		})
	}
}

// TestActions covers [ACT] and [NACT]: case-insensitive names, * and ?, NotAction.
func TestActions(t *testing.T) {
	t.Parallel()
	evalDoc := doc(`{"Sid":"AllowGetList","Effect":"Allow","Action":["iam:Get*","iam:List*"],"Resource":"*"},
		{"Sid":"DenyReports","Effect":"Deny","Action":"iam:*Report","Resource":"*"}`)
	runEval(t, []evalCase{
		{name: "EVAL doc: GetUser allowed", doc: evalDoc, action: "iam:GetUser", want: "allow 0"},
		{name: "EVAL doc: CreatePolicy implicit", doc: evalDoc, action: "iam:CreatePolicy", want: "none"},
		{name: "EVAL doc: GetOrganizationsAccessReport both", doc: evalDoc, action: "iam:GetOrganizationsAccessReport", want: "allow 0 deny 1"},
		{name: "EVAL doc: GenerateCredentialReport denied", doc: evalDoc, action: "iam:GenerateCredentialReport", want: "deny 1"},
		{name: "case-insensitive request", doc: evalDoc, action: "IAM:listaccesskeys", want: "allow 0"},
		{name: "case-insensitive pattern", doc: doc(`{"Effect":"Allow","Action":"S3:GETOBJECT","Resource":"*"}`), action: "s3:GetObject", want: "allow 0"},
		{name: "question mark", doc: doc(`{"Effect":"Allow","Action":"s3:?etObject","Resource":"*"}`), action: "s3:GetObject", want: "allow 0"},
		{name: "question mark needs a char", doc: doc(`{"Effect":"Allow","Action":"s3:?GetObject","Resource":"*"}`), action: "s3:GetObject", want: "none"},
		{name: "star alone", doc: doc(`{"Effect":"Allow","Action":"*","Resource":"*"}`), action: "ec2:RunInstances", want: "allow 0"},
		{name: "service star", doc: doc(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`), action: "ec2:RunInstances", want: "allow 0"},
		{name: "other service", doc: doc(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`), action: "s3:GetObject", want: "none"},
		{name: "middle wildcard", doc: doc(`{"Effect":"Allow","Action":"s3:*Object*","Resource":"*"}`), action: "s3:PutObjectAcl", want: "allow 0"},
		{name: "wildcard service part", doc: doc(`{"Effect":"Allow","Action":"s*:Get*","Resource":"*"}`), action: "sqs:GetQueueUrl", want: "allow 0"},
		{name: "prefix of a different name", doc: doc(`{"Effect":"Allow","Action":"s3:GetObject*","Resource":"*"}`), action: "s3:GetBucketPolicy", want: "none"},
		{name: "NotAction allow others", doc: doc(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`), action: "s3:GetObject", want: "allow 0"},
		{name: "NotAction excludes listed", doc: doc(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`), action: "IAM:CreateUser", want: "none"},
		{name: "NotAction deny", doc: doc(`{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*"}`), action: "ec2:RunInstances", want: "deny 0"},
		{name: "NACT doc: ListAllMyBuckets not under s3 ARN", doc: doc(`{"Effect":"Allow","NotAction":"s3:DeleteBucket","Resource":"arn:aws:s3:::*"}`), action: "s3:ListAllMyBuckets", want: "none"},
		{name: "NACT doc: object action allowed", doc: doc(`{"Effect":"Allow","NotAction":"s3:DeleteBucket","Resource":"arn:aws:s3:::*"}`), action: "s3:GetObject", resource: "arn:aws:s3:::b/k", want: "allow 0"},
		{name: "NACT doc: other service", doc: doc(`{"Effect":"Allow","NotAction":"s3:DeleteBucket","Resource":"arn:aws:s3:::*"}`), action: "ec2:RunInstances", resource: "arn:aws:ec2:us-east-1:111122223333:instance/i-1", want: "none"},
		{name: "first applicable statement reported", doc: doc(`{"Effect":"Allow","Action":"s3:Put*","Resource":"*"},{"Effect":"Allow","Action":"s3:Get*","Resource":"*"},{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), action: "s3:GetObject", want: "allow 1"},
		{name: "empty action list", doc: doc(`{"Effect":"Allow","Action":[],"Resource":"*"}`), action: "s3:GetObject", want: "none"},
		{name: "action without colon", doc: doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`), action: "GetObject", want: "none"},
	}, 23)
}

// TestResources covers [RES], [ARN], [NRES].
func TestResources(t *testing.T) {
	t.Parallel()
	st := func(res string) string {
		return doc(`{"Effect":"Allow","Action":"*","Resource":` + res + `}`)
	}
	carlos := doc(`{"Effect":"Allow","Action":"s3:*Object*","Resource":"arn:aws:s3:::Production/*"},{"Sid":"DenyS3Logs","Effect":"Deny","Action":"s3:*","Resource":["arn:aws:s3:::*log*","arn:aws:s3:::*log*/*"]}`)
	runEval(t, []evalCase{
		{name: "exact", doc: st(`"arn:aws:s3:::b/k"`), action: "s3:GetObject", resource: "arn:aws:s3:::b/k", want: "allow 0"},
		{name: "case-sensitive", doc: st(`"arn:aws:iam::111122223333:user/Alice"`), action: "iam:GetUser", resource: "arn:aws:iam::111122223333:user/alice", want: "none"},
		{name: "prefix star", doc: st(`"arn:aws:s3:::b/*"`), action: "s3:GetObject", resource: "arn:aws:s3:::b/a/b/c", want: "allow 0"},
		{name: "star in region", doc: st(`"arn:aws:ec2:*:111122223333:instance/*"`), action: "ec2:StartInstances", resource: "arn:aws:ec2:eu-west-1:111122223333:instance/i-1", want: "allow 0"},
		{name: "trailing star crosses colons", doc: st(`"arn:aws:dynamodb:us-east-1:*"`), action: "dynamodb:GetItem", resource: "arn:aws:dynamodb:us-east-1:111122223333:table/t", want: "allow 0"},
		{name: "inner star does not cross colon", doc: st(`"arn:aws:logs:us-east-1:111122223333:log-group:*-prod"`), action: "logs:PutLogEvents", resource: "arn:aws:logs:us-east-1:111122223333:log-group:a:b-prod", want: "none"},
		{name: "question mark", doc: st(`"arn:aws:s3:::b?"`), action: "s3:ListBucket", resource: "arn:aws:s3:::b1", want: "allow 0"},
		{name: "star resource for resource-less action", doc: st(`"*"`), action: "s3:ListAllMyBuckets", resource: "*", want: "allow 0"},
		{name: "arn pattern does not cover resource-less action", doc: st(`"arn:aws:s3:::*"`), action: "s3:ListAllMyBuckets", resource: "*", want: "none"},
		{name: "NotResource matches others", doc: doc(`{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::safe","arn:aws:s3:::safe/*"]}`), action: "s3:GetObject", resource: "arn:aws:s3:::other/k", want: "deny 0"},
		{name: "NotResource excludes listed", doc: doc(`{"Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::safe","arn:aws:s3:::safe/*"]}`), action: "s3:GetObject", resource: "arn:aws:s3:::safe/k", want: "none"},
		{name: "NotResource and resource-less action", doc: doc(`{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::safe"}`), action: "s3:ListAllMyBuckets", want: "deny 0"},
		{name: "no Resource element (resource policy)", doc: doc(`{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage"}`), kind: policy.Resource, action: "sqs:SendMessage", resource: "arn:aws:sqs:us-east-1:111122223333:q", principal: "anonymous", want: "allow 0", grants: policy.GrantAnyone},
		{name: "XACCT Carlos: logs bucket denied", doc: carlos, action: "s3:PutObject", resource: "arn:aws:s3:::Production-logs/x", want: "deny 1"},
		{name: "XACCT Carlos: production allowed", doc: carlos, action: "s3:PutObject", resource: "arn:aws:s3:::Production/x", want: "allow 0"},
		{name: "XACCT Carlos: delete object allowed by identity", doc: carlos, action: "s3:DeleteObject", resource: "arn:aws:s3:::Production/x", want: "allow 0"},
		{name: "EVAL single-account: carlossalazar-logs denied", doc: doc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"DenyS3Logs","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*log*"}`), action: "s3:PutObject", resource: "arn:aws:s3:::carlossalazar-logs", want: "allow 0 deny 1"},
		{name: "S3 doc table pattern", doc: st(`"arn:aws:s3:::BUCKET/*/test/*"`), action: "s3:GetObject", resource: "arn:aws:s3:::BUCKET/1///test///object.jpg", want: "allow 0"},
		{name: "S3 doc table negative", doc: st(`"arn:aws:s3:::BUCKET/*/test/*"`), action: "s3:GetObject", resource: "arn:aws:s3:::BUCKET/1-test/object.jpg", want: "none"},
	}, 19)
}
