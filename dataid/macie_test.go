package dataid

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestClassification(t *testing.T) {
	t.Parallel()
	var lines []string
	for i := 0; i < 20; i++ {
		lines = append(lines, "visa "+goodCard)
	}
	lines = append(lines, "aws_secret_access_key = "+goodSecret)
	rs := scanAll(t, "f.txt", []byte(strings.Join(lines, "\n")), Limits{})
	if len(rs) != 1 {
		t.Fatalf("%+v", rs)
	}
	c := rs[0].Classification(nil)
	b, _ := json.Marshal(c)
	got := string(b)
	for _, want := range []string{
		`"additionalOccurrences":true`,
		`"category":"CREDENTIALS","detections":[{"count":1,"occurrences":{"lineRanges":[{"end":21,"start":21,"startColumn":25}]},"type":"AWS_CREDENTIALS"}],"totalCount":1`,
		`"category":"FINANCIAL_INFORMATION"`,
		`"count":20`,
		`"status":{"code":"COMPLETE"}`,
		`"customDataIdentifiers":{"detections":[],"totalCount":0}`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %s in\n%s", want, got)
		}
	}
	if n := len(c.SensitiveData[1].Detections[0].Occurrences.LineRanges); n != MaxOccurrencesPerType {
		t.Errorf("%d locations, want %d", n, MaxOccurrencesPerType)
	}
	if ft := rs[0].FindingType(); ft != "SensitiveData:S3Object/Multiple" {
		t.Errorf("finding type %s", ft)
	}
	csv := scanAll(t, "c.csv", []byte("name,ssn\nkim,123-45-6789\n"), Limits{})
	b, _ = json.Marshal(csv[0].Classification(nil))
	if !strings.Contains(string(b), `"cells":[{"cellReference":null,"column":2,"columnName":"ssn","row":2}]`) {
		t.Errorf("csv cells: %s", b)
	}
	if ft := csv[0].FindingType(); ft != "SensitiveData:S3Object/Personal" {
		t.Errorf("finding type %s", ft)
	}
}
