package policy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/moatdev/moat/policy"
)

func TestCompileErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		doc       string
		line, col int
		path, msg string
	}{
		{name: "invalid effect", doc: "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"},\n{\"Effect\":\"allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
			line: 2, col: 11, path: "Statement[1].Effect", msg: `must be "Allow" or "Deny", got "allow"`},
		{name: "missing effect", doc: `{"Statement":{"Action":"*","Resource":"*"}}`, line: 1, col: 14, path: "Statement", msg: "missing required element Effect"},
		{name: "missing action", doc: `{"Statement":[{"Effect":"Allow","Resource":"*"}]}`, line: 1, col: 15, path: "Statement[0]", msg: "missing required element Action or NotAction"},
		{name: "unknown operator", doc: "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\n\"Condition\":{\"StringEqual\":{\"aws:username\":\"a\"}}}]}",
			line: 2, col: 14, path: "Statement[0].Condition", msg: "unknown operator StringEqual (did you mean StringEquals?)"},
		{name: "NullIfExists", doc: `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"NullIfExists":{"a:b":"true"}}}]}`,
			line: 1, col: 74, path: "Statement[0].Condition", msg: "unknown operator NullIfExists (Null does not take IfExists)"},
		{name: "set prefix case", doc: `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"forallvalues:StringEquals":{"a:b":"x"}}}]}`,
			line: 1, col: 74, path: "Statement[0].Condition", msg: "did you mean ForAllValues:StringEquals?"},
		{name: "unknown operator without keys", doc: `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":{"Bogus":{}}}]}`,
			line: 1, col: 74, path: "Statement[0].Condition", msg: "unknown operator Bogus"},
		{name: "bad version", doc: `{"Version":"2012-10-18","Statement":[]}`, line: 1, col: 2, path: "Version", msg: `must be "2012-10-17" or "2008-10-17"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := policy.Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			_, err = policy.Compile(p, policy.Identity)
			var pe *policy.Error
			if !errors.As(err, &pe) {
				t.Fatalf("Compile error = %v, want *policy.Error", err)
			}
			if pe.Line != tt.line || pe.Column != tt.col || pe.Path != tt.path || !strings.Contains(pe.Message, tt.msg) {
				t.Fatalf("Compile error = %q (line %d col %d path %q), want line %d col %d path %q containing %q", pe, pe.Line, pe.Column, pe.Path, tt.line, tt.col, tt.path, tt.msg)
			}
		})
	}
}

func TestCompileWarningsDoNotFail(t *testing.T) {
	t.Parallel()
	d := doc(`{"Effect":"Allow","NotResource":"arn:aws:s3:::x","NotAction":"iam:*","Condition":{"ForAllValues:StringEquals":{"aws:username":"a"},"NumericEquals":{"k:n":"abc"}}}`)
	c := mustCompile(t, d, policy.Identity)
	if f := policy.Validate(c.Policy(), policy.Identity); len(f) == 0 {
		t.Fatal("expected findings")
	}
}

// codes returns "SEVERITY CODE PATH" for each finding.
func codes(fs []policy.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Severity.String()+" "+f.Code+" "+f.Path)
	}
	return out
}

func TestValidate(t *testing.T) {
	t.Parallel()
	allow := func(extra string) string {
		return doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"` + extra + `}`)
	}
	tests := []struct {
		name string
		kind policy.Kind
		doc  string
		want []string // exact list
		msg  string   // substring of the first finding's message
	}{
		{name: "clean identity policy", doc: allow(""), want: nil},
		{name: "missing version", doc: `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, want: []string{"WARNING MISSING_VERSION Version"}},
		{name: "scp missing version is an error", kind: policy.SCP, doc: `{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`, want: []string{"ERROR MISSING_VERSION Version"}},
		{name: "invalid version", doc: `{"Version":"2012-10-18","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, want: []string{"ERROR INVALID_VERSION Version"}},
		{name: "obsolete version", doc: `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`, want: []string{"WARNING OBSOLETE_VERSION Version"}},
		{name: "no statements", doc: `{"Version":"2012-10-17","Statement":[]}`, want: []string{"ERROR MISSING_STATEMENT Statement"}},
		{name: "invalid effect", doc: doc(`{"Effect":"Alow","Action":"s3:GetObject","Resource":"*"}`), want: []string{"ERROR INVALID_EFFECT Statement[0].Effect"}, msg: "did you mean Allow?"},
		{name: "missing effect", doc: doc(`{"Action":"s3:GetObject","Resource":"*"}`), want: []string{"ERROR MISSING_EFFECT Statement[0]"}},
		{name: "missing action", doc: doc(`{"Effect":"Allow","Resource":"*"}`), want: []string{"ERROR MISSING_ACTION Statement[0]"}},
		{name: "empty action", doc: doc(`{"Effect":"Allow","Action":[],"Resource":"*"}`), want: []string{"SUGGESTION EMPTY_ARRAY_ACTION Statement[0].Action"}},
		{name: "invalid action", doc: doc(`{"Effect":"Allow","Action":["s3GetObject","*:Get*"],"Resource":"*"}`), want: []string{"ERROR INVALID_ACTION Statement[0].Action[0]", "ERROR INVALID_ACTION Statement[0].Action[1]"}},
		{name: "variable in action", doc: doc(`{"Effect":"Allow","Action":"s3:${aws:username}","Resource":"*"}`), want: []string{"ERROR INVALID_ACTION Statement[0].Action[0]"}, msg: "policy variables are not allowed in Action"},
		{name: "missing resource in identity", doc: doc(`{"Effect":"Allow","Action":"s3:GetObject"}`), want: []string{"ERROR MISSING_RESOURCE Statement[0]"}},
		{name: "resource policy may omit resource", kind: policy.Resource, doc: doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject"}`), want: nil},
		{name: "invalid ARN prefix", doc: allowRes(`"s3:::b"`), want: []string{"ERROR INVALID_ARN_PREFIX Statement[0].Resource[0]"}},
		{name: "missing ARN field", doc: allowRes(`"arn:aws:s3:b"`), want: []string{"ERROR MISSING_ARN_FIELD Statement[0].Resource[0]"}},
		{name: "invalid partition", doc: allowRes(`"arn:amazon:s3:::b"`), want: []string{"ERROR INVALID_PARTITION Statement[0].Resource[0]"}},
		{name: "wildcard in resource type", doc: allowRes(`"arn:aws:iam::123456789012:u*"`), want: []string{"ERROR INVALID_ARN_RESOURCE Statement[0].Resource[0]"}, msg: "resource type"},
		{name: "wildcard in resource type before slash", doc: allowRes(`"arn:aws:ec2:us-east-1:123456789012:inst*/i-1"`), want: []string{"WARNING WILDCARD_IN_RESOURCE_TYPE Statement[0].Resource[0]"}},
		{name: "wildcard in bucket name is fine", doc: allowRes(`["arn:aws:s3:::my-*-bucket/*","arn:aws:iam::123456789012:user/*","arn:aws:sqs:*:*:*","arn:aws:cloudformation:*:*:*/*/*"]`), want: nil},
		{name: "variable outside resource part", doc: allowRes(`"arn:aws:s3:${aws:RequestedRegion}::b"`), want: []string{"WARNING VARIABLE_OUTSIDE_RESOURCE_PART Statement[0].Resource[0]"}},
		{name: "variable without version", doc: `{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/${aws:username}"}]}`, want: []string{"WARNING MISSING_VERSION Version", "WARNING VARIABLE_WITHOUT_VERSION Statement[0].Resource[0]"}},
		{name: "principal in identity policy", doc: doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`), want: []string{"ERROR UNSUPPORTED_PRINCIPAL Statement[0].Principal"}},
		{name: "principal in boundary", kind: policy.PermissionsBoundary, doc: doc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`), want: []string{"ERROR UNSUPPORTED_PRINCIPAL Statement[0].Principal"}},
		{name: "principal in session policy", kind: policy.Session, doc: doc(`{"Effect":"Allow","NotPrincipal":"*","Action":"s3:GetObject","Resource":"*"}`), want: []string{"ERROR UNSUPPORTED_PRINCIPAL Statement[0].NotPrincipal"}},
		{name: "principal in SCP", kind: policy.SCP, doc: doc(`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*"}`), want: []string{"ERROR SCP_SYNTAX_ERROR_PRINCIPAL Statement[0].Principal"}},
		{name: "missing principal in resource policy", kind: policy.Resource, doc: allow(""), want: []string{"ERROR MISSING_PRINCIPAL Statement[0]"}},
		{name: "missing principal in trust policy", kind: policy.Trust, doc: doc(`{"Effect":"Allow","Action":"sts:AssumeRole"}`), want: []string{"ERROR MISSING_PRINCIPAL Statement[0]"}},
		{name: "NotPrincipal in trust policy", kind: policy.Trust, doc: doc(`{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}`), want: []string{"ERROR INVALID_POLICY_ELEMENT Statement[0].NotPrincipal"}},
		{name: "allow with NotPrincipal", kind: policy.Resource, doc: doc(`{"Effect":"Allow","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"*"}`), want: []string{"WARNING ALLOW_WITH_NOT_PRINCIPAL Statement[0].NotPrincipal"}},
		{name: "deny with NotPrincipal", kind: policy.Resource, doc: doc(`{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"*"}`), want: []string{"WARNING DENY_WITH_NOT_PRINCIPAL Statement[0].NotPrincipal"}, msg: "permissions boundary"},
		{name: "principal wildcard ARN", kind: policy.Resource, doc: doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/*"},"Action":"s3:GetObject","Resource":"*"}`), want: []string{"ERROR INVALID_PRINCIPAL_FORMAT Statement[0].Principal"}},
		{name: "group principal", kind: policy.Resource, doc: doc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:group/devs"},"Action":"s3:GetObject","Resource":"*"}`), want: []string{"ERROR INVALID_PRINCIPAL_FORMAT Statement[0].Principal"}, msg: "groups cannot be principals"},
		{name: "custom RCP Allow", kind: policy.RCP, doc: doc(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}`), want: []string{"ERROR RCP_ALLOW_NOT_SUPPORTED Statement[0].Effect"}},
		{name: "RCP NotAction", kind: policy.RCP, doc: doc(`{"Effect":"Deny","Principal":"*","NotAction":"s3:GetObject","Resource":"*"}`), want: []string{"ERROR RCP_UNSUPPORTED_ELEMENT Statement[0].NotAction"}},
		{name: "RCP NotPrincipal", kind: policy.RCP, doc: doc(`{"Effect":"Deny","NotPrincipal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*"}`), want: []string{"ERROR RCP_UNSUPPORTED_ELEMENT Statement[0].NotPrincipal"}},
		{name: "RCP named principal", kind: policy.RCP, doc: doc(`{"Effect":"Deny","Principal":{"AWS":"123456789012"},"Action":"s3:*","Resource":"*"}`), want: []string{"WARNING RCP_PRINCIPAL_NOT_STAR Statement[0].Principal"}},
		{name: "SCP inner wildcard", kind: policy.SCP, doc: doc(`{"Effect":"Deny","Action":"s3:*Object","Resource":"*"}`), want: []string{"ERROR SCP_SYNTAX_ERROR_ACTION_WILDCARD Statement[0].Action[0]"}},
		{name: "allow with NotResource", doc: doc(`{"Effect":"Allow","Action":"s3:GetObject","NotResource":"arn:aws:s3:::secret/*"}`), want: []string{"WARNING ALLOW_WITH_NOT_RESOURCE Statement[0].NotResource"}},
		{name: "unknown operator with suggestion", doc: allow(`,"Condition":{"StringEqual":{"aws:username":"a"}}`), want: []string{"ERROR INVALID_CONDITION_OPERATOR Statement[0].Condition"}, msg: "unknown operator StringEqual (did you mean StringEquals?)"},
		{name: "Null with IfExists", doc: allow(`,"Condition":{"NullIfExists":{"aws:username":"true"}}`), want: []string{"ERROR NULL_WITH_IF_EXISTS Statement[0].Condition.NullIfExists"}},
		{name: "unknown operator without keys", doc: allow(`,"Condition":{"StringEqual":{}}`), want: []string{"SUGGESTION EMPTY_OBJECT_CONDITION Statement[0].Condition", "ERROR INVALID_CONDITION_OPERATOR Statement[0].Condition"}},
		{name: "unknown operator reported once", doc: allow(`,"Condition":{"StringEqual":{"aws:username":"a","aws:userid":"b"}}`), want: []string{"ERROR INVALID_CONDITION_OPERATOR Statement[0].Condition"}},
		{name: "duplicate keys with different case", doc: allow(`,"Condition":{"StringEquals":{"aws:username":"a","AWS:UserName":"b"}}`), want: []string{"ERROR DUPLICATE_KEYS_WITH_DIFFERENT_CASE Statement[0].Condition.StringEquals.AWS:UserName"}},
		{name: "bad key format", doc: allow(`,"Condition":{"StringEquals":{"username":"a"}}`), want: []string{"ERROR INVALID_CONDITION_KEY_FORMAT Statement[0].Condition.StringEquals.username"}},
		{name: "numeric type mismatch", doc: allow(`,"Condition":{"NumericLessThan":{"s3:max-keys":"ten"}}`), want: []string{"ERROR DATA_TYPE_MISMATCH Statement[0].Condition.NumericLessThan.s3:max-keys"}},
		{name: "date type mismatch", doc: allow(`,"Condition":{"DateLessThan":{"aws:CurrentTime":"yesterday"}}`), want: []string{"ERROR DATA_TYPE_MISMATCH Statement[0].Condition.DateLessThan.aws:CurrentTime"}},
		{name: "ip type mismatch", doc: allow(`,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}`), want: []string{"ERROR DATA_TYPE_MISMATCH Statement[0].Condition.IpAddress.aws:SourceIp"}},
		{name: "bool type mismatch", doc: allow(`,"Condition":{"Bool":{"aws:SecureTransport":"yes"}}`), want: []string{"ERROR DATA_TYPE_MISMATCH Statement[0].Condition.Bool.aws:SecureTransport"}},
		{name: "bool multiple values", doc: allow(`,"Condition":{"Bool":{"aws:SecureTransport":["true","false"]}}`), want: []string{"ERROR INVALID_CONDITION_MULTIPLE_BOOLEAN Statement[0].Condition.Bool.aws:SecureTransport"}},
		{name: "binary type mismatch", doc: allow(`,"Condition":{"BinaryEquals":{"k:b":"not base64!"}}`), want: []string{"ERROR DATA_TYPE_MISMATCH Statement[0].Condition.BinaryEquals.k:b"}},
		{name: "arn type mismatch", doc: allow(`,"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:sns"}}`), want: []string{"ERROR DATA_TYPE_MISMATCH Statement[0].Condition.ArnLike.aws:SourceArn"}},
		{name: "variable for numeric", doc: allow(`,"Condition":{"NumericLessThan":{"k:n":"${k:m}"}}`), want: []string{"ERROR INVALID_VARIABLE_FOR_OPERATOR Statement[0].Condition.NumericLessThan.k:n"}},
		{name: "set operator on single-valued key", doc: allow(`,"Condition":{"ForAnyValue:StringEquals":{"aws:PrincipalTag/team":"red"}}`), want: []string{"WARNING FOR_ANY_VALUE_WITH_SINGLE_VALUED_KEY Statement[0].Condition.ForAnyValue:StringEquals.aws:PrincipalTag/team"}},
		{name: "ForAllValues with Allow", doc: allow(`,"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["a"]}}`), want: []string{"WARNING FOR_ALL_VALUES_WITH_ALLOW Statement[0].Condition.ForAllValues:StringEquals.aws:TagKeys"}},
		{name: "ForAllValues single-valued with Allow", doc: allow(`,"Condition":{"ForAllValues:StringEquals":{"aws:username":["a"]}}`), want: []string{"WARNING FOR_ALL_VALUES_WITH_SINGLE_VALUED_KEY Statement[0].Condition.ForAllValues:StringEquals.aws:username", "WARNING FOR_ALL_VALUES_WITH_ALLOW Statement[0].Condition.ForAllValues:StringEquals.aws:username"}},
		{name: "multivalued key without set operator", doc: allow(`,"Condition":{"StringEquals":{"aws:TagKeys":"a"}}`), want: []string{"WARNING MULTIVALUED_KEY_WITHOUT_SET_OPERATOR Statement[0].Condition.StringEquals.aws:TagKeys"}},
		{name: "duplicate sid", doc: doc(`{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`), want: []string{"WARNING UNIQUE_SIDS_REQUIRED Statement[1].Sid"}},
		{name: "redundant action", doc: doc(`{"Effect":"Allow","Action":["s3:Get*","s3:GetObject","S3:GETOBJECTACL"],"Resource":"*"}`), want: []string{"SUGGESTION REDUNDANT_ACTION Statement[0].Action[1]", "SUGGESTION REDUNDANT_ACTION Statement[0].Action[2]"}},
		{name: "duplicate action", doc: doc(`{"Effect":"Allow","Action":["s3:GetObject","s3:GetObject"],"Resource":"*"}`), want: []string{"SUGGESTION REDUNDANT_ACTION Statement[0].Action[1]"}},
		{name: "redundant resource", doc: doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b/k"]}`), want: []string{"SUGGESTION REDUNDANT_RESOURCE Statement[0].Resource[1]"}},
		{name: "pass role with star", doc: doc(`{"Effect":"Allow","Action":["iam:Pass*"],"Resource":"*"}`), want: []string{"WARNING PASS_ROLE_WITH_STAR_IN_ACTION_AND_RESOURCE Statement[0].Action[0]"}},
		{name: "pass role literal with star", doc: doc(`{"Effect":"Allow","Action":["s3:GetObject","iam:PassRole"],"Resource":"*"}`), want: []string{"WARNING PASS_ROLE_WITH_STAR_IN_RESOURCE Statement[0].Action[1]"}},
		{name: "pass role with PassedToService", doc: doc(`{"Effect":"Allow","Action":"iam:PassRole","Resource":"*","Condition":{"StringEquals":{"iam:PassedToService":"ec2.amazonaws.com"}}}`), want: nil},
		{name: "question mark does not cover star", doc: doc(`{"Effect":"Allow","Action":["s3:Get?bject","s3:Get*bject"],"Resource":"*"}`), want: nil},
		{name: "pass role scoped", doc: doc(`{"Effect":"Allow","Action":["iam:PassRole"],"Resource":"arn:aws:iam::123456789012:role/app"}`), want: nil},
		{name: "empty condition", doc: allow(`,"Condition":{}`), want: []string{"SUGGESTION EMPTY_OBJECT_CONDITION Statement[0].Condition"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, err := policy.Parse([]byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			fs := policy.Validate(p, tt.kind)
			got := codes(fs)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			if tt.msg != "" && !strings.Contains(fs[0].Message, tt.msg) {
				t.Fatalf("message %q does not contain %q", fs[0].Message, tt.msg)
			}
			for i := 1; i < len(fs); i++ {
				if fs[i].Line < fs[i-1].Line || fs[i].Line == fs[i-1].Line && fs[i].Column < fs[i-1].Column {
					t.Fatalf("findings not sorted: %+v", fs)
				}
			}
			for _, f := range fs {
				if f.Line < 1 || f.Column < 1 {
					t.Fatalf("finding without position: %+v", f)
				}
			}
		})
	}
	if len(tests) != 67 {
		t.Fatalf("ran %d cases, want 59", len(tests))
	}
}

func allowRes(res string) string {
	return doc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":` + res + `}`)
}

func TestFindingPositions(t *testing.T) {
	t.Parallel()
	p, err := policy.Parse([]byte("{\"Version\": \"2012-10-17\",\n \"Statement\": [\n  {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\", \"bad\"], \"Resource\": \"*\"}]}"))
	if err != nil {
		t.Fatal(err)
	}
	fs := policy.Validate(p, policy.Identity)
	if len(fs) != 1 || fs[0].Line != 3 || fs[0].Column != 50 || fs[0].Path != "Statement[0].Action[1]" {
		t.Fatalf("got %+v", fs)
	}
}

func TestNames(t *testing.T) {
	t.Parallel()
	for k := policy.Identity; k <= policy.EndpointPolicy; k++ {
		if got, ok := policy.ParseKind(k.String()); !ok || got != k {
			t.Errorf("ParseKind(%q) = %v, %v", k.String(), got, ok)
		}
	}
	if _, ok := policy.ParseKind("user"); ok {
		t.Error("ParseKind accepted user")
	}
	for s, want := range map[policy.Severity]string{policy.SeverityError: "ERROR", policy.SeverityWarning: "WARNING", policy.SeveritySuggestion: "SUGGESTION", 9: "Severity(9)"} {
		if s.String() != want {
			t.Errorf("Severity %d = %q, want %q", s, s.String(), want)
		}
	}
	if policy.AssumedRole.String() != "AssumedRole" || policy.CallerKind(42).String() != "CallerKind(42)" || policy.Kind(42).String() != "Kind(42)" || policy.Effect(0).String() != "" {
		t.Error("String methods")
	}
}
