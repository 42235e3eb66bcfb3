package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/moatdev/moat/internal/store"
)

// attrIndex is the lookup index of the event log, kept in memory: for each
// (stream, attribute, value), the events that carry it in (time, seq) order.
// It is rebuilt from the log when the database opens and updated after each
// append commits.
//
// Why not a table: every event has about seven lookup attributes, and as rows
// of an indexed SQLite table they cost the append transaction — which is on
// every API call's path, since a call is acknowledged only once its CloudTrail
// record is durable — three times what the event row itself costs, whether
// written in the same transaction or by a background indexer holding the same
// single write connection. In memory they cost a few hundred bytes per event
// and a scan of the log at start (about a second per million events). The
// PostgreSQL backend, with concurrent writers, will keep them in a table.
type attrIndex struct {
	// pending holds appended events not indexed yet. The writer only queues
	// them (one lock, one append), so the commit path stays short; a
	// background goroutine indexes them, and find indexes what is left
	// before it answers, so a query never misses an acknowledged event.
	pendingMu sync.Mutex
	pending   []store.Event
	kick      chan struct{}

	mu sync.RWMutex
	m  map[attrKey][]attrEntry
	// Accounts and regions are interned, so entries hold no pointers and
	// the garbage collector never scans the index.
	names map[string]uint32
}

type attrKey struct{ stream, k, v string }

type attrEntry struct {
	timeNS, seq     int64
	account, region uint32
}

func (a attrEntry) before(timeNS, seq int64) bool {
	return a.timeNS < timeNS || (a.timeNS == timeNS && a.seq < seq)
}

func newAttrIndex() *attrIndex {
	return &attrIndex{m: make(map[attrKey][]attrEntry), names: map[string]uint32{"": 0}, kick: make(chan struct{}, 1)}
}

// run indexes queued events until stop is closed.
func (ix *attrIndex) run(stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	for {
		select {
		case <-stop:
			return
		case <-ix.kick:
			ix.drain()
		}
	}
}

// intern returns the number of name, adding it if new (under the write lock).
func (ix *attrIndex) intern(name string) uint32 {
	n, ok := ix.names[name]
	if !ok {
		n = uint32(len(ix.names))
		ix.names[name] = n
	}
	return n
}

// add queues events whose Seq is assigned for indexing.
func (ix *attrIndex) add(evs []store.Event) {
	ix.pendingMu.Lock()
	ix.pending = append(ix.pending, evs...)
	ix.pendingMu.Unlock()
	select {
	case ix.kick <- struct{}{}:
	default:
	}
}

// drain indexes every queued event.
func (ix *attrIndex) drain() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.pendingMu.Lock()
	evs := ix.pending
	ix.pending = nil
	ix.pendingMu.Unlock()
	for i := range evs {
		ix.addLocked(&evs[i])
	}
}

func (ix *attrIndex) addLocked(ev *store.Event) {
	e := attrEntry{timeNS: ev.Time.UnixNano(), seq: ev.Seq, account: ix.intern(ev.Account), region: ix.intern(ev.Region)}
	for _, kv := range indexed(ev) {
		key := attrKey{ev.Stream, kv[0], kv[1]}
		list := ix.m[key]
		// Events arrive in seq order and almost in time order: insert from
		// the end.
		i := len(list)
		for i > 0 && !list[i-1].before(e.timeNS, e.seq) {
			i--
		}
		list = append(list, attrEntry{})
		copy(list[i+1:], list[i:])
		list[i] = e
		ix.m[key] = list
	}
}

// find returns the seqs of the events matching q, newest first (time desc,
// seq desc), at most q.Limit of them. cursorTime is the time of q.BeforeSeq.
func (ix *attrIndex) find(q store.EventQuery, cursorTime int64) []int64 {
	ix.drain()
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	list := ix.m[attrKey{q.Stream, q.AttrKey, q.AttrValue}]
	end := len(list)
	if q.BeforeSeq != 0 {
		end = sort.Search(len(list), func(i int) bool { return !list[i].before(cursorTime, q.BeforeSeq) })
	}
	if !q.End.IsZero() {
		endNS := q.End.UnixNano()
		end = min(end, sort.Search(len(list), func(i int) bool { return list[i].timeNS > endNS }))
	}
	var startNS int64
	if !q.Start.IsZero() {
		startNS = q.Start.UnixNano()
	}
	account, knownAccount := ix.names[q.Account]
	region, knownRegion := ix.names[q.Region]
	if !knownAccount || !knownRegion {
		return nil // no event was ever appended with that account or region
	}
	var seqs []int64
	for i := end - 1; i >= 0; i-- {
		e := &list[i]
		if !q.Start.IsZero() && e.timeNS < startNS {
			break
		}
		if (q.Account != "" && e.account != account) || (q.Region != "" && e.region != region) {
			continue
		}
		seqs = append(seqs, e.seq)
		if q.Limit > 0 && len(seqs) == q.Limit {
			break
		}
	}
	return seqs
}

// rebuild reads the whole log into the index.
func (ix *attrIndex) rebuild(ctx context.Context, db *sql.DB) error {
	rows, err := db.QueryContext(ctx, `SELECT seq, stream, account, region, time_ns, attrs, resources FROM events ORDER BY seq`)
	if err != nil {
		return fmt.Errorf("store/sqlite: rebuild lookup index: %w", err)
	}
	defer rows.Close()
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for rows.Next() {
		var ev store.Event
		var timeNS int64
		var attrs, res string
		if err := rows.Scan(&ev.Seq, &ev.Stream, &ev.Account, &ev.Region, &timeNS, &attrs, &res); err != nil {
			return fmt.Errorf("store/sqlite: rebuild lookup index: %w", err)
		}
		if err := json.Unmarshal([]byte(attrs), &ev.Attrs); err != nil {
			return fmt.Errorf("store/sqlite: rebuild lookup index: event %d: corrupt attributes: %w", ev.Seq, err)
		}
		if err := json.Unmarshal([]byte(res), &ev.Resources); err != nil {
			return fmt.Errorf("store/sqlite: rebuild lookup index: event %d: corrupt resources: %w", ev.Seq, err)
		}
		ev.Time = timeFromNS(timeNS)
		ix.addLocked(&ev)
	}
	return rows.Err()
}

// eventsBySeq loads the events with the given seqs, in that order.
func eventsBySeq(ctx context.Context, tx *sql.Tx, seqs []int64) ([]store.Event, error) {
	if len(seqs) == 0 {
		return []store.Event{}, nil
	}
	args := make([]any, len(seqs))
	for i, s := range seqs {
		args[i] = s
	}
	query := `SELECT ` + eventCols + ` FROM events e WHERE e.seq IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(seqs)), ", ") + `)`
	evs, err := queryEvents(ctx, tx, query, args...)
	if err != nil {
		return nil, err
	}
	pos := make(map[int64]int, len(seqs))
	for i, s := range seqs {
		pos[s] = i
	}
	sort.Slice(evs, func(i, j int) bool { return pos[evs[i].Seq] < pos[evs[j].Seq] })
	return evs, nil
}
