package guardduty

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"testing"

	"github.com/moatdev/moat/detect"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/store/sqlite"
)

// storeFindings: a finding a user archived stays archived when raised
// again, one unarchived is not re-archived, and an ARCHIVE filter archives
// what it matches when it is raised, without touching the engine's finding.
func TestStoreFindingsArchiving(t *testing.T) {
	db, err := sqlite.Open(filepath.Join(t.TempDir(), "moat.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	det := &detectorRecord{ID: "d1", Account: "111122223333", Region: "us-east-1"}
	var types = map[string]detect.FindingType{}
	for _, ft := range detect.FindingTypes() {
		types[ft.Name] = ft
	}
	root := sampleFinding(types[detect.TypeRootCredentialUsage], det, testNow)
	scan := sampleFinding(types[detect.TypePortscan], det, testNow)
	raise := func(fs ...*detect.Finding) {
		t.Helper()
		if err := db.Update(ctx, func(tx store.Tx) error { return storeFindings(tx, det.Account, det.Region, fs, nil, log) }); err != nil {
			t.Fatal(err)
		}
	}
	archived := func(f *detect.Finding) bool {
		t.Helper()
		var got storedFinding
		err := db.View(ctx, func(tx store.Tx) error {
			b, err := tx.Get(TableFindings, detectorKey(det.Account, det.Region)+"/"+f.ID)
			if err == nil {
				err = json.Unmarshal(b, &got)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return got.Service.Archived
	}
	setArchived := func(f *detect.Finding, v bool) {
		t.Helper()
		err := db.Update(ctx, func(tx store.Tx) error {
			k := detectorKey(det.Account, det.Region) + "/" + f.ID
			b, err := tx.Get(TableFindings, k)
			if err != nil {
				return err
			}
			var m map[string]any
			_ = json.Unmarshal(b, &m)
			m["service"].(map[string]any)["archived"] = v
			nb, _ := json.Marshal(m)
			return tx.Put(TableFindings, k, nb)
		})
		if err != nil {
			t.Fatal(err)
		}
	}

	raise(root, scan)
	if archived(root) || archived(scan) {
		t.Fatal("new findings archived without a filter")
	}
	setArchived(root, true)
	raise(root)
	if !archived(root) {
		t.Fatal("a finding the user archived was unarchived by a repeat")
	}
	setArchived(root, false)
	raise(root)
	if archived(root) {
		t.Fatal("a finding the user unarchived was archived again by a repeat")
	}

	// An ARCHIVE filter on Portscan.
	rec := filterRecord{Name: "scans", Action: "ARCHIVE", Rank: 1, Criteria: FindingCriteria{Criterion: map[string]Condition{"type": {Equals: []string{detect.TypePortscan}}}}}
	b, _ := json.Marshal(&rec)
	if err := db.Update(ctx, func(tx store.Tx) error { return tx.Put(TableFilters, filterKey(det.Account, det.Region, rec.Name), b) }); err != nil {
		t.Fatal(err)
	}
	if archived(scan) {
		t.Fatal("saving a filter archived a stored finding")
	}
	raise(root, scan)
	if !archived(scan) || archived(root) {
		t.Fatalf("after a repeat under the filter: scan archived %v (want true), root %v (want false)", archived(scan), archived(root))
	}
	if scan.Service.Archived {
		t.Fatal("the engine's finding was changed")
	}
}
