package asff

// SeverityRank orders severity labels: INFORMATIONAL 1 ... CRITICAL 5; 0 for
// anything else.
func SeverityRank(label string) int {
	switch label {
	case "INFORMATIONAL":
		return 1
	case "LOW":
		return 2
	case "MEDIUM":
		return 3
	case "HIGH":
		return 4
	case "CRITICAL":
		return 5
	}
	return 0
}

// LabelForNormalized maps a deprecated Normalized score to a label as AWS
// does when only Normalized is given: 0 INFORMATIONAL, 1-39 LOW, 40-69
// MEDIUM, 70-89 HIGH, 90-100 CRITICAL [doc: ASFF Severity attribute page].
func LabelForNormalized(n int32) string {
	switch {
	case n <= 0:
		return "INFORMATIONAL"
	case n < 40:
		return "LOW"
	case n < 70:
		return "MEDIUM"
	case n < 90:
		return "HIGH"
	}
	return "CRITICAL"
}

// NormalizedForLabel is the Normalized score AWS fills in when only Label is
// given: 0, 1, 40, 70, 90 [doc: ASFF Severity attribute page].
func NormalizedForLabel(label string) int32 {
	return [...]int32{0, 0, 1, 40, 70, 90}[SeverityRank(label)]
}

// Normalize fills what Security Hub derives on import: Severity.Label from
// Normalized (or the reverse), and the FindingProviderFields copies of
// Severity, Types, Confidence, Criticality and RelatedFindings from the
// top-level values (or the reverse) when only one side was sent [doc:
// "Using FindingProviderFields" in the user guide]. It changes f in place.
func Normalize(f *Finding) {
	if f.FindingProviderFields == nil && (f.Severity != nil || f.Types != nil || f.Confidence != nil || f.Criticality != nil || f.RelatedFindings != nil) {
		f.FindingProviderFields = &FindingProviderFields{}
	}
	p := f.FindingProviderFields
	if s := f.Severity; s != nil {
		if s.Label == "" && s.Normalized != nil {
			s.Label = LabelForNormalized(*s.Normalized)
		}
		if s.Normalized == nil && s.Label != "" {
			n := NormalizedForLabel(s.Label)
			s.Normalized = &n
		}
	}
	if p == nil {
		return
	}
	switch {
	case p.Severity == nil && f.Severity != nil:
		p.Severity = &FindingProviderSeverity{Label: f.Severity.Label, Original: f.Severity.Original}
	case f.Severity == nil && p.Severity != nil:
		n := NormalizedForLabel(p.Severity.Label)
		f.Severity = &Severity{Label: p.Severity.Label, Original: p.Severity.Original, Normalized: &n}
	}
	if p.Types == nil {
		p.Types = f.Types
	} else if f.Types == nil {
		f.Types = p.Types
	}
	if p.Confidence == nil {
		p.Confidence = f.Confidence
	} else if f.Confidence == nil {
		f.Confidence = p.Confidence
	}
	if p.Criticality == nil {
		p.Criticality = f.Criticality
	} else if f.Criticality == nil {
		f.Criticality = p.Criticality
	}
	if p.RelatedFindings == nil {
		p.RelatedFindings = f.RelatedFindings
	} else if f.RelatedFindings == nil {
		f.RelatedFindings = p.RelatedFindings
	}
}
