// Package store is moat's persistence, behind one small interface that
// every backend implements and internal/store/storetest checks:
//
//   - Store.Update and Store.View run functions in transactions over named
//     key-value tables (Tx: Get, Put, Insert, Delete, Scan). Services keep
//     their state there, as JSON values under keys they design for Scan
//     (prefix, ascending byte order, keyset paging with `after`).
//   - EventLog is the ordered, durable log of events: CloudTrail records
//     (internal/trail) first, flow records and findings later. Every event
//     gets a Seq, strictly increasing and never reused; QueryEvents serves
//     CloudTrail's LookupEvents (newest first, one indexed attribute),
//     ReadEvents and the consumer offsets serve internal/bus.
//
// # Guarantees
//
// Update is serializable: writers run one at a time. When Update,
// AppendEvents or SetOffset return nil the change is committed; how
// durable a commit is depends on the backend's sync setting (see
// internal/store/sqlite). View sees one consistent snapshot and never
// blocks writers. Errors: ErrNotFound, ErrExists, ErrReadOnly and ErrClosed,
// possibly wrapped with the table and key (test with errors.Is).
//
// # Backends
//
// internal/store/sqlite is the embedded default (pure Go, one file). A
// PostgreSQL backend for several moat replicas is planned with the same
// schema; it must pass the same storetest suite. Nothing in this package
// is AWS behaviour: it is moat's own plumbing.
package store
