package dataid

import (
	"bytes"
	"unicode/utf8"
)

// Occurrence is one reported occurrence of sensitive data. Positions are
// within the innermost member: ByteOffset/ByteLength in its bytes (after
// UTF-16 transcoding, see Encoding), Line and Column 1-based, Column counted
// in characters like Macie's lineRanges.startColumn. Cell is set for CSV/TSV,
// Record for JSON and JSON Lines.
type Occurrence struct {
	Path       string   `json:"path"`
	Identifier string   `json:"identifier"`
	Category   Category `json:"category"`
	ByteOffset int64    `json:"byteOffset"`
	ByteLength int      `json:"byteLength"`
	Line       int      `json:"line"`
	Column     int      `json:"column"`
	Severity   Severity `json:"severity"`
	Cell       *Cell    `json:"cell,omitempty"`
	Record     *Record  `json:"record,omitempty"`
}

// Cell is Macie's cells occurrence: 1-based row (the header is row 1) and column.
type Cell struct {
	Row           int    `json:"row"`
	Column        int    `json:"column"`
	ColumnName    string `json:"columnName,omitempty"`
	CellReference string `json:"cellReference,omitempty"` // xlsx only: "Sheet2!C5"
}

// Record is Macie's records occurrence: recordIndex is 0 for JSON and the
// 0-based line for JSON Lines; jsonPath is cut to 250 characters as in Macie.
type Record struct {
	RecordIndex int    `json:"recordIndex"`
	JSONPath    string `json:"jsonPath"`
}

// Status codes and reasons of a classification result, as Macie names them
// (ClassificationResultStatus); moat adds ARCHIVE_EXPANSION_RATIO_OVER_LIMIT.
const (
	StatusComplete = "COMPLETE"
	StatusPartial  = "PARTIAL"
	StatusSkipped  = "SKIPPED"

	ReasonUnsupportedType    = "UNSUPPORTED_FILE_TYPE_EXCEPTION"
	ReasonMalformed          = "MALFORMED_FILE"
	ReasonSizeLimit          = "FILE_EXCEEDS_SIZE_LIMIT"
	ReasonArchiveNesting     = "ARCHIVE_NESTING_LEVEL_OVER_LIMIT"
	ReasonArchiveUnprocessed = "ARCHIVE_CONTAINS_UNPROCESSED_FILES"
	ReasonArchiveRatio       = "ARCHIVE_EXPANSION_RATIO_OVER_LIMIT"
	ReasonArchiveTotal       = "ARCHIVE_TOTAL_SIZE_OVER_LIMIT"
	ReasonJSONNesting        = "JSON_NESTING_LEVEL_OVER_LIMIT"
	ReasonPermissionDenied   = "PERMISSION_DENIED"
	ReasonInvalidUTF8        = "INVALID_UTF8"
)

// Result is the outcome for one file or archive member.
type Result struct {
	Path        string       `json:"path"`
	MimeType    string       `json:"mimeType"`
	Size        int64        `json:"size"`
	Status      string       `json:"status"`
	Reason      string       `json:"reason,omitempty"`
	Detail      string       `json:"detail,omitempty"` // what and where, for a human
	Severity    Severity     `json:"severity,omitempty"`
	Occurrences []Occurrence `json:"occurrences,omitempty"`
}

// mark records a problem: the first reason wins, COMPLETE becomes status.
func (r *Result) mark(status, reason, detail string) {
	if r.Reason == "" {
		r.Reason, r.Detail = reason, detail
	}
	if r.Status != StatusSkipped {
		r.Status = status
	}
}

// lineIndex turns increasing byte offsets into 1-based line and character column.
type lineIndex struct {
	b               []byte
	off, line, from int // scanned up to off; line number at off; start of that line
}

func newLineIndex(b []byte) *lineIndex { return &lineIndex{b: b, line: 1} }

func (x *lineIndex) at(pos int) (line, col int) {
	if pos < x.off {
		x.off, x.line, x.from = 0, 1, 0
	}
	for i := x.off; i < pos; {
		j := bytes.IndexByte(x.b[i:pos], '\n')
		if j < 0 {
			break
		}
		x.line++
		x.from = i + j + 1
		i = x.from
	}
	x.off = pos
	return x.line, utf8.RuneCount(x.b[x.from:pos]) + 1
}

// managedSeverity is the severity of a sensitive data finding for n
// occurrences of one category. [unverified] Macie documents that severity
// depends on the category and the number of occurrences; the thresholds here
// (credentials and financial: High from one occurrence; personal: Low for 1,
// Medium for 2-99, High from 100) are moat's reading, not AWS's table.
func managedSeverity(c Category, n int) Severity {
	switch {
	case n == 0:
		return ""
	case c == Credentials || c == FinancialInformation:
		return High
	case n >= 100:
		return High
	case n >= 2:
		return Medium
	}
	return Low
}

// finish assigns severities: custom identifiers below their lowest
// threshold are dropped (Macie creates no finding for them), and every
// occurrence carries the severity of the object's finding, the highest of
// its categories and custom identifiers ("Multiple" takes the highest).
func (s *Scanner) finish(r *Result) {
	counts := map[string]int{}
	cats := map[Category]int{}
	for _, o := range r.Occurrences {
		counts[o.Identifier]++
		cats[o.Category]++
	}
	var sev Severity
	raise := func(x Severity) {
		if x.Score() > sev.Score() {
			sev = x
		}
	}
	for c, n := range cats {
		if c != CustomIdentifier {
			raise(managedSeverity(c, n))
		}
	}
	drop := map[string]bool{}
	for _, d := range s.dets {
		if d.custom == nil || counts[d.id] == 0 {
			continue
		}
		x, ok := d.custom.SeverityFor(int64(counts[d.id]))
		if !ok {
			drop[d.id] = true
			continue
		}
		raise(x)
	}
	out := r.Occurrences[:0]
	for _, o := range r.Occurrences {
		if o.Category == CustomIdentifier && drop[o.Identifier] {
			continue
		}
		o.Severity = sev
		out = append(out, o)
	}
	r.Occurrences, r.Severity = out, sev
}
