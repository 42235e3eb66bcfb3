// Package logs serves the part of the CloudWatch Logs API (json 1.1) that
// EventBridge targets need: log groups, and reading what rules delivered
// (FilterLogEvents). Append is how moat's own producers write.
package logs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Tables.
const (
	TableGroups = "logs.groups" // account/region/name → group
	TableEvents = "logs.events" // account/region/name/<20-digit ms><6-digit n> → event
)

var (
	alreadyExists    = awserr.Def{Code: "ResourceAlreadyExistsException", Status: http.StatusBadRequest}
	notFound         = awserr.Def{Code: "ResourceNotFoundException", Status: http.StatusBadRequest}
	invalidParameter = awserr.Def{Code: "InvalidParameterException", Status: http.StatusBadRequest}
)

// New returns the CloudWatch Logs service.
func New() *service.Service {
	arn := func(c *service.Call, name string) string {
		return "arn:aws:logs:" + c.Region + ":" + c.Account() + ":log-group:" + name
	}
	return &service.Service{
		Meta:        protocol.Service{Name: "logs", Protocol: "json", JSONVersion: "1.1", TargetPrefix: "Logs_20140328"},
		EventSource: "logs.amazonaws.com",
		Ops: service.Table(
			service.Op("CreateLogGroup", "logs:CreateLogGroup", createLogGroup, service.Resource(func(_ context.Context, c *service.Call, in *GroupInput) (string, error) {
				return arn(c, in.LogGroupName), nil
			})),
			service.Op("DeleteLogGroup", "logs:DeleteLogGroup", deleteLogGroup, service.Resource(func(_ context.Context, c *service.Call, in *GroupInput) (string, error) {
				return arn(c, in.LogGroupName), nil
			})),
			service.Op("DescribeLogGroups", "logs:DescribeLogGroups", describeLogGroups, service.ReadOnly[DescribeInput]()),
			service.Op("FilterLogEvents", "logs:FilterLogEvents", filterLogEvents, service.ReadOnly[FilterInput](), service.Resource(func(_ context.Context, c *service.Call, in *FilterInput) (string, error) {
				return arn(c, in.LogGroupName), nil
			})),
		),
	}
}

type group struct {
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
}

func groupKey(account, region, name string) string { return account + "/" + region + "/" + name }

// GroupInput names a log group.
type GroupInput struct {
	LogGroupName string `aws:"logGroupName,required"`
}

func checkName(name string) error {
	if name == "" || len(name) > 512 || strings.ContainsAny(name, " :*?\"<>|") {
		return invalidParameter.New("1 validation error detected: Value '%s' at 'logGroupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_/#A-Za-z0-9]+", name)
	}
	return nil
}

// CreateGroupTx creates a log group in a transaction; exists is true when
// it was there already.
func CreateGroupTx(tx store.Tx, account, region, name string, now time.Time) (exists bool, err error) {
	if err := checkName(name); err != nil {
		return false, err
	}
	b, _ := json.Marshal(group{Name: name, Created: now.UTC()})
	err = tx.Insert(TableGroups, groupKey(account, region, name), b)
	if errors.Is(err, store.ErrExists) {
		return true, nil
	}
	return false, err
}

func createLogGroup(ctx context.Context, c *service.Call, in *GroupInput) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		exists, err := CreateGroupTx(tx, c.Account(), c.Region, in.LogGroupName, c.Now)
		if err == nil && exists {
			return alreadyExists.New("The specified log group already exists")
		}
		return err
	})
}

func deleteLogGroup(ctx context.Context, c *service.Call, in *GroupInput) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		key := groupKey(c.Account(), c.Region, in.LogGroupName)
		if err := tx.Delete(TableGroups, key); errors.Is(err, store.ErrNotFound) {
			return notFound.New("The specified log group does not exist.")
		} else if err != nil {
			return err
		}
		var keys []string
		if err := tx.Scan(TableEvents, key+"/", "", 0, func(k string, _ []byte) error { keys = append(keys, k); return nil }); err != nil {
			return err
		}
		for _, k := range keys {
			if err := tx.Delete(TableEvents, k); err != nil {
				return err
			}
		}
		return nil
	})
}

// DescribeInput is the DescribeLogGroups request.
type DescribeInput struct {
	LogGroupNamePrefix *string `aws:"logGroupNamePrefix"`
}

// LogGroup is CloudWatch Logs' LogGroup shape.
type LogGroup struct {
	LogGroupName string `aws:"logGroupName"`
	Arn          string `aws:"arn"`
	CreationTime int64  `aws:"creationTime"`
	StoredBytes  int64  `aws:"storedBytes"`
}

// DescribeOutput is the DescribeLogGroups response.
type DescribeOutput struct {
	LogGroups []LogGroup `aws:"logGroups"`
}

func describeLogGroups(ctx context.Context, c *service.Call, in *DescribeInput) (*DescribeOutput, error) {
	out := &DescribeOutput{LogGroups: []LogGroup{}}
	prefix := c.Account() + "/" + c.Region + "/"
	if in.LogGroupNamePrefix != nil {
		prefix += *in.LogGroupNamePrefix
	}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		return tx.Scan(TableGroups, prefix, "", 0, func(_ string, b []byte) error {
			var g group
			if err := json.Unmarshal(b, &g); err != nil {
				return err
			}
			out.LogGroups = append(out.LogGroups, LogGroup{LogGroupName: g.Name, CreationTime: g.Created.UnixMilli(),
				Arn: "arn:aws:logs:" + c.Region + ":" + c.Account() + ":log-group:" + g.Name + ":*"})
			return nil
		})
	})
	return out, err
}

// Event is one stored log event.
type Event struct {
	Stream    string `json:"stream"`
	Timestamp int64  `json:"timestamp"`
	Ingested  int64  `json:"ingested"`
	Message   string `json:"message"`
}

// Append writes a message to a log group (created when missing, as moat's
// EventBridge targets need; AWS requires it to exist) in a transaction.
func Append(tx store.Tx, account, region, name, stream, message string, now time.Time) error {
	if _, err := CreateGroupTx(tx, account, region, name, now); err != nil {
		return err
	}
	prefix := groupKey(account, region, name) + "/" + fmt.Sprintf("%020d", now.UnixMilli())
	n := 0
	if err := tx.Scan(TableEvents, prefix, "", 0, func(string, []byte) error { n++; return nil }); err != nil {
		return err
	}
	b, _ := json.Marshal(Event{Stream: stream, Timestamp: now.UnixMilli(), Ingested: now.UnixMilli(), Message: message})
	return tx.Put(TableEvents, prefix+fmt.Sprintf("%06d", n), b)
}

// FilterInput is the FilterLogEvents request.
type FilterInput struct {
	LogGroupName  string  `aws:"logGroupName,required"`
	StartTime     *int64  `aws:"startTime"`
	EndTime       *int64  `aws:"endTime"`
	FilterPattern *string `aws:"filterPattern"`
	Limit         *int32  `aws:"limit"`
	NextToken     *string `aws:"nextToken"`
}

// FilteredLogEvent is CloudWatch Logs' FilteredLogEvent shape.
type FilteredLogEvent struct {
	LogStreamName string `aws:"logStreamName"`
	Timestamp     int64  `aws:"timestamp"`
	Message       string `aws:"message"`
	IngestionTime int64  `aws:"ingestionTime"`
	EventID       string `aws:"eventId"`
}

// FilterOutput is the FilterLogEvents response.
type FilterOutput struct {
	Events    []FilteredLogEvent `aws:"events"`
	NextToken *string            `aws:"nextToken"`
}

// filterLogEvents returns a group's events oldest first. A filterPattern is
// matched as a plain substring of the message (CloudWatch's filter syntax is
// not implemented; said in RATIONALE.md).
func filterLogEvents(ctx context.Context, c *service.Call, in *FilterInput) (*FilterOutput, error) {
	limit := 10000
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 10000 {
			return nil, invalidParameter.New("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 10000", *in.Limit)
		}
		limit = int(*in.Limit)
	}
	key := groupKey(c.Account(), c.Region, in.LogGroupName)
	after := ""
	if in.NextToken != nil && *in.NextToken != "" {
		after = key + "/" + *in.NextToken
	}
	out := &FilterOutput{Events: []FilteredLogEvent{}}
	errStop := errors.New("stop")
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := tx.Get(TableGroups, key); errors.Is(err, store.ErrNotFound) {
			return notFound.New("The specified log group does not exist.")
		} else if err != nil {
			return err
		}
		err := tx.Scan(TableEvents, key+"/", after, 0, func(k string, b []byte) error {
			var e Event
			if err := json.Unmarshal(b, &e); err != nil {
				return err
			}
			if (in.StartTime != nil && e.Timestamp < *in.StartTime) || (in.EndTime != nil && e.Timestamp > *in.EndTime) {
				return nil
			}
			if in.FilterPattern != nil && *in.FilterPattern != "" && !strings.Contains(e.Message, strings.Trim(*in.FilterPattern, `"`)) {
				return nil
			}
			if len(out.Events) == limit {
				tok := out.Events[limit-1].EventID
				out.NextToken = &tok
				return errStop
			}
			out.Events = append(out.Events, FilteredLogEvent{LogStreamName: e.Stream, Timestamp: e.Timestamp, Message: e.Message,
				IngestionTime: e.Ingested, EventID: k[len(key)+1:]})
			return nil
		})
		if errors.Is(err, errStop) {
			return nil
		}
		return err
	})
	return out, err
}
