package asff

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of BatchImportFindings [doc: API reference BatchImportFindings and
// the partner guide "Guidelines for using the BatchImportFindings API"].
const (
	MaxImportFindings = 100        // findings per request
	MaxFindingSize    = 240 * 1024 // bytes per finding ("240 Kb")
	MaxImportBodySize = 6 << 20    // "up to 6 MB per batch"
)

// ErrCodeInvalidInput is the ErrorCode AWS puts in FailedFindings for a
// finding that does not match the ASFF schema (observed in public reports of
// real responses, e.g. aquasecurity/kube-bench#903, prowler-cloud/prowler#778).
const ErrCodeInvalidInput = "InvalidInput"

// ImportFindingsError is one entry of BatchImportFindings' FailedFindings.
type ImportFindingsError struct {
	Id           string `json:"Id"`
	ErrorCode    string `json:"ErrorCode"`
	ErrorMessage string `json:"ErrorMessage"`
}

// RequestError is an error about the whole request (AWS answers it with an
// HTTP 400 InvalidInputException instead of per-finding errors). Line and
// Column locate the problem in the request body when it is known.
type RequestError struct {
	Code         string // "InvalidInputException"
	Line, Column int
	Path         string
	Message      string
	Err          error
}

func (e *RequestError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d, column %d: ", e.Line, e.Column)
	}
	if e.Path != "" {
		b.WriteString(e.Path + ": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

func (e *RequestError) Unwrap() error { return e.Err }

// ImportResult is what BatchImportFindings decided for each finding of a
// request: the accepted findings in request order and the rejected ones.
type ImportResult struct {
	Findings       []Finding
	FailedFindings []ImportFindingsError
}

// ParseBatchImport reads a BatchImportFindings request body ({"Findings":
// [...]}) and validates each finding on its own, the way AWS does: a bad
// finding goes to FailedFindings and does not stop the others. Only a body
// that is not JSON, lacks Findings, or holds more than MaxImportFindings
// findings fails the whole request with a *RequestError.
func ParseBatchImport(body []byte) (*ImportResult, error) {
	if len(body) > MaxImportBodySize {
		return nil, &RequestError{Code: "InvalidInputException", Message: fmt.Sprintf("request body is %d bytes, over the 6 MB limit", len(body))}
	}
	var req struct {
		Findings *[]json.RawMessage `json:"Findings"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		return nil, jsonRequestError(body, err)
	}
	if req.Findings == nil {
		return nil, &RequestError{Code: "InvalidInputException", Path: "Findings", Message: "missing required member Findings"}
	}
	return importRaw(*req.Findings)
}

// ParseFindings reads a JSON array of findings (the form `aws securityhub
// batch-import-findings --findings file://x.json` takes) and validates each.
func ParseFindings(data []byte) (*ImportResult, error) {
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, jsonRequestError(data, err)
	}
	return importRaw(raw)
}

func importRaw(raw []json.RawMessage) (*ImportResult, error) {
	if len(raw) < 1 || len(raw) > MaxImportFindings {
		// AWS's Smithy-style length constraint message [inferred wording].
		return nil, &RequestError{Code: "InvalidInputException", Path: "Findings",
			Message: fmt.Sprintf("1 validation error detected: Value at 'findings' failed to satisfy constraint: Member must have length between 1 and %d (got %d)", MaxImportFindings, len(raw))}
	}
	res := &ImportResult{Findings: make([]Finding, 0, len(raw))}
	for _, r := range raw {
		f, ferr := decodeOne(r)
		if ferr != nil {
			res.FailedFindings = append(res.FailedFindings, *ferr)
			continue
		}
		res.Findings = append(res.Findings, f)
	}
	return res, nil
}

func decodeOne(r json.RawMessage) (Finding, *ImportFindingsError) {
	var f Finding
	id := peekID(r)
	if len(r) > MaxFindingSize {
		// AWS: "An error is returned for any finding larger than 240 Kb"; the code and wording are moat's.
		return f, &ImportFindingsError{Id: id, ErrorCode: ErrCodeInvalidInput,
			ErrorMessage: fmt.Sprintf("Finding size %d bytes exceeds the maximum of %d bytes (240 KB).", len(r), MaxFindingSize)}
	}
	if err := json.Unmarshal(r, &f); err != nil {
		return f, &ImportFindingsError{Id: id, ErrorCode: ErrCodeInvalidInput, ErrorMessage: formatIssues([]string{typeIssue(err)})}
	}
	if issues := Validate(&f); len(issues) > 0 {
		return f, &ImportFindingsError{Id: f.Id, ErrorCode: ErrCodeInvalidInput, ErrorMessage: formatIssues(issues)}
	}
	return f, nil
}

// peekID finds the finding's Id even when the rest does not decode.
func peekID(r json.RawMessage) string {
	var p struct {
		Id json.RawMessage `json:"Id"`
	}
	if json.Unmarshal(r, &p) == nil {
		var s string
		if json.Unmarshal(p.Id, &s) == nil {
			return s
		}
	}
	return ""
}

func formatIssues(issues []string) string {
	return "Finding does not adhere to Amazon Finding Format. " + strings.Join(issues, ", ") + "."
}

func typeIssue(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := te.Type.Kind().String()
		switch want {
		case "struct", "map":
			want = "object"
		case "slice":
			want = "array"
		case "int32", "float64":
			want = "number"
		case "bool":
			want = "boolean"
		}
		p := "data"
		if te.Field != "" {
			p += "." + te.Field
		}
		return p + " should be " + want
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return "data is not valid JSON: " + se.Error()
	}
	return "data " + err.Error()
}

func jsonRequestError(body []byte, err error) error {
	re := &RequestError{Code: "InvalidInputException", Message: "malformed JSON: " + err.Error(), Err: err}
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		re.Line, re.Column = lineCol(body, se.Offset-1)
	case errors.As(err, &te):
		re.Line, re.Column = lineCol(body, te.Offset)
		re.Path = te.Field
		re.Message = fmt.Sprintf("expected %s, got JSON %s", te.Type, te.Value)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		re.Message = "empty request body"
	}
	return re
}

// lineCol turns a byte offset into a 1-based line and column (in characters).
func lineCol(b []byte, off int64) (int, int) {
	if off > int64(len(b)) {
		off = int64(len(b))
	}
	if off < 0 {
		off = 0
	}
	pre := b[:off]
	line := bytes.Count(pre, []byte{'\n'}) + 1
	start := bytes.LastIndexByte(pre, '\n') + 1
	return line, utf8.RuneCount(pre[start:]) + 1
}

// Enumerations AWS defines (SDK types/enums.go).
var (
	severityLabels     = []string{"INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL"}
	complianceStatuses = []string{"PASSED", "WARNING", "FAILED", "NOT_AVAILABLE"}
	workflowStatuses   = []string{"NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED"}
	workflowStates     = []string{"NEW", "ASSIGNED", "IN_PROGRESS", "DEFERRED", "RESOLVED"}
	recordStates       = []string{"ACTIVE", "ARCHIVED"}
	verificationStates = []string{"UNKNOWN", "TRUE_POSITIVE", "FALSE_POSITIVE", "BENIGN_POSITIVE"}
	partitions         = []string{"aws", "aws-cn", "aws-us-gov"}
	networkDirections  = []string{"IN", "OUT"}
	// typesPattern is the pattern AWS reports for Types entries (observed in
	// real FailedFindings messages, prowler-cloud/prowler#2519).
	typesPattern   = regexp.MustCompile(`^([^/]+)(/[^/]+){0,2}$`)
	accountPattern = regexp.MustCompile(`^\d{12}$`)
)

// validator collects ajv-style messages ("data.X should ...") as AWS reports them.
type validator struct{ issues []string }

func (v *validator) add(path, format string, a ...any) {
	v.issues = append(v.issues, "data"+path+" "+fmt.Sprintf(format, a...))
}

func (v *validator) required(path, name string, present bool) {
	if !present {
		v.issues = append(v.issues, "data"+path+" should have required property '"+name+"'")
	}
}

func (v *validator) length(path, s string, lo, hi int) {
	n := utf8.RuneCountInString(s)
	if n < lo {
		v.add(path, "should NOT be shorter than %d characters", lo)
	}
	if hi > 0 && n > hi {
		v.add(path, "should NOT be longer than %d characters", hi)
	}
}

func (v *validator) optLength(path, s string, hi int) {
	if s != "" {
		v.length(path, s, 1, hi)
	}
}

func (v *validator) enum(path, s string, allowed []string) {
	for _, a := range allowed {
		if s == a {
			return
		}
	}
	v.add(path, "should be equal to one of the allowed values")
}

func (v *validator) optEnum(path, s string, allowed []string) {
	if s != "" {
		v.enum(path, s, allowed)
	}
}

func (v *validator) items(path string, n, lo, hi int) {
	if n < lo {
		v.add(path, "should NOT have fewer than %d items", lo)
	}
	if hi > 0 && n > hi {
		v.add(path, "should NOT have more than %d items", hi)
	}
}

func (v *validator) timestamp(path, s string) {
	if s == "" {
		return
	}
	if _, err := ParseTime(s); err != nil {
		v.add(path, `should match format "date-time"`)
	}
}

func (v *validator) score(path string, n *int32) {
	if n != nil && (*n < 0 || *n > 100) {
		v.add(path, "should be <= 100 and >= 0")
	}
}

// ParseTime reads an ASFF timestamp: RFC 3339 with optional fractional
// seconds (AWS: "Timestamps" in the API reference).
func ParseTime(s string) (time.Time, error) {
	return time.Parse(time.RFC3339Nano, s)
}

// Validate checks a finding against the ASFF rules BatchImportFindings
// enforces and returns one message per problem, in AWS's wording ("data.Title
// should NOT be longer than 256 characters"). Limits are from the ASFF
// attribute pages of the Security Hub user guide; where moat checks a limit
// AWS documents but whose exact message is not public, the message follows
// the same schema-validator style.
func Validate(f *Finding) []string {
	v := &validator{}
	v.required("", "SchemaVersion", f.SchemaVersion != "")
	if f.SchemaVersion != "" {
		v.enum(".SchemaVersion", f.SchemaVersion, []string{SchemaVersion})
	}
	v.required("", "Id", f.Id != "")
	v.optLength(".Id", f.Id, 512)
	v.required("", "ProductArn", f.ProductArn != "")
	if f.ProductArn != "" {
		v.length(".ProductArn", f.ProductArn, 12, 2048)
	}
	v.required("", "GeneratorId", f.GeneratorId != "")
	v.optLength(".GeneratorId", f.GeneratorId, 512)
	v.required("", "AwsAccountId", f.AwsAccountId != "")
	if f.AwsAccountId != "" && !accountPattern.MatchString(f.AwsAccountId) {
		v.add(".AwsAccountId", `should match pattern "^\d{12}$"`)
	}
	v.required("", "CreatedAt", f.CreatedAt != "")
	v.timestamp(".CreatedAt", f.CreatedAt)
	v.required("", "UpdatedAt", f.UpdatedAt != "")
	v.timestamp(".UpdatedAt", f.UpdatedAt)
	v.timestamp(".FirstObservedAt", f.FirstObservedAt)
	v.timestamp(".LastObservedAt", f.LastObservedAt)
	v.required("", "Title", f.Title != "")
	v.optLength(".Title", f.Title, 256)
	v.required("", "Description", f.Description != "")
	v.optLength(".Description", f.Description, 1024)
	v.optLength(".SourceUrl", f.SourceUrl, 0)
	v.required("", "Resources", f.Resources != nil)
	if f.Resources != nil {
		v.items(".Resources", len(f.Resources), 1, 32)
	}
	for i := range f.Resources {
		validateResource(v, fmt.Sprintf(".Resources[%d]", i), &f.Resources[i])
	}
	validateSeverityAndTypes(v, f)
	validateWorkflowFields(v, f)
	validateOptional(v, f)
	return v.issues
}

func validateResource(v *validator, p string, r *Resource) {
	v.required(p, "Type", r.Type != "")
	v.optLength(p+".Type", r.Type, 256)
	v.required(p, "Id", r.Id != "")
	v.optLength(p+".Id", r.Id, 512)
	v.optEnum(p+".Partition", r.Partition, partitions)
	v.optLength(p+".Region", r.Region, 16)
	if len(r.Tags) > 50 {
		v.add(p+".Tags", "should NOT have more than 50 properties")
	}
}

// validateSeverityAndTypes applies AWS's anyOf: a finding needs Severity and
// Types at the top level, or FindingProviderFields (the form AWS recommends).
func validateSeverityAndTypes(v *validator, f *Finding) {
	top := f.Severity != nil && f.Types != nil
	if !top && f.FindingProviderFields == nil {
		v.issues = append(v.issues, "data should have required property 'FindingProviderFields'", "data should match some schema in anyOf")
	}
	if s := f.Severity; s != nil {
		if s.Label == "" && s.Normalized == nil {
			v.issues = append(v.issues, "data.Severity should have required property 'Label'")
		}
		v.optEnum(".Severity.Label", s.Label, severityLabels)
		v.score(".Severity.Normalized", s.Normalized)
	}
	validateTypes(v, ".Types", f.Types)
	if p := f.FindingProviderFields; p != nil {
		if p.Severity != nil {
			v.optEnum(".FindingProviderFields.Severity.Label", p.Severity.Label, severityLabels)
		}
		validateTypes(v, ".FindingProviderFields.Types", p.Types)
		v.score(".FindingProviderFields.Confidence", p.Confidence)
		v.score(".FindingProviderFields.Criticality", p.Criticality)
		v.items(".FindingProviderFields.RelatedFindings", len(p.RelatedFindings), 0, 10)
	}
}

func validateTypes(v *validator, p string, types []string) {
	v.items(p, len(types), 0, 50)
	for i, t := range types {
		if !typesPattern.MatchString(t) {
			v.add(p+"["+strconv.Itoa(i)+"]", `should match pattern "^([^/]+)(/[^/]+){0,2}$"`)
		}
	}
}

func validateWorkflowFields(v *validator, f *Finding) {
	if f.Workflow != nil {
		v.optEnum(".Workflow.Status", f.Workflow.Status, workflowStatuses)
	}
	v.optEnum(".WorkflowState", f.WorkflowState, workflowStates)
	v.optEnum(".RecordState", f.RecordState, recordStates)
	v.optEnum(".VerificationState", f.VerificationState, verificationStates)
	if n := f.Note; n != nil {
		v.required(".Note", "Text", n.Text != "")
		v.optLength(".Note.Text", n.Text, 512)
		v.required(".Note", "UpdatedBy", n.UpdatedBy != "")
		v.optLength(".Note.UpdatedBy", n.UpdatedBy, 512)
		v.required(".Note", "UpdatedAt", n.UpdatedAt != "")
		v.timestamp(".Note.UpdatedAt", n.UpdatedAt)
	}
	if c := f.Compliance; c != nil {
		v.optEnum(".Compliance.Status", c.Status, complianceStatuses)
		v.items(".Compliance.RelatedRequirements", len(c.RelatedRequirements), 0, 32)
	}
}

func validateOptional(v *validator, f *Finding) {
	v.score(".Confidence", f.Confidence)
	v.score(".Criticality", f.Criticality)
	if r := f.Remediation; r != nil && r.Recommendation != nil {
		v.length(".Remediation.Recommendation.Text", r.Recommendation.Text, 1, 512)
	}
	if len(f.ProductFields) > 50 {
		v.add(".ProductFields", "should NOT have more than 50 properties")
	}
	if len(f.UserDefinedFields) > 50 {
		v.add(".UserDefinedFields", "should NOT have more than 50 properties")
	}
	v.items(".RelatedFindings", len(f.RelatedFindings), 0, 10)
	v.items(".Malware", len(f.Malware), 0, 5)
	v.items(".ThreatIntelIndicators", len(f.ThreatIntelIndicators), 0, 5)
	if n := f.Network; n != nil {
		v.optEnum(".Network.Direction", n.Direction, networkDirections)
	}
}
