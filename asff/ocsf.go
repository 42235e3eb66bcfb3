package asff

import (
	"slices"
	"strings"
	"time"
)

// OCSFVersion is the OCSF schema version the conversion targets (the version
// AWS's newer Security Hub documents using: "Security Hub currently supports
// findings in OCSF schema version 1.6").
const OCSFVersion = "1.6.0"

// OCSFFinding is a finding in the Open Cybersecurity Schema Framework, the
// format of the newer Security Hub (GetFindingsV2) and Security Lake. Member
// names follow OCSF 1.6 and match the field names GetFindingsV2 filters on
// (SDK types.OcsfStringField and friends). The ASFF → OCSF mapping itself
// is moat's [unverified against AWS's own conversion]: see ToOCSF.
type OCSFFinding struct {
	ClassUID        int                `json:"class_uid"`
	ClassName       string             `json:"class_name"`
	CategoryUID     int                `json:"category_uid"`
	CategoryName    string             `json:"category_name"`
	ActivityID      int                `json:"activity_id"`
	ActivityName    string             `json:"activity_name"`
	TypeUID         int                `json:"type_uid"`
	TypeName        string             `json:"type_name"`
	SeverityID      int                `json:"severity_id"`
	Severity        string             `json:"severity"`
	StatusID        int                `json:"status_id"`
	Status          string             `json:"status"`
	Time            int64              `json:"time"`
	TimeDt          string             `json:"time_dt"`
	ConfidenceScore *int32             `json:"confidence_score,omitempty"`
	Comment         string             `json:"comment,omitempty"`
	Metadata        OCSFMetadata       `json:"metadata"`
	FindingInfo     OCSFFindingInfo    `json:"finding_info"`
	Cloud           OCSFCloud          `json:"cloud"`
	Resources       []OCSFResource     `json:"resources,omitempty"`
	Compliance      *OCSFCompliance    `json:"compliance,omitempty"`
	Remediation     *OCSFRemediation   `json:"remediation,omitempty"`
	Vulnerabilities []OCSFVulnerabilty `json:"vulnerabilities,omitempty"`
	Evidences       []OCSFEvidence     `json:"evidences,omitempty"`
	VendorAttrs     *OCSFVendorAttrs   `json:"vendor_attributes,omitempty"`
	Unmapped        map[string]any     `json:"unmapped,omitempty"`
}

// OCSFMetadata is OCSF's metadata object.
type OCSFMetadata struct {
	Version string      `json:"version"`
	UID     string      `json:"uid"`
	Product OCSFProduct `json:"product"`
}

// OCSFProduct names the product that produced the finding.
type OCSFProduct struct {
	Name       string `json:"name,omitempty"`
	VendorName string `json:"vendor_name,omitempty"`
	UID        string `json:"uid,omitempty"`
}

// OCSFFindingInfo is OCSF's finding_info object.
type OCSFFindingInfo struct {
	UID             string       `json:"uid"`
	Title           string       `json:"title"`
	Desc            string       `json:"desc,omitempty"`
	Types           []string     `json:"types,omitempty"`
	SrcURL          string       `json:"src_url,omitempty"`
	CreatedTime     int64        `json:"created_time,omitempty"`
	CreatedTimeDt   string       `json:"created_time_dt,omitempty"`
	ModifiedTime    int64        `json:"modified_time,omitempty"`
	ModifiedTimeDt  string       `json:"modified_time_dt,omitempty"`
	FirstSeenTime   int64        `json:"first_seen_time,omitempty"`
	FirstSeenTimeDt string       `json:"first_seen_time_dt,omitempty"`
	LastSeenTime    int64        `json:"last_seen_time,omitempty"`
	LastSeenTimeDt  string       `json:"last_seen_time_dt,omitempty"`
	Analytic        *OCSFNamed   `json:"analytic,omitempty"`
	RelatedEvents   []OCSFRelate `json:"related_events,omitempty"`
}

// OCSFNamed is an object with a name and uid.
type OCSFNamed struct {
	Name string `json:"name,omitempty"`
	UID  string `json:"uid,omitempty"`
}

// OCSFRelate is a related event (another finding).
type OCSFRelate struct {
	UID     string      `json:"uid"`
	Product OCSFProduct `json:"product"`
}

// OCSFCloud is OCSF's cloud object.
type OCSFCloud struct {
	Provider string      `json:"provider"`
	Region   string      `json:"region,omitempty"`
	Account  OCSFAccount `json:"account"`
}

// OCSFAccount is a cloud account.
type OCSFAccount struct {
	UID    string `json:"uid"`
	Name   string `json:"name,omitempty"`
	Type   string `json:"type"`
	TypeID int    `json:"type_id"`
}

// OCSFResource is one affected resource.
type OCSFResource struct {
	UID            string         `json:"uid"`
	Type           string         `json:"type"`
	Region         string         `json:"region,omitempty"`
	CloudPartition string         `json:"cloud_partition,omitempty"`
	Tags           []OCSFKeyValue `json:"tags,omitempty"`
}

// OCSFKeyValue is OCSF's key_value_object.
type OCSFKeyValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// OCSFCompliance is OCSF's compliance object.
type OCSFCompliance struct {
	Control           string         `json:"control,omitempty"`
	Standards         []string       `json:"standards,omitempty"`
	Requirements      []string       `json:"requirements,omitempty"`
	Status            string         `json:"status"`
	StatusID          int            `json:"status_id"`
	StatusDetails     []string       `json:"status_details,omitempty"`
	ControlParameters []OCSFKeyValue `json:"control_parameters,omitempty"`
}

// OCSFRemediation is OCSF's remediation object.
type OCSFRemediation struct {
	Desc       string   `json:"desc"`
	References []string `json:"references,omitempty"`
}

// OCSFVulnerabilty is one vulnerability.
type OCSFVulnerabilty struct {
	CVE                    *OCSFNamed `json:"cve,omitempty"`
	IsFixAvailable         *bool      `json:"is_fix_available,omitempty"`
	IsExploitAvailable     *bool      `json:"is_exploit_available,omitempty"`
	RelatedVulnerabilities []string   `json:"related_vulnerabilities,omitempty"`
}

// OCSFEvidence carries the network part of a finding.
type OCSFEvidence struct {
	SrcEndpoint    *OCSFEndpoint `json:"src_endpoint,omitempty"`
	DstEndpoint    *OCSFEndpoint `json:"dst_endpoint,omitempty"`
	ConnectionInfo *OCSFConn     `json:"connection_info,omitempty"`
}

// OCSFEndpoint is a network endpoint.
type OCSFEndpoint struct {
	IP       string `json:"ip,omitempty"`
	Port     *int32 `json:"port,omitempty"`
	Hostname string `json:"hostname,omitempty"`
}

// OCSFConn is connection information.
type OCSFConn struct {
	Direction    string `json:"direction,omitempty"`
	ProtocolName string `json:"protocol_name,omitempty"`
}

// OCSFVendorAttrs keeps the provider's own severity when it differs.
type OCSFVendorAttrs struct {
	Severity   string `json:"severity,omitempty"`
	SeverityID int    `json:"severity_id,omitempty"`
}

var ocsfSeverity = map[string]struct {
	id   int
	name string
}{"INFORMATIONAL": {1, "Informational"}, "LOW": {2, "Low"}, "MEDIUM": {3, "Medium"}, "HIGH": {4, "High"}, "CRITICAL": {5, "Critical"}}

// ToOCSF converts a finding. The class follows the finding's nature: 2003
// Compliance Finding when it has Compliance, 2002 Vulnerability Finding when
// it has Vulnerabilities, 2006 Data Security Finding for "Sensitive Data
// Identifications" types, 2004 Detection Finding otherwise. activity_id is 3
// Close for ARCHIVED findings, 1 Create when CreatedAt equals UpdatedAt, 2
// Update otherwise; status_id follows Workflow.Status (NEW 1 New, NOTIFIED 2
// In Progress, SUPPRESSED 3 Suppressed, RESOLVED 4 Resolved); compliance
// status PASSED/WARNING/FAILED are Pass 1/Warning 2/Fail 3 and NOT_AVAILABLE
// is Unknown 0. Members OCSF has no place for (ProductFields,
// UserDefinedFields) go to unmapped.
func ToOCSF(f *Finding) OCSFFinding {
	o := OCSFFinding{CategoryUID: 2, CategoryName: "Findings", Comment: noteText(f), ConfidenceScore: f.Confidence}
	o.ClassUID, o.ClassName = ocsfClass(f)
	o.ActivityID, o.ActivityName = ocsfActivity(f)
	o.TypeUID, o.TypeName = o.ClassUID*100+o.ActivityID, o.ClassName+": "+o.ActivityName
	if f.Severity != nil {
		if s, ok := ocsfSeverity[f.Severity.Label]; ok {
			o.SeverityID, o.Severity = s.id, s.name
		}
	}
	if o.Severity == "" {
		o.Severity = "Unknown"
	}
	o.StatusID, o.Status = ocsfStatus(f)
	o.Time, o.TimeDt = ms(f.UpdatedAt)
	o.Metadata = OCSFMetadata{Version: OCSFVersion, UID: f.Id, Product: OCSFProduct{Name: f.ProductName, VendorName: f.CompanyName, UID: f.ProductArn}}
	o.FindingInfo = ocsfInfo(f)
	o.Cloud = OCSFCloud{Provider: "AWS", Region: f.Region, Account: OCSFAccount{UID: f.AwsAccountId, Name: f.AwsAccountName, Type: "AWS Account", TypeID: 10}}
	for _, r := range f.Resources {
		res := OCSFResource{UID: r.Id, Type: r.Type, Region: r.Region, CloudPartition: r.Partition}
		for _, k := range sortedKeys(r.Tags) {
			res.Tags = append(res.Tags, OCSFKeyValue{Name: k, Value: r.Tags[k]})
		}
		o.Resources = append(o.Resources, res)
	}
	o.Compliance = ocsfCompliance(f.Compliance)
	if f.Remediation != nil && f.Remediation.Recommendation != nil {
		rec := f.Remediation.Recommendation
		o.Remediation = &OCSFRemediation{Desc: rec.Text}
		if rec.Url != "" {
			o.Remediation.References = []string{rec.Url}
		}
	}
	for _, v := range f.Vulnerabilities {
		o.Vulnerabilities = append(o.Vulnerabilities, OCSFVulnerabilty{CVE: &OCSFNamed{UID: v.Id}, IsFixAvailable: yesNo(v.FixAvailable),
			IsExploitAvailable: yesNo(v.ExploitAvailable), RelatedVulnerabilities: v.RelatedVulnerabilities})
	}
	if n := f.Network; n != nil {
		o.Evidences = []OCSFEvidence{{
			SrcEndpoint:    &OCSFEndpoint{IP: firstNonEmpty(n.SourceIpV4, n.SourceIpV6), Port: n.SourcePort, Hostname: n.SourceDomain},
			DstEndpoint:    &OCSFEndpoint{IP: firstNonEmpty(n.DestinationIpV4, n.DestinationIpV6), Port: n.DestinationPort, Hostname: n.DestinationDomain},
			ConnectionInfo: &OCSFConn{Direction: ocsfDirection(n.Direction), ProtocolName: strings.ToLower(n.Protocol)},
		}}
	}
	if p := f.FindingProviderFields; p != nil && p.Severity != nil && f.Severity != nil && p.Severity.Label != f.Severity.Label {
		s := ocsfSeverity[p.Severity.Label]
		o.VendorAttrs = &OCSFVendorAttrs{Severity: s.name, SeverityID: s.id}
	}
	if len(f.ProductFields) > 0 || len(f.UserDefinedFields) > 0 {
		o.Unmapped = map[string]any{}
		if len(f.ProductFields) > 0 {
			o.Unmapped["ProductFields"] = f.ProductFields
		}
		if len(f.UserDefinedFields) > 0 {
			o.Unmapped["UserDefinedFields"] = f.UserDefinedFields
		}
	}
	return o
}

func ocsfClass(f *Finding) (int, string) {
	switch {
	case f.Compliance != nil:
		return 2003, "Compliance Finding"
	case len(f.Vulnerabilities) > 0:
		return 2002, "Vulnerability Finding"
	case slices.ContainsFunc(f.Types, func(t string) bool { return strings.HasPrefix(t, "Sensitive Data Identifications") }):
		return 2006, "Data Security Finding"
	}
	return 2004, "Detection Finding"
}

func ocsfActivity(f *Finding) (int, string) {
	switch {
	case f.RecordState == "ARCHIVED":
		return 3, "Close"
	case f.CreatedAt == f.UpdatedAt:
		return 1, "Create"
	}
	return 2, "Update"
}

func ocsfStatus(f *Finding) (int, string) {
	if f.Workflow == nil {
		return 1, "New"
	}
	switch f.Workflow.Status {
	case "NOTIFIED":
		return 2, "In Progress"
	case "SUPPRESSED":
		return 3, "Suppressed"
	case "RESOLVED":
		return 4, "Resolved"
	}
	return 1, "New"
}

func ocsfInfo(f *Finding) OCSFFindingInfo {
	fi := OCSFFindingInfo{UID: f.Id, Title: f.Title, Desc: f.Description, Types: f.Types, SrcURL: f.SourceUrl}
	fi.CreatedTime, fi.CreatedTimeDt = ms(f.CreatedAt)
	fi.ModifiedTime, fi.ModifiedTimeDt = ms(f.UpdatedAt)
	fi.FirstSeenTime, fi.FirstSeenTimeDt = ms(f.FirstObservedAt)
	fi.LastSeenTime, fi.LastSeenTimeDt = ms(f.LastObservedAt)
	if f.GeneratorId != "" {
		fi.Analytic = &OCSFNamed{Name: f.GeneratorId, UID: f.GeneratorId}
	}
	for _, r := range f.RelatedFindings {
		fi.RelatedEvents = append(fi.RelatedEvents, OCSFRelate{UID: r.Id, Product: OCSFProduct{UID: r.ProductArn}})
	}
	return fi
}

func ocsfCompliance(c *Compliance) *OCSFCompliance {
	if c == nil {
		return nil
	}
	oc := &OCSFCompliance{Control: c.SecurityControlId, Requirements: c.RelatedRequirements}
	switch c.Status {
	case "PASSED":
		oc.StatusID, oc.Status = 1, "Pass"
	case "WARNING":
		oc.StatusID, oc.Status = 2, "Warning"
	case "FAILED":
		oc.StatusID, oc.Status = 3, "Fail"
	default:
		oc.StatusID, oc.Status = 0, "Unknown"
	}
	for _, s := range c.AssociatedStandards {
		oc.Standards = append(oc.Standards, s.StandardsId)
	}
	for _, r := range c.StatusReasons {
		oc.StatusDetails = append(oc.StatusDetails, r.Description)
	}
	for _, p := range c.SecurityControlParameters {
		oc.ControlParameters = append(oc.ControlParameters, OCSFKeyValue{Name: p.Name, Value: strings.Join(p.Value, ",")})
	}
	return oc
}

func ms(s string) (int64, string) {
	t, err := ParseTime(s)
	if err != nil {
		return 0, ""
	}
	return t.UnixMilli(), t.UTC().Format(time.RFC3339Nano)
}

func noteText(f *Finding) string {
	if f.Note == nil {
		return ""
	}
	return f.Note.Text
}

func yesNo(s string) *bool {
	switch s {
	case "YES":
		t := true
		return &t
	case "NO":
		f := false
		return &f
	}
	return nil
}

func ocsfDirection(d string) string {
	switch d {
	case "IN":
		return "Inbound"
	case "OUT":
		return "Outbound"
	}
	return ""
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
