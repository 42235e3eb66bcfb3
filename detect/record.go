package detect

import (
	"bytes"
	"encoding/json"
	"time"
)

// Record is one CloudTrail event in AWS's record schema
// (cloudtrail-event-reference-record-contents). Only the fields detectors read
// are decoded; the whole record stays available in Raw for rules that address
// other fields (Sigma). Unknown fields are ignored, as CloudTrail's
// compatibility rule asks of consumers.
type Record struct {
	EventVersion        string          `json:"eventVersion"`
	UserIdentity        UserIdentity    `json:"userIdentity"`
	EventTime           time.Time       `json:"-"`
	EventSource         string          `json:"eventSource"`
	EventName           string          `json:"eventName"`
	AWSRegion           string          `json:"awsRegion"`
	SourceIPAddress     string          `json:"sourceIPAddress"`
	UserAgent           string          `json:"userAgent"`
	ErrorCode           string          `json:"errorCode"`
	ErrorMessage        string          `json:"errorMessage"`
	RequestParameters   json.RawMessage `json:"requestParameters"`
	ResponseElements    json.RawMessage `json:"responseElements"`
	AdditionalEventData json.RawMessage `json:"additionalEventData"`
	RequestID           string          `json:"requestID"`
	EventID             string          `json:"eventID"`
	EventType           string          `json:"eventType"`
	EventCategory       string          `json:"eventCategory"`
	RecipientAccountID  string          `json:"recipientAccountId"`
	VPCEndpointID       string          `json:"vpcEndpointId"`
	ReadOnly            *bool           `json:"-"`
	Resources           []Resource      `json:"resources"`

	// Raw is the record as read. Raw and the json.RawMessage fields above
	// alias the reader's buffer, which the next Next call reuses: use Clone
	// to keep a record.
	Raw []byte `json:"-"`
}

// Clone returns a deep copy of r that shares no storage with a reader.
func (r *Record) Clone() *Record {
	c := *r
	c.Resources = append([]Resource(nil), r.Resources...)
	if r.Raw == nil {
		c.RequestParameters = cloneBytes(r.RequestParameters)
		c.ResponseElements = cloneBytes(r.ResponseElements)
		c.AdditionalEventData = cloneBytes(r.AdditionalEventData)
		return &c
	}
	c.Raw = append([]byte(nil), r.Raw...)
	c.RequestParameters = rebase(r.Raw, c.Raw, r.RequestParameters)
	c.ResponseElements = rebase(r.Raw, c.Raw, r.ResponseElements)
	c.AdditionalEventData = rebase(r.Raw, c.Raw, r.AdditionalEventData)
	return &c
}

func cloneBytes(b json.RawMessage) json.RawMessage {
	if b == nil {
		return nil
	}
	return append(json.RawMessage(nil), b...)
}

// rebase points sub, a slice of old, at the same bytes in dup (a copy of old);
// a sub that is not inside old is copied.
func rebase(old, dup []byte, sub json.RawMessage) json.RawMessage {
	if len(sub) == 0 {
		return sub
	}
	off := cap(old) - cap(sub)
	if off < 0 || off+len(sub) > len(old) || &old[off] != &sub[0] {
		return cloneBytes(sub)
	}
	// old may have a capacity beyond its length (a reader's buffer); cap
	// arithmetic is then still exact because sub was cut from the same array.
	return json.RawMessage(dup[off : off+len(sub) : off+len(sub)])
}

// UserIdentity is the record's userIdentity element
// (cloudtrail-event-reference-user-identity).
type UserIdentity struct {
	Type           string         `json:"type"`
	PrincipalID    string         `json:"principalId"`
	ARN            string         `json:"arn"`
	AccountID      string         `json:"accountId"`
	AccessKeyID    string         `json:"accessKeyId"`
	UserName       string         `json:"userName"`
	InvokedBy      string         `json:"invokedBy"`
	SessionContext SessionContext `json:"sessionContext"`
}

// SessionContext is userIdentity.sessionContext.
type SessionContext struct {
	SessionIssuer struct {
		Type     string `json:"type"`
		ARN      string `json:"arn"`
		UserName string `json:"userName"`
	} `json:"sessionIssuer"`
	Attributes struct {
		CreationDate     string `json:"creationDate"`
		MFAAuthenticated string `json:"mfaAuthenticated"`
	} `json:"attributes"`
	EC2RoleDelivery string `json:"ec2RoleDelivery"`
}

// Resource is one element of the record's resources list.
type Resource struct {
	ARN       string `json:"ARN"`
	AccountID string `json:"accountId"`
	Type      string `json:"type"`
}

// recordJSON adds the fields that need converting: eventTime (or the
// "@timestamp" Logstash substitutes for it) and readOnly, a boolean in
// records and the string "true"/"false" in LookupEvents output.
type recordJSON struct {
	*recordAlias
	EventTime string          `json:"eventTime"`
	Timestamp string          `json:"@timestamp"`
	ReadOnly  json.RawMessage `json:"readOnly"`
}

type recordAlias Record

// parseRecord decodes one CloudTrail record into r with encoding/json. The
// readers use the faster ctDecoder; this is its reference (tests compare
// the two). Errors are *json.SyntaxError / *json.UnmarshalTypeError or *Error.
func parseRecord(data []byte, r *Record) error {
	*r = Record{Resources: r.Resources[:0]}
	aux := recordJSON{recordAlias: (*recordAlias)(r)}
	if err := json.Unmarshal(data, &aux); err != nil {
		return err
	}
	r.Raw = data
	if isNull(r.RequestParameters) {
		r.RequestParameters = nil
	}
	if isNull(r.ResponseElements) {
		r.ResponseElements = nil
	}
	return finishRecord(r, aux.EventTime, aux.Timestamp, aux.ReadOnly)
}

func isNull(b json.RawMessage) bool { return len(b) == 0 || bytes.Equal(b, []byte("null")) }

func quoteShort(s string) string {
	if len(s) > 60 {
		s = s[:60] + "…"
	}
	return `"` + s + `"`
}

// Principal returns the ARN that identifies who made the call, falling back
// to the account root for records without an ARN.
func (r *Record) Principal() string {
	if r.UserIdentity.ARN != "" {
		return r.UserIdentity.ARN
	}
	if r.UserIdentity.Type == "Root" && r.UserIdentity.AccountID != "" {
		return "arn:aws:iam::" + r.UserIdentity.AccountID + ":root"
	}
	if r.UserIdentity.PrincipalID != "" {
		return r.UserIdentity.PrincipalID
	}
	return r.UserIdentity.InvokedBy
}

// AccountID is the account the record belongs to.
func (r *Record) AccountID() string {
	if r.RecipientAccountID != "" {
		return r.RecipientAccountID
	}
	return r.UserIdentity.AccountID
}

// Failed reports whether the call failed (errorCode set, or a console
// sign-in whose responseElements say Failure).
func (r *Record) Failed() bool {
	if r.ErrorCode != "" {
		return true
	}
	if r.EventType == "AwsConsoleSignIn" || r.EventSource == "signin.amazonaws.com" {
		return bytes.Contains(r.ResponseElements, []byte(`"Failure"`))
	}
	return false
}

// field extracts a top-level string member of a raw JSON object; it returns
// "" when the member is absent or not a string.
func rawString(obj json.RawMessage, name string) string {
	if len(obj) == 0 {
		return ""
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(obj, &m) != nil {
		return ""
	}
	var s string
	if json.Unmarshal(m[name], &s) != nil {
		return ""
	}
	return s
}
