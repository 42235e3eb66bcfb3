package bus

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/moatdev/moat/internal/store"
)

// Defaults of a Bus.
const (
	DefaultBatch    = 256
	DefaultFallback = time.Second
)

// Option configures New.
type Option func(*Bus)

// WithBatch sets how many events a subscriber reads per query (and
// acknowledges per offset write).
func WithBatch(n int) Option {
	return func(b *Bus) {
		if n > 0 {
			b.batch = n
		}
	}
}

// WithFallback sets how often a caught-up subscriber looks for events
// appended without a Notify (by another process sharing the log); 0
// disables it.
func WithFallback(d time.Duration) Option { return func(b *Bus) { b.fallback = d } }

// Bus delivers the events of a store.EventLog to subscribers, in Seq order,
// at least once, resuming each consumer from its stored offset. Safe for
// concurrent use.
type Bus struct {
	log      store.EventLog
	batch    int
	fallback time.Duration

	mu      sync.Mutex
	changed chan struct{} // closed and replaced by Notify
}

// New returns a bus over log.
func New(log store.EventLog, opts ...Option) *Bus {
	b := &Bus{log: log, batch: DefaultBatch, fallback: DefaultFallback, changed: make(chan struct{})}
	for _, o := range opts {
		o(b)
	}
	return b
}

// Notify wakes the subscribers waiting for new events. Call it after each
// commit to the log (trail.WithOnCommit). It never blocks.
func (b *Bus) Notify() {
	b.mu.Lock()
	close(b.changed)
	b.changed = make(chan struct{})
	b.mu.Unlock()
}

// OnCommit is Notify with the signature of trail.WithOnCommit.
func (b *Bus) OnCommit([]store.Event) { b.Notify() }

// Changed returns a channel that is closed at the next Notify, for
// consumers that read the log themselves (the trail deliverer).
func (b *Bus) Changed() <-chan struct{} { return b.wait() }

func (b *Bus) wait() <-chan struct{} {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.changed
}

// Subscribe calls fn with every event of stream after consumer's stored
// offset, in Seq order, one at a time, and waits for more when caught up.
// It stores the offset after fn succeeds: once per batch read, and before
// returning. An event is acknowledged once its offset is stored; an event
// fn handled but not yet acknowledged is delivered again after a restart
// (at least once), an acknowledged one never is.
//
// Subscribe returns nil when ctx is done, or the first error of fn (wrapped,
// after storing the offset of the events before it) or of the log. One
// consumer name must have one Subscribe at a time.
func (b *Bus) Subscribe(ctx context.Context, consumer, stream string, fn func(store.Event) error) error {
	off, err := b.log.Offset(ctx, consumer)
	if err != nil {
		return done(ctx, fmt.Errorf("bus: %s: read offset: %w", consumer, err))
	}
	var tick <-chan time.Time
	if b.fallback > 0 {
		t := time.NewTicker(b.fallback)
		defer t.Stop()
		tick = t.C
	}
	for {
		wake := b.wait() // before reading, so a Notify during the read is not lost
		evs, err := b.log.ReadEvents(ctx, stream, off, b.batch)
		if err != nil {
			return done(ctx, fmt.Errorf("bus: %s: read events: %w", consumer, err))
		}
		next, failed, ferr := deliver(ctx, evs, off, fn)
		if next != off {
			// Acknowledge even when ctx is done: the events were handled.
			if err := b.log.SetOffset(context.WithoutCancel(ctx), consumer, next); err != nil {
				return fmt.Errorf("bus: %s: store offset %d: %w", consumer, next, err)
			}
			off = next
		}
		if ferr != nil {
			return done(ctx, fmt.Errorf("bus: %s: event %d: %w", consumer, failed, ferr))
		}
		if ctx.Err() != nil {
			return nil
		}
		if len(evs) == b.batch {
			continue // more may be waiting
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-tick:
		}
	}
}

// deliver calls fn for each event until one fails or ctx is done; it
// returns the Seq of the last event handled, and of the one that failed.
func deliver(ctx context.Context, evs []store.Event, off int64, fn func(store.Event) error) (last, failed int64, err error) {
	for _, ev := range evs {
		if ctx.Err() != nil {
			return off, 0, nil
		}
		if err := fn(ev); err != nil {
			return off, ev.Seq, err
		}
		off = ev.Seq
	}
	return off, 0, nil
}

// done turns an error caused by ctx ending into nil.
func done(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return err
}
