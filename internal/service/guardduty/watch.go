package guardduty

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/moatdev/moat/asff"
	"github.com/moatdev/moat/detect"
	"github.com/moatdev/moat/internal/service/events"
	"github.com/moatdev/moat/internal/service/securityhub"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/trail"
)

// consumer is the event log consumer name of the live detectors.
const consumer = "guardduty"

// Store is what Watch needs: transactions and the event log.
type Store interface {
	store.Store
	store.EventLog
}

// Watch feeds every CloudTrail record to the detection engine of its
// account and region, when that account has an enabled detector there, and
// stores the findings raised or updated, keeping a finding archived once a
// user archived it. It polls the log every interval (findings appear within
// about that long) and, while no detector is enabled anywhere, skips the log
// without reading it. It returns when ctx is done.
//
// Detectors keep their windows and baselines in memory: after a restart
// they start learning again, and a repeat updates the stored finding from a
// count of one (RATIONALE.md).
func Watch(ctx context.Context, st Store, dataDir string, interval time.Duration, log *slog.Logger) error {
	engines := map[string]*detect.Detector{}
	off, err := st.Offset(ctx, consumer)
	if err != nil {
		return fmt.Errorf("guardduty: %w", err)
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		detectors, err := enabledDetectors(ctx, st)
		if err != nil {
			log.Warn("guardduty: reading detectors", "err", err)
			continue
		}
		if len(detectors) == 0 {
			latest, err := trail.LatestSeq(ctx, st)
			if err == nil && latest > off {
				off = latest
				err = st.SetOffset(ctx, consumer, off)
			}
			if err != nil && ctx.Err() == nil {
				log.Warn("guardduty: skipping the log", "err", err)
			}
			continue
		}
		for ctx.Err() == nil {
			evs, err := st.ReadEvents(ctx, store.StreamCloudTrail, off, 512)
			if err != nil {
				if ctx.Err() == nil {
					log.Warn("guardduty: reading events", "err", err)
				}
				break
			}
			lists := map[string]*listSet{}
			for i := range evs {
				if err := observe(ctx, st, dataDir, engines, detectors, lists, &evs[i], log); err != nil {
					log.Warn("guardduty: storing findings", "err", err)
					break
				}
				off = evs[i].Seq
			}
			if err := st.SetOffset(context.WithoutCancel(ctx), consumer, off); err != nil {
				log.Warn("guardduty: storing offset", "err", err)
			}
			if len(evs) < 512 {
				break
			}
		}
	}
}

// toSecurityHub imports findings into the account's Security Hub, when it
// is enabled in that region, in the ASFF mapping AWS uses for GuardDuty. A
// finding Security Hub refuses is logged; only store errors are returned.
func toSecurityHub(tx store.Tx, account, region string, found []*detect.Finding, log *slog.Logger) error {
	on, err := securityhub.Enabled(tx, account, region)
	if err != nil || !on {
		return err
	}
	var buf bytes.Buffer
	if err := detect.WriteASFF(&buf, found); err != nil {
		return err
	}
	res, err := asff.ParseBatchImport(buf.Bytes())
	if err != nil {
		log.Warn("guardduty: a finding's ASFF is not valid", "err", err)
		return nil
	}
	// Sample findings arrive marked as such (ASFF's Sample), as GuardDuty's do.
	samples := map[string]bool{}
	for _, f := range found {
		if f.Service.AdditionalInfo["sample"] == "true" {
			samples[f.ARN] = true
		}
	}
	for i := range res.Findings {
		if samples[res.Findings[i].Id] {
			yes := true
			res.Findings[i].Sample = &yes
		}
	}
	out, err := securityhub.Import(tx, account, region, res)
	if err == nil && out.FailedCount > 0 {
		log.Warn("guardduty: Security Hub refused a finding", "id", out.FailedFindings[0].Id, "error", out.FailedFindings[0].ErrorMessage)
	}
	return err
}

// emitFinding puts a stored finding (GuardDuty's export shape, which is
// what AWS's "GuardDuty Finding" event carries as detail) on the account's
// default bus, in the caller's transaction.
func emitFinding(tx store.Tx, account, region string, b []byte) error {
	var f struct {
		UpdatedAt string `json:"updatedAt"`
	}
	_ = json.Unmarshal(b, &f)
	t, _ := time.Parse(time.RFC3339Nano, f.UpdatedAt)
	return events.Emit(tx, events.Finding{Source: events.SourceGuardDuty, DetailType: events.DetailGuardDutyFinding,
		Account: account, Region: region, Time: t, Detail: b})
}

// enabledDetectors reads the enabled detectors by account/region.
func enabledDetectors(ctx context.Context, st store.Store) (map[string]detectorRecord, error) {
	m := map[string]detectorRecord{}
	err := st.View(ctx, func(tx store.Tx) error {
		return tx.Scan(TableDetectors, "", "", 0, func(k string, b []byte) error {
			var d detectorRecord
			if err := json.Unmarshal(b, &d); err != nil {
				return err
			}
			if d.Enabled {
				m[k] = d
			}
			return nil
		})
	})
	return m, err
}

// observe runs one record through its account's engine and stores what it
// raised.
// listSet is an account's active lists, read once per batch.
type listSet struct {
	trusted *detect.IPList
	threats []*detect.IPList
	version string
}

func observe(ctx context.Context, st store.Store, dataDir string, engines map[string]*detect.Detector, detectors map[string]detectorRecord, lists map[string]*listSet, ev *store.Event, log *slog.Logger) error {
	key := detectorKey(ev.Account, ev.Region)
	d, ok := detectors[key]
	if !ok {
		return nil
	}
	if d.S3DataEventsOff && ev.Attrs[trail.AttrEventCategory] == trail.EventCategoryData {
		return nil // S3 Protection is off
	}
	ls := lists[key]
	if ls == nil { // once per batch: list files are read and parsed here
		ls = &listSet{}
		err := st.View(ctx, func(tx store.Tx) error {
			var err error
			ls.trusted, ls.threats, ls.version, err = activeLists(tx, dataDir, ev.Account, ev.Region)
			return err
		})
		if err != nil {
			return err
		}
		lists[key] = ls
	}
	trusted, threats := ls.trusted, ls.threats
	var err error
	ek := key + "/" + d.ID + "/" + ls.version // a list change gives a new engine (its windows restart)
	eng := engines[ek]
	if eng == nil {
		if eng, err = detect.New(detect.Options{DetectorID: d.ID, Region: d.Region, AccountID: d.Account, TrustedList: trusted, ThreatLists: threats}); err != nil {
			return err
		}
		engines[ek] = eng
	}
	rec, err := detect.ParseRecord(ev.Body)
	if err != nil {
		log.Warn("guardduty: a CloudTrail record the engine cannot read", "eventID", ev.ID, "err", err)
		return nil // never stop the stream on one record
	}
	found := eng.CloudTrail(rec)
	if len(found) == 0 {
		return nil
	}
	return st.Update(context.WithoutCancel(ctx), func(tx store.Tx) error {
		return storeFindings(tx, ev.Account, ev.Region, found, nil, log)
	})
}

// storeFindings stores findings raised or updated for account in region,
// in the caller's transaction: a finding a user archived stays archived, an
// ARCHIVE filter archives a matching one (suppression), and the findings not
// suppressed go on to Security Hub. extra, when set, patches a finding's
// JSON before it is stored (sample findings' additionalInfo).
func storeFindings(tx store.Tx, account, region string, found []*detect.Finding, extra func(m map[string]any), log *slog.Logger) error {
	sup, err := loadSuppressor(tx, account, region)
	if err != nil {
		return err
	}
	key := detectorKey(account, region)
	var onward []*detect.Finding
	for _, f := range found {
		fk := key + "/" + f.ID
		// The engine's finding is not changed: archiving is the store's.
		g := *f
		g.Service.Archived = false
		if old, err := tx.Get(TableFindings, fk); err == nil {
			var prev storedFinding
			if json.Unmarshal(old, &prev) == nil && prev.Service.Archived {
				g.Service.Archived = true
			}
		}
		b, err := json.Marshal(&g)
		if err != nil {
			return err
		}
		var m map[string]any
		if extra != nil || len(sup) > 0 {
			if err := json.Unmarshal(b, &m); err != nil {
				return err
			}
			if extra != nil {
				extra(m)
			}
		}
		suppressed := len(sup) > 0 && sup.suppresses(m)
		if m != nil {
			if suppressed {
				if svc, ok := m["service"].(map[string]any); ok {
					svc["archived"] = true
				}
			}
			if b, err = json.Marshal(m); err != nil {
				return err
			}
		}
		if err := tx.Put(TableFindings, fk, b); err != nil {
			return err
		}
		if !suppressed {
			onward = append(onward, f)
			// Suppressed findings do not go to EventBridge, as in AWS.
			if err := emitFinding(tx, account, region, b); err != nil {
				return err
			}
		}
	}
	if len(onward) == 0 {
		return nil
	}
	return toSecurityHub(tx, account, region, onward, log)
}
