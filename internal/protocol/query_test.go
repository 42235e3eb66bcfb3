package protocol

import (
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"
)

func ptr[T any](v T) *T { return &v }

const trustPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`

func TestQueryDecodeCaptures(t *testing.T) {
	t.Parallel()
	iam, sns, ec2, sts := New(iamSvc), New(snsSvc), New(ec2Svc), New(stsSvc)
	cases := []struct {
		file  string
		codec Codec
		op    string
		in    any
		want  any
	}{
		{"aws-cli-2.9.19/cli-iam-CreateUser.http", iam, "CreateUser", &CreateUserInput{}, &CreateUserInput{UserName: "alice"}},
		{"aws-sdk-go-v2/sdk-iam-CreateUser.http", iam, "CreateUser", &CreateUserInput{}, &CreateUserInput{UserName: "alice"}},
		{"aws-cli-2.9.19/cli-iam-CreateRole.http", iam, "CreateRole", &CreateRoleInput{}, &CreateRoleInput{RoleName: "demo-role", AssumeRolePolicyDocument: trustPolicy}},
		{"aws-sdk-go-v2/sdk-iam-CreateRole.http", iam, "CreateRole", &CreateRoleInput{}, &CreateRoleInput{RoleName: "demo-role", AssumeRolePolicyDocument: trustPolicy}},
		{"aws-cli-2.9.19/cli-iam-TagRole.http", iam, "TagRole", &TagRoleInput{}, &TagRoleInput{RoleName: "demo-role", Tags: []Tag{{"team", "sec"}, {"env", "dev"}}}},
		{"aws-cli-2.9.19/cli-iam-ListUsers-maxitems1.http", iam, "ListUsers", &ListUsersInput{}, &ListUsersInput{}},
		{"aws-cli-2.9.19/cli-sns-CreateTopic.http", sns, "CreateTopic", &CreateTopicInput{}, &CreateTopicInput{Name: "root-login-alerts", Attributes: map[string]string{"DisplayName": "alerts"}, Tags: []Tag{{"team", "sec"}}}},
		{"aws-cli-2.9.19/cli-ec2-DescribeSecurityGroups-filters.http", ec2, "DescribeSecurityGroups", &DescribeSecurityGroupsInput{}, &DescribeSecurityGroupsInput{Filters: []Filter{{"vpc-id", []string{"vpc-0abc", "vpc-0def"}}, {"group-name", []string{"web"}}}}},
		{"aws-cli-2.9.19/cli-sts-AssumeRole.http", sts, "AssumeRole", &AssumeRoleInput{}, &AssumeRoleInput{RoleArn: "arn:aws:iam::123456789012:role/demo-role", RoleSessionName: "cli-session"}},
		{"eks/simulated-authenticator-GetCallerIdentity-json.http", sts, "GetCallerIdentity", &struct{}{}, &struct{}{}},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			req := captured(t, c.file)
			if got := c.codec.Operation(req); got != c.op {
				t.Errorf("Operation = %q, want %q", got, c.op)
			}
			if err := c.codec.Decode(req, c.in); err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if !reflect.DeepEqual(c.in, c.want) {
				t.Errorf("Decode\n got: %+v\nwant: %+v", c.in, c.want)
			}
		})
	}
}

func TestQueryDecodeInline(t *testing.T) {
	t.Parallel()
	iam := New(iamSvc)
	t.Run("TagRole lists", func(t *testing.T) {
		var in TagRoleInput
		req := formRequest("Action=TagRole&Version=2010-05-08&RoleName=demo-role&Tags.member.2.Key=env&Tags.member.2.Value=dev&Tags.member.1.Key=team&Tags.member.1.Value=sec&Unknown=1")
		if err := iam.Decode(req, &in); err != nil {
			t.Fatal(err)
		}
		want := TagRoleInput{RoleName: "demo-role", Tags: []Tag{{"team", "sec"}, {"env", "dev"}}}
		if !reflect.DeepEqual(in, want) {
			t.Errorf("got %+v, want %+v", in, want)
		}
	})
	t.Run("optional scalars and empty list", func(t *testing.T) {
		var in CreateRoleInput
		req := formRequest("Action=CreateRole&RoleName=r&AssumeRolePolicyDocument=%7B%7D&MaxSessionDuration=7200&Description=&Tags=")
		if err := iam.Decode(req, &in); err != nil {
			t.Fatal(err)
		}
		if in.MaxSessionDuration == nil || *in.MaxSessionDuration != 7200 || in.Description == nil || *in.Description != "" || in.Tags == nil || len(in.Tags) != 0 || in.Path != nil {
			t.Errorf("got %+v", in)
		}
	})
	t.Run("SNS map", func(t *testing.T) {
		var in CreateTopicInput
		req := formRequest("Action=CreateTopic&Name=t&Attributes.entry.1.key=DisplayName&Attributes.entry.1.value=alerts&Attributes.entry.2.key=Policy&Attributes.entry.2.value=%7B%7D")
		if err := New(snsSvc).Decode(req, &in); err != nil {
			t.Fatal(err)
		}
		want := map[string]string{"DisplayName": "alerts", "Policy": "{}"}
		if !reflect.DeepEqual(in.Attributes, want) {
			t.Errorf("got %v", in.Attributes)
		}
	})
	t.Run("SNS map with Name and Value parts", func(t *testing.T) {
		type attr struct {
			DataType    string
			StringValue *string
		}
		var in struct {
			Message           string
			MessageAttributes map[string]attr
		}
		req := formRequest("Action=Publish&Message=m&MessageAttributes.entry.1.Name=env&MessageAttributes.entry.1.Value.DataType=String&MessageAttributes.entry.1.Value.StringValue=prod")
		if err := New(snsSvc).Decode(req, &in); err != nil {
			t.Fatal(err)
		}
		if a, ok := in.MessageAttributes["env"]; !ok || a.DataType != "String" || a.StringValue == nil || *a.StringValue != "prod" {
			t.Errorf("got %+v", in.MessageAttributes)
		}
	})
	t.Run("nested struct list and timestamps", func(t *testing.T) {
		var in struct {
			PolicyArns []PolicyDescriptor
			At         time.Time
			Epoch      *time.Time
			Flag       bool
		}
		req := formRequest("PolicyArns.member.1.Arn=arn%3Aa&PolicyArns.member.2.Arn=arn%3Ab&At=2026-01-02T03%3A04%3A05Z&Epoch=1767322800.5&Flag=true")
		if err := iam.Decode(req, &in); err != nil {
			t.Fatal(err)
		}
		if len(in.PolicyArns) != 2 || in.PolicyArns[1].Arn != "arn:b" || !in.At.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) ||
			in.Epoch == nil || !in.Epoch.Equal(time.Date(2026, 1, 2, 3, 0, 0, 5e8, time.UTC)) || !in.Flag {
			t.Errorf("got %+v", in)
		}
	})
	t.Run("Action from URL query (GET)", func(t *testing.T) {
		r := httptest.NewRequest(http.MethodGet, "/?Action=CreateUser&Version=2010-05-08&UserName=bob", nil)
		req := &Request{HTTP: r}
		var in CreateUserInput
		if iam.Operation(req) != "CreateUser" {
			t.Errorf("Operation = %q", iam.Operation(req))
		}
		if err := iam.Decode(req, &in); err != nil || in.UserName != "bob" {
			t.Errorf("got %+v, %v", in, err)
		}
	})
}

func TestQueryDecodeErrors(t *testing.T) {
	t.Parallel()
	iam := New(iamSvc)
	cases := []struct {
		name, body string
		in         any
		code       string
		status     int
		msg        string
	}{
		{"missing required", "Action=CreateUser&Version=2010-05-08", &CreateUserInput{}, "ValidationError", 400,
			"1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"},
		{"two missing", "Action=PutRolePolicy&RoleName=r", &PutRolePolicyInput{}, "ValidationError", 400,
			"2 validation errors detected: Value null at 'policyName' failed to satisfy constraint: Member must not be null; Value null at 'policyDocument' failed to satisfy constraint: Member must not be null"},
		{"missing in list element", "RoleName=r&Tags.member.1.Key=k", &TagRoleInput{}, "ValidationError", 400,
			"1 validation error detected: Value null at 'tags.1.member.value' failed to satisfy constraint: Member must not be null"},
		{"bad integer", "MaxItems=abc", &ListUsersInput{}, "InvalidParameterValue", 400,
			"Value (abc) for parameter MaxItems is invalid. Expected an integer."},
		{"bad bool", "UserName=u&Password=p&PasswordResetRequired=maybe", &CreateLoginProfileInput{}, "InvalidParameterValue", 400, ""},
		{"malformed", "UserName=%zz", &CreateUserInput{}, "MalformedQueryString", 404, "The query string contains a syntax error."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantAWSErr(t, iam.Decode(formRequest(c.body), c.in), c.code, c.status, c.msg)
		})
	}
	t.Run("not a struct pointer", func(t *testing.T) {
		var s string
		if err := iam.Decode(formRequest("a=b"), &s); err == nil {
			t.Error("want error for *string")
		}
	})
}

func TestEC2Decode(t *testing.T) {
	t.Parallel()
	ec2 := New(ec2Svc)
	var in DescribeSecurityGroupsInput
	req := formRequest("Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=sg-1&GroupId.2=sg-2&Filter.1.Name=vpc-id&Filter.1.Value.1=vpc-0abc&Filter.1.Value.2=vpc-0def&DryRun=false&MaxResults=5")
	if err := ec2.Decode(req, &in); err != nil {
		t.Fatal(err)
	}
	want := DescribeSecurityGroupsInput{GroupIDs: []string{"sg-1", "sg-2"}, Filters: []Filter{{"vpc-id", []string{"vpc-0abc", "vpc-0def"}}}, DryRun: ptr(false), MaxResults: ptr(int32(5))}
	if !reflect.DeepEqual(in, want) {
		t.Errorf("got %+v\nwant %+v", in, want)
	}
	var cin CreateSecurityGroupInput
	err := ec2.Decode(formRequest("Action=CreateSecurityGroup&GroupName=web"), &cin)
	wantAWSErr(t, err, "MissingParameter", 400, "The request must contain the parameter GroupDescription")
}

func TestOperation(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		codec Codec
		req   *Request
		want  string
	}{
		{"query body", New(iamSvc), formRequest("Action=ListUsers&Version=2010-05-08"), "ListUsers"},
		{"query none", New(iamSvc), formRequest("Version=2010-05-08"), ""},
		{"query malformed", New(iamSvc), formRequest("Action=%zz"), ""},
		{"json cloudtrail", New(ctSvc), jsonRequest("com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.LookupEvents", "{}"), "LookupEvents"},
		{"json wrong prefix", New(ctSvc), jsonRequest("AWSWAF_20190729.ListWebACLs", "{}"), ""},
		{"json no target", New(wafSvc), jsonRequest("", "{}"), ""},
		{"rest", New(gdSvc), jsonRequest("x.Y", "{}"), ""},
		{"nil request", New(iamSvc), nil, ""},
	}
	for _, c := range cases {
		if got := c.codec.Operation(c.req); got != c.want {
			t.Errorf("%s: Operation = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestUnknownOperation(t *testing.T) {
	t.Parallel()
	wantAWSErr(t, UnknownOperation(iamSvc, "CreateUsr"), "InvalidAction", 400, "Could not find operation CreateUsr for version 2010-05-08")
	wantAWSErr(t, UnknownOperation(iamSvc, ""), "MissingAction", 400, "Missing Action")
	wantAWSErr(t, UnknownOperation(ctSvc, "Nope"), "UnknownOperationException", 400, "")
}

func TestNewPanicsOnUnknownProtocol(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("New did not panic")
		}
	}()
	New(Service{Protocol: "smithy-rpc-v2-cbor"})
}

func TestValidationFailed(t *testing.T) {
	t.Parallel()
	vs := []Violation{
		{Path: "userName", Value: ptr("a b"), Constraint: "Member must satisfy regular expression pattern: [\\w+=,.@-]+"},
		{Path: "path", Constraint: "Member must not be null"},
	}
	msg := "2 validation errors detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+; Value null at 'path' failed to satisfy constraint: Member must not be null"
	wantAWSErr(t, ValidationFailed(Query, vs...), "ValidationError", 400, msg)
	wantAWSErr(t, ValidationFailed(JSON, vs...), "ValidationException", 400, msg)
	wantAWSErr(t, ValidationFailed(RESTJSON, vs[:1]...), "ValidationException", 400,
		"1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+")
	wantAWSErr(t, ValidationFailed(EC2, vs...), "InvalidParameterValue", 400, msg)
}
