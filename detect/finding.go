package detect

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Finding is a finding in GuardDuty's JSON shape (GetFindings, schema
// version 2.0; guardduty_findings.md and the SDK's types.Finding). Fields that
// moat cannot know offline (instance details, organisation of an IP) are left
// out rather than invented.
type Finding struct {
	SchemaVersion string          `json:"schemaVersion"`
	AccountID     string          `json:"accountId"`
	Region        string          `json:"region"`
	Partition     string          `json:"partition"`
	ID            string          `json:"id"`
	ARN           string          `json:"arn"`
	Type          string          `json:"type"`
	Resource      FindingResource `json:"resource"`
	Service       Service         `json:"service"`
	Severity      float64         `json:"severity"`
	CreatedAt     string          `json:"createdAt"`
	UpdatedAt     string          `json:"updatedAt"`
	Title         string          `json:"title"`
	Description   string          `json:"description"`

	// Author names the author of the Sigma rule that raised the finding, as
	// the Detection Rule License asks; empty for built-in detectors.
	Author string `json:"-"`
}

// FindingResource is the finding's resource element.
type FindingResource struct {
	ResourceType     string            `json:"resourceType"`
	AccessKeyDetails *AccessKeyDetails `json:"accessKeyDetails,omitempty"`
	InstanceDetails  *InstanceDetails  `json:"instanceDetails,omitempty"`
	S3BucketDetails  []S3BucketDetail  `json:"s3BucketDetails,omitempty"`
}

// AccessKeyDetails identifies the IAM principal of a CloudTrail finding.
type AccessKeyDetails struct {
	AccessKeyID string `json:"accessKeyId,omitempty"`
	PrincipalID string `json:"principalId,omitempty"`
	UserName    string `json:"userName,omitempty"`
	UserType    string `json:"userType,omitempty"`
}

// InstanceDetails identifies the instance (or, from flow and DNS logs without
// an instance id, the network interface) of an EC2 finding.
type InstanceDetails struct {
	InstanceID        string             `json:"instanceId,omitempty"`
	NetworkInterfaces []NetworkInterface `json:"networkInterfaces,omitempty"`
}

// NetworkInterface is one element of instanceDetails.networkInterfaces.
type NetworkInterface struct {
	NetworkInterfaceID string `json:"networkInterfaceId,omitempty"`
	PrivateIPAddress   string `json:"privateIpAddress,omitempty"`
	VPCID              string `json:"vpcId,omitempty"`
	SubnetID           string `json:"subnetId,omitempty"`
}

// S3BucketDetail names the bucket of an S3 finding.
type S3BucketDetail struct {
	ARN  string `json:"arn"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// Service is the finding's service element.
type Service struct {
	ServiceName    string            `json:"serviceName"`
	DetectorID     string            `json:"detectorId"`
	Action         Action            `json:"action"`
	Archived       bool              `json:"archived"`
	Count          int               `json:"count"`
	EventFirstSeen string            `json:"eventFirstSeen"`
	EventLastSeen  string            `json:"eventLastSeen"`
	ResourceRole   string            `json:"resourceRole"`
	AdditionalInfo map[string]string `json:"additionalInfo,omitempty"`
}

// Action is service.action; ActionType selects which member is set.
type Action struct {
	ActionType              string                   `json:"actionType"`
	AWSAPICallAction        *AWSAPICallAction        `json:"awsApiCallAction,omitempty"`
	NetworkConnectionAction *NetworkConnectionAction `json:"networkConnectionAction,omitempty"`
	DNSRequestAction        *DNSRequestAction        `json:"dnsRequestAction,omitempty"`
	PortProbeAction         *PortProbeAction         `json:"portProbeAction,omitempty"`
}

// AWSAPICallAction describes the API call of a CloudTrail finding.
type AWSAPICallAction struct {
	API             string           `json:"api"`
	ServiceName     string           `json:"serviceName"`
	CallerType      string           `json:"callerType"`
	ErrorCode       string           `json:"errorCode,omitempty"`
	UserAgent       string           `json:"userAgent,omitempty"`
	RemoteIPDetails *RemoteIPDetails `json:"remoteIpDetails,omitempty"`
}

// RemoteIPDetails is the remote address, with country and city when a GeoIP
// database was given.
type RemoteIPDetails struct {
	IPAddressV4 string       `json:"ipAddressV4,omitempty"`
	IPAddressV6 string       `json:"ipAddressV6,omitempty"`
	Country     *Country     `json:"country,omitempty"`
	City        *City        `json:"city,omitempty"`
	GeoLocation *GeoLocation `json:"geoLocation,omitempty"`
}

// Country of a remote address.
type Country struct {
	CountryCode string `json:"countryCode,omitempty"`
	CountryName string `json:"countryName,omitempty"`
}

// City of a remote address.
type City struct {
	CityName string `json:"cityName,omitempty"`
}

// GeoLocation of a remote address.
type GeoLocation struct {
	Lat float64 `json:"lat"`
	Lon float64 `json:"lon"`
}

// NetworkConnectionAction describes the connection of a flow-log finding.
type NetworkConnectionAction struct {
	ConnectionDirection string           `json:"connectionDirection"`
	Protocol            string           `json:"protocol"`
	Blocked             bool             `json:"blocked"`
	LocalIPDetails      *LocalIPDetails  `json:"localIpDetails,omitempty"`
	LocalPortDetails    *PortDetails     `json:"localPortDetails,omitempty"`
	RemoteIPDetails     *RemoteIPDetails `json:"remoteIpDetails,omitempty"`
	RemotePortDetails   *PortDetails     `json:"remotePortDetails,omitempty"`
}

// LocalIPDetails is the instance side of a connection.
type LocalIPDetails struct {
	IPAddressV4 string `json:"ipAddressV4,omitempty"`
	IPAddressV6 string `json:"ipAddressV6,omitempty"`
}

// PortDetails is a port and, for well-known ports, its service name.
type PortDetails struct {
	Port     int    `json:"port"`
	PortName string `json:"portName,omitempty"`
}

// DNSRequestAction describes the query of a DNS finding.
type DNSRequestAction struct {
	Domain   string `json:"domain"`
	Protocol string `json:"protocol,omitempty"`
	Blocked  bool   `json:"blocked"`
}

// PortProbeAction describes the probes of a PortProbeUnprotectedPort finding.
type PortProbeAction struct {
	Blocked          bool              `json:"blocked"`
	PortProbeDetails []PortProbeDetail `json:"portProbeDetails"`
}

// PortProbeDetail is one probed port and the prober.
type PortProbeDetail struct {
	LocalPortDetails *PortDetails     `json:"localPortDetails,omitempty"`
	LocalIPDetails   *LocalIPDetails  `json:"localIpDetails,omitempty"`
	RemoteIPDetails  *RemoteIPDetails `json:"remoteIpDetails,omitempty"`
}

// SeverityLabel returns GuardDuty's label for a numeric severity: High
// 7.0-8.9, Medium 4.0-6.9, Low 1.0-3.9 (guardduty_findings.md), Critical
// 9.0-10.0 (API_SeverityBreakdown).
func SeverityLabel(s float64) string {
	switch {
	case s >= 9:
		return "Critical"
	case s >= 7:
		return "High"
	case s >= 4:
		return "Medium"
	case s >= 1:
		return "Low"
	}
	return "Informational"
}

// Default numeric severities for the three labels. GuardDuty publishes ranges,
// not the value each type gets; these are the values its sample findings use.
const (
	SeverityLow    = 2.0
	SeverityMedium = 5.0
	SeverityHigh   = 8.0
)

// findingID is a stable 32-hex-digit id for one (type, aggregation key):
// a repeat of the same activity maps to the same finding.
func findingID(typ, key string) string {
	h := sha256.Sum256([]byte(typ + "\x00" + key))
	return hex.EncodeToString(h[:16])
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
