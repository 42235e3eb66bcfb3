// Package bus is moat's in-process event bus over the store's event log:
// the path from CloudTrail records (and later flow records and findings)
// to rules, detectors and the hub.
//
// The log is the bus: events are already durable and ordered by Seq when
// the bus sees them, and each consumer keeps its own offset in the store.
// Subscribe reads the events after the consumer's offset in pages, calls
// the handler for each in order, stores the new offset after each page,
// and when caught up waits for Notify (the trail Writer's OnCommit) or a
// fallback tick (default 1 s, for events appended by another process);
// there is no polling loop with sleeps.
//
// # Delivery guarantees
//
// At least once, in Seq order, per consumer. An event is acknowledged when
// its offset is stored, which happens after the handler succeeded for it
// and every event before it: a consumer that restarts (process kill
// included) resumes after the last acknowledged event and never sees an
// acknowledged event again, but may see again events its handler finished
// after the last stored offset (at most one page, WithBatch). Handlers
// must therefore be idempotent. A handler error stops Subscribe (the
// events before it are acknowledged; the failed one comes first next
// time). Offsets are as durable as the store's commits.
//
// Not modelled yet: fan-out of one consumer over several workers,
// consumer groups across replicas, and the Kafka / NATS JetStream
// backends for scale-out. Nothing here is AWS behaviour (EventBridge rules
// will consume the bus; their semantics live with them).
package bus
