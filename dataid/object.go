package dataid

import "strings"

// ObjectResult is what Macie reports for one S3 object: its classification
// result, the finding type and severity, and the combined scan result (for
// callers that want the raw occurrences).
type ObjectResult struct {
	Classification ClassificationResult
	FindingType    string   // "" when nothing is reported
	Severity       Severity // the finding's severity ("" when nothing is reported)
	Result         Result
}

// ScanObject scans one object's bytes (name gives the format, as for
// ScanDocument) and folds every member of an archive into one result, as
// Macie raises one finding per object: occurrences of all members together
// (positions within their own member), the worst status (SKIPPED only when
// every member was skipped, else PARTIAL when any member was not read in
// full) and the first reason. Severity is computed over the whole object.
// customArn maps custom identifier names to their ARNs (may be nil).
func (s *Scanner) ScanObject(st *State, name string, data []byte, lim Limits, customArn map[string]string) ObjectResult {
	all := Result{Path: name, Size: int64(len(data)), Status: StatusComplete}
	members, skipped := 0, 0
	s.ScanDocument(st, name, data, lim, func(r Result) {
		members++
		if members == 1 {
			all.MimeType = r.MimeType
		} else if all.MimeType != r.MimeType {
			all.MimeType = ""
		}
		switch r.Status {
		case StatusSkipped:
			skipped++
			if all.Reason == "" {
				all.Reason, all.Detail = r.Reason, r.Detail
			}
		case StatusPartial:
			all.Status = StatusPartial
			if all.Reason == "" {
				all.Reason, all.Detail = r.Reason, r.Detail
			}
		}
		all.Occurrences = append(all.Occurrences, r.Occurrences...)
	})
	switch {
	case members > 0 && skipped == members:
		all.Status = StatusSkipped
	case skipped > 0:
		all.Status = StatusPartial
	}
	if members > 1 {
		all.MimeType = mimeOf(name, all.MimeType)
	}
	s.finish(&all)
	return ObjectResult{Classification: all.Classification(customArn), FindingType: all.FindingType(), Severity: all.Severity, Result: all}
}

// mimeOf names an archive's type for its classification result.
func mimeOf(name, fallback string) string {
	n := strings.ToLower(name)
	switch {
	case strings.HasSuffix(n, ".zip"):
		return "application/zip"
	case strings.HasSuffix(n, ".gz"), strings.HasSuffix(n, ".tgz"):
		return "application/gzip"
	case strings.HasSuffix(n, ".tar"):
		return "application/x-tar"
	}
	return fallback
}
