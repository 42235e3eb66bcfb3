package trail

import (
	"context"
	"encoding/json"
	"strconv"
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
	readOnly := ev.Attrs[AttrReadOnly] == "true"
	if len(t.AdvancedEventSelectors) > 0 {
		return t.selectsAdvanced(ev, readOnly)
	}
	if ev.Attrs[AttrEventCategory] == EventCategoryData {
		return t.selectsData(ev, readOnly)
	}
	if len(t.EventSelectors) == 0 {
		return true // the default: all management events
	}
	for _, s := range t.EventSelectors {
		if s.IncludeManagementEvents != nil && !*s.IncludeManagementEvents {
			continue
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

// readWrite reports whether a selector's ReadWriteType takes the event.
func readWrite(rw string, readOnly bool) bool {
	switch rw {
	case "ReadOnly":
		return readOnly
	case "WriteOnly":
		return !readOnly
	}
	return true
}

// selectsData applies basic event selectors to a data event: a
// DataResources entry of type AWS::S3::Object whose value is "arn:aws:s3"
// (every bucket, also "arn:aws:s3:::") or a prefix of the object's ARN
// ("arn:aws:s3:::bucket/" for one bucket); bucket-level data events
// (ListObjects) match the bucket's values.
func (t *Trail) selectsData(ev *store.Event, readOnly bool) bool {
	for _, s := range t.EventSelectors {
		if !readWrite(s.ReadWriteType, readOnly) {
			continue
		}
		for _, d := range s.DataResources {
			if d.Type != "AWS::S3::Object" {
				continue
			}
			for _, v := range d.Values {
				for _, r := range ev.Resources {
					switch {
					case v == "arn:aws:s3" || v == "arn:aws:s3:::":
						return true
					case r.Type == "AWS::S3::Object" && strings.HasPrefix(r.Name, v):
						return true
					case r.Type == "AWS::S3::Bucket" && r.Name+"/" == v:
						return true
					}
				}
			}
		}
	}
	return false
}

// advancedSelector is one of CloudTrail's advanced event selectors.
type advancedSelector struct {
	Name           string
	FieldSelectors []struct {
		Field                                                               string
		Equals, StartsWith, EndsWith, NotEquals, NotStartsWith, NotEndsWith []string
	}
}

// selectsAdvanced applies advanced event selectors: an event is delivered
// when every field selector of one of them matches. Fields moat reads:
// eventCategory, eventSource, eventName, readOnly, resources.type and
// resources.ARN; other fields never match (moat does not record them).
func (t *Trail) selectsAdvanced(ev *store.Event, readOnly bool) bool {
	var sels []advancedSelector
	if err := json.Unmarshal(t.AdvancedEventSelectors, &sels); err != nil {
		return false
	}
	category := EventCategoryManagement
	if ev.Attrs[AttrEventCategory] == EventCategoryData {
		category = EventCategoryData
	}
	values := func(field string) []string {
		switch field {
		case "eventCategory":
			return []string{category}
		case "eventSource":
			return []string{ev.Attrs[AttrEventSource]}
		case "eventName":
			return []string{ev.Attrs[AttrEventName]}
		case "readOnly":
			return []string{strconv.FormatBool(readOnly)}
		case "resources.type", "resources.ARN":
			var out []string
			for _, r := range ev.Resources {
				if field == "resources.type" {
					out = append(out, r.Type)
				} else {
					out = append(out, r.Name)
				}
			}
			return out
		}
		return nil
	}
	for _, sel := range sels {
		all := true
		for _, f := range sel.FieldSelectors {
			if !fieldMatches(values(f.Field), f.Equals, f.StartsWith, f.EndsWith, f.NotEquals, f.NotStartsWith, f.NotEndsWith) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// fieldMatches: some value matches every positive condition given and
// none of the negative ones.
func fieldMatches(vals, eq, starts, ends, neq, nstarts, nends []string) bool {
	in := func(v string, list []string, f func(string, string) bool) bool {
		for _, x := range list {
			if f(v, x) {
				return true
			}
		}
		return false
	}
	equal := func(a, b string) bool { return a == b }
	for _, v := range vals {
		if len(eq) > 0 && !in(v, eq, equal) || len(starts) > 0 && !in(v, starts, strings.HasPrefix) ||
			len(ends) > 0 && !in(v, ends, strings.HasSuffix) {
			continue
		}
		if in(v, neq, equal) || in(v, nstarts, strings.HasPrefix) || in(v, nends, strings.HasSuffix) {
			continue
		}
		return true
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
