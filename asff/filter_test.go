package asff_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/moatdev/moat/asff"
)

var testNow = time.Date(2026, 11, 29, 0, 0, 0, 0, time.UTC)

func ids(t *testing.T, findings []*asff.Finding, filters string) string {
	t.Helper()
	fs, err := asff.ParseFilters([]byte(filters))
	if err != nil {
		t.Fatalf("ParseFilters: %v", err)
	}
	c, err := asff.Compile(fs, testNow)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	var got []string
	for _, f := range findings {
		if c.Match(f) {
			got = append(got, f.Id)
		}
	}
	return strings.Join(got, ",")
}

// The expected ids were worked out by hand from testdata/findings.json.
func TestFilterMatch(t *testing.T) {
	t.Parallel()
	findings := loadFindings(t)
	tests := []struct{ name, filters, want string }{
		{"no filters match all", `{}`, "f1,f2,f3,f4,f5,f6"},
		{"EQUALS", `{"SeverityLabel":[{"Comparison":"EQUALS","Value":"HIGH"}]}`, "f2,f6"},
		{"EQUALS ORed", `{"SeverityLabel":[{"Comparison":"EQUALS","Value":"HIGH"},{"Comparison":"EQUALS","Value":"CRITICAL"}]}`, "f1,f2,f6"},
		{"values are case-sensitive", `{"SeverityLabel":[{"Comparison":"EQUALS","Value":"high"}]}`, ""},
		{"PREFIX on resource type", `{"ResourceType":[{"Comparison":"PREFIX","Value":"AwsEc2"}]}`, "f2,f3"},
		{"PREFIX then NOT_EQUALS (AWS's documented example)", `{"ResourceType":[{"Comparison":"PREFIX","Value":"AwsIam"},{"Comparison":"PREFIX","Value":"AwsEc2"},{"Comparison":"NOT_EQUALS","Value":"AwsEc2SecurityGroup"}]}`, "f3,f5"},
		{"NOT_EQUALS ANDed", `{"WorkflowStatus":[{"Comparison":"NOT_EQUALS","Value":"NEW"},{"Comparison":"NOT_EQUALS","Value":"RESOLVED"}]}`, "f2,f6"},
		{"PREFIX_NOT_EQUALS", `{"ProductName":[{"Comparison":"PREFIX_NOT_EQUALS","Value":"Security"}]}`, "f3,f4,f6"},
		{"CONTAINS", `{"Title":[{"Comparison":"CONTAINS","Value":"SSH"},{"Comparison":"CONTAINS","Value":"root"}]}`, "f1,f3"},
		{"NOT_CONTAINS", `{"Title":[{"Comparison":"NOT_CONTAINS","Value":"IAM"},{"Comparison":"NOT_CONTAINS","Value":"S3"}]}`, "f2,f3,f6"},
		{"list attribute: any value matches", `{"ResourceId":[{"Comparison":"EQUALS","Value":"arn:aws:s3:::demo/customers.csv"}]}`, "f4"},
		{"list attribute: negative needs no value to match", `{"ResourceType":[{"Comparison":"NOT_EQUALS","Value":"AwsS3Object"}]}`, "f1,f2,f3,f5,f6"},
		{"several attributes ANDed", `{"SeverityLabel":[{"Comparison":"EQUALS","Value":"HIGH"}],"WorkflowStatus":[{"Comparison":"EQUALS","Value":"NEW"}]}`, ""},
		{"compliance", `{"ComplianceStatus":[{"Comparison":"EQUALS","Value":"FAILED"}],"ComplianceSecurityControlId":[{"Comparison":"PREFIX","Value":"IAM."}]}`, "f1"},
		{"associated standard", `{"ComplianceAssociatedStandardsId":[{"Comparison":"PREFIX","Value":"standards/cis"}]}`, "f1"},
		{"Types", `{"Type":[{"Comparison":"PREFIX","Value":"TTPs/"}]}`, "f3"},
		{"number Gte", `{"SeverityNormalized":[{"Gte":70}]}`, "f1,f2,f6"},
		{"number range", `{"SeverityNormalized":[{"Gt":0,"Lt":70}]}`, "f3,f4"},
		{"number Eq", `{"Confidence":[{"Eq":80}]}`, "f3"},
		{"number filters ORed", `{"NetworkDestinationPort":[{"Eq":22},{"Eq":443}]}`, "f3,f6"},
		{"number missing attribute fails", `{"ProcessPid":[{"Gte":0}]}`, "f6"},
		{"float attribute", `{"SeverityProduct":[{"Gte":4.5,"Lte":5}]}`, "f3"},
		{"date Start/End", `{"CreatedAt":[{"Start":"2026-11-01T00:00:00Z","End":"2026-11-20T00:00:00Z"}]}`, "f1,f2,f5"},
		{"date WITHIN days", `{"UpdatedAt":[{"DateRange":{"Value":1,"Unit":"DAYS"}}]}`, "f1,f3,f5,f6"},
		{"date OLDER_THAN days", `{"UpdatedAt":[{"DateRange":{"Value":30,"Unit":"DAYS","Comparison":"OLDER_THAN"}}]}`, "f4"},
		{"nested date", `{"NoteUpdatedAt":[{"Start":"2026-09-01T00:00:00Z"}]}`, "f4"},
		{"resource date", `{"ResourceAwsEc2InstanceLaunchedAt":[{"End":"2026-10-31T23:59:59Z"}]}`, "f3"},
		{"IP CIDR", `{"NetworkSourceIpV4":[{"Cidr":"198.51.100.0/24"}]}`, "f3"},
		{"IP list in resource details", `{"ResourceAwsEc2InstanceIpV4Addresses":[{"Cidr":"203.0.113.0/24"}]}`, "f3"},
		{"IPv6", `{"NetworkSourceIpV6":[{"Cidr":"2001:db8::/32"}]}`, "f6"},
		{"IP without prefix length is one address", `{"NetworkDestinationIpV4":[{"Cidr":"192.0.2.44"}]}`, "f6"},
		{"map EQUALS", `{"ResourceTags":[{"Key":"team","Value":"payments","Comparison":"EQUALS"}]}`, "f2"},
		{"map EQUALS ORed", `{"ResourceTags":[{"Key":"team","Value":"payments","Comparison":"EQUALS"},{"Key":"team","Value":"web","Comparison":"EQUALS"}]}`, "f2,f3"},
		{"map NOT_EQUALS passes a missing key", `{"ResourceTags":[{"Key":"team","Value":"payments","Comparison":"NOT_EQUALS"}]}`, "f1,f3,f4,f5,f6"},
		{"map CONTAINS", `{"ProductFields":[{"Key":"aws/guardduty/service/count","Value":"1","Comparison":"CONTAINS"}]}`, "f3"},
		{"map NOT_CONTAINS", `{"UserDefinedFields":[{"Key":"ticket","Value":"SEC","Comparison":"NOT_CONTAINS"}]}`, "f1,f2,f3,f5,f6"},
		{"ResourceDetailsOther", `{"ResourceDetailsOther":[{"Key":"cluster","Value":"prod-eks","Comparison":"EQUALS"}]}`, "f6"},
		{"boolean true", `{"Sample":[{"Value":true}]}`, "f3"},
		{"boolean false includes absent", `{"Sample":[{"Value":false}]}`, "f1,f2,f4,f5,f6"},
		{"keyword (deprecated)", `{"Keyword":[{"Value":"brute force"}]}`, "f3"},
		{"malware", `{"MalwareName":[{"Comparison":"EQUALS","Value":"EvilBot"}],"MalwareType":[{"Comparison":"EQUALS","Value":"TROJAN"}]}`, "f6"},
		{"threat intel", `{"ThreatIntelIndicatorCategory":[{"Comparison":"EQUALS","Value":"EXFILTRATION_SITE"}]}`, "f6"},
		{"vulnerabilities", `{"VulnerabilitiesFixAvailable":[{"Comparison":"EQUALS","Value":"YES"}]}`, "f6"},
		{"process", `{"ProcessName":[{"Comparison":"EQUALS","Value":"curl"}],"ProcessPath":[{"Comparison":"PREFIX","Value":"/usr/"}]}`, "f6"},
		{"container", `{"ResourceContainerImageName":[{"Comparison":"PREFIX","Value":"nginx"}]}`, "f6"},
		{"access key", `{"ResourceAwsIamAccessKeyPrincipalName":[{"Comparison":"EQUALS","Value":"bob"}],"ResourceAwsIamAccessKeyStatus":[{"Comparison":"EQUALS","Value":"Active"}]}`, "f5"},
		{"bucket owner", `{"ResourceAwsS3BucketOwnerName":[{"Comparison":"EQUALS","Value":"owner1"}]}`, "f4"},
		{"note text", `{"NoteText":[{"Comparison":"CONTAINS","Value":"false alarm"}]}`, "f4"},
		{"record state and account", `{"RecordState":[{"Comparison":"EQUALS","Value":"ACTIVE"}],"AwsAccountId":[{"Comparison":"NOT_EQUALS","Value":"111122223333"}]}`, ""},
		{"typical triage filter", `{"SeverityLabel":[{"Comparison":"EQUALS","Value":"HIGH"},{"Comparison":"EQUALS","Value":"CRITICAL"}],"WorkflowStatus":[{"Comparison":"EQUALS","Value":"NEW"}],"ResourceId":[{"Comparison":"PREFIX","Value":"AWS::::Account"}]}`, "f1"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(t, findings, tc.filters); got != tc.want {
				t.Fatalf("matched %q, want %q", got, tc.want)
			}
		})
	}
	if len(tests) != 50 {
		t.Fatalf("%d cases, want 50", len(tests))
	}
}

func TestFilterErrors(t *testing.T) {
	t.Parallel()
	many := `{` + strings.Repeat(`"Title":[],`, 0)
	for i, a := range []string{"Id", "Title", "Region", "AwsAccountId", "ProductArn", "GeneratorId", "Description", "CompanyName", "ProductName", "SourceUrl", "Type"} {
		if i > 0 {
			many += ","
		}
		many += `"` + a + `":[]`
	}
	many += `}`
	twentyOne := `{"Id":[` + strings.TrimSuffix(strings.Repeat(`{"Comparison":"EQUALS","Value":"x"},`, 21), ",") + `]}`
	tests := []struct{ name, filters, want string }{
		{"unknown attribute with suggestion", `{"SeverityLable":[]}`, `Filters.SeverityLable: unknown filter attribute (did you mean SeverityLabel?)`},
		{"wrong filter type", `{"SeverityNormalized":[{"Comparison":"EQUALS","Value":"x"}]}`, `Filters.SeverityNormalized[0]: a NumberFilter needs one of Eq`},
		{"not an array", `{"Title":{"Comparison":"EQUALS"}}`, `Filters.Title: expected an array of StringFilter`},
		{"bad comparison", `{"Title":[{"Comparison":"LIKE","Value":"x"}]}`, `Filters.Title[0]: Comparison "LIKE"`},
		{"CONTAINS_WORD is V2 only", `{"Title":[{"Comparison":"CONTAINS_WORD","Value":"x"}]}`, `only in the V2 APIs`},
		{"missing value", `{"Title":[{"Comparison":"EQUALS"}]}`, `Filters.Title[0]: a StringFilter needs Value`},
		{"EQUALS with NOT_EQUALS", `{"Title":[{"Comparison":"EQUALS","Value":"a"},{"Comparison":"NOT_EQUALS","Value":"b"}]}`, `EQUALS cannot be combined`},
		{"EQUALS with PREFIX_NOT_EQUALS", `{"Title":[{"Comparison":"EQUALS","Value":"a"},{"Comparison":"PREFIX_NOT_EQUALS","Value":"b"}]}`, `EQUALS cannot be combined`},
		{"CONTAINS with EQUALS", `{"Title":[{"Comparison":"CONTAINS","Value":"a"},{"Comparison":"EQUALS","Value":"b"}]}`, `CONTAINS filters can only be combined`},
		{"CONTAINS with NOT_CONTAINS", `{"Title":[{"Comparison":"CONTAINS","Value":"a"},{"Comparison":"NOT_CONTAINS","Value":"b"}]}`, `filters can only be combined`},
		{"map EQUALS with NOT_EQUALS", `{"ResourceTags":[{"Key":"a","Value":"a","Comparison":"EQUALS"},{"Key":"a","Value":"b","Comparison":"NOT_EQUALS"}]}`, `EQUALS cannot be combined`},
		{"map without key", `{"ResourceTags":[{"Value":"a","Comparison":"EQUALS"}]}`, `needs Key and Value`},
		{"map bad comparison", `{"ResourceTags":[{"Key":"a","Value":"a","Comparison":"PREFIX"}]}`, `Comparison "PREFIX"`},
		{"bad date", `{"CreatedAt":[{"Start":"yesterday"}]}`, `Filters.CreatedAt[0]: Start "yesterday" is not an RFC 3339 timestamp`},
		{"date range and start", `{"CreatedAt":[{"Start":"2026-01-01T00:00:00Z","DateRange":{"Value":1,"Unit":"DAYS"}}]}`, `not both`},
		{"date range unit", `{"CreatedAt":[{"DateRange":{"Value":1,"Unit":"HOURS"}}]}`, `expected DAYS`},
		{"date range comparison", `{"CreatedAt":[{"DateRange":{"Value":1,"Unit":"DAYS","Comparison":"NEWER"}}]}`, `expected WITHIN or OLDER_THAN`},
		{"empty date filter", `{"CreatedAt":[{}]}`, `needs Start, End or DateRange`},
		{"bad cidr", `{"NetworkSourceIpV4":[{"Cidr":"10.0.0.0/33"}]}`, `Cidr "10.0.0.0/33" is not a CIDR block`},
		{"bool without value", `{"Sample":[{}]}`, `needs Value`},
		{"keyword without value", `{"Keyword":[{}]}`, `needs Value`},
		{"too many attributes", many, `11 attributes given; at most 10`},
		{"too many values", twentyOne, `21 filter values given; at most 20`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := asff.ParseFilters([]byte(tc.filters))
			if err == nil {
				_, err = asff.Compile(fs, testNow)
			}
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			var fe *asff.FilterError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T is not a *FilterError", err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestParseFiltersMalformed(t *testing.T) {
	t.Parallel()
	_, err := asff.ParseFilters([]byte("{\n  \"Title\": [,]\n}"))
	if err == nil || !strings.Contains(err.Error(), "line 2, column 13") {
		t.Fatalf("error %v does not locate line 2, column 13", err)
	}
}

func TestFilterAttributesComplete(t *testing.T) {
	t.Parallel()
	// AwsSecurityFindingFilters has 104 attributes in SDK service/securityhub v1.71.2.
	if n := len(asff.FilterAttributes()); n != 104 {
		t.Fatalf("%d filter attributes, want 104", n)
	}
}

func TestNilFilterMatchesAll(t *testing.T) {
	t.Parallel()
	var c *asff.Filter
	if !c.Match(&asff.Finding{}) {
		t.Fatal("nil filter must match")
	}
}
