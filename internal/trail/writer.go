package trail

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/moatdev/moat/internal/store"
)

// ErrWriterClosed is returned by Record after Close.
var ErrWriterClosed = errors.New("trail: writer closed")

// WriterOption configures NewWriter.
type WriterOption func(*Writer)

// WithOnCommit calls fn, from the writer's goroutine, with the events of
// each committed batch (Seq set), before their Record calls return. fn must
// not block for long: the next batch waits for it.
func WithOnCommit(fn func([]store.Event)) WriterOption {
	return func(w *Writer) { w.onCommit = fn }
}

// WithMaxBatch caps how many records one transaction appends (default 256).
func WithMaxBatch(n int) WriterOption {
	return func(w *Writer) {
		if n > 0 {
			w.maxBatch = n
		}
	}
}

// WithClock sets the clock used for a record without an eventTime.
func WithClock(now func() time.Time) WriterOption { return func(w *Writer) { w.now = now } }

// Writer appends CloudTrail records to the event log with group commit:
// records from concurrent callers that arrive while a transaction is
// committing are appended together by the next one, so N concurrent
// callers cost about one fsync, not N; an idle writer commits a lone
// record at once (no batching delay). Safe for concurrent use.
type Writer struct {
	log      store.EventLog
	onCommit func([]store.Event)
	maxBatch int
	now      func() time.Time

	queue   chan *pending
	mu      sync.RWMutex // senders hold it for reading; Close for writing
	closed  bool
	stopped chan struct{}

	records, commits atomic.Int64
}

type pending struct {
	ev   store.Event
	done chan error
}

// WriterStats counts what a Writer committed.
type WriterStats struct {
	Records int64 // records made durable
	Commits int64 // AppendEvents transactions that committed them
}

// NewWriter starts a writer over log; Close stops it.
func NewWriter(log store.EventLog, opts ...WriterOption) *Writer {
	w := &Writer{log: log, maxBatch: 256, now: time.Now, stopped: make(chan struct{})}
	for _, o := range opts {
		o(w)
	}
	w.queue = make(chan *pending, w.maxBatch)
	go w.loop()
	return w
}

// Record completes rec's defaults (eventVersion, eventID, eventTime,
// eventType, eventCategory, recipientAccountId: see Complete), appends it
// and returns once it is durable. If ctx ends first Record returns ctx's
// error, and the record may or may not be appended.
func (w *Writer) Record(ctx context.Context, rec *Record) error {
	ev, err := w.event(rec)
	if err != nil {
		return err
	}
	p := &pending{ev: ev, done: make(chan error, 1)}
	w.mu.RLock()
	if w.closed {
		w.mu.RUnlock()
		return ErrWriterClosed
	}
	select {
	case w.queue <- p:
		w.mu.RUnlock()
	case <-ctx.Done():
		w.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case err := <-p.done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Stats returns what the writer committed so far.
func (w *Writer) Stats() WriterStats {
	return WriterStats{Records: w.records.Load(), Commits: w.commits.Load()}
}

// Close appends what is queued, then stops the writer. Record after Close
// returns ErrWriterClosed. Close does not close the event log.
func (w *Writer) Close() error {
	w.mu.Lock()
	if !w.closed {
		w.closed = true
		close(w.queue)
	}
	w.mu.Unlock()
	<-w.stopped
	return nil
}

// loop drains the queue: it blocks for the first record, takes whatever
// else is already waiting (up to maxBatch), appends it in one transaction
// and wakes the callers.
func (w *Writer) loop() {
	defer close(w.stopped)
	batch := make([]*pending, 0, w.maxBatch)
	for {
		p, ok := <-w.queue
		if !ok {
			return
		}
		batch = append(batch[:0], p)
	fill:
		for len(batch) < w.maxBatch {
			select {
			case p, ok := <-w.queue:
				if !ok {
					break fill
				}
				batch = append(batch, p)
			default:
				break fill
			}
		}
		w.commit(batch)
	}
}

func (w *Writer) commit(batch []*pending) {
	evs := make([]store.Event, len(batch))
	for i, p := range batch {
		evs[i] = p.ev
	}
	// The batch serves many callers: no caller's context may cancel it.
	err := w.log.AppendEvents(context.Background(), evs)
	if err == nil {
		w.commits.Add(1)
		w.records.Add(int64(len(evs)))
		if w.onCommit != nil {
			w.onCommit(evs)
		}
	} else {
		err = fmt.Errorf("trail: append %d records: %w", len(evs), err)
	}
	for _, p := range batch {
		p.done <- err
	}
}

// Complete fills the fields CloudTrail always sets and a caller may leave
// empty: eventVersion, eventID (a random UUID), eventTime (now, whole
// seconds), eventType (AwsApiCall), eventCategory (Management),
// managementEvent (true for the Management category), recipientAccountId
// (the identity's account).
func Complete(rec *Record, now time.Time) error {
	if rec.EventVersion == "" {
		rec.EventVersion = EventVersion
	}
	if rec.EventID == "" {
		id, err := newUUID()
		if err != nil {
			return err
		}
		rec.EventID = id
	}
	if rec.EventTime.IsZero() {
		rec.EventTime = Time{now.UTC().Truncate(time.Second)}
	}
	if rec.EventType == "" {
		rec.EventType = EventTypeAwsApiCall
	}
	if rec.EventCategory == "" {
		rec.EventCategory = EventCategoryManagement
		rec.ManagementEvent = true
	}
	if rec.RecipientAccountID == "" {
		rec.RecipientAccountID = rec.UserIdentity.AccountID
	}
	return nil
}

// event builds the store event for rec: the record JSON as body and the
// LookupEvents attributes.
func (w *Writer) event(rec *Record) (store.Event, error) {
	if err := Complete(rec, w.now()); err != nil {
		return store.Event{}, err
	}
	if rec.RecipientAccountID == "" {
		return store.Event{}, errors.New("trail: record without recipientAccountId nor userIdentity.accountId")
	}
	body, err := Encode(rec)
	if err != nil {
		return store.Event{}, err
	}
	ev := store.Event{
		Stream:  store.StreamCloudTrail,
		Time:    rec.EventTime.UTC().Truncate(time.Second), // as the record says; Seq orders within a second
		Account: rec.RecipientAccountID,
		Region:  rec.AwsRegion,
		ID:      rec.EventID,
		Body:    body,
		Attrs: map[string]string{
			AttrEventID:     rec.EventID,
			AttrEventName:   rec.EventName,
			AttrEventSource: rec.EventSource,
			AttrReadOnly:    strconv.FormatBool(rec.ReadOnly),
		},
	}
	if rec.EventCategory == EventCategoryData {
		ev.Attrs[AttrEventCategory] = EventCategoryData
	}
	if u := rec.lookupUsername(); u != "" {
		ev.Attrs[AttrUsername] = u
	}
	if k := rec.UserIdentity.AccessKeyID; k != "" {
		ev.Attrs[AttrAccessKeyID] = k
	}
	for _, r := range rec.LookupResources {
		ev.Resources = append(ev.Resources, store.Resource{Type: r.ResourceType, Name: r.ResourceName})
	}
	for _, r := range rec.Resources {
		ev.Resources = append(ev.Resources, store.Resource{Type: r.Type, Name: r.ARN})
	}
	return ev, nil
}

// newUUID returns a random (version 4) UUID, as CloudTrail's eventID.
func newUUID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("trail: event id: %w", err)
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	const hex = "0123456789abcdef"
	out := make([]byte, 0, 36)
	for i, c := range b {
		if i == 4 || i == 6 || i == 8 || i == 10 {
			out = append(out, '-')
		}
		out = append(out, hex[c>>4], hex[c&0x0f])
	}
	return string(out), nil
}
