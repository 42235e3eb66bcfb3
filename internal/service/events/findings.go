package events

// Findings on the bus.
//
// GuardDuty, Security Hub and Macie put their findings on each account's
// default bus as AWS does ("GuardDuty Finding", "Security Hub Findings -
// Imported", "Macie Finding"). They go through one stream of the event log,
// store.StreamFindings, rather than one stream per source: the delivery
// loop keeps one consumer offset for it, events of the three sources keep
// their commit order, and a source is told apart by the event's Source
// attribute (and the envelope's "source"), which is all a rule matches on.
//
// Atomicity: store.Tx cannot append to the event log, so a service calls
// Emit inside the transaction that stores (or updates) the finding; Emit
// writes the finished EventBridge envelope to an outbox table in that same
// transaction, so a finding is never committed without its event nor an
// event without its finding. Run moves the outbox to the findings stream at
// each tick (AppendEvents, then deleting the moved keys) before it reads
// the stream. A crash between the append and the delete appends those
// events again on the next start: delivery is at least once, with the same
// event id, as EventBridge's is.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/moatdev/moat/internal/store"
)

// TableOutbox holds findings' events written in the finding's transaction
// and not yet moved to the findings stream: time/seq/id → outboxEntry.
const TableOutbox = "events.outbox"

// findingsConsumer is the delivery loop's offset on store.StreamFindings.
const findingsConsumer = "eventbridge.findings"

// Sources and detail types of the finding events AWS sends.
const (
	SourceGuardDuty   = "aws.guardduty"
	SourceSecurityHub = "aws.securityhub"
	SourceMacie       = "aws.macie"

	DetailGuardDutyFinding    = "GuardDuty Finding"
	DetailSecurityHubImported = "Security Hub Findings - Imported"
	DetailMacieFinding        = "Macie Finding"
)

// Finding is one finding event for an account's default bus.
type Finding struct {
	Source, DetailType string
	Account, Region    string
	// Time is the envelope's time (when the finding was raised or updated).
	Time time.Time
	// Resources is the envelope's resources (nil: []).
	Resources []string
	// Detail is the envelope's detail, as the service publishes it.
	Detail json.RawMessage
}

type outboxEntry struct {
	Source     string          `json:"s"`
	DetailType string          `json:"d"`
	Envelope   json.RawMessage `json:"e"`
}

var outboxSeq atomic.Uint64

// Emit records f, in the caller's transaction, for delivery to the rules
// of f.Account's default bus in f.Region. It is cheap when no rule exists
// (one small write); Run drops nothing, so the findings stream is the
// complete record of findings published.
func Emit(tx store.Tx, f Finding) error {
	if f.Resources == nil {
		f.Resources = []string{}
	}
	t := f.Time.UTC()
	if t.IsZero() {
		t = time.Now().UTC()
	}
	id := uuid.NewString()
	env, err := json.Marshal(envelope{Version: "0", ID: id, DetailType: f.DetailType, Source: f.Source, Account: f.Account,
		Time: t.Format(time.RFC3339), Region: f.Region, Resources: f.Resources, Detail: f.Detail})
	if err != nil {
		return err
	}
	b, err := json.Marshal(outboxEntry{Source: f.Source, DetailType: f.DetailType, Envelope: env})
	if err != nil {
		return err
	}
	// Keys sort by time, then by this process's counter: the outbox drains
	// in (about) commit order.
	k := fmt.Sprintf("%020d/%020d/%s", time.Now().UnixNano(), outboxSeq.Add(1), id)
	return tx.Put(TableOutbox, k, b)
}

// drainOutbox moves up to limit outbox entries to the findings stream and
// returns the highest Seq it appended (0: none).
func drainOutbox(ctx context.Context, st Store, limit int) (int64, int, error) {
	var keys []string
	var evs []store.Event
	now := time.Now().UTC()
	err := st.View(ctx, func(tx store.Tx) error {
		return tx.Scan(TableOutbox, "", "", limit, func(k string, b []byte) error {
			var o outboxEntry
			var env envelope
			if json.Unmarshal(b, &o) != nil || json.Unmarshal(o.Envelope, &env) != nil {
				keys = append(keys, k) // unreadable: dropped rather than blocking the outbox
				return nil
			}
			keys = append(keys, k)
			ev := store.Event{Stream: store.StreamFindings, Time: now, Account: env.Account, Region: env.Region, ID: env.ID,
				Attrs: map[string]string{"Source": o.Source, "DetailType": o.DetailType}, Body: o.Envelope}
			if t, err := time.Parse(time.RFC3339, env.Time); err == nil && !t.After(now) {
				ev.Time = t
			}
			evs = append(evs, ev)
			return nil
		})
	})
	if err != nil || len(keys) == 0 {
		return 0, 0, err
	}
	var last int64
	if len(evs) > 0 {
		if err := st.AppendEvents(ctx, evs); err != nil {
			return 0, 0, err
		}
		last = evs[len(evs)-1].Seq
	}
	err = st.Update(ctx, func(tx store.Tx) error {
		for _, k := range keys {
			if err := tx.Delete(TableOutbox, k); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		return nil
	})
	return last, len(keys), err
}

// latestFinding is the Seq of the newest event of the findings stream.
func latestFinding(ctx context.Context, st Store) (int64, error) {
	evs, err := st.QueryEvents(ctx, store.EventQuery{Stream: store.StreamFindings, Limit: 1})
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	return evs[0].Seq, nil
}

// findingsTick drains the outbox and, when a rule exists, delivers the
// stream's new events from off; without rules it moves off past them
// unread. It returns the new offset.
func findingsTick(ctx context.Context, st Store, to Targets, has bool, off int64, clock func() time.Time) (int64, error) {
	wctx := context.WithoutCancel(ctx)
	var appended int64
	for {
		last, n, err := drainOutbox(wctx, st, 512)
		if err != nil {
			return off, fmt.Errorf("moving findings to the log: %w", err)
		}
		appended = max(appended, last)
		if n < 512 {
			break
		}
	}
	if !has {
		latest, err := latestFinding(ctx, st)
		if err != nil {
			return off, err
		}
		if latest = max(latest, appended); latest > off {
			off = latest
			if err := st.SetOffset(wctx, findingsConsumer, off); err != nil {
				return off, err
			}
		}
		return off, nil
	}
	for ctx.Err() == nil {
		evs, err := st.ReadEvents(ctx, store.StreamFindings, off, 512)
		if err != nil {
			return off, err
		}
		var p pending
		err = st.Update(wctx, func(tx store.Tx) error {
			p = pending{}
			sets := map[string]*ruleSet{}
			for i := range evs {
				if err := deliverFinding(tx, sets, &evs[i], clock(), &p); err != nil {
					return err
				}
			}
			return nil
		})
		if err == nil {
			err = sendAll(wctx, st, to, &p, "", clock())
		}
		if err != nil {
			return off, err // retried at the next tick: at least once
		}
		if len(evs) > 0 {
			off = evs[len(evs)-1].Seq
			if err := st.SetOffset(wctx, findingsConsumer, off); err != nil {
				return off, err
			}
		}
		if len(evs) < 512 {
			break
		}
	}
	return off, nil
}

// deliverFinding dispatches one finding event (its Body is the envelope)
// to the matching rules of its account's default bus.
func deliverFinding(tx store.Tx, sets map[string]*ruleSet, ev *store.Event, now time.Time, out *pending) error {
	key := ev.Account + "/" + ev.Region
	rs := sets[key]
	if rs == nil {
		rules, err := rulesOf(tx, ev.Account, ev.Region, "default")
		if err != nil {
			return err
		}
		rs = &ruleSet{rules: rules, set: buildSet(rules)}
		sets[key] = rs
	}
	if len(rs.rules) == 0 {
		return nil
	}
	return dispatch(tx, rs.set, rs.rules, ev.Account, ev.Region, ev.Body, now, out)
}
