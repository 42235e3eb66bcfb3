package dataid

import "sort"

// Macie's shapes for a sensitive data finding's classificationDetails.result
// (SDK service/macie2 types ClassificationResult, SensitiveDataItem,
// DefaultDetection, CustomDataIdentifiers, Occurrences), with the
// lowerCamel JSON names AWS sends, so the macie2 API can return what a scan
// found without re-deriving it.

// MaxOccurrencesPerType is how many locations Macie reports per type of
// sensitive data in a finding; counts still count everything.
const MaxOccurrencesPerType = 15

// ClassificationResult is Macie's ClassificationResult for one object.
type ClassificationResult struct {
	AdditionalOccurrences bool                  `json:"additionalOccurrences"`
	CustomDataIdentifiers CustomDataIdentifiers `json:"customDataIdentifiers"`
	MimeType              string                `json:"mimeType,omitempty"`
	SensitiveData         []SensitiveDataItem   `json:"sensitiveData"`
	SizeClassified        int64                 `json:"sizeClassified"`
	Status                ClassificationStatus  `json:"status"`
}

// ClassificationStatus is Macie's ClassificationResultStatus: COMPLETE, PARTIAL or SKIPPED and a reason.
type ClassificationStatus struct {
	Code   string `json:"code"`
	Reason string `json:"reason,omitempty"`
}

// SensitiveDataItem is one category of managed identifier detections.
type SensitiveDataItem struct {
	Category   Category           `json:"category"`
	Detections []DefaultDetection `json:"detections"`
	TotalCount int64              `json:"totalCount"`
}

// DefaultDetection is one managed identifier's count and locations.
type DefaultDetection struct {
	Count       int64       `json:"count"`
	Occurrences Occurrences `json:"occurrences"`
	Type        string      `json:"type"`
}

// CustomDataIdentifiers holds the custom identifier detections.
type CustomDataIdentifiers struct {
	Detections []CustomDetection `json:"detections"`
	TotalCount int64             `json:"totalCount"`
}

// CustomDetection is one custom identifier's count and locations.
type CustomDetection struct {
	Arn         string      `json:"arn,omitempty"`
	Count       int64       `json:"count"`
	Name        string      `json:"name"`
	Occurrences Occurrences `json:"occurrences"`
}

// Occurrences holds up to MaxOccurrencesPerType locations of one type.
type Occurrences struct {
	Cells      []MacieCell   `json:"cells,omitempty"`
	LineRanges []Range       `json:"lineRanges,omitempty"`
	Records    []MacieRecord `json:"records,omitempty"`
}

// Range is Macie's lineRanges entry: start and end line numbers (1-based)
// and the 1-based character column where the data starts.
type Range struct {
	End         int64 `json:"end"`
	Start       int64 `json:"start"`
	StartColumn int64 `json:"startColumn"`
}

// MacieCell is Macie's Cell (cellReference is null for CSV/TSV).
type MacieCell struct {
	CellReference *string `json:"cellReference"`
	Column        int64   `json:"column"`
	ColumnName    string  `json:"columnName"`
	Row           int64   `json:"row"`
}

// MacieRecord is Macie's Record (recordIndex and jsonPath).
type MacieRecord struct {
	JSONPath    string `json:"jsonPath,omitempty"`
	RecordIndex int64  `json:"recordIndex"`
}

// Classification turns a Result into Macie's classification result.
// customArn maps a custom identifier's name to its ARN (may be nil).
func (r Result) Classification(customArn map[string]string) ClassificationResult {
	out := ClassificationResult{MimeType: r.MimeType, SizeClassified: r.Size,
		Status: ClassificationStatus{Code: r.Status, Reason: r.Reason}, SensitiveData: []SensitiveDataItem{},
		CustomDataIdentifiers: CustomDataIdentifiers{Detections: []CustomDetection{}}}
	if r.Status == StatusComplete {
		out.Status.Reason = ""
	}
	type group struct {
		cat   Category
		id    string
		count int64
		occ   Occurrences
	}
	groups := map[string]*group{}
	var order []string
	for _, o := range r.Occurrences {
		g := groups[o.Identifier]
		if g == nil {
			g = &group{cat: o.Category, id: o.Identifier}
			groups[o.Identifier] = g
			order = append(order, o.Identifier)
		}
		g.count++
		if g.count > MaxOccurrencesPerType {
			out.AdditionalOccurrences = true
			continue
		}
		switch {
		case o.Cell != nil:
			var ref *string
			if o.Cell.CellReference != "" {
				ref = &o.Cell.CellReference
			}
			g.occ.Cells = append(g.occ.Cells, MacieCell{CellReference: ref, Column: int64(o.Cell.Column), ColumnName: o.Cell.ColumnName, Row: int64(o.Cell.Row)})
		case o.Record != nil:
			g.occ.Records = append(g.occ.Records, MacieRecord{JSONPath: o.Record.JSONPath, RecordIndex: int64(o.Record.RecordIndex)})
		default:
			g.occ.LineRanges = append(g.occ.LineRanges, Range{Start: int64(o.Line), End: int64(o.Line), StartColumn: int64(o.Column)})
		}
	}
	sort.Strings(order)
	items := map[Category]*SensitiveDataItem{}
	for _, id := range order {
		g := groups[id]
		if g.cat == CustomIdentifier {
			out.CustomDataIdentifiers.TotalCount += g.count
			out.CustomDataIdentifiers.Detections = append(out.CustomDataIdentifiers.Detections,
				CustomDetection{Arn: customArn[id], Count: g.count, Name: id, Occurrences: g.occ})
			continue
		}
		it := items[g.cat]
		if it == nil {
			it = &SensitiveDataItem{Category: g.cat}
			items[g.cat] = it
		}
		it.TotalCount += g.count
		it.Detections = append(it.Detections, DefaultDetection{Count: g.count, Occurrences: g.occ, Type: id})
	}
	for _, c := range []Category{Credentials, FinancialInformation, PersonalInformation} {
		if it := items[c]; it != nil {
			out.SensitiveData = append(out.SensitiveData, *it)
		}
	}
	return out
}

// FindingType is the Macie finding type of a result with occurrences:
// SensitiveData:S3Object/Credentials, /Financial, /Personal,
// /CustomIdentifier, or /Multiple when several kinds are present; "" when
// there is nothing to report.
func (r Result) FindingType() string {
	kinds := map[Category]bool{}
	for _, o := range r.Occurrences {
		kinds[o.Category] = true
	}
	if len(kinds) > 1 {
		return "SensitiveData:S3Object/Multiple"
	}
	for c := range kinds {
		return "SensitiveData:S3Object/" + map[Category]string{Credentials: "Credentials", FinancialInformation: "Financial",
			PersonalInformation: "Personal", CustomIdentifier: "CustomIdentifier"}[c]
	}
	return ""
}
