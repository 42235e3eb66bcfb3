package detect

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"
)

// Sources are the files and directory trees moat detect reads. Directories are
// walked in lexical order, which for AWS's S3 layout (…/YYYY/MM/DD/ and
// timestamped file names) is time order.
type Sources struct {
	CloudTrail []string
	FlowLogs   []string
	DNS        []string
	FlowFormat string // format for flow-log files without a header line
}

// ScanOptions tune Scan.
type ScanOptions struct {
	Workers int // parsing goroutines; default GOMAXPROCS
	// Progress, when set, is called about twice a second from the goroutine
	// running Scan.
	Progress func(ScanStats)
	// KeepErrors bounds how many record errors ScanStats.Errors keeps (all are
	// counted); default 1000.
	KeepErrors int
	// ParseOnly reads and parses but runs no detector (the benchmark baseline).
	ParseOnly bool
}

// ScanStats counts what Scan read.
type ScanStats struct {
	Files      int
	Records    int // records given to the detectors
	Malformed  int // records or lines that could not be read
	Bytes      int64
	Errors     []error // the first KeepErrors malformed-record errors
	Unreadable []error // files or paths that could not be opened at all
	Elapsed    time.Duration
}

type sourceKind int

const (
	srcCloudTrail sourceKind = iota
	srcFlow
	srcDNS
)

type scanFile struct {
	path string
	kind sourceKind
}

// item is one parsed record or one error, in file order.
type item struct {
	ct   *Record
	flow *FlowRecord
	dns  *DNSQuery
	err  error
}

// Scan reads every source and feeds the records to d: flow logs first (they
// teach the detector instance addresses), then DNS logs, then CloudTrail.
// Files are parsed in parallel and delivered in order; memory stays bounded
// by the number of workers, not the input size. Malformed records are
// counted and kept in ScanStats.Errors, never fatal. Scan returns an error only
// when ctx is cancelled.
func Scan(ctx context.Context, src Sources, d *Detector, opts ScanOptions) (ScanStats, error) {
	start := time.Now()
	if opts.Workers <= 0 {
		opts.Workers = runtime.GOMAXPROCS(0)
	}
	if opts.KeepErrors <= 0 {
		opts.KeepErrors = 1000
	}
	var st ScanStats
	var files []scanFile
	add := func(paths []string, kind sourceKind) {
		for _, p := range paths {
			fs, err := listFiles(p, kind)
			if err != nil {
				st.Unreadable = append(st.Unreadable, err)
			}
			files = append(files, fs...)
		}
	}
	add(src.FlowLogs, srcFlow)
	add(src.DNS, srcDNS)
	add(src.CloudTrail, srcCloudTrail)
	st.Files = len(files)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	chans := make([]chan []item, len(files))
	for i := range chans {
		chans[i] = make(chan []item, 4)
	}
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for w := 0; w < opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				n, err := parseFile(ctx, files[i], src.FlowFormat, chans[i])
				mu.Lock()
				st.Bytes += n
				if err != nil {
					st.Unreadable = append(st.Unreadable, err)
				}
				mu.Unlock()
				close(chans[i])
			}
		}()
	}
	go func() {
		defer close(next)
		for i := range files {
			select {
			case next <- i:
			case <-ctx.Done():
				for j := i; j < len(files); j++ {
					close(chans[j])
				}
				return
			}
		}
	}()
	lastProgress := time.Now()
	for i := range files {
		for batch := range chans[i] {
			for _, it := range batch {
				st.deliver(d, it, opts)
			}
			if opts.Progress != nil && time.Since(lastProgress) > 500*time.Millisecond {
				lastProgress = time.Now()
				mu.Lock()
				snap := st
				mu.Unlock()
				snap.Elapsed = time.Since(start)
				opts.Progress(snap)
			}
		}
	}
	wg.Wait()
	st.Elapsed = time.Since(start)
	return st, ctx.Err()
}

func (st *ScanStats) deliver(d *Detector, it item, opts ScanOptions) {
	if it.err != nil {
		st.Malformed++
		if len(st.Errors) < opts.KeepErrors {
			st.Errors = append(st.Errors, it.err)
		}
		return
	}
	st.Records++
	if opts.ParseOnly || d == nil {
		return
	}
	switch {
	case it.ct != nil:
		d.CloudTrail(it.ct)
	case it.flow != nil:
		d.FlowLog(it.flow)
	case it.dns != nil:
		d.DNSQuery(it.dns)
	}
}

// listFiles expands a path into the files to read, in lexical order. In
// CloudTrail trees, digest files (CloudTrail-Digest) are skipped: they hold
// hashes, not records.
func listFiles(root string, kind sourceKind) ([]scanFile, error) {
	info, err := os.Stat(root)
	if err != nil {
		return nil, err
	}
	if !info.IsDir() {
		return []scanFile{{root, kind}}, nil
	}
	var out []scanFile
	err = filepath.WalkDir(root, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		name := e.Name()
		if strings.HasPrefix(name, ".") && p != root {
			if e.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if e.IsDir() {
			if kind == srcCloudTrail && (name == "CloudTrail-Digest" || name == "CloudTrail-Insight") {
				return filepath.SkipDir
			}
			return nil
		}
		if kind == srcCloudTrail && strings.Contains(name, "_CloudTrail-Digest_") {
			return nil
		}
		if !wantFile(name, kind) {
			return nil
		}
		out = append(out, scanFile{p, kind})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].path < out[j].path })
	return out, err
}

// wantFile picks, inside directories, the files of a source by extension
// (files named on the command line are always read): .json, .jsonl and
// .json.gz for CloudTrail and DNS logs (Resolver delivers .log.gz too), .log,
// .log.gz and .txt for flow logs.
func wantFile(name string, kind sourceKind) bool {
	n := strings.TrimSuffix(strings.ToLower(name), ".gz")
	switch kind {
	case srcCloudTrail:
		return strings.HasSuffix(n, ".json") || strings.HasSuffix(n, ".jsonl")
	case srcDNS:
		return strings.HasSuffix(n, ".json") || strings.HasSuffix(n, ".jsonl") || strings.HasSuffix(n, ".log")
	}
	return strings.HasSuffix(n, ".log") || strings.HasSuffix(n, ".txt") || strings.HasSuffix(n, ".parquet")
}

const batchSize = 256

// parseFile reads one file and sends its records in batches.
func parseFile(ctx context.Context, f scanFile, flowFormat string, out chan<- []item) (int64, error) {
	fh, err := os.Open(f.path)
	if err != nil {
		return 0, err
	}
	defer fh.Close()
	if strings.HasSuffix(f.path, ".parquet") {
		return 0, fmt.Errorf("%s: Parquet flow logs are not supported; deliver them as text", f.path)
	}
	cr := &countingReader{r: fh}
	batch := make([]item, 0, batchSize)
	send := func() bool {
		if len(batch) == 0 {
			return true
		}
		select {
		case out <- batch:
			batch = make([]item, 0, batchSize)
			return true
		case <-ctx.Done():
			return false
		}
	}
	var next func() item
	switch f.kind {
	case srcCloudTrail:
		r := NewCloudTrailReader(cr, f.path)
		// Records handed to the detector goroutine are copied into per-batch
		// storage (one slab of Records, one byte arena) rather than cloned one
		// by one: fewer allocations for the collector.
		var slab []Record
		var arena []byte
		next = func() item {
			rec, err := r.Next()
			if err != nil {
				return item{err: err}
			}
			if len(slab) == cap(slab) {
				slab = make([]Record, 0, batchSize)
			}
			if cap(arena)-len(arena) < len(rec.Raw) {
				arena = make([]byte, 0, max(256<<10, len(rec.Raw)))
			}
			slab = append(slab, *rec)
			c := &slab[len(slab)-1]
			c.Resources = append([]Resource(nil), rec.Resources...)
			at := len(arena)
			arena = append(arena, rec.Raw...)
			c.Raw = arena[at:len(arena):len(arena)]
			c.RequestParameters = rebase(rec.Raw, c.Raw, rec.RequestParameters)
			c.ResponseElements = rebase(rec.Raw, c.Raw, rec.ResponseElements)
			c.AdditionalEventData = rebase(rec.Raw, c.Raw, rec.AdditionalEventData)
			return item{ct: c}
		}
	case srcFlow:
		r, err := NewFlowLogReader(cr, f.path, flowFormat)
		if err != nil {
			return 0, err
		}
		next = func() item {
			rec, err := r.Next()
			if err != nil {
				return item{err: err}
			}
			c := *rec
			return item{flow: &c}
		}
	case srcDNS:
		r := NewDNSReader(cr, f.path)
		next = func() item {
			q, err := r.Next()
			if err != nil {
				return item{err: err}
			}
			c := *q
			return item{dns: &c}
		}
	}
	for {
		it := next()
		if errors.Is(it.err, io.EOF) {
			break
		}
		batch = append(batch, it)
		if len(batch) == batchSize && !send() {
			return cr.n, ctx.Err()
		}
	}
	send()
	return cr.n, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
