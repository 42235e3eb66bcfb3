package asff

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
)

// CustomerChanged records which top-level attributes a customer has set with
// BatchUpdateFindings. From then on a provider's BatchImportFindings no longer
// changes them (it still updates FindingProviderFields) [doc: "Using
// FindingProviderFields" in the user guide]. A store keeps it with the finding.
type CustomerChanged struct {
	Confidence, Criticality, RelatedFindings, Severity, Types bool
}

// MergeImport applies a provider's BatchImportFindings of a finding that
// already exists (same Id and ProductArn) as Security Hub does [doc:
// finding-update-batchimportfindings]:
//
//   - an update whose UpdatedAt is not later than the stored one is ignored
//     (applied is false);
//   - Note, UserDefinedFields, VerificationState and Workflow stay the
//     customer's;
//   - FindingProviderFields take the provider's values (from the incoming
//     FindingProviderFields, or from its top-level copies when it sent none);
//     the top-level Confidence, Criticality, RelatedFindings, Severity and
//     Types follow them unless the customer changed them (changed);
//   - Workflow.Status goes back from NOTIFIED or RESOLVED to NEW when
//     RecordState goes ARCHIVED → ACTIVE or Compliance.Status goes PASSED →
//     WARNING, FAILED or NOT_AVAILABLE [doc: SDK types.WorkflowUpdate].
//
// Neither argument is modified; incoming must have passed Validate.
func MergeImport(existing, incoming *Finding, changed CustomerChanged) (merged Finding, applied bool) {
	if !later(incoming.UpdatedAt, existing.UpdatedAt) {
		return clone(existing), false
	}
	merged = clone(incoming)
	Normalize(&merged)
	merged.Note, merged.UserDefinedFields, merged.VerificationState = existing.Note, existing.UserDefinedFields, existing.VerificationState
	merged.Workflow, merged.WorkflowState = existing.Workflow, existing.WorkflowState
	if changed.Confidence {
		merged.Confidence = existing.Confidence
	}
	if changed.Criticality {
		merged.Criticality = existing.Criticality
	}
	if changed.RelatedFindings {
		merged.RelatedFindings = existing.RelatedFindings
	}
	if changed.Severity {
		merged.Severity = existing.Severity
	}
	if changed.Types {
		merged.Types = existing.Types
	}
	if resetsWorkflow(existing, &merged) {
		merged.Workflow = &Workflow{Status: "NEW"}
	}
	return merged, true
}

func resetsWorkflow(old, nw *Finding) bool {
	if old.Workflow == nil || (old.Workflow.Status != "NOTIFIED" && old.Workflow.Status != "RESOLVED") {
		return false
	}
	if old.RecordState == "ARCHIVED" && nw.RecordState == "ACTIVE" {
		return true
	}
	if old.Compliance != nil && old.Compliance.Status == "PASSED" && nw.Compliance != nil {
		switch nw.Compliance.Status {
		case "WARNING", "FAILED", "NOT_AVAILABLE":
			return true
		}
	}
	return false
}

func later(a, b string) bool {
	ta, errA := ParseTime(a)
	tb, errB := ParseTime(b)
	if errA != nil || errB != nil {
		return a > b
	}
	return ta.After(tb)
}

// clone deep-copies a finding through JSON (findings are at most 240 KB).
func clone(f *Finding) Finding {
	b, err := json.Marshal(f)
	if err != nil {
		panic("asff: clone: " + err.Error())
	}
	var out Finding
	if err := json.Unmarshal(b, &out); err != nil {
		panic("asff: clone: " + err.Error())
	}
	return out
}

// BatchUpdate is the customer's part of a BatchUpdateFindings request (the
// fields a customer may change [doc: API reference BatchUpdateFindings]).
type BatchUpdate struct {
	Confidence        *int32            `json:"Confidence,omitempty"`
	Criticality       *int32            `json:"Criticality,omitempty"`
	Note              *NoteUpdate       `json:"Note,omitempty"`
	RelatedFindings   []RelatedFinding  `json:"RelatedFindings,omitempty"`
	Severity          *SeverityUpdate   `json:"Severity,omitempty"`
	Types             []string          `json:"Types,omitempty"`
	UserDefinedFields map[string]string `json:"UserDefinedFields,omitempty"`
	VerificationState string            `json:"VerificationState,omitempty"`
	Workflow          *WorkflowUpdate   `json:"Workflow,omitempty"`
}

// NoteUpdate is BatchUpdateFindings' Note: both members required.
type NoteUpdate struct {
	Text      string `json:"Text"`
	UpdatedBy string `json:"UpdatedBy"`
}

// SeverityUpdate is BatchUpdateFindings' Severity.
type SeverityUpdate struct {
	Label      string   `json:"Label,omitempty"`
	Normalized *int32   `json:"Normalized,omitempty"`
	Product    *float64 `json:"Product,omitempty"`
}

// WorkflowUpdate is BatchUpdateFindings' Workflow.
type WorkflowUpdate struct {
	Status string `json:"Status"`
}

// ValidateUpdate checks a BatchUpdateFindings update; the messages name the
// member. AWS answers such errors with InvalidInputException for the whole
// request; the wording is moat's.
func ValidateUpdate(u *BatchUpdate) []string {
	v := &validator{}
	v.score(".Confidence", u.Confidence)
	v.score(".Criticality", u.Criticality)
	if n := u.Note; n != nil {
		v.length(".Note.Text", n.Text, 1, 512)
		v.length(".Note.UpdatedBy", n.UpdatedBy, 1, 512)
	}
	if s := u.Severity; s != nil {
		if s.Label == "" && s.Normalized == nil && s.Product == nil {
			v.add(".Severity", "should have Label, Normalized or Product")
		}
		v.optEnum(".Severity.Label", s.Label, severityLabels)
		v.score(".Severity.Normalized", s.Normalized)
	}
	validateTypes(v, ".Types", u.Types)
	v.items(".RelatedFindings", len(u.RelatedFindings), 0, 10)
	if len(u.UserDefinedFields) > 50 {
		v.add(".UserDefinedFields", "should NOT have more than 50 properties")
	}
	v.optEnum(".VerificationState", u.VerificationState, verificationStates)
	if u.Workflow != nil {
		v.enum(".Workflow.Status", u.Workflow.Status, workflowStatuses)
	}
	if u.Confidence == nil && u.Criticality == nil && u.Note == nil && u.RelatedFindings == nil && u.Severity == nil &&
		u.Types == nil && u.UserDefinedFields == nil && u.VerificationState == "" && u.Workflow == nil {
		v.add("", "should update at least one field")
	}
	return v.issues
}

// ApplyUpdate applies a validated BatchUpdateFindings update to f in place
// and returns which provider-shared attributes the customer now owns. It
// does not change UpdatedAt (AWS: "updates don't affect existing values for
// the UpdatedAt field"); Note.UpdatedAt is set to now. UserDefinedFields are
// merged into the existing ones, and a key sent with an empty value is
// removed [inferred: AWS does not document merge versus replace].
func ApplyUpdate(f *Finding, u *BatchUpdate, changed CustomerChanged, now time.Time) CustomerChanged {
	if u.Confidence != nil {
		f.Confidence, changed.Confidence = u.Confidence, true
	}
	if u.Criticality != nil {
		f.Criticality, changed.Criticality = u.Criticality, true
	}
	if u.Note != nil {
		f.Note = &Note{Text: u.Note.Text, UpdatedBy: u.Note.UpdatedBy, UpdatedAt: now.UTC().Format(time.RFC3339Nano)}
	}
	if u.RelatedFindings != nil {
		f.RelatedFindings, changed.RelatedFindings = slices.Clone(u.RelatedFindings), true
	}
	if u.Severity != nil {
		f.Severity, changed.Severity = updatedSeverity(f.Severity, u.Severity), true
	}
	if u.Types != nil {
		f.Types, changed.Types = slices.Clone(u.Types), true
	}
	if u.UserDefinedFields != nil {
		f.UserDefinedFields = mergeFields(f.UserDefinedFields, u.UserDefinedFields)
	}
	if u.VerificationState != "" {
		f.VerificationState = u.VerificationState
	}
	if u.Workflow != nil {
		f.Workflow = &Workflow{Status: u.Workflow.Status}
	}
	return changed
}

// updatedSeverity applies a SeverityUpdate: a Normalized without Label sets
// the Label as AWS maps it, a Label without Normalized sets Normalized.
func updatedSeverity(old *Severity, s *SeverityUpdate) *Severity {
	ns := Severity{}
	if old != nil {
		ns = *old
	}
	if s.Normalized != nil {
		n := *s.Normalized
		ns.Normalized = &n
		if s.Label == "" {
			ns.Label = LabelForNormalized(n)
		}
	}
	if s.Label != "" {
		ns.Label = s.Label
		if s.Normalized == nil {
			n := NormalizedForLabel(s.Label)
			ns.Normalized = &n
		}
	}
	if s.Product != nil {
		p := *s.Product
		ns.Product = &p
	}
	return &ns
}

// mergeFields merges update into a copy of old; an empty value removes the key.
func mergeFields(old, update map[string]string) map[string]string {
	m := maps.Clone(old)
	if m == nil {
		m = map[string]string{}
	}
	for k, v := range update {
		if v == "" {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	return m
}

// ParseBatchUpdate decodes a BatchUpdateFindings request body: the finding
// identifiers (1 to 100) and the update.
func ParseBatchUpdate(body []byte) ([]RelatedFinding, *BatchUpdate, error) {
	var req struct {
		FindingIdentifiers []RelatedFinding `json:"FindingIdentifiers"`
		BatchUpdate
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, nil, jsonRequestError(body, err)
	}
	if n := len(req.FindingIdentifiers); n < 1 || n > MaxImportFindings {
		return nil, nil, &RequestError{Code: "InvalidInputException", Path: "FindingIdentifiers",
			Message: fmt.Sprintf("1 validation error detected: Value at 'findingIdentifiers' failed to satisfy constraint: Member must have length between 1 and 100 (got %d)", n)}
	}
	for i, id := range req.FindingIdentifiers {
		if id.Id == "" || id.ProductArn == "" {
			return nil, nil, &RequestError{Code: "InvalidInputException", Path: fmt.Sprintf("FindingIdentifiers[%d]", i), Message: "Id and ProductArn are required"}
		}
	}
	if issues := ValidateUpdate(&req.BatchUpdate); len(issues) > 0 {
		return nil, nil, &RequestError{Code: "InvalidInputException", Message: fmt.Sprintf("invalid update: %v", issues)}
	}
	return req.FindingIdentifiers, &req.BatchUpdate, nil
}
