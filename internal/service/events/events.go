// Package events serves EventBridge (json 1.1) on the default bus: rules
// with event patterns (the eventpattern engine), their targets, PutEvents
// and TestEventPattern; Run delivers CloudTrail's write events and console
// sign-ins to the rules that match, as AWS does ("AWS API Call via
// CloudTrail", "AWS Console Sign In via CloudTrail"), and the findings
// GuardDuty, Security Hub and Macie raise or update ("GuardDuty Finding",
// "Security Hub Findings - Imported", "Macie Finding"; one event per
// finding in AWS's envelope), which those services Emit in the
// transaction that stores the finding (findings.go says how they reach the
// log's findings stream, and why one stream).
//
// Targets delivered today: SNS topics (their topic policy must let
// events.amazonaws.com publish, as in AWS) and CloudWatch Logs log groups.
// Other targets (Lambda, API destinations, ...) are accepted; what is meant
// for them is kept in a dead-letter table rather than dropped.
// Schedule expressions are validated and stored but do not fire yet.
package events

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/moatdev/moat/eventpattern"
	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/logs"
	"github.com/moatdev/moat/internal/store"
)

// Tables.
const (
	TableRules      = "events.rules"      // account/region/bus/name → rule
	TableDeadLetter = "events.deadletter" // account/region/time/id → undelivered event and why
)

// EventBridge's errors.
var (
	validation      = awserr.Def{Code: "ValidationException", Status: http.StatusBadRequest}
	invalidPattern  = awserr.Def{Code: "InvalidEventPatternException", Status: http.StatusBadRequest}
	notFound        = awserr.Def{Code: "ResourceNotFoundException", Status: http.StatusBadRequest}
	limitExceeded   = awserr.Def{Code: "LimitExceededException", Status: http.StatusBadRequest}
	ruleNameRE      = regexp.MustCompile(`^[\.\-_A-Za-z0-9]{1,64}$`)
	maxTargetsPerRu = 5
)

// New returns the EventBridge service; to makes its SNS and automation
// deliveries.
func New(to Targets) *service.Service {
	ruleRes := func(c *service.Call, bus, name string) string {
		if bus == "" || bus == "default" {
			return "arn:aws:events:" + c.Region + ":" + c.Account() + ":rule/" + name
		}
		return "arn:aws:events:" + c.Region + ":" + c.Account() + ":rule/" + bus + "/" + name
	}
	return &service.Service{
		Meta:        protocol.Service{Name: "events", Protocol: "json", JSONVersion: "1.1", TargetPrefix: "AWSEvents"},
		EventSource: "events.amazonaws.com",
		Ops: service.Table(append(append(busOps(), apiDestOps()...),
			service.Op("PutRule", "events:PutRule", putRule, service.Resource(func(_ context.Context, c *service.Call, in *PutRuleInput) (string, error) {
				return ruleRes(c, deref(in.EventBusName), in.Name), nil
			})),
			service.Op("DescribeRule", "events:DescribeRule", describeRule, service.ReadOnly[RuleInput](), service.Resource(func(_ context.Context, c *service.Call, in *RuleInput) (string, error) {
				return ruleRes(c, deref(in.EventBusName), in.Name), nil
			})),
			service.Op("ListRules", "events:ListRules", listRules, service.ReadOnly[ListRulesInput]()),
			service.Op("DeleteRule", "events:DeleteRule", deleteRule, service.Resource(func(_ context.Context, c *service.Call, in *RuleInput) (string, error) {
				return ruleRes(c, deref(in.EventBusName), in.Name), nil
			})),
			service.Op("EnableRule", "events:EnableRule", func(ctx context.Context, c *service.Call, in *RuleInput) (*struct{}, error) {
				return setState(ctx, c, in, "ENABLED")
			},
				service.Resource(func(_ context.Context, c *service.Call, in *RuleInput) (string, error) {
					return ruleRes(c, deref(in.EventBusName), in.Name), nil
				})),
			service.Op("DisableRule", "events:DisableRule", func(ctx context.Context, c *service.Call, in *RuleInput) (*struct{}, error) {
				return setState(ctx, c, in, "DISABLED")
			},
				service.Resource(func(_ context.Context, c *service.Call, in *RuleInput) (string, error) {
					return ruleRes(c, deref(in.EventBusName), in.Name), nil
				})),
			service.Op("PutTargets", "events:PutTargets", putTargets, service.Resource(func(_ context.Context, c *service.Call, in *PutTargetsInput) (string, error) {
				return ruleRes(c, deref(in.EventBusName), in.Rule), nil
			})),
			service.Op("ListTargetsByRule", "events:ListTargetsByRule", listTargets, service.ReadOnly[TargetsInput](), service.Resource(func(_ context.Context, c *service.Call, in *TargetsInput) (string, error) {
				return ruleRes(c, deref(in.EventBusName), in.Rule), nil
			})),
			service.Op("RemoveTargets", "events:RemoveTargets", removeTargets, service.Resource(func(_ context.Context, c *service.Call, in *RemoveTargetsInput) (string, error) {
				return ruleRes(c, deref(in.EventBusName), in.Rule), nil
			})),
			service.Op("PutEvents", "events:PutEvents", func(ctx context.Context, c *service.Call, in *PutEventsInput) (*PutEventsOutput, error) {
				return putEvents(ctx, c, in, to)
			}),
			service.Op("TestEventPattern", "events:TestEventPattern", testEventPattern, service.ReadOnly[TestEventPatternInput]()))...,
		),
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// Rule is a stored rule.
type Rule struct {
	Name               string    `json:"name"`
	Account            string    `json:"account"`
	Region             string    `json:"region"`
	Bus                string    `json:"bus"`
	EventPattern       string    `json:"eventPattern,omitempty"`
	ScheduleExpression string    `json:"scheduleExpression,omitempty"`
	State              string    `json:"state"`
	Description        string    `json:"description,omitempty"`
	RoleArn            string    `json:"roleArn,omitempty"`
	Targets            []Target  `json:"targets,omitempty"`
	Created            time.Time `json:"created"`
	LastFired          time.Time `json:"lastFired,omitempty"` // schedules
}

// ARN is the rule's ARN.
func (r *Rule) ARN() string {
	if r.Bus == "default" {
		return "arn:aws:events:" + r.Region + ":" + r.Account + ":rule/" + r.Name
	}
	return "arn:aws:events:" + r.Region + ":" + r.Account + ":rule/" + r.Bus + "/" + r.Name
}

// Target is EventBridge's Target shape (the members moat uses).
type Target struct {
	Id               string
	Arn              string
	RoleArn          *string           `json:",omitempty"`
	Input            *string           `json:",omitempty"`
	InputPath        *string           `json:",omitempty"`
	InputTransformer *InputTransformer `json:",omitempty"`
}

// InputTransformer is EventBridge's InputTransformer shape.
type InputTransformer struct {
	InputPathsMap map[string]string `json:",omitempty"`
	InputTemplate string
}

// transform renders an InputTransformer for an event: each <name> of the
// template is the value of its path; a string is inserted without its
// quotes (escaped when the template is JSON), anything else as JSON, as
// EventBridge does. <aws.events.event> is the whole event and
// <aws.events.rule-name> the rule's name.
func (it *InputTransformer) transform(ev []byte, rule string) string {
	jsonTemplate := strings.HasPrefix(strings.TrimSpace(it.InputTemplate), "{") || strings.HasPrefix(strings.TrimSpace(it.InputTemplate), "[")
	out := it.InputTemplate
	values := map[string]string{"aws.events.event": string(ev), "aws.events.rule-name": rule}
	for name, path := range it.InputPathsMap {
		values[name] = inputPath(ev, path)
	}
	for name, v := range values {
		var str string
		if json.Unmarshal([]byte(v), &str) == nil && strings.HasPrefix(v, `"`) {
			if jsonTemplate {
				b, _ := json.Marshal(str)
				str = string(b[1 : len(b)-1])
			}
			v = str
		}
		out = strings.ReplaceAll(out, "<"+name+">", v)
	}
	return out
}

// TableBuses holds custom event buses by account/region/name.
const TableBuses = "events.buses"

// busName resolves a bus name or ARN to a bus of the caller that exists.
func busName(tx store.Tx, account, region string, s *string) (string, error) {
	b := deref(s)
	if i := strings.LastIndex(b, ":event-bus/"); i >= 0 {
		b = b[i+len(":event-bus/"):]
	}
	if b == "" || b == "default" {
		return "default", nil
	}
	if _, err := tx.Get(TableBuses, account+"/"+region+"/"+b); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return "", notFound.New("Event bus %s does not exist.", b)
		}
		return "", err
	}
	return b, nil
}

func ruleKey(account, region, bus, name string) string {
	return account + "/" + region + "/" + bus + "/" + name
}

// PutRuleInput is EventBridge's PutRule request.
type PutRuleInput struct {
	Name               string `aws:",required"`
	EventPattern       *string
	ScheduleExpression *string
	State              *string
	Description        *string
	RoleArn            *string
	EventBusName       *string
}

// PutRuleOutput is EventBridge's PutRule response.
type PutRuleOutput struct{ RuleArn string }

func putRule(ctx context.Context, c *service.Call, in *PutRuleInput) (*PutRuleOutput, error) {
	if !ruleNameRE.MatchString(in.Name) {
		return nil, validation.New("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+", in.Name)
	}
	if deref(in.EventPattern) == "" && deref(in.ScheduleExpression) == "" {
		return nil, validation.New("Parameter(s) EventPattern or ScheduleExpression must be specified.")
	}
	if p := deref(in.EventPattern); p != "" {
		if _, err := eventpattern.Parse([]byte(p)); err != nil {
			var pe *eventpattern.Error
			if errors.As(err, &pe) {
				return nil, invalidPattern.New("%s", pe.AWSMessage())
			}
			return nil, invalidPattern.New("Event pattern is not valid. Reason: %v", err)
		}
	}
	if s := deref(in.ScheduleExpression); s != "" {
		if _, err := parseSchedule(s); err != nil {
			return nil, validation.New("Parameter ScheduleExpression is not valid: %v.", err)
		}
	}
	state := "ENABLED"
	if in.State != nil {
		switch *in.State {
		case "ENABLED", "DISABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS":
			state = *in.State
		default:
			return nil, validation.New("1 validation error detected: Value '%s' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [ENABLED, DISABLED, ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS]", *in.State)
		}
	}
	r := &Rule{Name: in.Name, Account: c.Account(), Region: c.Region, EventPattern: deref(in.EventPattern),
		ScheduleExpression: deref(in.ScheduleExpression), State: state, Description: deref(in.Description), RoleArn: deref(in.RoleArn), Created: c.Now.UTC()}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		bus, err := busName(tx, c.Account(), c.Region, in.EventBusName)
		if err != nil {
			return err
		}
		if bus != "default" && r.ScheduleExpression != "" {
			return validation.New("ScheduleExpression is supported only on the default event bus.")
		}
		r.Bus = bus
		key := ruleKey(r.Account, r.Region, r.Bus, r.Name)
		if b, err := tx.Get(TableRules, key); err == nil { // PutRule updates; targets stay
			var old Rule
			if err := json.Unmarshal(b, &old); err != nil {
				return err
			}
			r.Targets, r.Created, r.LastFired = old.Targets, old.Created, old.LastFired
		}
		b, _ := json.Marshal(r)
		return tx.Put(TableRules, key, b)
	})
	if err != nil {
		return nil, err
	}
	return &PutRuleOutput{RuleArn: r.ARN()}, nil
}

// RuleInput names a rule.
type RuleInput struct {
	Name         string `aws:",required"`
	EventBusName *string
}

func loadRule(tx store.Tx, c *service.Call, busArg *string, name string) (*Rule, error) {
	bus, err := busName(tx, c.Account(), c.Region, busArg)
	if err != nil {
		return nil, err
	}
	b, err := tx.Get(TableRules, ruleKey(c.Account(), c.Region, bus, name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound.New("Rule %s does not exist on EventBus %s.", name, bus)
	}
	if err != nil {
		return nil, err
	}
	var r Rule
	return &r, json.Unmarshal(b, &r)
}

func saveRule(tx store.Tx, r *Rule) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	return tx.Put(TableRules, ruleKey(r.Account, r.Region, r.Bus, r.Name), b)
}

// DescribeRuleOutput is EventBridge's DescribeRule response (and ListRules' Rule).
type DescribeRuleOutput struct {
	Name               string
	Arn                string
	EventPattern       string `aws:",omitempty"`
	ScheduleExpression string `aws:",omitempty"`
	State              string
	Description        string `aws:",omitempty"`
	RoleArn            string `aws:",omitempty"`
	EventBusName       string
	CreatedBy          string `aws:",omitempty"`
}

func ruleShape(r *Rule) DescribeRuleOutput {
	return DescribeRuleOutput{Name: r.Name, Arn: r.ARN(), EventPattern: r.EventPattern, ScheduleExpression: r.ScheduleExpression, State: r.State,
		Description: r.Description, RoleArn: r.RoleArn, EventBusName: r.Bus, CreatedBy: r.Account}
}

func describeRule(ctx context.Context, c *service.Call, in *RuleInput) (*DescribeRuleOutput, error) {
	var out DescribeRuleOutput
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		r, err := loadRule(tx, c, in.EventBusName, in.Name)
		if err == nil {
			out = ruleShape(r)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// ListRulesInput is EventBridge's ListRules request.
type ListRulesInput struct {
	NamePrefix   *string
	EventBusName *string
	Limit        *int32
	NextToken    *string
}

// ListRulesOutput is EventBridge's ListRules response.
type ListRulesOutput struct {
	Rules     []DescribeRuleOutput
	NextToken *string
}

func listRules(ctx context.Context, c *service.Call, in *ListRulesInput) (*ListRulesOutput, error) {
	out := &ListRulesOutput{Rules: []DescribeRuleOutput{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		bus, err := busName(tx, c.Account(), c.Region, in.EventBusName)
		if err != nil {
			return err
		}
		return tx.Scan(TableRules, ruleKey(c.Account(), c.Region, bus, deref(in.NamePrefix)), "", 0, func(_ string, b []byte) error {
			var r Rule
			if err := json.Unmarshal(b, &r); err != nil {
				return err
			}
			out.Rules = append(out.Rules, ruleShape(&r))
			return nil
		})
	})
	return out, err
}

func deleteRule(ctx context.Context, c *service.Call, in *RuleInput) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		r, err := loadRule(tx, c, in.EventBusName, in.Name)
		if notFound.Is(err) {
			return nil // DeleteRule of a missing rule succeeds, as in AWS
		}
		if err != nil {
			return err
		}
		if len(r.Targets) > 0 {
			return validation.New("Rule can't be deleted since it has targets.")
		}
		return tx.Delete(TableRules, ruleKey(r.Account, r.Region, r.Bus, r.Name))
	})
}

func setState(ctx context.Context, c *service.Call, in *RuleInput, state string) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		r, err := loadRule(tx, c, in.EventBusName, in.Name)
		if err != nil {
			return err
		}
		r.State = state
		return saveRule(tx, r)
	})
}

// PutTargetsInput is EventBridge's PutTargets request.
type PutTargetsInput struct {
	Rule         string `aws:",required"`
	EventBusName *string
	Targets      []Target `aws:",required"`
}

// FailedEntry is EventBridge's PutTargetsResultEntry / RemoveTargetsResultEntry.
type FailedEntry struct{ TargetId, ErrorCode, ErrorMessage string }

// TargetsResult is the PutTargets and RemoveTargets response.
type TargetsResult struct {
	FailedEntryCount int32
	FailedEntries    []FailedEntry
}

func putTargets(ctx context.Context, c *service.Call, in *PutTargetsInput) (*TargetsResult, error) {
	out := &TargetsResult{FailedEntries: []FailedEntry{}}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		r, err := loadRule(tx, c, in.EventBusName, in.Rule)
		if err != nil {
			return err
		}
		for _, t := range in.Targets {
			if t.Id == "" || t.Arn == "" || !strings.HasPrefix(t.Arn, "arn:") {
				out.FailedEntries = append(out.FailedEntries, FailedEntry{TargetId: t.Id, ErrorCode: "ValidationException", ErrorMessage: "Parameter(s) Id and a valid Arn must be specified."})
				continue
			}
			if n := btoi(t.Input != nil) + btoi(t.InputPath != nil) + btoi(t.InputTransformer != nil); n > 1 {
				out.FailedEntries = append(out.FailedEntries, FailedEntry{TargetId: t.Id, ErrorCode: "ValidationException", ErrorMessage: "Only one of Input, InputPath, or InputTransformer must be provided."})
				continue
			}
			replaced := false
			for i := range r.Targets {
				if r.Targets[i].Id == t.Id {
					r.Targets[i], replaced = t, true
				}
			}
			if !replaced {
				if len(r.Targets) >= maxTargetsPerRu {
					return limitExceeded.New("The requested resource exceeds the maximum number allowed.")
				}
				r.Targets = append(r.Targets, t)
			}
		}
		return saveRule(tx, r)
	})
	out.FailedEntryCount = int32(len(out.FailedEntries))
	return out, err
}

// TargetsInput names a rule's targets.
type TargetsInput struct {
	Rule         string `aws:",required"`
	EventBusName *string
}

// ListTargetsOutput is EventBridge's ListTargetsByRule response.
type ListTargetsOutput struct{ Targets []Target }

func listTargets(ctx context.Context, c *service.Call, in *TargetsInput) (*ListTargetsOutput, error) {
	out := &ListTargetsOutput{Targets: []Target{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		r, err := loadRule(tx, c, in.EventBusName, in.Rule)
		if err == nil {
			out.Targets = append(out.Targets, r.Targets...)
		}
		return err
	})
	return out, err
}

// RemoveTargetsInput is EventBridge's RemoveTargets request.
type RemoveTargetsInput struct {
	Rule         string `aws:",required"`
	EventBusName *string
	Ids          []string `aws:",required"`
}

func removeTargets(ctx context.Context, c *service.Call, in *RemoveTargetsInput) (*TargetsResult, error) {
	out := &TargetsResult{FailedEntries: []FailedEntry{}}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		r, err := loadRule(tx, c, in.EventBusName, in.Rule)
		if err != nil {
			return err
		}
		for _, id := range in.Ids {
			n := len(r.Targets)
			r.Targets = removeID(r.Targets, id)
			if len(r.Targets) == n {
				out.FailedEntries = append(out.FailedEntries, FailedEntry{TargetId: id, ErrorCode: "ResourceNotFoundException", ErrorMessage: "Target " + id + " does not exist."})
			}
		}
		return saveRule(tx, r)
	})
	out.FailedEntryCount = int32(len(out.FailedEntries))
	return out, err
}

func removeID(ts []Target, id string) []Target {
	out := ts[:0]
	for _, t := range ts {
		if t.Id != id {
			out = append(out, t)
		}
	}
	return out
}

// PutEventsEntry is EventBridge's PutEventsRequestEntry.
type PutEventsEntry struct {
	Time         *time.Time
	Source       *string
	Resources    []string
	DetailType   *string
	Detail       *string
	EventBusName *string
}

// PutEventsInput is EventBridge's PutEvents request.
type PutEventsInput struct {
	Entries []PutEventsEntry `aws:",required"`
}

// PutEventsResultEntry is EventBridge's PutEventsResultEntry.
type PutEventsResultEntry struct {
	EventId      string `aws:",omitempty"`
	ErrorCode    string `aws:",omitempty"`
	ErrorMessage string `aws:",omitempty"`
}

// PutEventsOutput is EventBridge's PutEvents response.
type PutEventsOutput struct {
	FailedEntryCount int32
	Entries          []PutEventsResultEntry
}

// putEvents puts custom events on the default bus and delivers them to the
// matching rules' targets before it answers.
func putEvents(ctx context.Context, c *service.Call, in *PutEventsInput, to Targets) (*PutEventsOutput, error) {
	if len(in.Entries) < 1 || len(in.Entries) > 10 {
		return nil, validation.New("1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length less than or equal to 10")
	}
	out := &PutEventsOutput{Entries: []PutEventsResultEntry{}}
	type accept struct {
		bus string
		ev  []byte
	}
	var accepted []accept
	for _, e := range in.Entries {
		fail := func(code, msg string) {
			out.Entries = append(out.Entries, PutEventsResultEntry{ErrorCode: code, ErrorMessage: msg})
			out.FailedEntryCount++
		}
		switch {
		case deref(e.Source) == "":
			fail("InvalidArgument", "Parameter Source is not valid. Reason: Source is a required argument.")
			continue
		case deref(e.DetailType) == "":
			fail("InvalidArgument", "Parameter DetailType is not valid. Reason: DetailType is a required argument.")
			continue
		case strings.HasPrefix(deref(e.Source), "aws."):
			fail("NotAuthorizedForSourceException", "Not authorized for the source.")
			continue
		}
		var bus string
		if err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
			var err error
			bus, err = busName(tx, c.Account(), c.Region, e.EventBusName)
			return err
		}); err != nil {
			fail("InvalidArgument", "Event bus "+deref(e.EventBusName)+" does not exist.")
			continue
		}
		var detail json.RawMessage = []byte("{}")
		if d := deref(e.Detail); d != "" {
			var m map[string]json.RawMessage
			if json.Unmarshal([]byte(d), &m) != nil {
				fail("MalformedDetail", "Detail is malformed.")
				continue
			}
			detail = json.RawMessage(d)
		}
		t := c.Now.UTC()
		if e.Time != nil {
			t = e.Time.UTC()
		}
		id := uuid.NewString()
		ev, _ := json.Marshal(envelope{Version: "0", ID: id, DetailType: *e.DetailType, Source: *e.Source, Account: c.Account(), Time: t.Format(time.RFC3339),
			Region: c.Region, Resources: nonNil(e.Resources), Detail: detail})
		if len(ev) > 256*1024 {
			fail("InvalidArgument", "Total size of the entries in the request is over the limit.")
			continue
		}
		out.Entries = append(out.Entries, PutEventsResultEntry{EventId: id})
		accepted = append(accepted, accept{bus, ev})
	}
	if len(accepted) == 0 {
		return out, nil
	}
	var p pending
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		p = pending{}
		for _, a := range accepted {
			rules, err := rulesOf(tx, c.Account(), c.Region, a.bus)
			if err != nil {
				return err
			}
			if err := dispatch(tx, buildSet(rules), rules, c.Account(), c.Region, a.ev, c.Now, &p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, sendAll(ctx, c.Deps.Store, to, &p, c.Region, c.Now)
}

// Targets are the deliveries made outside the store: SNS, automations.
type Targets struct {
	Publish  Publish
	Automate func(ctx context.Context, a Automation) error
}

// sendAll makes the deliveries a dispatch left for after its transaction;
// one refused (topic policy, missing topic, a failed automation) goes to the
// dead-letter table.
func sendAll(ctx context.Context, st store.Store, to Targets, p *pending, region string, now time.Time) error {
	for _, c := range p.calls {
		callAPI(st, c, now)
	}
	type failure struct{ rule, target, account, reason, event string }
	var failed []failure
	for _, pub := range p.pubs {
		err := errors.New("no SNS publisher")
		if to.Publish != nil {
			err = to.Publish(ctx, pub.topic, pub.rule, pub.account, pub.msg)
		}
		if err != nil {
			failed = append(failed, failure{pub.rule, pub.topic, pub.account, err.Error(), pub.msg})
		}
	}
	for _, a := range p.autos {
		err := errors.New("no automation runner")
		if to.Automate != nil {
			err = to.Automate(ctx, a)
		}
		if err != nil {
			failed = append(failed, failure{a.Rule, AutomationPrefix + a.Target, a.Account, err.Error(), string(a.Event)})
		}
	}
	for _, f := range failed {
		dl, _ := json.Marshal(map[string]string{"rule": f.rule, "target": f.target, "reason": f.reason, "event": f.event})
		if err := st.Update(ctx, func(tx store.Tx) error {
			return tx.Put(TableDeadLetter, f.account+"/"+region+"/"+now.UTC().Format(time.RFC3339Nano)+"/"+uuid.NewString(), dl)
		}); err != nil {
			return err
		}
	}
	return nil
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// TestEventPatternInput is EventBridge's TestEventPattern request.
type TestEventPatternInput struct {
	EventPattern string `aws:",required"`
	Event        string `aws:",required"`
}

// TestEventPatternOutput is EventBridge's TestEventPattern response.
type TestEventPatternOutput struct{ Result bool }

func testEventPattern(_ context.Context, _ *service.Call, in *TestEventPatternInput) (*TestEventPatternOutput, error) {
	p, err := eventpattern.Parse([]byte(in.EventPattern))
	if err != nil {
		var pe *eventpattern.Error
		if errors.As(err, &pe) {
			return nil, invalidPattern.New("%s", pe.AWSMessage())
		}
		return nil, invalidPattern.New("Event pattern is not valid. Reason: %v", err)
	}
	var ev map[string]json.RawMessage
	if json.Unmarshal([]byte(in.Event), &ev) != nil {
		return nil, validation.New("Parameter Event is not valid.")
	}
	set := eventpattern.NewSet()
	set.Add("p", p)
	ids, err := set.Match([]byte(in.Event))
	if err != nil {
		return nil, validation.New("Parameter Event is not valid. Reason: %v", err)
	}
	return &TestEventPatternOutput{Result: len(ids) > 0}, nil
}

// envelope is an EventBridge event.
type envelope struct {
	Version    string          `json:"version"`
	ID         string          `json:"id"`
	DetailType string          `json:"detail-type"`
	Source     string          `json:"source"`
	Account    string          `json:"account"`
	Time       string          `json:"time"`
	Region     string          `json:"region"`
	Resources  []string        `json:"resources"`
	Detail     json.RawMessage `json:"detail"`
}

// rulesOf reads the enabled pattern rules of an account's bus.
func rulesOf(tx store.Tx, account, region, bus string) (map[string]*Rule, error) {
	rules := map[string]*Rule{}
	err := tx.Scan(TableRules, ruleKey(account, region, bus, ""), "", 0, func(_ string, b []byte) error {
		var r Rule
		if err := json.Unmarshal(b, &r); err != nil {
			return err
		}
		if r.State != "DISABLED" && r.EventPattern != "" {
			rules[r.Name] = &r
		}
		return nil
	})
	return rules, err
}

func buildSet(rules map[string]*Rule) *eventpattern.Set {
	set := eventpattern.NewSet()
	for name, r := range rules {
		if p, err := eventpattern.Parse([]byte(r.EventPattern)); err == nil {
			set.Add(name, p)
		}
	}
	return set
}

// Publish sends a message to an SNS topic as events.amazonaws.com, for
// the rule sourceARN (sns.PublishFromService).
type Publish func(ctx context.Context, topicARN, sourceARN, sourceAccount, message string) error

// snsPub is an SNS delivery decided inside a transaction and made after it.
type snsPub struct{ topic, rule, account, msg string }

// dispatch delivers one event to the targets of every rule that matches;
// SNS deliveries and automations are added to out, to be made after the
// transaction.
func dispatch(tx store.Tx, set *eventpattern.Set, rules map[string]*Rule, account, region string, ev []byte, now time.Time, out *pending) error {
	names, err := set.Match(ev)
	if err != nil || len(names) == 0 {
		return nil
	}
	sort.Strings(names)
	for _, name := range names {
		if err := deliverTargets(tx, rules[name], account, region, ev, now, out); err != nil {
			return err
		}
	}
	return nil
}

// pending are the deliveries made after a dispatch's transaction.
type pending struct {
	pubs  []snsPub
	autos []Automation
	calls []apiCall
}

// Automation is a run of a moat automation target: the rule that fired,
// the role the target names (RoleArn), its Input and the event.
type Automation struct {
	Rule, Target, RoleArn, Input, Account, Region string
	Event                                         []byte
}

// AutomationPrefix starts the ARN of moat's built-in automation targets
// ("arn:moat:automation:::key-expiry"); they are moat's, not AWS's.
const AutomationPrefix = "arn:moat:automation:::"

// deliverTargets delivers one event to one rule's targets.
func deliverTargets(tx store.Tx, r *Rule, account, region string, ev []byte, now time.Time, out *pending) error {
	for _, t := range r.Targets {
		msg := string(ev)
		switch {
		case t.Input != nil:
			msg = *t.Input
		case t.InputPath != nil:
			msg = inputPath(ev, *t.InputPath)
		case t.InputTransformer != nil:
			msg = t.InputTransformer.transform(ev, r.Name)
		}
		if group, ok := logGroup(t.Arn); ok {
			if err := logs.Append(tx, account, region, group, "moat-events-"+r.Name, msg, now); err != nil {
				return err
			}
			continue
		}
		if strings.HasPrefix(t.Arn, "arn:aws:sns:") {
			out.pubs = append(out.pubs, snsPub{topic: t.Arn, rule: r.ARN(), account: account, msg: msg})
			continue
		}
		if strings.Contains(t.Arn, ":api-destination/") {
			out.calls = append(out.calls, apiCall{dest: t.Arn, rule: r.ARN(), account: account, region: region, msg: msg})
			continue
		}
		if strings.HasPrefix(t.Arn, AutomationPrefix) {
			out.autos = append(out.autos, Automation{Rule: r.ARN(), Target: strings.TrimPrefix(t.Arn, AutomationPrefix), RoleArn: deref(t.RoleArn),
				Input: deref(t.Input), Account: account, Region: region, Event: ev})
			continue
		}
		dl, _ := json.Marshal(map[string]string{"rule": r.Name, "target": t.Arn, "reason": "moat does not deliver to this target type yet", "event": msg})
		if err := tx.Put(TableDeadLetter, account+"/"+region+"/"+now.UTC().Format(time.RFC3339Nano)+"/"+uuid.NewString(), dl); err != nil {
			return err
		}
	}
	return nil
}

// logGroup reads a CloudWatch Logs log group ARN.
func logGroup(arn string) (string, bool) {
	parts := strings.SplitN(arn, ":", 7)
	if len(parts) < 7 || parts[2] != "logs" || parts[5] != "log-group" {
		return "", false
	}
	return strings.TrimSuffix(parts[6], ":*"), true
}

// inputPath extracts a JSONPath of the simple form $.a.b from the event.
func inputPath(ev []byte, path string) string {
	var v any
	if json.Unmarshal(ev, &v) != nil {
		return string(ev)
	}
	for _, part := range strings.Split(strings.TrimPrefix(strings.TrimPrefix(path, "$"), "."), ".") {
		if part == "" {
			continue
		}
		m, ok := v.(map[string]any)
		if !ok {
			return "null"
		}
		v = m[part]
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
