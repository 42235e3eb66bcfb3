package asff

import "encoding/json"

// SchemaVersion is the only ASFF schema version AWS defines.
const SchemaVersion = "2018-10-08"

// Finding is one AWS Security Finding Format record (the SDK's
// types.AwsSecurityFinding). Field names and JSON names are AWS's. Timestamps
// stay the strings the provider sent (AWS requires RFC 3339 and echoes them);
// ParseTime reads them. Members moat does not filter on are kept verbatim as
// raw JSON so a stored finding round-trips unchanged.
type Finding struct {
	SchemaVersion string     `json:"SchemaVersion,omitempty"`
	Id            string     `json:"Id,omitempty"`
	ProductArn    string     `json:"ProductArn,omitempty"`
	GeneratorId   string     `json:"GeneratorId,omitempty"`
	AwsAccountId  string     `json:"AwsAccountId,omitempty"`
	Types         []string   `json:"Types,omitempty"`
	CreatedAt     string     `json:"CreatedAt,omitempty"`
	UpdatedAt     string     `json:"UpdatedAt,omitempty"`
	Severity      *Severity  `json:"Severity,omitempty"`
	Title         string     `json:"Title,omitempty"`
	Description   string     `json:"Description,omitempty"`
	Resources     []Resource `json:"Resources,omitempty"`

	AwsAccountName        string                 `json:"AwsAccountName,omitempty"`
	CompanyName           string                 `json:"CompanyName,omitempty"`
	ProductName           string                 `json:"ProductName,omitempty"`
	Region                string                 `json:"Region,omitempty"`
	FirstObservedAt       string                 `json:"FirstObservedAt,omitempty"`
	LastObservedAt        string                 `json:"LastObservedAt,omitempty"`
	ProcessedAt           string                 `json:"ProcessedAt,omitempty"`
	Confidence            *int32                 `json:"Confidence,omitempty"`
	Criticality           *int32                 `json:"Criticality,omitempty"`
	Compliance            *Compliance            `json:"Compliance,omitempty"`
	FindingProviderFields *FindingProviderFields `json:"FindingProviderFields,omitempty"`
	Workflow              *Workflow              `json:"Workflow,omitempty"`
	WorkflowState         string                 `json:"WorkflowState,omitempty"` // deprecated by AWS; kept for filters
	RecordState           string                 `json:"RecordState,omitempty"`
	VerificationState     string                 `json:"VerificationState,omitempty"`
	Note                  *Note                  `json:"Note,omitempty"`
	ProductFields         map[string]string      `json:"ProductFields,omitempty"`
	UserDefinedFields     map[string]string      `json:"UserDefinedFields,omitempty"`
	RelatedFindings       []RelatedFinding       `json:"RelatedFindings,omitempty"`
	Remediation           *Remediation           `json:"Remediation,omitempty"`
	SourceUrl             string                 `json:"SourceUrl,omitempty"`
	Sample                *bool                  `json:"Sample,omitempty"`
	Network               *Network               `json:"Network,omitempty"`
	Process               *Process               `json:"Process,omitempty"`
	Malware               []Malware              `json:"Malware,omitempty"`
	ThreatIntelIndicators []ThreatIntelIndicator `json:"ThreatIntelIndicators,omitempty"`
	Vulnerabilities       []Vulnerability        `json:"Vulnerabilities,omitempty"`

	// Kept verbatim: moat neither validates nor filters on these.
	Action           json.RawMessage `json:"Action,omitempty"`
	Detection        json.RawMessage `json:"Detection,omitempty"`
	GeneratorDetails json.RawMessage `json:"GeneratorDetails,omitempty"`
	NetworkPath      json.RawMessage `json:"NetworkPath,omitempty"`
	PatchSummary     json.RawMessage `json:"PatchSummary,omitempty"`
	Threats          json.RawMessage `json:"Threats,omitempty"`
}

// Severity is the finding's severity. Label is what AWS uses; Normalized
// (0-100) is deprecated but still accepted and derived (see NormalizeSeverity).
type Severity struct {
	Label      string   `json:"Label,omitempty"`
	Normalized *int32   `json:"Normalized,omitempty"`
	Original   string   `json:"Original,omitempty"`
	Product    *float64 `json:"Product,omitempty"`
}

// Compliance carries a control finding's result.
type Compliance struct {
	Status                    string                     `json:"Status,omitempty"`
	SecurityControlId         string                     `json:"SecurityControlId,omitempty"`
	AssociatedStandards       []AssociatedStandard       `json:"AssociatedStandards,omitempty"`
	RelatedRequirements       []string                   `json:"RelatedRequirements,omitempty"`
	SecurityControlParameters []SecurityControlParameter `json:"SecurityControlParameters,omitempty"`
	StatusReasons             []StatusReason             `json:"StatusReasons,omitempty"`
}

// AssociatedStandard names a standard a control belongs to.
type AssociatedStandard struct {
	StandardsId string `json:"StandardsId,omitempty"`
}

// SecurityControlParameter is one parameter of a control.
type SecurityControlParameter struct {
	Name  string   `json:"Name,omitempty"`
	Value []string `json:"Value,omitempty"`
}

// StatusReason explains a compliance status.
type StatusReason struct {
	ReasonCode  string `json:"ReasonCode,omitempty"`
	Description string `json:"Description,omitempty"`
}

// FindingProviderFields are the provider's values of the fields a customer
// may also change with BatchUpdateFindings.
type FindingProviderFields struct {
	Confidence      *int32                   `json:"Confidence,omitempty"`
	Criticality     *int32                   `json:"Criticality,omitempty"`
	RelatedFindings []RelatedFinding         `json:"RelatedFindings,omitempty"`
	Severity        *FindingProviderSeverity `json:"Severity,omitempty"`
	Types           []string                 `json:"Types,omitempty"`
}

// FindingProviderSeverity is the provider's severity.
type FindingProviderSeverity struct {
	Label    string `json:"Label,omitempty"`
	Original string `json:"Original,omitempty"`
}

// Workflow is the customer's investigation status.
type Workflow struct {
	Status string `json:"Status,omitempty"`
}

// Note is the customer's note.
type Note struct {
	Text      string `json:"Text,omitempty"`
	UpdatedBy string `json:"UpdatedBy,omitempty"`
	UpdatedAt string `json:"UpdatedAt,omitempty"`
}

// RelatedFinding identifies another finding.
type RelatedFinding struct {
	Id         string `json:"Id,omitempty"`
	ProductArn string `json:"ProductArn,omitempty"`
}

// Remediation holds the fix.
type Remediation struct {
	Recommendation *Recommendation `json:"Recommendation,omitempty"`
}

// Recommendation is a remediation text and URL.
type Recommendation struct {
	Text string `json:"Text,omitempty"`
	Url  string `json:"Url,omitempty"`
}

// Network describes network traffic in a finding.
type Network struct {
	Direction         string          `json:"Direction,omitempty"`
	Protocol          string          `json:"Protocol,omitempty"`
	SourceIpV4        string          `json:"SourceIpV4,omitempty"`
	SourceIpV6        string          `json:"SourceIpV6,omitempty"`
	SourcePort        *int32          `json:"SourcePort,omitempty"`
	SourceDomain      string          `json:"SourceDomain,omitempty"`
	SourceMac         string          `json:"SourceMac,omitempty"`
	DestinationIpV4   string          `json:"DestinationIpV4,omitempty"`
	DestinationIpV6   string          `json:"DestinationIpV6,omitempty"`
	DestinationPort   *int32          `json:"DestinationPort,omitempty"`
	DestinationDomain string          `json:"DestinationDomain,omitempty"`
	OpenPortRange     json.RawMessage `json:"OpenPortRange,omitempty"`
}

// Process describes a process in a finding.
type Process struct {
	Name         string `json:"Name,omitempty"`
	Path         string `json:"Path,omitempty"`
	Pid          *int32 `json:"Pid,omitempty"`
	ParentPid    *int32 `json:"ParentPid,omitempty"`
	LaunchedAt   string `json:"LaunchedAt,omitempty"`
	TerminatedAt string `json:"TerminatedAt,omitempty"`
}

// Malware is one malware item.
type Malware struct {
	Name  string `json:"Name,omitempty"`
	Type  string `json:"Type,omitempty"`
	Path  string `json:"Path,omitempty"`
	State string `json:"State,omitempty"`
}

// ThreatIntelIndicator is one threat-intelligence indicator.
type ThreatIntelIndicator struct {
	Type           string `json:"Type,omitempty"`
	Value          string `json:"Value,omitempty"`
	Category       string `json:"Category,omitempty"`
	LastObservedAt string `json:"LastObservedAt,omitempty"`
	Source         string `json:"Source,omitempty"`
	SourceUrl      string `json:"SourceUrl,omitempty"`
}

// Vulnerability is one vulnerability; members moat does not filter on stay raw.
type Vulnerability struct {
	Id                     string          `json:"Id,omitempty"`
	ExploitAvailable       string          `json:"ExploitAvailable,omitempty"`
	FixAvailable           string          `json:"FixAvailable,omitempty"`
	EpssScore              *float64        `json:"EpssScore,omitempty"`
	LastKnownExploitAt     string          `json:"LastKnownExploitAt,omitempty"`
	Cvss                   json.RawMessage `json:"Cvss,omitempty"`
	CodeVulnerabilities    json.RawMessage `json:"CodeVulnerabilities,omitempty"`
	ReferenceUrls          []string        `json:"ReferenceUrls,omitempty"`
	RelatedVulnerabilities []string        `json:"RelatedVulnerabilities,omitempty"`
	Vendor                 json.RawMessage `json:"Vendor,omitempty"`
	VulnerablePackages     json.RawMessage `json:"VulnerablePackages,omitempty"`
}

// Resource is one affected resource.
type Resource struct {
	Type               string            `json:"Type,omitempty"`
	Id                 string            `json:"Id,omitempty"`
	Partition          string            `json:"Partition,omitempty"`
	Region             string            `json:"Region,omitempty"`
	ResourceRole       string            `json:"ResourceRole,omitempty"`
	ApplicationArn     string            `json:"ApplicationArn,omitempty"`
	ApplicationName    string            `json:"ApplicationName,omitempty"`
	Tags               map[string]string `json:"Tags,omitempty"`
	Details            *ResourceDetails  `json:"Details,omitempty"`
	DataClassification json.RawMessage   `json:"DataClassification,omitempty"`
}
