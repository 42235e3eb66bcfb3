package dataid

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"sync"
)

type job struct{ file, rel string }

// listFiles expands the roots into files sorted by reported path; unreadable
// directories are reported through emit and skipped.
func listFiles(roots []string, emit func(Result)) ([]job, error) {
	var jobs []job
	for _, root := range roots {
		info, err := os.Stat(root)
		root := root
		if err != nil {
			return nil, err
		}
		if !info.IsDir() {
			jobs = append(jobs, job{root, filepath.ToSlash(filepath.Clean(root))})
			continue
		}
		// A root given as a symbolic link to a directory is walked; links
		// below the root are not followed.
		if root, err = filepath.EvalSymlinks(root); err != nil {
			return nil, err
		}
		err = filepath.WalkDir(root, func(p string, de fs.DirEntry, err error) error {
			if err != nil {
				rel, _ := filepath.Rel(root, p)
				emit(Result{Path: filepath.ToSlash(rel), Status: StatusSkipped, Reason: ReasonPermissionDenied, Detail: err.Error()})
				if de != nil && de.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if de.Type().IsRegular() {
				rel, _ := filepath.Rel(root, p)
				jobs = append(jobs, job{p, filepath.ToSlash(rel)})
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	sort.SliceStable(jobs, func(i, j int) bool { return jobs[i].rel < jobs[j].rel })
	return jobs, nil
}

// Options for ScanPaths.
type Options struct {
	Limits
	Workers  int                   // files scanned in parallel (default: the number of CPUs)
	Progress func(done, total int) // called after each file, from one goroutine at a time
}

// ScanPaths scans files and directories (recursively, symbolic links not
// followed) and calls emit with each Result in a stable order: files sorted
// by path, archive members in archive order. A Result's Path is relative to
// its root directory, or the root as given when the root is a file. Files
// are scanned in parallel; emit is never called concurrently.
func (s *Scanner) ScanPaths(roots []string, opt Options, emit func(Result)) error {
	jobs, err := listFiles(roots, emit)
	if err != nil {
		return err
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.NumCPU()
	}
	lim := opt.Limits.withDefaults()
	results := make([][]Result, len(jobs))
	ready := make([]chan struct{}, len(jobs))
	for i := range ready {
		ready[i] = make(chan struct{})
	}
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < min(workers, max(len(jobs), 1)); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := s.NewState()
			for i := range next {
				results[i] = s.scanFile(st, jobs[i].file, jobs[i].rel, lim)
				close(ready[i])
			}
		}()
	}
	go func() {
		for i := range jobs {
			next <- i
		}
		close(next)
	}()
	for i := range jobs {
		<-ready[i]
		for _, r := range results[i] {
			emit(r)
		}
		results[i] = nil
		if opt.Progress != nil {
			opt.Progress(i+1, len(jobs))
		}
	}
	wg.Wait()
	return nil
}

func (s *Scanner) scanFile(st *State, file, rel string, lim Limits) []Result {
	f, err := os.Open(file)
	if err != nil {
		reason := ReasonMalformed
		if errors.Is(err, fs.ErrPermission) {
			reason = ReasonPermissionDenied
		}
		return []Result{{Path: rel, Status: StatusSkipped, Reason: reason, Detail: err.Error()}}
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil {
		var head [512]byte
		n, _ := io.ReadFull(f, head[:])
		if streamable(rel, head[:n], info.Size()) {
			return []Result{s.streamText(st, io.MultiReader(bytes.NewReader(head[:n]), f), rel)}
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return []Result{{Path: rel, Status: StatusSkipped, Reason: ReasonMalformed, Detail: err.Error()}}
		}
	}
	// Read into the worker's reused buffer: no fresh, zeroed allocation per file.
	data, err := readInto(st.fileBuf[:0], io.LimitReader(f, lim.MaxFileSize+1))
	st.fileBuf = data
	if err != nil {
		return []Result{{Path: rel, Status: StatusSkipped, Reason: ReasonMalformed, Detail: err.Error()}}
	}
	truncated := int64(len(data)) > lim.MaxFileSize
	if truncated {
		data = data[:lim.MaxFileSize]
	}
	var out []Result
	d := &docScan{s: s, st: st, lim: lim, emit: func(r Result) { out = append(out, r) }}
	d.scan(rel, data, 0, truncated)
	if truncated && len(out) > 0 && out[0].Reason == "" {
		out[0].mark(StatusPartial, ReasonSizeLimit, fmt.Sprintf("only the first %d bytes were scanned", lim.MaxFileSize))
	}
	return out
}

// readInto appends all of r to buf, growing it as needed, like io.ReadAll
// but reusing buf's capacity.
func readInto(buf []byte, r io.Reader) ([]byte, error) {
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}
