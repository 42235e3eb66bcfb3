package asff_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/moatdev/moat/asff"
)

func TestToOCSF(t *testing.T) {
	t.Parallel()
	fs := loadFindings(t)
	classes := map[string]int{"f1": 2003, "f2": 2003, "f3": 2004, "f4": 2006, "f5": 2003, "f6": 2002}
	for _, f := range fs {
		o := asff.ToOCSF(f)
		if o.ClassUID != classes[f.Id] {
			t.Errorf("%s: class %d, want %d", f.Id, o.ClassUID, classes[f.Id])
		}
		if o.TypeUID != o.ClassUID*100+o.ActivityID || o.CategoryUID != 2 || o.Metadata.Version != asff.OCSFVersion || o.FindingInfo.UID != f.Id {
			t.Errorf("%s: %+v", f.Id, o)
		}
	}
	f1 := asff.ToOCSF(fs[0])
	if f1.SeverityID != 5 || f1.Severity != "Critical" || f1.StatusID != 1 || f1.Compliance.StatusID != 3 || f1.Compliance.Control != "IAM.4" ||
		f1.Cloud.Account.UID != "111122223333" || f1.ActivityName != "Update" || f1.Time != 1795860000000 || f1.FindingInfo.CreatedTimeDt != "2026-11-01T00:00:00Z" {
		t.Fatalf("f1: %+v", f1)
	}
	f3 := asff.ToOCSF(fs[2])
	if f3.Evidences[0].SrcEndpoint.IP != "198.51.100.7" || *f3.Evidences[0].DstEndpoint.Port != 22 || f3.Evidences[0].ConnectionInfo.Direction != "Inbound" ||
		*f3.ConfidenceScore != 80 || f3.Unmapped["ProductFields"] == nil {
		t.Fatalf("f3: %+v", f3)
	}
	f4 := asff.ToOCSF(fs[3])
	if f4.ActivityID != 3 || f4.StatusID != 4 || f4.Comment != "false alarm, test data" || len(f4.Resources) != 2 {
		t.Fatalf("f4: %+v", f4)
	}
	f6 := asff.ToOCSF(fs[5])
	if f6.Vulnerabilities[0].CVE.UID != "CVE-2026-0001" || !*f6.Vulnerabilities[0].IsFixAvailable || *f6.Vulnerabilities[0].IsExploitAvailable || f6.ActivityID != 1 {
		t.Fatalf("f6: %+v", f6.Vulnerabilities)
	}
	b, err := json.Marshal(asff.ToOCSF(fs[1]))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"class_name":"Compliance Finding"`, `"tags":[{"name":"env","value":"prod"},{"name":"team","value":"payments"}]`, `"status":"In Progress"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("OCSF JSON lacks %s: %s", want, b)
		}
	}
}
