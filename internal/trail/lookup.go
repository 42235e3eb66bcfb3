package trail

import (
	"context"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/store"
)

// Lookup attribute keys (AWS's LookupAttributeKey enum), also the keys of
// store.Event.Attrs the Writer fills.
const (
	AttrEventID      = "EventId"
	AttrEventName    = "EventName"
	AttrReadOnly     = "ReadOnly"
	AttrUsername     = "Username"
	AttrResourceType = store.AttrResourceType
	AttrResourceName = store.AttrResourceName
	AttrEventSource  = "EventSource"
	AttrAccessKeyID  = "AccessKeyId"
	// AttrEventCategory is "Data" on data events (absent on management
	// events); LookupEvents never returns data events, as CloudTrail.
	AttrEventCategory = "EventCategory"
)

var lookupKeys = map[string]bool{
	AttrEventID: true, AttrEventName: true, AttrReadOnly: true, AttrUsername: true,
	AttrResourceType: true, AttrResourceName: true, AttrEventSource: true, AttrAccessKeyID: true,
}

// Lookup limits.
const (
	// Retention is how far back LookupEvents sees (event history: 90 days).
	Retention         = 90 * 24 * time.Hour
	DefaultMaxResults = 50
	MaxMaxResults     = 50
)

// LookupInput is the LookupEvents request; field names are AWS's members.
type LookupInput struct {
	LookupAttributes []LookupAttribute
	StartTime        *time.Time
	EndTime          *time.Time
	EventCategory    string
	MaxResults       *int32
	NextToken        *string
}

// LookupAttribute is one lookup attribute.
type LookupAttribute struct {
	AttributeKey   string
	AttributeValue string
}

// LookupOutput is the LookupEvents response.
type LookupOutput struct {
	Events    []Event
	NextToken *string `json:",omitempty"`
}

// Event is one LookupEvents result.
type Event struct {
	EventId         string `json:",omitempty"` //nolint:revive // AWS member name
	EventName       string `json:",omitempty"`
	ReadOnly        string `json:",omitempty"`
	AccessKeyId     string `json:",omitempty"` //nolint:revive // AWS member name
	EventTime       time.Time
	EventSource     string     `json:",omitempty"`
	Username        string     `json:",omitempty"`
	Resources       []Resource `json:",omitempty"`
	CloudTrailEvent string     `json:",omitempty"`
}

// Resource is a resource LookupEvents lists for an event.
type Resource struct {
	ResourceType string `json:",omitempty"`
	ResourceName string `json:",omitempty"`
}

// LookupOption narrows a Lookup beyond what the request says.
type LookupOption func(*store.EventQuery)

// InRegion keeps the events of one region, as LookupEvents (a regional API)
// does with the request's region.
func InRegion(region string) LookupOption {
	return func(q *store.EventQuery) { q.Region = region }
}

// Lookup answers LookupEvents for account from the event log: at most one
// lookup attribute, events of the last 90 days before now, newest first,
// MaxResults per page (default 50) and an opaque NextToken bound to the
// request's other parameters.
func Lookup(ctx context.Context, log store.EventLog, account string, in LookupInput, now time.Time, opts ...LookupOption) (*LookupOutput, error) {
	q, limit, err := lookupQuery(account, in, now)
	if err != nil {
		return nil, err
	}
	for _, o := range opts {
		o(&q)
	}
	out := &LookupOutput{Events: []Event{}}
	if in.EventCategory == "insight" || q.Start.After(q.End) {
		return out, nil // moat records no Insights events; or nothing is retained in range
	}
	h := paramsHash(account, q.Region, in)
	if in.NextToken != nil && *in.NextToken != "" {
		seq, err := decodeToken(*in.NextToken, h)
		if err != nil {
			return nil, err
		}
		q.BeforeSeq = seq
	}
	// Data events share the log but are not LookupEvents': read pages
	// until limit+1 management events are found or the log runs out.
	var evs []store.Event
	for {
		q.Limit = limit + 1
		batch, err := log.QueryEvents(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("trail: lookup events: %w", err)
		}
		for _, ev := range batch {
			if ev.Attrs[AttrEventCategory] != EventCategoryData {
				evs = append(evs, ev)
			}
		}
		if len(batch) < q.Limit || len(evs) > limit {
			break
		}
		q.BeforeSeq = batch[len(batch)-1].Seq
	}
	if len(evs) > limit {
		evs = evs[:limit]
		tok := encodeToken(evs[limit-1].Seq, h)
		out.NextToken = &tok
	}
	for _, ev := range evs {
		out.Events = append(out.Events, lookupEvent(ev))
	}
	return out, nil
}

// lookupQuery validates in and turns it into a store query.
func lookupQuery(account string, in LookupInput, now time.Time) (store.EventQuery, int, error) {
	q := store.EventQuery{Stream: store.StreamCloudTrail, Account: account}
	switch in.EventCategory {
	case "", "insight":
	default:
		return q, 0, awserr.InvalidEventCategoryException.New(
			"Event category %s is not valid. Valid values are: insight.", in.EventCategory)
	}
	if len(in.LookupAttributes) > 1 {
		return q, 0, awserr.InvalidLookupAttributesException.New(
			"You can specify only one lookup attribute; %d were specified.", len(in.LookupAttributes))
	}
	if len(in.LookupAttributes) == 1 {
		a := in.LookupAttributes[0]
		if !lookupKeys[a.AttributeKey] {
			return q, 0, awserr.InvalidLookupAttributesException.New(
				"Lookup attribute key %q is not valid. Valid keys are: EventId, EventName, ReadOnly, Username, ResourceType, ResourceName, EventSource, AccessKeyId.", a.AttributeKey)
		}
		if a.AttributeValue == "" || len(a.AttributeValue) > 2000 {
			return q, 0, awserr.InvalidLookupAttributesException.New(
				"The value of lookup attribute %s must be 1 to 2000 characters long.", a.AttributeKey)
		}
		q.AttrKey, q.AttrValue = a.AttributeKey, a.AttributeValue
	}
	limit := DefaultMaxResults
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > MaxMaxResults {
			return q, 0, awserr.InvalidMaxResultsException.New(
				"MaxResults %d is not valid: specify a value from 1 through 50.", *in.MaxResults)
		}
		limit = int(*in.MaxResults)
	}
	if in.StartTime != nil && in.EndTime != nil && in.StartTime.After(*in.EndTime) {
		return q, 0, awserr.InvalidTimeRangeException.New(
			"The start time %s is after the end time %s.", in.StartTime.UTC().Format(time.RFC3339), in.EndTime.UTC().Format(time.RFC3339))
	}
	q.Start, q.End = now.Add(-Retention), now
	if in.StartTime != nil && in.StartTime.After(q.Start) {
		q.Start = *in.StartTime
	}
	if in.EndTime != nil {
		q.End = *in.EndTime
	}
	return q, limit, nil
}

func lookupEvent(ev store.Event) Event {
	out := Event{
		EventId:         ev.Attrs[AttrEventID],
		EventName:       ev.Attrs[AttrEventName],
		ReadOnly:        ev.Attrs[AttrReadOnly],
		AccessKeyId:     ev.Attrs[AttrAccessKeyID],
		EventTime:       ev.Time,
		EventSource:     ev.Attrs[AttrEventSource],
		Username:        ev.Attrs[AttrUsername],
		CloudTrailEvent: string(ev.Body),
	}
	if out.EventId == "" {
		out.EventId = ev.ID
	}
	for _, r := range ev.Resources {
		out.Resources = append(out.Resources, Resource{ResourceType: r.Type, ResourceName: r.Name})
	}
	return out
}

// NextToken layout: version byte, Seq of the page's last event, and a hash
// of the request's other parameters (a token is only valid with them),
// base64url without padding.
const tokenVersion = 1

func paramsHash(account, region string, in LookupInput) uint64 {
	h := fnv.New64a()
	put := func(s string) { fmt.Fprintf(h, "%d:%s|", len(s), s) }
	put(account)
	put(region)
	put(in.EventCategory)
	for _, a := range in.LookupAttributes {
		put(a.AttributeKey)
		put(a.AttributeValue)
	}
	for _, t := range []*time.Time{in.StartTime, in.EndTime} {
		if t == nil {
			put("-")
		} else {
			put(fmt.Sprint(t.UnixNano()))
		}
	}
	return h.Sum64()
}

func encodeToken(seq int64, h uint64) string {
	b := make([]byte, 17)
	b[0] = tokenVersion
	binary.BigEndian.PutUint64(b[1:9], uint64(seq))
	binary.BigEndian.PutUint64(b[9:], h)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(tok string, h uint64) (int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || len(b) != 17 || b[0] != tokenVersion {
		return 0, awserr.InvalidNextTokenException.New("The NextToken is not valid.")
	}
	if binary.BigEndian.Uint64(b[9:]) != h {
		return 0, awserr.InvalidNextTokenException.New(
			"The NextToken is not valid: it must be used with the same parameters as the request that returned it.")
	}
	seq := int64(binary.BigEndian.Uint64(b[1:9]))
	if seq <= 0 {
		return 0, awserr.InvalidNextTokenException.New("The NextToken is not valid.")
	}
	return seq, nil
}
