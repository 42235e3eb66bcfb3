package trail

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// EventVersion is the record format version moat writes.
const EventVersion = "1.11"

// Values of Record.EventType and Record.EventCategory.
const (
	EventTypeAwsApiCall           = "AwsApiCall"
	EventTypeAwsServiceEvent      = "AwsServiceEvent"
	EventTypeAwsConsoleSignIn     = "AwsConsoleSignIn"
	EventTypeAwsConsoleAction     = "AwsConsoleAction"
	EventTypeAwsCloudTrailInsight = "AwsCloudTrailInsight"

	EventCategoryManagement = "Management"
	EventCategoryData       = "Data"
)

// Values of UserIdentity.Type.
const (
	IdentityRoot          = "Root"
	IdentityIAMUser       = "IAMUser"
	IdentityAssumedRole   = "AssumedRole"
	IdentityFederatedUser = "FederatedUser"
	IdentityAWSAccount    = "AWSAccount"
	IdentityAWSService    = "AWSService"
	IdentityUnknown       = "Unknown"
)

// Record is one CloudTrail record, with CloudTrail's field names in the
// order CloudTrail writes them. Fields CloudTrail always writes have no
// omitempty (requestParameters and responseElements are null when empty);
// the others are omitted when empty, as CloudTrail omits them.
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
type Record struct {
	EventVersion         string           `json:"eventVersion"`
	UserIdentity         UserIdentity     `json:"userIdentity"`
	EventTime            Time             `json:"eventTime"`
	EventSource          string           `json:"eventSource"`
	EventName            string           `json:"eventName"`
	AwsRegion            string           `json:"awsRegion"`
	SourceIPAddress      string           `json:"sourceIPAddress"`
	UserAgent            string           `json:"userAgent"`
	ErrorCode            string           `json:"errorCode,omitempty"`
	ErrorMessage         string           `json:"errorMessage,omitempty"`
	RequestParameters    json.RawMessage  `json:"requestParameters"`
	ResponseElements     json.RawMessage  `json:"responseElements"`
	AdditionalEventData  json.RawMessage  `json:"additionalEventData,omitempty"`
	RequestID            string           `json:"requestID,omitempty"`
	EventID              string           `json:"eventID"`
	ReadOnly             bool             `json:"readOnly"`
	Resources            []RecordResource `json:"resources,omitempty"`
	EventType            string           `json:"eventType"`
	APIVersion           string           `json:"apiVersion,omitempty"`
	ManagementEvent      bool             `json:"managementEvent"`
	RecipientAccountID   string           `json:"recipientAccountId"`
	SharedEventID        string           `json:"sharedEventID,omitempty"`
	VpcEndpointID        string           `json:"vpcEndpointId,omitempty"`
	VpcEndpointAccountID string           `json:"vpcEndpointAccountId,omitempty"`
	ServiceEventDetails  json.RawMessage  `json:"serviceEventDetails,omitempty"`
	EventCategory        string           `json:"eventCategory"`
	Addendum             json.RawMessage  `json:"addendum,omitempty"`
	// SessionCredentialFromConsole is "true" for calls made with console
	// session credentials, else omitted.
	SessionCredentialFromConsole string      `json:"sessionCredentialFromConsole,omitempty"`
	TLSDetails                   *TLSDetails `json:"tlsDetails,omitempty"`

	// LookupResources are the resources LookupEvents lists for the event
	// (not part of the record JSON). CloudTrail derives them per service
	// from the request (an IAM user's name, a bucket's name, an instance
	// id...); the service that builds the record sets them. The Writer
	// adds each entry of Resources as {type, ARN}.
	LookupResources []Resource `json:"-"`
}

// UserIdentity says who made the request.
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html
type UserIdentity struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId,omitempty"`
	ARN         string `json:"arn,omitempty"`
	AccountID   string `json:"accountId,omitempty"`
	AccessKeyID string `json:"accessKeyId,omitempty"`
	// UserName is the IAM user's name (IAMUser, Root with an alias,
	// FederatedUser's session name); empty for AssumedRole.
	UserName       string          `json:"userName,omitempty"`
	SessionContext *SessionContext `json:"sessionContext,omitempty"`
	// InvokedBy is the AWS service that made the request on the
	// principal's behalf ("AWS Internal", "ec2.amazonaws.com"...).
	InvokedBy        string          `json:"invokedBy,omitempty"`
	IdentityProvider string          `json:"identityProvider,omitempty"`
	CredentialID     string          `json:"credentialId,omitempty"`
	OnBehalfOf       json.RawMessage `json:"onBehalfOf,omitempty"`
	InScopeOf        json.RawMessage `json:"inScopeOf,omitempty"`
}

// SessionContext describes temporary credentials.
type SessionContext struct {
	SessionIssuer       *SessionIssuer       `json:"sessionIssuer,omitempty"`
	WebIDFederationData *WebIDFederationData `json:"webIdFederationData,omitempty"`
	Attributes          SessionAttributes    `json:"attributes"`
	SourceIdentity      string               `json:"sourceIdentity,omitempty"`
	EC2RoleDelivery     string               `json:"ec2RoleDelivery,omitempty"`
	AssumedRoot         string               `json:"assumedRoot,omitempty"`
}

// SessionIssuer is the role (or user, for GetSessionToken / federation)
// the session came from.
type SessionIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	ARN         string `json:"arn"`
	AccountID   string `json:"accountId"`
	UserName    string `json:"userName"`
}

// WebIDFederationData is set for AssumeRoleWithWebIdentity sessions; an
// empty object otherwise when CloudTrail writes it at all.
type WebIDFederationData struct {
	FederatedProvider string            `json:"federatedProvider,omitempty"`
	Attributes        map[string]string `json:"attributes,omitempty"`
}

// SessionAttributes: creationDate and whether MFA was used ("true"/"false").
type SessionAttributes struct {
	CreationDate     Time   `json:"creationDate"`
	MFAAuthenticated string `json:"mfaAuthenticated"`
}

// RecordResource is one entry of Record.Resources.
type RecordResource struct {
	ARN       string `json:"ARN"`
	AccountID string `json:"accountId,omitempty"`
	Type      string `json:"type,omitempty"`
}

// TLSDetails describes the client's TLS connection.
type TLSDetails struct {
	TLSVersion               string `json:"tlsVersion,omitempty"`
	CipherSuite              string `json:"cipherSuite,omitempty"`
	ClientProvidedHostHeader string `json:"clientProvidedHostHeader,omitempty"`
}

// Time is a timestamp as CloudTrail writes it: RFC 3339 in UTC, whole
// seconds ("2024-07-30T21:31:21Z").
type Time struct{ time.Time }

const timeLayout = "2006-01-02T15:04:05Z"

// MarshalJSON writes the time in UTC, truncated to the second.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`null`), nil
	}
	return []byte(`"` + t.UTC().Format(timeLayout) + `"`), nil
}

// UnmarshalJSON reads any RFC 3339 time (fractions and offsets included).
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("trail: time: %w", err)
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("trail: time: %w", err)
	}
	t.Time = v.UTC()
	return nil
}

// lookupUsername is the User name LookupEvents shows for the record:
// the IAM user's name, the session name of an assumed role, "root" for the
// root user, the federated user's name; for an AWS service, the service.
func (r *Record) lookupUsername() string {
	id := &r.UserIdentity
	switch id.Type {
	case IdentityRoot:
		return "root"
	case IdentityAssumedRole, IdentityFederatedUser:
		if id.Type == IdentityFederatedUser && id.UserName != "" {
			return id.UserName
		}
		return lastSegment(id.ARN, id.PrincipalID)
	case IdentityAWSService:
		return id.InvokedBy
	}
	return id.UserName
}

// lastSegment returns the session name: after the last '/' of the ARN
// (arn:aws:sts::111122223333:assumed-role/role/session), else after the
// ':' of the principal id (AROAEXAMPLE:session).
func lastSegment(arn, principalID string) string {
	for i := len(arn) - 1; i >= 0; i-- {
		if arn[i] == '/' {
			return arn[i+1:]
		}
	}
	for i := len(principalID) - 1; i >= 0; i-- {
		if principalID[i] == ':' {
			return principalID[i+1:]
		}
	}
	return ""
}

// Encode returns the record JSON as CloudTrail writes it: fields in
// CloudTrail's order, HTML characters not escaped, empty raw members
// (requestParameters, responseElements) as null.
func Encode(rec *Record) ([]byte, error) {
	r := *rec
	for _, m := range []*json.RawMessage{&r.RequestParameters, &r.ResponseElements, &r.AdditionalEventData,
		&r.ServiceEventDetails, &r.Addendum, &r.UserIdentity.OnBehalfOf, &r.UserIdentity.InScopeOf} {
		if len(*m) == 0 {
			*m = nil
		}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&r); err != nil {
		return nil, fmt.Errorf("trail: encode record %s: %w", rec.EventID, err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// Decode parses one record JSON; null raw members become nil.
func Decode(b []byte) (*Record, error) {
	var r Record
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("trail: decode record: %w", err)
	}
	for _, m := range []*json.RawMessage{&r.RequestParameters, &r.ResponseElements, &r.AdditionalEventData,
		&r.ServiceEventDetails, &r.Addendum, &r.UserIdentity.OnBehalfOf, &r.UserIdentity.InScopeOf} {
		if string(*m) == "null" {
			*m = nil
		}
	}
	return &r, nil
}
