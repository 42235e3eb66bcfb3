package events

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/moatdev/moat/eventpattern"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/trail"
)

const consumer = "eventbridge"

// Store is what Run needs: transactions and the event log.
type Store interface {
	store.Store
	store.EventLog
}

// Run puts CloudTrail's records on each account's default bus as AWS does
// and delivers them to the rules that match: write management events as
// "AWS API Call via CloudTrail" (read-only calls are not sent, as in AWS),
// console sign-ins as "AWS Console Sign In via CloudTrail". It polls the log
// every interval and skips it while no rule exists. It returns when ctx is
// done.
//
// Each tick also delivers the findings GuardDuty, Security Hub and Macie
// published (Emit, findings.go) from their own stream and offset, skipping
// them likewise while no rule exists, and fires the scheduled rules that
// are due (rate and cron, by clock), sending their targets an "Scheduled
// Event".
func Run(ctx context.Context, st Store, to Targets, interval time.Duration, clock func() time.Time, log *slog.Logger) error {
	off, err := st.Offset(ctx, consumer)
	if err != nil {
		return fmt.Errorf("eventbridge: %w", err)
	}
	foff, err := st.Offset(ctx, findingsConsumer)
	if err != nil {
		return fmt.Errorf("eventbridge: %w", err)
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		has, err := anyRule(ctx, st)
		if err != nil {
			log.Warn("eventbridge: reading rules", "err", err)
			continue
		}
		if has {
			if err := fireSchedules(context.WithoutCancel(ctx), st, to, clock()); err != nil {
				log.Warn("eventbridge: scheduled rules", "err", err)
			}
		}
		if foff, err = findingsTick(ctx, st, to, has, foff, clock); err != nil && ctx.Err() == nil {
			log.Warn("eventbridge: delivering findings", "err", err)
		}
		if !has {
			if latest, err := trail.LatestSeq(ctx, st); err == nil && latest > off {
				off = latest
				_ = st.SetOffset(ctx, consumer, off)
			}
			continue
		}
		for ctx.Err() == nil {
			evs, err := st.ReadEvents(ctx, store.StreamCloudTrail, off, 512)
			if err != nil {
				break
			}
			var p pending
			err = st.Update(context.WithoutCancel(ctx), func(tx store.Tx) error {
				p = pending{}
				sets := map[string]*ruleSet{}
				for i := range evs {
					if err := deliverRecord(tx, sets, &evs[i], clock(), &p); err != nil {
						return err
					}
				}
				return nil
			})
			if err == nil {
				err = sendAll(context.WithoutCancel(ctx), st, to, &p, "", clock())
			}
			if err != nil {
				log.Warn("eventbridge: delivering", "err", err)
				break // retried at the next tick: at least once
			}
			if len(evs) > 0 {
				off = evs[len(evs)-1].Seq
				if err := st.SetOffset(context.WithoutCancel(ctx), consumer, off); err != nil {
					log.Warn("eventbridge: storing offset", "err", err)
				}
			}
			if len(evs) < 512 {
				break
			}
		}
	}
}

type ruleSet struct {
	rules map[string]*Rule
	set   *eventpattern.Set
}

func anyRule(ctx context.Context, st store.Store) (bool, error) {
	found := false
	err := st.View(ctx, func(tx store.Tx) error {
		return tx.Scan(TableRules, "", "", 1, func(string, []byte) error { found = true; return nil })
	})
	return found, err
}

// deliverRecord turns one CloudTrail record into its EventBridge event and
// dispatches it.
func deliverRecord(tx store.Tx, sets map[string]*ruleSet, ev *store.Event, now time.Time, out *pending) error {
	var rec struct {
		EventSource        string `json:"eventSource"`
		EventType          string `json:"eventType"`
		EventTime          string `json:"eventTime"`
		AwsRegion          string `json:"awsRegion"`
		ReadOnly           bool   `json:"readOnly"`
		RecipientAccountID string `json:"recipientAccountId"`
	}
	if json.Unmarshal(ev.Body, &rec) != nil {
		return nil
	}
	detailType := "AWS API Call via CloudTrail"
	switch {
	case rec.EventType == trail.EventTypeAwsConsoleSignIn:
		detailType = "AWS Console Sign In via CloudTrail"
	case rec.ReadOnly:
		return nil
	}
	key := rec.RecipientAccountID + "/" + rec.AwsRegion
	rs := sets[key]
	if rs == nil {
		rules, err := rulesOf(tx, rec.RecipientAccountID, rec.AwsRegion, "default")
		if err != nil {
			return err
		}
		rs = &ruleSet{rules: rules, set: buildSet(rules)}
		sets[key] = rs
	}
	if len(rs.rules) == 0 {
		return nil
	}
	e, err := json.Marshal(envelope{Version: "0", ID: uuid.NewString(), DetailType: detailType,
		Source: "aws." + strings.TrimSuffix(rec.EventSource, ".amazonaws.com"), Account: rec.RecipientAccountID,
		Time: rec.EventTime, Region: rec.AwsRegion, Resources: []string{}, Detail: ev.Body})
	if err != nil {
		return err
	}
	return dispatch(tx, rs.set, rs.rules, rec.RecipientAccountID, rec.AwsRegion, e, now, out)
}

// fireSchedules sends a Scheduled Event to the targets of every enabled
// scheduled rule that is due, and records when it fired.
func fireSchedules(ctx context.Context, st store.Store, to Targets, now time.Time) error {
	var p pending
	err := st.Update(ctx, func(tx store.Tx) error {
		p = pending{}
		var due []Rule
		err := tx.Scan(TableRules, "", "", 0, func(_ string, b []byte) error {
			var r Rule
			if err := json.Unmarshal(b, &r); err != nil {
				return err
			}
			if r.ScheduleExpression == "" || r.State == "DISABLED" {
				return nil
			}
			s, err := parseSchedule(r.ScheduleExpression)
			if err != nil {
				return nil // stored before moat checked it as now
			}
			last := r.LastFired
			if last.IsZero() {
				last = r.Created
			}
			if s.due(last, now) {
				due = append(due, r)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for i := range due {
			r := &due[i]
			r.LastFired = now.UTC()
			if err := saveRule(tx, r); err != nil {
				return err
			}
			ev, err := json.Marshal(envelope{Version: "0", ID: uuid.NewString(), DetailType: "Scheduled Event", Source: "aws.events", Account: r.Account,
				Time: now.UTC().Format(time.RFC3339), Region: r.Region, Resources: []string{r.ARN()}, Detail: json.RawMessage("{}")})
			if err != nil {
				return err
			}
			if err := deliverTargets(tx, r, r.Account, r.Region, ev, now, &p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return sendAll(ctx, st, to, &p, "", now)
}
