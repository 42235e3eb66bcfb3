package detect

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// WriteJSON writes findings as GuardDuty's GetFindings response does:
// {"findings":[...]}.
func WriteJSON(w io.Writer, findings []*Finding) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if findings == nil {
		findings = []*Finding{}
	}
	return enc.Encode(struct {
		Findings []*Finding `json:"findings"`
	}{findings})
}

// WriteTable writes one line per finding for a terminal.
func WriteTable(w io.Writer, findings []*Finding) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "SEVERITY\tTYPE\tCOUNT\tLAST SEEN\tTITLE")
	for _, f := range findings {
		title := f.Title
		if f.Author != "" {
			title += " (rule by " + f.Author + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\n", SeverityLabel(f.Severity), f.Type, f.Service.Count, f.Service.EventLastSeen, title)
	}
	return tw.Flush()
}

// asffFinding is the subset of the AWS Security Finding Format that
// GuardDuty's Security Hub integration fills (securityhub-findings-format).
type asffFinding struct {
	SchemaVersion string            `json:"SchemaVersion"`
	ID            string            `json:"Id"`
	ProductArn    string            `json:"ProductArn"`
	GeneratorID   string            `json:"GeneratorId"`
	AwsAccountID  string            `json:"AwsAccountId"`
	Types         []string          `json:"Types"`
	FirstObserved string            `json:"FirstObservedAt"`
	LastObserved  string            `json:"LastObservedAt"`
	CreatedAt     string            `json:"CreatedAt"`
	UpdatedAt     string            `json:"UpdatedAt"`
	Severity      asffSeverity      `json:"Severity"`
	Title         string            `json:"Title"`
	Description   string            `json:"Description"`
	ProductFields map[string]string `json:"ProductFields"`
	Resources     []asffResource    `json:"Resources"`
	Region        string            `json:"Region,omitempty"`
	RecordState   string            `json:"RecordState"`
	Workflow      struct {
		Status string `json:"Status"`
	} `json:"Workflow"`
}

type asffSeverity struct {
	Label      string  `json:"Label"`
	Normalized int     `json:"Normalized"`
	Product    float64 `json:"Product"`
}

type asffResource struct {
	Type   string `json:"Type"`
	ID     string `json:"Id"`
	Region string `json:"Region,omitempty"`
}

// asffType maps a finding type's threat purpose to an ASFF type namespace.
// ASFF types have at most three parts (namespace/category/classifier), so
// the slash inside a GuardDuty type becomes a hyphen, as Security Hub shows
// GuardDuty's types ("TTPs/Discovery/Recon:EC2-PortProbeUnprotectedPort").
func asffType(typ string) string {
	purpose := strings.TrimPrefix(typ, MoatPrefix)
	typ = strings.ReplaceAll(typ, "/", "-")
	if i := strings.IndexByte(purpose, ':'); i >= 0 {
		purpose = purpose[:i]
	}
	switch purpose {
	case "Policy", "Stealth":
		return "Software and Configuration Checks/AWS Security Best Practices/" + typ
	case "PenTest", "Recon", "Discovery":
		return "TTPs/Discovery/" + typ
	case "UnauthorizedAccess", "InitialAccess":
		return "TTPs/Initial Access/" + typ
	case "Backdoor", "Trojan", "CryptoCurrency", "Impact":
		return "Effects/Resource Consumption/" + typ
	case "Exfiltration":
		return "Effects/Data Exfiltration/" + typ
	}
	return "TTPs/" + purpose + "/" + typ
}

// WriteASFF writes findings in the AWS Security Finding Format, as
// BatchImportFindings takes them: {"Findings":[...]}. Severity.Normalized
// follows Security Hub's mapping of GuardDuty severities (×10).
func WriteASFF(w io.Writer, findings []*Finding) error {
	out := make([]asffFinding, 0, len(findings))
	for _, f := range findings {
		product := "arn:aws:securityhub:" + f.Region + "::product/aws/guardduty"
		if IsMoatType(f.Type) {
			product = "arn:aws:securityhub:" + f.Region + ":" + f.AccountID + ":product/" + f.AccountID + "/default"
		}
		label := strings.ToUpper(SeverityLabel(f.Severity))
		a := asffFinding{
			SchemaVersion: "2018-10-08", ID: f.ARN, ProductArn: product, GeneratorID: f.ARN[:strings.LastIndex(f.ARN, "/finding/")],
			AwsAccountID: f.AccountID, Types: []string{asffType(f.Type)}, FirstObserved: f.Service.EventFirstSeen,
			LastObserved: f.Service.EventLastSeen, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt,
			Severity: asffSeverity{Label: label, Normalized: int(f.Severity * 10), Product: f.Severity},
			Title:    f.Title, Description: f.Description, Region: f.Region, RecordState: "ACTIVE",
			ProductFields: map[string]string{"aws/guardduty/service/count": fmt.Sprint(f.Service.Count), "moat/type": f.Type},
			Resources:     []asffResource{resourceOf(f)},
		}
		if f.Author != "" {
			a.ProductFields["moat/sigma/author"] = f.Author
		}
		a.Workflow.Status = "NEW"
		out = append(out, a)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(struct {
		Findings []asffFinding `json:"Findings"`
	}{out})
}

func resourceOf(f *Finding) asffResource {
	r := f.Resource
	switch {
	case len(r.S3BucketDetails) > 0:
		return asffResource{Type: "AwsS3Bucket", ID: r.S3BucketDetails[0].ARN, Region: f.Region}
	case r.InstanceDetails != nil && r.InstanceDetails.InstanceID != "":
		return asffResource{Type: "AwsEc2Instance", ID: "arn:aws:ec2:" + f.Region + ":" + f.AccountID + ":instance/" + r.InstanceDetails.InstanceID, Region: f.Region}
	case r.InstanceDetails != nil && len(r.InstanceDetails.NetworkInterfaces) > 0:
		ni := r.InstanceDetails.NetworkInterfaces[0]
		id := ni.NetworkInterfaceID
		if id == "" {
			id = ni.PrivateIPAddress
		}
		return asffResource{Type: "AwsEc2NetworkInterface", ID: id, Region: f.Region}
	case r.AccessKeyDetails != nil:
		id := r.AccessKeyDetails.AccessKeyID
		if id == "" {
			id = r.AccessKeyDetails.UserName
		}
		return asffResource{Type: "AwsIamAccessKey", ID: id, Region: f.Region}
	}
	return asffResource{Type: "Other", ID: f.ID, Region: f.Region}
}

// WriteSARIF writes findings as a SARIF 2.1.0 log, for code-scanning UIs in
// CI. Each finding type is a rule; High and above map to "error", Medium to
// "warning", Low to "note".
func WriteSARIF(w io.Writer, findings []*Finding, version string) error {
	type msg struct {
		Text string `json:"text"`
	}
	type rule struct {
		ID   string `json:"id"`
		Name string `json:"name"`
		Help msg    `json:"shortDescription"`
	}
	type logical struct {
		Name string `json:"name"`
		Kind string `json:"kind"`
	}
	type location struct {
		Logical []logical `json:"logicalLocations"`
	}
	type result struct {
		RuleID     string            `json:"ruleId"`
		Level      string            `json:"level"`
		Message    msg               `json:"message"`
		Locations  []location        `json:"locations"`
		Properties map[string]any    `json:"properties"`
		Partial    map[string]string `json:"partialFingerprints"`
	}
	var rules []rule
	seen := map[string]bool{}
	var results []result
	for _, f := range findings {
		if !seen[f.Type] {
			seen[f.Type] = true
			rules = append(rules, rule{ID: f.Type, Name: f.Type, Help: msg{findingTypes[f.Type].Title}})
		}
		level := "note"
		switch {
		case f.Severity >= 7:
			level = "error"
		case f.Severity >= 4:
			level = "warning"
		}
		res := resourceOf(f)
		props := map[string]any{"severity": f.Severity, "count": f.Service.Count, "eventFirstSeen": f.Service.EventFirstSeen, "eventLastSeen": f.Service.EventLastSeen}
		if f.Author != "" {
			props["author"] = f.Author
		}
		results = append(results, result{RuleID: f.Type, Level: level, Message: msg{f.Title},
			Locations: []location{{Logical: []logical{{Name: res.ID, Kind: res.Type}}}}, Properties: props,
			Partial: map[string]string{"findingId": f.ID}})
	}
	if rules == nil {
		rules = []rule{}
	}
	if results == nil {
		results = []result{}
	}
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool":    map[string]any{"driver": map[string]any{"name": "moat detect", "version": version, "rules": rules}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// ParseSeverity reads a severity label (low, medium, high, critical) or a
// number, for --fail-on.
func ParseSeverity(s string) (float64, error) {
	switch strings.ToLower(s) {
	case "low":
		return 1, nil
	case "medium":
		return 4, nil
	case "high":
		return 7, nil
	case "critical":
		return 9, nil
	}
	var v float64
	if _, err := fmt.Sscanf(s, "%g", &v); err != nil || v < 0 || v > 10 {
		return 0, fmt.Errorf("severity %q: expected low, medium, high, critical or a number 0-10", s)
	}
	return v, nil
}
