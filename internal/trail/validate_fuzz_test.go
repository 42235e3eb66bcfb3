package trail

import (
	"bytes"
	"compress/gzip"
	"crypto/rand"
	"crypto/rsa"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// FuzzValidate: Validate reads digest files and their metadata from a
// directory a user hands it; whatever they hold, it reports and never
// panics.
func FuzzValidate(f *testing.F) {
	f.Add([]byte(`{"awsAccountId":"111122223333","digestStartTime":"2026-01-01T00:00:00Z","digestEndTime":"2026-01-01T01:00:00Z","digestS3Bucket":"b","digestS3Object":"x","logFiles":[{"s3Bucket":"b","s3Object":"AWSLogs/1/CloudTrail/r/a.json.gz","hashValue":"00"}]}`), []byte(`{"signature":"00","signature-algorithm":"SHA256withRSA"}`))
	f.Add([]byte(`not json`), []byte(`{}`))
	f.Add([]byte(`{"previousDigestS3Object":"AWSLogs/1/CloudTrail-Digest/r/p.json.gz","logFiles":null}`), []byte(`{"signature":"zz"}`))
	key, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, digest, meta []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "b", "AWSLogs", "1", "CloudTrail-Digest", "r", "d.json.gz")
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(digest)
		zw.Close()
		if err := os.WriteFile(path, gz.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path+MetadataSuffix, meta, 0o644); err != nil {
			t.Fatal(err)
		}
		rep, err := Validate(dir, &key.PublicKey, io.Discard)
		if err != nil {
			t.Fatal(err) // a tree with a digest file always gives a report
		}
		if rep.Digests != 1 {
			t.Fatalf("one digest file, %d counted", rep.Digests)
		}
	})
}
