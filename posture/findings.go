package posture

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/moatdev/moat/asff"
)

// Findings turns the report into Security Hub control findings (ASFF), one
// per control and resource, shaped like the consolidated control findings
// Security Hub itself produces (GeneratorId "security-control/<id>",
// Compliance.SecurityControlId, AssociatedStandards, RelatedRequirements).
// Ids are stable: the same control and resource give the same Id, so a
// re-import updates the finding in place.
func (r *Report) Findings() []asff.Finding {
	var out []asff.Finding
	ts := r.GeneratedAt.UTC().Format(time.RFC3339)
	product := fmt.Sprintf("arn:aws:securityhub:%s::product/aws/securityhub", r.Region)
	for i := range r.Controls {
		cr := &r.Controls[i]
		c := cr.Control
		for _, res := range cr.Results {
			out = append(out, r.finding(c, res, ts, product))
		}
	}
	return out
}

func (r *Report) finding(c *Control, res Result, ts, product string) asff.Finding {
	typ, id := res.ResourceType, res.ResourceID
	if id == "" {
		typ, id = "AwsAccount", "AWS::::Account:"+r.AccountID
	}
	sum := sha256.Sum256([]byte(c.ID + "\x00" + id))
	h := hex.EncodeToString(sum[:16])
	fid := fmt.Sprintf("arn:aws:securityhub:%s:%s:security-control/%s/finding/%s-%s-%s-%s-%s", r.Region, r.AccountID, c.ID, h[:8], h[8:12], h[12:16], h[16:20], h[20:32])
	types := []string{"Software and Configuration Checks/Industry and Regulatory Standards"}
	desc := c.Title + "."
	if res.Reason != "" {
		desc += " " + res.Reason + "."
	}
	comp := &asff.Compliance{Status: string(res.Status), SecurityControlId: c.ID}
	for _, q := range c.Requirements {
		comp.AssociatedStandards = append(comp.AssociatedStandards, asff.AssociatedStandard{StandardsId: "standards/" + q.Standard})
		if q.Standard != StandardFSBP {
			comp.RelatedRequirements = append(comp.RelatedRequirements, StandardNames[q.Standard]+"/"+q.ID)
		}
	}
	if res.Reason != "" {
		comp.StatusReasons = []asff.StatusReason{{ReasonCode: reasonCode(res.Status), Description: truncate(res.Reason, 1024)}}
	}
	workflow := "NEW"
	if res.Status == Passed {
		workflow = "RESOLVED" // Security Hub resolves passed control findings itself
	}
	norm := asff.NormalizedForLabel(c.Severity)
	f := asff.Finding{
		SchemaVersion: asff.SchemaVersion, Id: fid, ProductArn: product, GeneratorId: "security-control/" + c.ID,
		AwsAccountId: r.AccountID, Types: types, CreatedAt: ts, UpdatedAt: ts, FirstObservedAt: ts, LastObservedAt: ts,
		Severity: &asff.Severity{Label: c.Severity, Normalized: &norm, Original: c.Severity},
		Title:    truncate(c.ID+" "+c.Title, 256), Description: truncate(desc, 1024),
		ProductName: "Security Hub", CompanyName: "AWS", Region: r.Region,
		Compliance: comp, Workflow: &asff.Workflow{Status: workflow}, RecordState: "ACTIVE",
		FindingProviderFields: &asff.FindingProviderFields{Severity: &asff.FindingProviderSeverity{Label: c.Severity, Original: c.Severity}, Types: types},
		Resources:             []asff.Resource{{Type: typ, Id: id, Partition: "aws", Region: r.Region}},
		ProductFields:         map[string]string{"aws/securityhub/ProductName": "Security Hub", "aws/securityhub/CompanyName": "AWS", "moat/generator": "moat posture"},
	}
	if c.Remediation != "" {
		f.Remediation = &asff.Remediation{Recommendation: &asff.Recommendation{Text: truncate(c.Remediation, 512), Url: c.RemediationURL}}
	}
	return f
}

// reasonCode is moat's StatusReason code; AWS's own codes come from AWS
// Config evaluations (CONFIG_EVALUATIONS_EMPTY, ...), which posture does not run.
func reasonCode(s Status) string {
	switch s {
	case NotAvailable:
		return "MOAT_INPUT_MISSING"
	case Warning:
		return "MOAT_NEEDS_REVIEW"
	}
	return "MOAT_EVALUATION"
}

func truncate(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return strings.TrimSpace(string([]rune(s)[:n-1])) + "…"
}
