package trail

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/store"
)

// Delivery defaults. CloudTrail delivers "about every 5 minutes"; digests
// hourly.
const (
	DefaultDeliveryInterval = 5 * time.Minute
	DefaultDeliveryRecords  = 1000
	DefaultDigestInterval   = time.Hour
	deliveryConsumer        = "cloudtrail-delivery"
)

// Store is what the Deliverer needs of the store: transactions for trail
// records and the event log it reads.
type Store interface {
	store.Store
	store.EventLog
}

// Deliverer writes the records of every logging trail into a directory that
// stands for the trails' S3 buckets, in CloudTrail's layout
// (<Dir>/<bucket>/<prefix>/AWSLogs/...), with hourly digest files for
// trails with log file validation. It reads the event log from its own
// stored offset and advances it only past records that are on disk, so a
// restart delivers what was pending (at least once).
type Deliverer struct {
	DB             Store
	Dir            string
	Interval       time.Duration // deliver at least this often while records wait
	MaxRecords     int           // or as soon as this many wait
	DigestInterval time.Duration
	Key            *DigestKey // signs digests; nil disables them
	Clock          func() time.Time
	Log            *slog.Logger
	// Wake, when set, returns a channel closed when new events are appended.
	Wake func() <-chan struct{}
	// OrgOf returns the organization an account belongs to and that
	// organization's management account ("" outside one), for organization
	// trails. Nil: no organization trails.
	OrgOf func(ctx context.Context, account string) (orgID, management string)
	// Put, when set, also stores each delivered file (log files and
	// digests) as an object of the trail's bucket, as CloudTrail writes to
	// S3; it answers ErrNoBucket when the bucket is not one it serves (the
	// file is then only in Dir). Any other error is the delivery's error.
	Put func(ctx context.Context, trailARN, bucket, key string, data []byte) error

	pending  map[fileKey]*batch
	count    int
	first    time.Time
	readOff  int64
	minSeq   int64
	trails   []*Trail
	loadedAt time.Time
}

// fileKey is one log file's worth of pending records: one trail, account
// and region.
type fileKey struct {
	trail           string // the trail's store key
	account, region string
	bucket, prefix  string
	orgID           string
	validation      bool
}

type batch struct {
	bodies         [][]byte
	oldest, newest time.Time
	minSeq         int64
}

func (d *Deliverer) now() time.Time {
	if d.Clock != nil {
		return d.Clock()
	}
	return time.Now()
}

func (d *Deliverer) log() *slog.Logger {
	if d.Log != nil {
		return d.Log
	}
	return slog.New(slog.DiscardHandler)
}

// Run delivers until ctx is done, then delivers what is pending and closes
// the digests that are due, and returns.
func (d *Deliverer) Run(ctx context.Context) error {
	if d.Interval <= 0 {
		d.Interval = DefaultDeliveryInterval
	}
	if d.MaxRecords <= 0 {
		d.MaxRecords = DefaultDeliveryRecords
	}
	if d.DigestInterval <= 0 {
		d.DigestInterval = DefaultDigestInterval
	}
	off, err := d.DB.Offset(ctx, deliveryConsumer)
	if err != nil {
		return fmt.Errorf("trail delivery: %w", err)
	}
	d.readOff, d.pending = off, map[fileKey]*batch{}
	// Without Wake the deliverer polls: once a second, or at Interval when
	// that is shorter. Waking at every commit would cost the request path.
	tick := time.NewTicker(min(d.Interval, time.Second))
	defer tick.Stop()
	for {
		var wake <-chan struct{}
		if d.Wake != nil {
			wake = d.Wake()
		}
		n, err := d.read(ctx)
		if err != nil && ctx.Err() == nil {
			d.log().Warn("trail delivery: reading events", "err", err)
		}
		if ctx.Err() != nil {
			// Shutting down: deliver everything already in the log.
			final := context.WithoutCancel(ctx)
			for {
				n, err := d.read(final)
				if err != nil {
					d.log().Warn("trail delivery: reading events", "err", err)
				}
				if err != nil || n < readBatch {
					break
				}
			}
			d.flush(final)
			d.digests(final, true)
			return nil
		}
		// Writes are not cut short by shutdown: a file on disk must be in
		// its trail's digest state.
		wctx := context.WithoutCancel(ctx)
		if d.count >= d.MaxRecords || (d.count > 0 && d.now().Sub(d.first) >= d.Interval) {
			d.flush(wctx)
		} else if d.count == 0 {
			d.storeOffset(wctx)
		}
		d.digests(wctx, false)
		if n == readBatch {
			continue
		}
		select {
		case <-ctx.Done():
		case <-wake:
		case <-tick.C:
		}
	}
}

const readBatch = 512

// read buffers the next events for the trails that select them. While no
// trail is logging it skips the log without reading it: a trail that starts
// later delivers only what follows its StartLogging.
func (d *Deliverer) read(ctx context.Context) (int, error) {
	if err := d.loadTrails(ctx); err != nil {
		return 0, err
	}
	logging := false
	for _, t := range d.trails {
		// A trail stopped moments ago still has its StopLogging record to
		// deliver.
		logging = logging || t.Logging || d.now().Sub(t.StopLoggingTime) < 10*time.Second
	}
	if !logging && d.count == 0 {
		latest, err := LatestSeq(ctx, d.DB)
		if err == nil && latest > d.readOff {
			d.readOff = latest
		}
		return 0, err
	}
	evs, err := d.DB.ReadEvents(ctx, StreamName, d.readOff, readBatch)
	if err != nil || len(evs) == 0 {
		return 0, err
	}
	for i := range evs {
		ev := &evs[i]
		for _, t := range d.trails {
			member := func(account string) bool {
				if d.OrgOf == nil {
					return false
				}
				_, mgmt := d.OrgOf(ctx, account)
				return mgmt == t.Account
			}
			if !t.Selects(ev, member) {
				continue
			}
			k := fileKey{trail: TrailKey(t.Account, t.HomeRegion, t.Name), account: ev.Account, region: ev.Region, bucket: t.S3BucketName,
				prefix: t.S3KeyPrefix, validation: t.LogFileValidationEnabled}
			if t.IsOrganizationTrail && d.OrgOf != nil {
				k.orgID, _ = d.OrgOf(ctx, t.Account)
			}
			b := d.pending[k]
			if b == nil {
				b = &batch{minSeq: ev.Seq}
				d.pending[k] = b
			}
			b.bodies = append(b.bodies, ev.Body)
			if b.oldest.IsZero() || ev.Time.Before(b.oldest) {
				b.oldest = ev.Time
			}
			if ev.Time.After(b.newest) {
				b.newest = ev.Time
			}
			if d.count == 0 {
				d.first = d.now()
			}
			d.count++
		}
		d.readOff = ev.Seq
	}
	return len(evs), nil
}

// StreamName is the event log stream of CloudTrail records.
const StreamName = store.StreamCloudTrail

func (d *Deliverer) loadTrails(ctx context.Context) error {
	var trails []*Trail
	err := d.DB.View(ctx, func(tx store.Tx) error {
		return tx.Scan(TableTrails, "", "", 0, func(k string, b []byte) error {
			var t Trail
			if err := json.Unmarshal(b, &t); err != nil {
				return fmt.Errorf("trail %s: %w", k, err)
			}
			trails = append(trails, &t)
			return nil
		})
	})
	if err == nil {
		d.trails = trails
	}
	return err
}

// flush writes every pending batch as a log file; a batch that cannot be
// written stays pending (its trail's status says why) and holds the stored
// offset back.
func (d *Deliverer) flush(ctx context.Context) {
	now := d.now()
	keys := make([]fileKey, 0, len(d.pending))
	for k := range d.pending {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return keys[i].trail+keys[i].account+keys[i].region < keys[j].trail+keys[j].account+keys[j].region
	})
	for _, k := range keys {
		b := d.pending[k]
		object := LogFileKey(k.orgID, k.account, k.region, now, unique16())
		hash, gz, err := writeLogFile(filepath.Join(d.Dir, k.bucket, k.prefix, filepath.FromSlash(object)), b.bodies)
		if err == nil {
			err = d.put(ctx, trailKeyARN(k.trail), k.bucket, joinKey(k.prefix, object), gz)
		}
		d.updateTrail(ctx, k.trail, func(t *Trail) {
			t.Status.LatestDeliveryAttemptTime = now
			if err != nil {
				t.Status.LatestDeliveryError = deliveryError(err)
				return
			}
			t.Status.LatestDeliveryTime, t.Status.LatestDeliveryError = now, ""
			if !k.validation || d.Key == nil {
				return
			}
			st := t.digestState(k.account+"/"+k.region, now)
			st.LogFiles = append(st.LogFiles, DigestLogFile{S3Bucket: k.bucket, S3Object: joinKey(k.prefix, object), HashValue: hash, HashAlgorithm: "SHA-256",
				NewestEventTime: b.newest.UTC().Format(timeLayout), OldestEventTime: b.oldest.UTC().Format(timeLayout)})
		})
		if err != nil {
			d.log().Warn("trail delivery failed", "trail", k.trail, "err", err)
			continue
		}
		d.count -= len(b.bodies)
		delete(d.pending, k)
	}
	if d.count == 0 {
		d.first = time.Time{}
	} else {
		d.first = now
	}
	d.storeOffset(ctx)
}

// storeOffset stores the offset below the oldest record still pending.
func (d *Deliverer) storeOffset(ctx context.Context) {
	off := d.readOff
	for _, b := range d.pending {
		if b.minSeq-1 < off {
			off = b.minSeq - 1
		}
	}
	if err := d.DB.SetOffset(ctx, deliveryConsumer, off); err != nil {
		d.log().Warn("trail delivery: storing offset", "err", err)
	}
}

// digests writes the digest files that are due: each hour after the
// chain's start (or all with records, at shutdown).
func (d *Deliverer) digests(ctx context.Context, final bool) {
	if d.Key == nil {
		return
	}
	if err := d.loadTrails(ctx); err != nil {
		d.log().Warn("trail delivery: reading trails", "err", err)
		return
	}
	now := d.now()
	for _, t := range d.trails {
		if !t.LogFileValidationEnabled {
			continue
		}
		key := TrailKey(t.Account, t.HomeRegion, t.Name)
		d.updateTrail(ctx, key, func(t *Trail) {
			if t.Logging {
				t.digestState(t.Account+"/"+t.HomeRegion, now) // the home region always has a chain
			}
			for ar, st := range t.Digests {
				due := now.Sub(st.Start) >= d.DigestInterval
				if !due && !(final && len(st.LogFiles) > 0) {
					continue
				}
				account, region := splitAR(ar)
				orgID := ""
				if t.IsOrganizationTrail && d.OrgOf != nil {
					orgID, _ = d.OrgOf(ctx, t.Account)
				}
				object := DigestFileKey(orgID, account, region, t.Name, t.HomeRegion, now)
				gz, meta, next, err := buildDigest(d.Key, account, t.S3BucketName, joinKey(t.S3KeyPrefix, object), st, now)
				if err == nil {
					err = writeDigest(filepath.Join(d.Dir, t.S3BucketName, t.S3KeyPrefix, filepath.FromSlash(object)), gz, meta)
				}
				if err == nil {
					err = d.put(ctx, t.ARN(), t.S3BucketName, joinKey(t.S3KeyPrefix, object), gz)
				}
				if err != nil {
					t.Status.LatestDigestDeliveryError = deliveryError(err)
					d.log().Warn("trail digest delivery failed", "trail", t.Name, "err", err)
					continue
				}
				t.Digests[ar] = next
				t.Status.LatestDigestDeliveryTime, t.Status.LatestDigestDeliveryError = now, ""
			}
		})
	}
}

func (t *Trail) digestState(ar string, now time.Time) *DigestState {
	if t.Digests == nil {
		t.Digests = map[string]*DigestState{}
	}
	st := t.Digests[ar]
	if st == nil {
		st = &DigestState{Start: now}
		t.Digests[ar] = st
	}
	return st
}

func splitAR(ar string) (account, region string) {
	for i := 0; i < len(ar); i++ {
		if ar[i] == '/' {
			return ar[:i], ar[i+1:]
		}
	}
	return ar, ""
}

func joinKey(prefix, object string) string {
	if prefix == "" {
		return object
	}
	return prefix + "/" + object
}

// updateTrail applies fn to the stored trail, if it still exists.
func (d *Deliverer) updateTrail(ctx context.Context, key string, fn func(*Trail)) {
	err := d.DB.Update(ctx, func(tx store.Tx) error {
		b, err := tx.Get(TableTrails, key)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		var t Trail
		if err := json.Unmarshal(b, &t); err != nil {
			return err
		}
		fn(&t)
		nb, err := json.Marshal(&t)
		if err != nil {
			return err
		}
		return tx.Put(TableTrails, key, nb)
	})
	if err != nil {
		d.log().Warn("trail delivery: updating trail status", "trail", key, "err", err)
	}
}

// deliveryError is the LatestDeliveryError text: CloudTrail reports the S3
// error code ("AccessDenied", "NoSuchBucket"); moat's directory fails with
// the file system's error, named the same way where one fits.
func deliveryError(err error) string {
	switch {
	case errors.Is(err, os.ErrPermission):
		return "AccessDenied"
	case errors.Is(err, os.ErrNotExist):
		return "NoSuchBucket"
	}
	return err.Error()
}

// writeLogFile writes bodies as a gzip {"Records":[...]} file, atomically,
// and returns the hex SHA-256 of the uncompressed content.
// ErrNoBucket is Deliverer.Put's answer for a bucket it does not serve.
var ErrNoBucket = errors.New("trail: no such bucket")

// put stores a delivered file through Put.
func (d *Deliverer) put(ctx context.Context, trailARN, bucket, key string, data []byte) error {
	if d.Put == nil {
		return nil
	}
	if err := d.Put(ctx, trailARN, bucket, key, data); err != nil && !errors.Is(err, ErrNoBucket) {
		return err
	}
	return nil
}

// trailKeyARN is the ARN of the trail a TrailKey names.
func trailKeyARN(key string) string {
	parts := strings.SplitN(key, "/", 3)
	if len(parts) != 3 {
		return ""
	}
	return (&Trail{Account: parts[0], HomeRegion: parts[1], Name: parts[2]}).ARN()
}

func writeLogFile(path string, bodies [][]byte) (string, []byte, error) {
	var raw bytes.Buffer
	raw.WriteString(`{"Records":[`)
	for i, b := range bodies {
		if i > 0 {
			raw.WriteByte(',')
		}
		raw.Write(b)
	}
	raw.WriteString(`]}`)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw.Bytes())
	if err := zw.Close(); err != nil {
		return "", nil, err
	}
	if err := writeAtomic(path, gz.Bytes()); err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(raw.Bytes())
	return hex.EncodeToString(sum[:]), gz.Bytes(), nil
}

func writeDigest(path string, gz []byte, meta DigestMetadata) error {
	mb, err := json.Marshal(meta)
	if err != nil {
		return err
	}
	if err := writeAtomic(path+MetadataSuffix, mb); err != nil {
		return err
	}
	return writeAtomic(path, gz)
}

// writeAtomic writes a file under a temporary name and renames it, so a
// reader never sees part of it.
func writeAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// unique16 is CloudTrail's 16-character random part of a log file name.
func unique16() string {
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	var b [16]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b[:])
}
