package posture

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/moatdev/moat/asff"
)

// jsonReport is the --format json document.
type jsonReport struct {
	AccountID   string         `json:"AccountId"`
	GeneratedAt string         `json:"GeneratedAt"`
	Score       *int           `json:"Score"`
	Standards   []jsonStandard `json:"Standards"`
	Controls    []jsonControl  `json:"Controls"`
	Warnings    []string       `json:"Warnings,omitempty"`
}

type jsonStandard struct {
	StandardsArn string `json:"StandardsId"`
	Name         string `json:"Name"`
	Score        *int   `json:"Score"`
	Passed       int    `json:"Passed"`
	Failed       int    `json:"Failed"`
	Unknown      int    `json:"Unknown"`
	NoData       int    `json:"NoData"`
}

type jsonControl struct {
	SecurityControlId string        `json:"SecurityControlId"`
	Title             string        `json:"Title"`
	Severity          string        `json:"Severity"`
	Status            ControlStatus `json:"Status"`
	Requirements      []string      `json:"Requirements"`
	Remediation       string        `json:"Remediation,omitempty"`
	RemediationUrl    string        `json:"RemediationUrl,omitempty"`
	Results           []jsonResult  `json:"Results"`
}

type jsonResult struct {
	Status       Status `json:"ComplianceStatus"`
	ResourceType string `json:"ResourceType,omitempty"`
	ResourceId   string `json:"ResourceId,omitempty"`
	Reason       string `json:"Reason,omitempty"`
}

func scorePtr(s int) *int {
	if s < 0 {
		return nil
	}
	return &s
}

// RequirementLabels names a control's requirements ("CIS v3.0.0 1.4", "FSBP").
func (c *Control) RequirementLabels() []string {
	out := make([]string, 0, len(c.Requirements))
	if len(c.Requirements) == 0 {
		return []string{"moat"}
	}
	for _, q := range c.Requirements {
		switch q.Standard {
		case StandardFSBP:
			out = append(out, "FSBP")
		case StandardCIS300:
			out = append(out, "CIS v3.0.0 "+q.ID)
		default:
			out = append(out, "CIS v1.4.0 "+q.ID)
		}
	}
	return out
}

// WriteJSON writes the report as JSON.
func (r *Report) WriteJSON(w io.Writer) error {
	jr := jsonReport{AccountID: r.AccountID, GeneratedAt: r.GeneratedAt.UTC().Format(time.RFC3339), Score: scorePtr(r.Score), Warnings: r.Warnings,
		Standards: []jsonStandard{}, Controls: []jsonControl{}}
	for _, s := range r.Standards {
		jr.Standards = append(jr.Standards, jsonStandard{"standards/" + s.Standard, s.Name, scorePtr(s.Score), s.Passed, s.Failed, s.Unknown, s.NoData})
	}
	for _, cr := range r.Controls {
		jc := jsonControl{SecurityControlId: cr.Control.ID, Title: cr.Control.Title, Severity: cr.Control.Severity, Status: cr.Status,
			Requirements: cr.Control.RequirementLabels(), Remediation: cr.Control.Remediation, RemediationUrl: cr.Control.RemediationURL, Results: []jsonResult{}}
		for _, x := range cr.Results {
			jc.Results = append(jc.Results, jsonResult{x.Status, x.ResourceType, x.ResourceID, x.Reason})
		}
		jr.Controls = append(jr.Controls, jc)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jr)
}

// WriteASFF writes the control findings as a JSON array, the form `aws
// securityhub batch-import-findings --findings file://...` takes (batches of
// at most 100 are the caller's business).
func (r *Report) WriteASFF(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r.Findings())
}

// WriteOCSF writes the control findings converted to OCSF Compliance
// Findings (class 2003), as a JSON array.
func (r *Report) WriteOCSF(w io.Writer) error {
	fs := r.Findings()
	out := make([]asff.OCSFFinding, len(fs))
	for i := range fs {
		out[i] = asff.ToOCSF(&fs[i])
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func fmtScore(s int) string {
	if s < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%d%%", s)
}

// WriteTable prints the score and each failing or unknown control with its
// resources and the fix.
func (r *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Account %s, evaluated %s\n", r.AccountID, r.GeneratedAt.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "Security score: %s\n", fmtScore(r.Score))
	for _, s := range r.Standards {
		fmt.Fprintf(&b, "  %-50s %5s  (%d passed, %d failed, %d unknown, %d no data)\n", s.Name, fmtScore(s.Score), s.Passed, s.Failed, s.Unknown, s.NoData)
	}
	counts := map[ControlStatus]int{}
	for _, st := range []ControlStatus{ControlFailed, ControlUnknown} {
		for _, cr := range r.Controls {
			if cr.Status != st {
				continue
			}
			if counts[st] == 0 {
				fmt.Fprintf(&b, "\n%s controls:\n", st)
			}
			counts[st]++
			writeControl(&b, &cr)
		}
	}
	for _, cr := range r.Controls {
		if cr.Status == ControlPassed || cr.Status == ControlNoData {
			counts[cr.Status]++
		}
	}
	fmt.Fprintf(&b, "\n%d controls failed, %d unknown, %d passed, %d without data (see --format json for why).\n",
		counts[ControlFailed], counts[ControlUnknown], counts[ControlPassed], counts[ControlNoData])
	for _, warn := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", warn)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// maxTableResources bounds the resources listed per control in the table.
const maxTableResources = 20

func writeControl(b *strings.Builder, cr *ControlResult) {
	c := cr.Control
	fmt.Fprintf(b, "  %-8s %-18s %s [%s]\n", c.Severity, c.ID, c.Title, strings.Join(c.RequirementLabels(), ", "))
	n := 0
	for _, x := range cr.Results {
		if x.Status != Failed && x.Status != Warning {
			continue
		}
		n++
		if n > maxTableResources {
			continue
		}
		fmt.Fprintf(b, "           %s %s: %s\n", x.ResourceType, x.ResourceID, x.Reason)
	}
	if n > maxTableResources {
		fmt.Fprintf(b, "           ... and %d more\n", n-maxTableResources)
	}
	if c.Remediation != "" {
		fmt.Fprintf(b, "           fix: %s\n", c.Remediation)
	}
}
