package asff

// The filter attributes of AwsSecurityFindingFilters (SDK
// service/securityhub v1.71.2 types.AwsSecurityFindingFilters: 104
// attributes), each with its filter type and how to read it from a finding.
// Accessors are indexed (count, then value i) so that evaluating a filter
// does not allocate.

type kind uint8

const (
	kindString kind = iota + 1
	kindNumber
	kindDate
	kindMap
	kindIP
	kindBool
	kindKeyword
)

func (k kind) String() string {
	return [...]string{"", "StringFilter", "NumberFilter", "DateFilter", "MapFilter", "IpFilter", "BooleanFilter", "KeywordFilter"}[k]
}

// field reads one attribute. Strings, dates and IPs use str; numbers num;
// maps mp; Sample uses bool via num (1 true, 0 false).
type field struct {
	name string
	kind kind
	n    func(*Finding) int
	str  func(*Finding, int) (string, bool)
	num  func(*Finding, int) (float64, bool)
	mp   func(*Finding, int) map[string]string
}

var fields = map[string]*field{}

func reg(name string, k kind, f field) {
	if _, dup := fields[name]; dup {
		panic("asff: duplicate filter attribute " + name)
	}
	f.name, f.kind = name, k
	fields[name] = &f
}

func one1(*Finding) int { return 1 }

// s registers a single-valued string attribute.
func s(name string, k kind, get func(*Finding) string) {
	reg(name, k, field{n: one1, str: func(f *Finding, _ int) (string, bool) { v := get(f); return v, v != "" }})
}

// sl registers a list-valued string attribute.
func sl(name string, get func(*Finding) []string) {
	reg(name, kindString, field{n: func(f *Finding) int { return len(get(f)) }, str: func(f *Finding, i int) (string, bool) { return get(f)[i], true }})
}

// nth registers a string attribute read from each element of a list.
func nth[T any](name string, k kind, list func(*Finding) []T, get func(*T) string) {
	reg(name, k, field{n: func(f *Finding) int { return len(list(f)) },
		str: func(f *Finding, i int) (string, bool) { v := get(&list(f)[i]); return v, v != "" }})
}

// res registers a string attribute of each resource.
func res(name string, k kind, get func(*Resource) string) {
	nth(name, k, func(f *Finding) []Resource { return f.Resources }, get)
}

// resList registers a list-valued attribute of each resource (flattened).
func resList(name string, k kind, get func(*Resource) []string) {
	reg(name, k, field{
		n: func(f *Finding) int {
			c := 0
			for i := range f.Resources {
				c += len(get(&f.Resources[i]))
			}
			return c
		},
		str: func(f *Finding, i int) (string, bool) {
			for j := range f.Resources {
				l := get(&f.Resources[j])
				if i < len(l) {
					return l[i], true
				}
				i -= len(l)
			}
			return "", false
		},
	})
}

// num registers a single-valued number attribute.
func num[T int32 | float64](name string, get func(*Finding) *T) {
	reg(name, kindNumber, field{n: one1, num: func(f *Finding, _ int) (float64, bool) {
		if p := get(f); p != nil {
			return float64(*p), true
		}
		return 0, false
	}})
}

func mapAttr(name string, get func(*Finding) map[string]string) {
	reg(name, kindMap, field{n: one1, mp: func(f *Finding, _ int) map[string]string { return get(f) }})
}

func resMap(name string, get func(*Resource) map[string]string) {
	reg(name, kindMap, field{n: func(f *Finding) int { return len(f.Resources) }, mp: func(f *Finding, i int) map[string]string { return get(&f.Resources[i]) }})
}

func sev(f *Finding) *Severity {
	if f.Severity == nil {
		return &zeroSeverity
	}
	return f.Severity
}
func compl(f *Finding) *Compliance {
	if f.Compliance == nil {
		return &zeroCompliance
	}
	return f.Compliance
}
func fpf(f *Finding) *FindingProviderFields {
	if f.FindingProviderFields == nil {
		return &zeroFindingProviderFields
	}
	return f.FindingProviderFields
}
func fpfSev(f *Finding) *FindingProviderSeverity {
	if p := fpf(f); p.Severity != nil {
		return p.Severity
	}
	return &zeroFindingProviderSeverity
}
func netw(f *Finding) *Network {
	if f.Network == nil {
		return &zeroNetwork
	}
	return f.Network
}
func proc(f *Finding) *Process {
	if f.Process == nil {
		return &zeroProcess
	}
	return f.Process
}
func note(f *Finding) *Note {
	if f.Note == nil {
		return &zeroNote
	}
	return f.Note
}
func det(r *Resource) *ResourceDetails {
	if r.Details == nil {
		return &zeroResourceDetails
	}
	return r.Details
}
func ec2(r *Resource) *AwsEc2InstanceDetails {
	if d := det(r); d.AwsEc2Instance != nil {
		return d.AwsEc2Instance
	}
	return &zeroAwsEc2InstanceDetails
}
func key(r *Resource) *AwsIamAccessKeyDetails {
	if d := det(r); d.AwsIamAccessKey != nil {
		return d.AwsIamAccessKey
	}
	return &zeroAwsIamAccessKeyDetails
}
func bucket(r *Resource) *AwsS3BucketDetails {
	if d := det(r); d.AwsS3Bucket != nil {
		return d.AwsS3Bucket
	}
	return &zeroAwsS3BucketDetails
}
func ctr(r *Resource) *ContainerDetails {
	if d := det(r); d.Container != nil {
		return d.Container
	}
	return &zeroContainerDetails
}

// Read-only zero values the accessors return for absent objects (no allocation).
var (
	zeroAwsEc2InstanceDetails   AwsEc2InstanceDetails
	zeroAwsIamAccessKeyDetails  AwsIamAccessKeyDetails
	zeroAwsS3BucketDetails      AwsS3BucketDetails
	zeroCompliance              Compliance
	zeroContainerDetails        ContainerDetails
	zeroFindingProviderFields   FindingProviderFields
	zeroFindingProviderSeverity FindingProviderSeverity
	zeroNetwork                 Network
	zeroNote                    Note
	zeroProcess                 Process
	zeroResourceDetails         ResourceDetails
	zeroSeverity                Severity
)

func init() {
	registerTopLevel()
	registerNested()
	registerResources()
}

func registerTopLevel() {
	s("AwsAccountId", kindString, func(f *Finding) string { return f.AwsAccountId })
	s("AwsAccountName", kindString, func(f *Finding) string { return f.AwsAccountName })
	s("CompanyName", kindString, func(f *Finding) string { return f.CompanyName })
	s("Description", kindString, func(f *Finding) string { return f.Description })
	s("GeneratorId", kindString, func(f *Finding) string { return f.GeneratorId })
	s("Id", kindString, func(f *Finding) string { return f.Id })
	s("ProductArn", kindString, func(f *Finding) string { return f.ProductArn })
	s("ProductName", kindString, func(f *Finding) string { return f.ProductName })
	s("RecordState", kindString, func(f *Finding) string { return f.RecordState })
	s("Region", kindString, func(f *Finding) string { return f.Region })
	s("SourceUrl", kindString, func(f *Finding) string { return f.SourceUrl })
	s("Title", kindString, func(f *Finding) string { return f.Title })
	sl("Type", func(f *Finding) []string { return f.Types })
	s("VerificationState", kindString, func(f *Finding) string { return f.VerificationState })
	s("WorkflowState", kindString, func(f *Finding) string { return f.WorkflowState })
	s("WorkflowStatus", kindString, func(f *Finding) string {
		if f.Workflow == nil {
			return ""
		}
		return f.Workflow.Status
	})
	s("CreatedAt", kindDate, func(f *Finding) string { return f.CreatedAt })
	s("UpdatedAt", kindDate, func(f *Finding) string { return f.UpdatedAt })
	s("FirstObservedAt", kindDate, func(f *Finding) string { return f.FirstObservedAt })
	s("LastObservedAt", kindDate, func(f *Finding) string { return f.LastObservedAt })
	num("Confidence", func(f *Finding) *int32 { return f.Confidence })
	num("Criticality", func(f *Finding) *int32 { return f.Criticality })
	mapAttr("ProductFields", func(f *Finding) map[string]string { return f.ProductFields })
	mapAttr("UserDefinedFields", func(f *Finding) map[string]string { return f.UserDefinedFields })
	reg("Sample", kindBool, field{n: one1, num: func(f *Finding, _ int) (float64, bool) {
		if f.Sample == nil {
			return 0, false
		}
		if *f.Sample {
			return 1, true
		}
		return 0, true
	}})
	reg("Keyword", kindKeyword, field{n: func(*Finding) int { return 2 }, str: func(f *Finding, i int) (string, bool) {
		if i == 0 {
			return f.Title, f.Title != ""
		}
		return f.Description, f.Description != ""
	}})
}

func registerNested() {
	s("SeverityLabel", kindString, func(f *Finding) string { return sev(f).Label })
	num("SeverityNormalized", func(f *Finding) *int32 { return sev(f).Normalized })
	num("SeverityProduct", func(f *Finding) *float64 { return sev(f).Product })
	s("ComplianceStatus", kindString, func(f *Finding) string { return compl(f).Status })
	s("ComplianceSecurityControlId", kindString, func(f *Finding) string { return compl(f).SecurityControlId })
	nth("ComplianceAssociatedStandardsId", kindString, func(f *Finding) []AssociatedStandard { return compl(f).AssociatedStandards },
		func(a *AssociatedStandard) string { return a.StandardsId })
	nth("ComplianceSecurityControlParametersName", kindString, func(f *Finding) []SecurityControlParameter { return compl(f).SecurityControlParameters },
		func(p *SecurityControlParameter) string { return p.Name })
	reg("ComplianceSecurityControlParametersValue", kindString, field{
		n: func(f *Finding) int {
			c := 0
			for _, p := range compl(f).SecurityControlParameters {
				c += len(p.Value)
			}
			return c
		},
		str: func(f *Finding, i int) (string, bool) {
			for _, p := range compl(f).SecurityControlParameters {
				if i < len(p.Value) {
					return p.Value[i], true
				}
				i -= len(p.Value)
			}
			return "", false
		}})
	num("FindingProviderFieldsConfidence", func(f *Finding) *int32 { return fpf(f).Confidence })
	num("FindingProviderFieldsCriticality", func(f *Finding) *int32 { return fpf(f).Criticality })
	nth("FindingProviderFieldsRelatedFindingsId", kindString, func(f *Finding) []RelatedFinding { return fpf(f).RelatedFindings },
		func(r *RelatedFinding) string { return r.Id })
	nth("FindingProviderFieldsRelatedFindingsProductArn", kindString, func(f *Finding) []RelatedFinding { return fpf(f).RelatedFindings },
		func(r *RelatedFinding) string { return r.ProductArn })
	s("FindingProviderFieldsSeverityLabel", kindString, func(f *Finding) string { return fpfSev(f).Label })
	s("FindingProviderFieldsSeverityOriginal", kindString, func(f *Finding) string { return fpfSev(f).Original })
	sl("FindingProviderFieldsTypes", func(f *Finding) []string { return fpf(f).Types })
	nth("RelatedFindingsId", kindString, func(f *Finding) []RelatedFinding { return f.RelatedFindings }, func(r *RelatedFinding) string { return r.Id })
	nth("RelatedFindingsProductArn", kindString, func(f *Finding) []RelatedFinding { return f.RelatedFindings }, func(r *RelatedFinding) string { return r.ProductArn })
	s("NoteText", kindString, func(f *Finding) string { return note(f).Text })
	s("NoteUpdatedBy", kindString, func(f *Finding) string { return note(f).UpdatedBy })
	s("NoteUpdatedAt", kindDate, func(f *Finding) string { return note(f).UpdatedAt })
	s("RecommendationText", kindString, func(f *Finding) string {
		if f.Remediation == nil || f.Remediation.Recommendation == nil {
			return ""
		}
		return f.Remediation.Recommendation.Text
	})
	registerNetworkProcess()
	registerThreats()
}

func registerNetworkProcess() {
	s("NetworkDirection", kindString, func(f *Finding) string { return netw(f).Direction })
	s("NetworkProtocol", kindString, func(f *Finding) string { return netw(f).Protocol })
	s("NetworkSourceDomain", kindString, func(f *Finding) string { return netw(f).SourceDomain })
	s("NetworkSourceMac", kindString, func(f *Finding) string { return netw(f).SourceMac })
	s("NetworkDestinationDomain", kindString, func(f *Finding) string { return netw(f).DestinationDomain })
	s("NetworkSourceIpV4", kindIP, func(f *Finding) string { return netw(f).SourceIpV4 })
	s("NetworkSourceIpV6", kindIP, func(f *Finding) string { return netw(f).SourceIpV6 })
	s("NetworkDestinationIpV4", kindIP, func(f *Finding) string { return netw(f).DestinationIpV4 })
	s("NetworkDestinationIpV6", kindIP, func(f *Finding) string { return netw(f).DestinationIpV6 })
	num("NetworkSourcePort", func(f *Finding) *int32 { return netw(f).SourcePort })
	num("NetworkDestinationPort", func(f *Finding) *int32 { return netw(f).DestinationPort })
	s("ProcessName", kindString, func(f *Finding) string { return proc(f).Name })
	s("ProcessPath", kindString, func(f *Finding) string { return proc(f).Path })
	num("ProcessPid", func(f *Finding) *int32 { return proc(f).Pid })
	num("ProcessParentPid", func(f *Finding) *int32 { return proc(f).ParentPid })
	s("ProcessLaunchedAt", kindDate, func(f *Finding) string { return proc(f).LaunchedAt })
	s("ProcessTerminatedAt", kindDate, func(f *Finding) string { return proc(f).TerminatedAt })
}

func registerThreats() {
	mal := func(f *Finding) []Malware { return f.Malware }
	nth("MalwareName", kindString, mal, func(m *Malware) string { return m.Name })
	nth("MalwarePath", kindString, mal, func(m *Malware) string { return m.Path })
	nth("MalwareState", kindString, mal, func(m *Malware) string { return m.State })
	nth("MalwareType", kindString, mal, func(m *Malware) string { return m.Type })
	ti := func(f *Finding) []ThreatIntelIndicator { return f.ThreatIntelIndicators }
	nth("ThreatIntelIndicatorCategory", kindString, ti, func(t *ThreatIntelIndicator) string { return t.Category })
	nth("ThreatIntelIndicatorLastObservedAt", kindDate, ti, func(t *ThreatIntelIndicator) string { return t.LastObservedAt })
	nth("ThreatIntelIndicatorSource", kindString, ti, func(t *ThreatIntelIndicator) string { return t.Source })
	nth("ThreatIntelIndicatorSourceUrl", kindString, ti, func(t *ThreatIntelIndicator) string { return t.SourceUrl })
	nth("ThreatIntelIndicatorType", kindString, ti, func(t *ThreatIntelIndicator) string { return t.Type })
	nth("ThreatIntelIndicatorValue", kindString, ti, func(t *ThreatIntelIndicator) string { return t.Value })
	vu := func(f *Finding) []Vulnerability { return f.Vulnerabilities }
	nth("VulnerabilitiesExploitAvailable", kindString, vu, func(v *Vulnerability) string { return v.ExploitAvailable })
	nth("VulnerabilitiesFixAvailable", kindString, vu, func(v *Vulnerability) string { return v.FixAvailable })
}

func registerResources() {
	res("ResourceId", kindString, func(r *Resource) string { return r.Id })
	res("ResourceType", kindString, func(r *Resource) string { return r.Type })
	res("ResourcePartition", kindString, func(r *Resource) string { return r.Partition })
	res("ResourceRegion", kindString, func(r *Resource) string { return r.Region })
	res("ResourceApplicationArn", kindString, func(r *Resource) string { return r.ApplicationArn })
	res("ResourceApplicationName", kindString, func(r *Resource) string { return r.ApplicationName })
	resMap("ResourceTags", func(r *Resource) map[string]string { return r.Tags })
	resMap("ResourceDetailsOther", func(r *Resource) map[string]string { return det(r).Other })
	res("ResourceAwsEc2InstanceIamInstanceProfileArn", kindString, func(r *Resource) string { return ec2(r).IamInstanceProfileArn })
	res("ResourceAwsEc2InstanceImageId", kindString, func(r *Resource) string { return ec2(r).ImageId })
	resList("ResourceAwsEc2InstanceIpV4Addresses", kindIP, func(r *Resource) []string { return ec2(r).IpV4Addresses })
	resList("ResourceAwsEc2InstanceIpV6Addresses", kindIP, func(r *Resource) []string { return ec2(r).IpV6Addresses })
	res("ResourceAwsEc2InstanceKeyName", kindString, func(r *Resource) string { return ec2(r).KeyName })
	res("ResourceAwsEc2InstanceLaunchedAt", kindDate, func(r *Resource) string { return ec2(r).LaunchedAt })
	res("ResourceAwsEc2InstanceSubnetId", kindString, func(r *Resource) string { return ec2(r).SubnetId })
	res("ResourceAwsEc2InstanceType", kindString, func(r *Resource) string { return ec2(r).Type })
	res("ResourceAwsEc2InstanceVpcId", kindString, func(r *Resource) string { return ec2(r).VpcId })
	res("ResourceAwsIamAccessKeyCreatedAt", kindDate, func(r *Resource) string { return key(r).CreatedAt })
	res("ResourceAwsIamAccessKeyPrincipalName", kindString, func(r *Resource) string { return key(r).PrincipalName })
	res("ResourceAwsIamAccessKeyStatus", kindString, func(r *Resource) string { return key(r).Status })
	res("ResourceAwsIamAccessKeyUserName", kindString, func(r *Resource) string { return key(r).UserName })
	res("ResourceAwsIamUserUserName", kindString, func(r *Resource) string {
		if d := det(r); d.AwsIamUser != nil {
			return d.AwsIamUser.UserName
		}
		return ""
	})
	res("ResourceAwsS3BucketOwnerId", kindString, func(r *Resource) string { return bucket(r).OwnerId })
	res("ResourceAwsS3BucketOwnerName", kindString, func(r *Resource) string { return bucket(r).OwnerName })
	res("ResourceContainerImageId", kindString, func(r *Resource) string { return ctr(r).ImageId })
	res("ResourceContainerImageName", kindString, func(r *Resource) string { return ctr(r).ImageName })
	res("ResourceContainerLaunchedAt", kindDate, func(r *Resource) string { return ctr(r).LaunchedAt })
	res("ResourceContainerName", kindString, func(r *Resource) string { return ctr(r).Name })
}
