package s3

import (
	"testing"
)

// The S3 request parts moat parses by hand: Range, x-amz-copy-source and
// x-amz-tagging never panic, and a satisfiable range stays inside the
// object.
func FuzzRequestHeaders(f *testing.F) {
	for _, s := range []string{"bytes=0-9", "bytes=-5", "bytes=7-", "bytes=5-1", "bytes=a-b", "bytes=0-0,2-3", "items=0-1", "",
		"bucket/key", "/bucket/a%20b?versionId=1", "bucket", "b/%zz", "k=v&k2=v2", "k=v&k=v", "%", "a=" + string(make([]byte, 300))} {
		f.Add(s, int64(10))
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 || size > 1<<40 {
			return
		}
		from, to, ok := parseRange(h, size)
		if ok && size > 0 && (from < 0 || to >= size || from > to) {
			t.Fatalf("parseRange(%q, %d) = %d-%d", h, size, from, to)
		}
		if b, k, err := copySource(h); err == nil && (b == "" || k == "") {
			t.Fatalf("copySource(%q) = %q %q", h, b, k)
		}
		tags, err := parseTagging(&h)
		if err == nil && len(tags) > 10 {
			t.Fatalf("parseTagging(%q): %d tags", h, len(tags))
		}
		_ = validBucketName(h)
		_ = isPublicPolicy(h)
		_ = validBucketPolicy("b", h)
	})
}

func TestParseRange(t *testing.T) {
	for _, c := range []struct {
		h        string
		from, to int64
		ok       bool
	}{
		{"bytes=0-9", 0, 9, true}, {"bytes=2-", 2, 9, true}, {"bytes=-3", 7, 9, true}, {"bytes=-30", 0, 9, true},
		{"bytes=5-100", 5, 9, true}, {"bytes=10-", 0, 0, false}, {"bytes=-0", 0, 0, false},
		{"bytes=4-2", 0, 9, true}, {"garbage", 0, 9, true}, {"bytes=0-1,3-4", 0, 9, true},
	} {
		from, to, ok := parseRange(c.h, 10)
		if from != c.from || to != c.to || ok != c.ok {
			t.Errorf("parseRange(%q) = %d-%d %v, want %d-%d %v", c.h, from, to, ok, c.from, c.to, c.ok)
		}
	}
}

func TestValidBucketName(t *testing.T) {
	for name, ok := range map[string]bool{
		"my-bucket": true, "a.b.c": true, "ab": false, "Upper": false, "-start": false, "end-": false, "a..b": false,
		"192.168.1.1": false, "xn--bucket": false, "bucket-s3alias": false, "under_score": false,
	} {
		if err := validBucketName(name); (err == nil) != ok {
			t.Errorf("validBucketName(%q) = %v, want ok=%v", name, err, ok)
		}
	}
}

func TestParseLocation(t *testing.T) {
	for loc, want := range map[string]string{
		"s3://b/k/x.txt": "b k/x.txt", "https://s3.amazonaws.com/b/k": "b k", "https://s3.eu-west-1.amazonaws.com/b/k": "b k",
		"https://b.s3.amazonaws.com/k/x": "b k/x", "https://b.s3.us-east-2.amazonaws.com/k": "b k",
		"s3://b": "", "s3:///k": "", "/tmp/list.txt": "", "file:///tmp/x": "", "https://example.com/b/k": "",
	} {
		b, k, ok := ParseLocation(loc)
		got := ""
		if ok {
			got = b + " " + k
		}
		if got != want {
			t.Errorf("ParseLocation(%q) = %q, want %q", loc, got, want)
		}
	}
}
