package trail

import (
	"context"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/store"
)

// TableTrails holds trails by account/home region/name.
const TableTrails = "cloudtrail.trails"

// TrailKey is a trail's store key.
func TrailKey(account, region, name string) string { return account + "/" + region + "/" + name }

// Trail is a trail's configuration and delivery state, as stored. The
// cloudtrail service writes the configuration; the Deliverer writes Status
// and Digests.
type Trail struct {
	Name                       string          `json:"name"`
	Account                    string          `json:"account"`
	HomeRegion                 string          `json:"homeRegion"`
	S3BucketName               string          `json:"s3BucketName"`
	S3KeyPrefix                string          `json:"s3KeyPrefix,omitempty"`
	SnsTopicName               string          `json:"snsTopicName,omitempty"`
	IncludeGlobalServiceEvents bool            `json:"includeGlobalServiceEvents"`
	IsMultiRegionTrail         bool            `json:"isMultiRegionTrail"`
	LogFileValidationEnabled   bool            `json:"logFileValidationEnabled"`
	IsOrganizationTrail        bool            `json:"isOrganizationTrail"`
	CloudWatchLogsLogGroupArn  string          `json:"cloudWatchLogsLogGroupArn,omitempty"`
	CloudWatchLogsRoleArn      string          `json:"cloudWatchLogsRoleArn,omitempty"`
	KmsKeyID                   string          `json:"kmsKeyId,omitempty"`
	EventSelectors             []EventSelector `json:"eventSelectors,omitempty"`
	AdvancedEventSelectors     []byte          `json:"advancedEventSelectors,omitempty"` // stored as given
	InsightSelectors           []byte          `json:"insightSelectors,omitempty"`       // stored as given
	Tags                       []TrailTag      `json:"tags,omitempty"`
	Created                    time.Time       `json:"created"`

	Logging          bool      `json:"logging"`
	StartLoggingTime time.Time `json:"startLoggingTime,omitempty"`
	StopLoggingTime  time.Time `json:"stopLoggingTime,omitempty"`
	// StartSeq and StopSeq are the event log's last Seq when logging
	// started and stopped: records are whole seconds, so the log's order
	// decides which events fall inside the logging window.
	StartSeq int64 `json:"startSeq,omitempty"`
	StopSeq  int64 `json:"stopSeq,omitempty"`

	Status  DeliveryStatus          `json:"status"`
	Digests map[string]*DigestState `json:"digests,omitempty"` // by account/region
}

// TrailTag is a tag of a trail.
type TrailTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// ARN is the trail's ARN.
func (t *Trail) ARN() string {
	return "arn:aws:cloudtrail:" + t.HomeRegion + ":" + t.Account + ":trail/" + t.Name
}

// DeliveryStatus is what GetTrailStatus reports about deliveries.
type DeliveryStatus struct {
	LatestDeliveryTime        time.Time `json:"latestDeliveryTime,omitempty"`
	LatestDeliveryAttemptTime time.Time `json:"latestDeliveryAttemptTime,omitempty"`
	LatestDeliveryError       string    `json:"latestDeliveryError,omitempty"`
	LatestDigestDeliveryTime  time.Time `json:"latestDigestDeliveryTime,omitempty"`
	LatestDigestDeliveryError string    `json:"latestDigestDeliveryError,omitempty"`
}

// EventSelector is CloudTrail's basic event selector.
type EventSelector struct {
	ReadWriteType                 string         `json:"ReadWriteType,omitempty"` // ReadOnly | WriteOnly | All (default)
	IncludeManagementEvents       *bool          `json:"IncludeManagementEvents,omitempty"`
	DataResources                 []DataResource `json:"DataResources,omitempty"`
	ExcludeManagementEventSources []string       `json:"ExcludeManagementEventSources,omitempty"`
}

// DataResource selects data events (S3 objects, Lambda functions).
type DataResource struct {
	Type   string   `json:"Type"`
	Values []string `json:"Values,omitempty"`
}

// globalSources are the event sources of global services, whose events
// CloudTrail records in us-east-1 and delivers only to trails that include
// global service events.
var globalSources = map[string]bool{
	"iam.amazonaws.com": true, "organizations.amazonaws.com": true, "signin.amazonaws.com": true,
	"cloudfront.amazonaws.com": true, "route53.amazonaws.com": true,
}

// Selects reports whether the trail delivers ev, a CloudTrail event of the
// log. member reports whether an account is in the organization the trail's
// account manages (for organization trails). Logging is judged by the
// event's place in the log: a stopped trail still delivers what happened
// while it was logging, and the StopLogging call itself (moat keeps the
// last logging window only).
func (t *Trail) Selects(ev *store.Event, member func(account string) bool) bool {
	switch {
	case t.StartLoggingTime.IsZero() || ev.Seq <= t.StartSeq:
		return false
	case !t.Logging && ev.Seq > t.StopSeq:
		if ev.Attrs[AttrEventName] != "StopLogging" || ev.Account != t.Account || ev.Time.Sub(t.StopLoggingTime) > 2*time.Second {
			return false
		}
	}
	if ev.Account != t.Account && !(t.IsOrganizationTrail && member != nil && member(ev.Account)) {
		return false
	}
	source := ev.Attrs[AttrEventSource]
	if globalSources[source] && !t.IncludeGlobalServiceEvents {
		return false
	}
	if ev.Region != t.HomeRegion && !t.IsMultiRegionTrail {
		return false
	}
	if len(t.EventSelectors) == 0 {
		return true // the default: all management events
	}
	readOnly := ev.Attrs[AttrReadOnly] == "true"
	for _, s := range t.EventSelectors {
		if s.IncludeManagementEvents != nil && !*s.IncludeManagementEvents {
			continue // moat records management events only (data events come with S3)
		}
		excluded := false
		for _, x := range s.ExcludeManagementEventSources {
			if strings.EqualFold(x, source) {
				excluded = true
			}
		}
		if excluded {
			continue
		}
		switch s.ReadWriteType {
		case "ReadOnly":
			if readOnly {
				return true
			}
		case "WriteOnly":
			if !readOnly {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// LogsManagementWrites reports whether the trail delivers write management
// events (what CIS and GuardDuty check: a trail that stops delivering them
// is as good as stopped).
func (t *Trail) LogsManagementWrites() bool {
	if !t.Logging {
		return false
	}
	if len(t.EventSelectors) == 0 {
		return true
	}
	for _, s := range t.EventSelectors {
		if (s.IncludeManagementEvents == nil || *s.IncludeManagementEvents) && s.ReadWriteType != "ReadOnly" {
			return true
		}
	}
	return false
}

// LatestSeq returns the Seq of the newest CloudTrail event in log (0 when
// there is none).
func LatestSeq(ctx context.Context, log store.EventLog) (int64, error) {
	evs, err := log.QueryEvents(ctx, store.EventQuery{Stream: store.StreamCloudTrail, Limit: 1})
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	return evs[0].Seq, nil
}
