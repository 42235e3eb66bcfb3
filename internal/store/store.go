package store

import (
	"context"
	"errors"
	"time"
)

// Errors every backend returns (possibly wrapped with the table and key).
var (
	// ErrNotFound: Get or Delete of a key that is absent.
	ErrNotFound = errors.New("store: not found")
	// ErrExists: Insert of a key that is taken.
	ErrExists = errors.New("store: already exists")
	// ErrClosed: any call after Close.
	ErrClosed = errors.New("store: closed")
	// ErrReadOnly: a write through the Tx of View.
	ErrReadOnly = errors.New("store: read-only transaction")
)

// Store is moat's persistence: a transactional key-value store plus the
// ordered event log. Implementations are safe for concurrent use.
type Store interface {
	// Update runs fn in one serializable read-write transaction. An error
	// from fn (or a panic) rolls it back and is returned as is; when Update
	// returns nil the writes are committed and durable (as durable as the
	// backend's sync setting makes them, see the backend's doc).
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only transaction that sees one consistent
	// snapshot. Writes through its Tx fail with ErrReadOnly.
	View(ctx context.Context, fn func(Tx) error) error
	EventLog
	// Close waits for in-flight calls, then releases the backend. Calls
	// after Close fail with ErrClosed; a second Close returns nil.
	Close() error
}

// Tx is one transaction's view of the key-value tables. A table is a
// namespace of keys; keys order bytewise. A Tx must not be used after the
// function it was passed to returns, nor from several goroutines.
type Tx interface {
	// Get returns the value of key, or ErrNotFound.
	Get(table, key string) ([]byte, error)
	// Put inserts or replaces key.
	Put(table, key string, value []byte) error
	// Insert inserts key, or returns ErrExists when the key is taken.
	Insert(table, key string, value []byte) error
	// Delete removes key, or returns ErrNotFound when it is absent.
	Delete(table, key string) error
	// Scan calls fn with each key of table that starts with prefix and
	// sorts after `after` ("" for the first), in ascending order, stopping
	// after limit keys (limit <= 0: all). An error from fn stops the scan
	// and is returned. fn may write through the same Tx; keys it adds
	// after the scan position may or may not be visited.
	Scan(table, prefix, after string, limit int, fn func(key string, value []byte) error) error
}

// Stream names of the event log.
const (
	StreamCloudTrail = "cloudtrail"
	// StreamFindings: GuardDuty, Security Hub and Macie findings as the
	// EventBridge events those services send (Body: the envelope).
	StreamFindings = "findings"
)

// Event is one record of the ordered, durable event log (CloudTrail records
// first; flow records and findings later).
type Event struct {
	// Seq is assigned by AppendEvents: strictly increasing across streams,
	// never reused, also after a restart.
	Seq    int64
	Stream string
	Time   time.Time
	// Account and Region say whose event it is (for CloudTrail the
	// recipientAccountId and awsRegion).
	Account, Region string
	// ID is the event's own id (CloudTrail's eventID).
	ID string
	// Attrs are indexed lookup attributes, one value per key: for
	// CloudTrail EventId, EventName, ReadOnly, Username, EventSource,
	// AccessKeyId.
	Attrs map[string]string
	// Resources are indexed too: QueryEvents with AttrKey "ResourceType"
	// or "ResourceName" matches any of them.
	Resources []Resource
	// Body is the full record (CloudTrail: the record JSON).
	Body []byte
}

// Resource is one resource an event names.
type Resource struct{ Type, Name string }

// Attribute keys the event log derives from Event.Resources.
const (
	AttrResourceType = "ResourceType"
	AttrResourceName = "ResourceName"
)

// EventQuery selects events of one stream, newest first.
type EventQuery struct {
	Stream  string // required
	Account string // "" matches every account
	Region  string // "" matches every region
	// Start and End bound Time, both inclusive; zero means unbounded.
	Start, End time.Time
	// AttrKey and AttrValue, when AttrKey is set, keep events whose
	// attribute (or resource type/name) equals AttrValue exactly.
	AttrKey, AttrValue string
	// BeforeSeq, when not 0, is the Seq of the last event of the previous
	// page: only events that sort after it in (Time desc, Seq desc) order
	// are returned. A Seq that does not exist yields no events.
	BeforeSeq int64
	// Limit caps the events returned; <= 0: all.
	Limit int
}

// EventLog is the ordered, durable log of events.
type EventLog interface {
	// AppendEvents appends evs in one transaction, assigning each its Seq
	// (in evs, in order); when it returns nil they are durable.
	AppendEvents(ctx context.Context, evs []Event) error
	// QueryEvents returns matching events newest first (Time desc, Seq desc).
	QueryEvents(ctx context.Context, q EventQuery) ([]Event, error)
	// ReadEvents returns up to limit events of stream with Seq > afterSeq,
	// oldest first (Seq asc); limit <= 0: all.
	ReadEvents(ctx context.Context, stream string, afterSeq int64, limit int) ([]Event, error)
	// Offset returns the Seq a consumer stored last, or 0.
	Offset(ctx context.Context, consumer string) (int64, error)
	// SetOffset stores a consumer's Seq.
	SetOffset(ctx context.Context, consumer string, seq int64) error
}
