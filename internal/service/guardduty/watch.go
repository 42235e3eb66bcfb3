package guardduty

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/moatdev/moat/detect"
	"github.com/moatdev/moat/internal/bus"
	"github.com/moatdev/moat/internal/store"
)

// consumer is the bus consumer name of the live detectors.
const consumer = "guardduty"

// Watch feeds every CloudTrail record on the bus to the detection engine of
// its account and region, when that account has an enabled detector there,
// and stores the findings raised or updated, keeping a finding archived once
// a user archived it. It returns when ctx is done.
//
// Detectors keep their windows and baselines in memory: after a restart
// they start learning again, and a repeat updates the stored finding from a
// count of one (said in docs/detection.md).
func Watch(ctx context.Context, b *bus.Bus, st store.Store, log *slog.Logger) error {
	engines := map[string]*detect.Detector{}
	return b.Subscribe(ctx, consumer, store.StreamCloudTrail, func(ev store.Event) error {
		key := detectorKey(ev.Account, ev.Region)
		var d detectorRecord
		err := st.View(ctx, func(tx store.Tx) error {
			b, err := tx.Get(TableDetectors, key)
			if err != nil {
				return err
			}
			return json.Unmarshal(b, &d)
		})
		if errors.Is(err, store.ErrNotFound) || (err == nil && !d.Enabled) {
			return nil
		}
		if err != nil {
			return err
		}
		eng := engines[key+"/"+d.ID]
		if eng == nil {
			if eng, err = detect.New(detect.Options{DetectorID: d.ID, Region: d.Region, AccountID: d.Account}); err != nil {
				return err
			}
			engines[key+"/"+d.ID] = eng
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
		return st.Update(ctx, func(tx store.Tx) error {
			for _, f := range found {
				fk := key + "/" + f.ID
				if old, err := tx.Get(TableFindings, fk); err == nil {
					var prev storedFinding
					if json.Unmarshal(old, &prev) == nil && prev.Service.Archived {
						f.Service.Archived = true
					}
				}
				b, err := json.Marshal(f)
				if err != nil {
					return err
				}
				if err := tx.Put(TableFindings, fk, b); err != nil {
					return err
				}
			}
			return nil
		})
	})
}
