package asff_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/moatdev/moat/asff"
)

func FuzzParseBatchImport(f *testing.F) {
	f.Add([]byte(`{"Findings":[` + goodFinding + `]}`))
	f.Add([]byte(`{"Findings":[{"Id":"x","Resources":"nope"},{}]}`))
	f.Add([]byte(`{"Findings":[{"Resources":[{"Details":{"AwsS3Bucket":{"X":1},"Y":[1]}}]}]}`))
	f.Add([]byte(`{"Findings":`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		res, err := asff.ParseBatchImport(body)
		if err != nil {
			var re *asff.RequestError
			if !errors.As(err, &re) || re.Message == "" {
				t.Fatalf("error %v is not a RequestError with a message", err)
			}
			return
		}
		for _, ff := range res.FailedFindings {
			if ff.ErrorCode == "" || !strings.HasPrefix(ff.ErrorMessage, "Finding") {
				t.Fatalf("bad FailedFinding %+v", ff)
			}
		}
		for i := range res.Findings {
			if issues := asff.Validate(&res.Findings[i]); len(issues) != 0 {
				t.Fatalf("accepted finding has issues %v", issues)
			}
		}
	})
}

func FuzzCompileFilters(f *testing.F) {
	f.Add([]byte(`{"SeverityLabel":[{"Comparison":"EQUALS","Value":"HIGH"}],"UpdatedAt":[{"DateRange":{"Value":7,"Unit":"DAYS"}}]}`))
	f.Add([]byte(`{"ResourceTags":[{"Key":"a","Value":"b","Comparison":"NOT_CONTAINS"}],"Sample":[{"Value":true}]}`))
	f.Add([]byte(`{"NetworkSourceIpV4":[{"Cidr":"10.0.0.0/8"}],"Confidence":[{"Gt":1,"Lte":3}],"Keyword":[{"Value":"x"}]}`))
	f.Add([]byte(`{"Title":[{"Comparison":"PREFIX","Value":""},{"Comparison":"NOT_EQUALS","Value":"a"}]}`))
	findings := loadFindings(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, err := asff.ParseFilters(data)
		if err == nil {
			var c *asff.Filter
			if c, err = asff.Compile(fs, testNow); err == nil {
				for _, fd := range findings {
					c.Match(fd)
				}
				return
			}
		}
		var fe *asff.FilterError
		if !errors.As(err, &fe) || fe.Message == "" {
			t.Fatalf("error %v is not a FilterError with a message", err)
		}
	})
}

func FuzzParseBatchUpdate(f *testing.F) {
	f.Add([]byte(`{"FindingIdentifiers":[{"Id":"a","ProductArn":"p"}],"Workflow":{"Status":"SUPPRESSED"},"Severity":{"Normalized":50},"UserDefinedFields":{"a":""}}`))
	f.Add([]byte(`{"FindingIdentifiers":[{"Id":"a","ProductArn":"p"}],"Note":{"Text":"x","UpdatedBy":"y"},"Types":["TTPs/x"]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ids, u, err := asff.ParseBatchUpdate(body)
		if err != nil {
			var re *asff.RequestError
			if !errors.As(err, &re) || re.Message == "" {
				t.Fatalf("error %v is not a RequestError", err)
			}
			return
		}
		if len(ids) == 0 {
			t.Fatal("no identifiers accepted")
		}
		fd := asff.Finding{Severity: &asff.Severity{Label: "LOW"}}
		asff.ApplyUpdate(&fd, u, asff.CustomerChanged{}, testNow)
		if fd.Severity == nil || (u.Severity != nil && fd.Severity.Label == "") {
			t.Fatalf("severity lost: %+v after %+v", fd.Severity, u.Severity)
		}
	})
}
