package trail

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// Problem is one finding of Validate.
type Problem struct {
	Path   string // the file, relative to the validated directory
	Kind   string // "added", "changed", "deleted", "digest"
	Detail string
}

// Report is what Validate found.
type Report struct {
	Digests, DigestsValid int
	Logs, LogsValid       int
	// Uncovered are log files newer than the newest digest: not yet
	// covered, neither valid nor invalid.
	Uncovered []string
	Problems  []Problem
}

// OK reports whether nothing was added, changed or deleted.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Validate checks a delivered trail tree the way `aws cloudtrail
// validate-logs` does: each digest's signature (with pub) and its link to
// the previous digest, each listed log file's SHA-256, and that no log file
// is present that no digest lists although a later digest was delivered.
// dir is the trail directory (holding bucket directories) or one bucket's
// directory. Each file is reported on w as the CLI's verbose mode does.
func Validate(dir string, pub *rsa.PublicKey, w io.Writer) (*Report, error) {
	files := map[string]string{} // slash path relative to dir → absolute path
	var digests, logs []string
	err := filepath.WalkDir(dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if e.IsDir() || !strings.HasSuffix(p, ".json.gz") {
			return nil
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		files[rel] = p
		switch {
		case strings.Contains(rel, "/CloudTrail-Digest/"):
			digests = append(digests, rel)
		case strings.Contains(rel, "/CloudTrail/"):
			logs = append(logs, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("trail: validate %s: %w", dir, err)
	}
	if len(digests) == 0 {
		return nil, fmt.Errorf("%w in %s (is log file validation enabled on the trail?)", ErrNoDigests, dir)
	}
	sort.Strings(digests)
	sort.Strings(logs)
	locate := func(bucket, object string) (string, bool) {
		if rel, ok := findRel(files, bucket+"/"+object); ok {
			return rel, true
		}
		return findRel(files, object)
	}
	rep := &Report{}
	fingerprint := Fingerprint(pub)
	type parsed struct {
		d        Digest
		sig      string
		inflated []byte
	}
	byRel := map[string]*parsed{}
	listed := map[string]bool{}
	var newestEnd string
	for _, rel := range digests {
		rep.Digests++
		problem := func(detail string) {
			rep.Problems = append(rep.Problems, Problem{Path: rel, Kind: "digest", Detail: detail})
			fmt.Fprintf(w, "Digest file\t%s\tINVALID: %s\n", rel, detail)
		}
		inflated, err := inflate(files[rel])
		if err != nil {
			problem("cannot be read: " + err.Error())
			continue
		}
		var p parsed
		p.inflated = inflated
		if err := json.Unmarshal(inflated, &p.d); err != nil {
			problem("not a digest file: " + err.Error())
			continue
		}
		for _, lf := range p.d.LogFiles {
			if r, ok := locate(lf.S3Bucket, lf.S3Object); ok {
				listed[r] = true
			}
		}
		mb, err := os.ReadFile(files[rel] + MetadataSuffix)
		var meta DigestMetadata
		if err == nil {
			err = json.Unmarshal(mb, &meta)
		}
		if err != nil || meta.Signature == "" {
			problem("signature metadata not found")
			continue
		}
		p.sig = meta.Signature
		byRel[rel] = &p
		if self, ok := locate(p.d.DigestS3Bucket, p.d.DigestS3Object); !ok || self != rel {
			problem("digest file has been moved from its original location")
			continue
		}
		if p.d.DigestPublicKeyFingerprint != fingerprint {
			problem("signed with another key (fingerprint " + p.d.DigestPublicKeyFingerprint + ")")
			continue
		}
		sig, err := hex.DecodeString(meta.Signature)
		h := sha256.Sum256(stringToSign(&p.d, inflated))
		if err != nil || rsa.VerifyPKCS1v15(pub, crypto.SHA256, h[:], sig) != nil {
			problem("signature verification failed")
			continue
		}
		if p.d.DigestEndTime > newestEnd {
			newestEnd = p.d.DigestEndTime
		}
		rep.DigestsValid++
		fmt.Fprintf(w, "Digest file\t%s\tvalid\n", rel)
	}
	// The chain: each digest names its predecessor's hash and signature.
	for _, rel := range digests {
		p := byRel[rel]
		if p == nil || p.d.PreviousDigestS3Object == nil {
			continue
		}
		prevRel, ok := locate(deref(p.d.PreviousDigestS3Bucket), *p.d.PreviousDigestS3Object)
		prev := byRel[prevRel]
		switch {
		case !ok:
			rep.Problems = append(rep.Problems, Problem{Path: *p.d.PreviousDigestS3Object, Kind: "deleted", Detail: "previous digest file not found (deleted)"})
			fmt.Fprintf(w, "Digest file\t%s\tINVALID: not found (deleted)\n", *p.d.PreviousDigestS3Object)
		case prev == nil:
		default:
			sum := sha256.Sum256(prev.inflated)
			if hex.EncodeToString(sum[:]) != deref(p.d.PreviousDigestHashValue) || prev.sig != deref(p.d.PreviousDigestSignature) {
				rep.Problems = append(rep.Problems, Problem{Path: prevRel, Kind: "changed", Detail: "digest file changed: its hash or signature is not the one the next digest names"})
				fmt.Fprintf(w, "Digest file\t%s\tINVALID: changed after delivery\n", prevRel)
			}
		}
	}
	// The log files each digest lists.
	for _, rel := range digests {
		p := byRel[rel]
		if p == nil {
			continue
		}
		for _, lf := range p.d.LogFiles {
			rep.Logs++
			lrel, ok := locate(lf.S3Bucket, lf.S3Object)
			if !ok {
				rep.Problems = append(rep.Problems, Problem{Path: lf.S3Object, Kind: "deleted", Detail: "log file not found"})
				fmt.Fprintf(w, "Log file\t%s\tINVALID: not found (deleted)\n", lf.S3Object)
				continue
			}
			inflated, err := inflate(files[lrel])
			sum := sha256.Sum256(inflated)
			if err != nil || hex.EncodeToString(sum[:]) != lf.HashValue {
				rep.Problems = append(rep.Problems, Problem{Path: lrel, Kind: "changed", Detail: "hash value doesn't match"})
				fmt.Fprintf(w, "Log file\t%s\tINVALID: hash value doesn't match (changed)\n", lrel)
				continue
			}
			rep.LogsValid++
			fmt.Fprintf(w, "Log file\t%s\tvalid\n", lrel)
		}
	}
	// Log files no digest lists: added, unless newer than every digest.
	for _, rel := range logs {
		if listed[rel] {
			continue
		}
		// A name has the delivery minute: only a file whose minute ended
		// before the newest digest closed must be in a digest.
		if t, ok := logFileTime(rel); ok && newestEnd != "" && t.Add(time.Minute).Format(timeLayout) > newestEnd {
			rep.Uncovered = append(rep.Uncovered, rel)
			continue
		}
		rep.Logs++
		rep.Problems = append(rep.Problems, Problem{Path: rel, Kind: "added", Detail: "not listed in any digest file"})
		fmt.Fprintf(w, "Log file\t%s\tINVALID: not listed in any digest file (added)\n", rel)
	}
	fmt.Fprintf(w, "\n%d/%d digest files valid\n%d/%d log files valid\n", rep.DigestsValid, rep.Digests, rep.LogsValid, rep.Logs)
	if len(rep.Uncovered) > 0 {
		fmt.Fprintf(w, "%d log files are newer than the newest digest file and not yet covered\n", len(rep.Uncovered))
	}
	return rep, nil
}

func findRel(files map[string]string, rel string) (string, bool) {
	_, ok := files[rel]
	return rel, ok
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// logFileTime reads the yyyymmddTHHmmZ part of a log file's name.
func logFileTime(rel string) (time.Time, bool) {
	base := rel[strings.LastIndexByte(rel, '/')+1:]
	parts := strings.Split(base, "_")
	if len(parts) < 5 {
		return time.Time{}, false
	}
	t, err := time.Parse("20060102T1504Z", parts[3])
	return t, err == nil
}

// ErrNoDigests is returned by Validate for a tree without digest files.
var ErrNoDigests = errors.New("trail: no digest files")
