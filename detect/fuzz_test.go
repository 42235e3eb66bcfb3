package detect

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// Readers must terminate, never panic, return only *Error for bad input, and
// hand every record to the detectors without crashing them.

func FuzzCloudTrailReader(f *testing.F) {
	f.Add([]byte(`{"Records":[{"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com","eventTime":"2024-01-01T00:00:00Z"}]}`))
	f.Add([]byte(`[{"eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","responseElements":{"ConsoleLogin":"Failure"},"userIdentity":{"type":"IAMUser","userName":"a"}}]`))
	f.Add([]byte("{\"a\":1}\n{\"b\":\n"))
	f.Add([]byte(`{"Records":[{"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/r/i-0123456789abcdef0"},"sourceIPAddress":"1.2.3.4"}],"x":[`))
	f.Add([]byte(`{"eventName":"PutBucketPolicy","eventSource":"s3.amazonaws.com","requestParameters":{"bucketName":"b","bucketPolicy":"{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\"}}"}}`))
	f.Add([]byte("\x1f\x8b\x08\x00garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, _ := New(Options{})
		r := NewCloudTrailReader(bytes.NewReader(data), "fuzz")
		for i := 0; ; i++ {
			if i > len(data)+2 {
				t.Fatalf("reader did not terminate after %d calls", i)
			}
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("error %T %v", err, err)
				}
				continue
			}
			d.CloudTrail(rec)
		}
	})
}

func FuzzFlowLogReader(f *testing.F) {
	f.Add("version srcaddr dstaddr srcport dstport protocol action log-status\n2 10.0.0.1 198.51.100.1 1 22 6 ACCEPT OK\n")
	f.Add("2 123456789010 eni-1 - - - - - - - 1431280876 1431280934 - NODATA\n")
	f.Add("${version} ${flow-direction}\n5 ingress\n")
	f.Fuzz(func(t *testing.T, data string) {
		d, _ := New(Options{})
		r, err := NewFlowLogReader(strings.NewReader(data), "fuzz", "")
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			if i > len(data)+2 {
				t.Fatalf("reader did not terminate")
			}
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("error %T %v", err, err)
				}
				continue
			}
			d.FlowLog(rec)
		}
	})
}

func FuzzDNSReader(f *testing.F) {
	f.Add([]byte(`{"query_timestamp":"2021-02-04T17:51:55Z","query_name":"a.b.example.com.","rcode":"NXDOMAIN","answers":[{"Rdata":"169.254.169.254"}]}`))
	f.Add([]byte(`[{"query_name":"x."}, 1, null]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, _ := New(Options{})
		r := NewDNSReader(bytes.NewReader(data), "fuzz")
		for i := 0; ; i++ {
			if i > len(data)+2 {
				t.Fatalf("reader did not terminate")
			}
			q, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("error %T %v", err, err)
				}
				continue
			}
			d.DNSQuery(q)
		}
	})
}

func FuzzIPList(f *testing.F) {
	f.Add("198.51.100.0/24\n2001:db8::/32\n# comment\nevil.example.com\n203.0.113.5\n", "203.0.113.5")
	f.Fuzz(func(t *testing.T, list, probe string) {
		l, err := ReadIPList(strings.NewReader(list), "fuzz", FormatTXT, ThreatCustom)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T %v", err, err)
			}
			return
		}
		if err := l.Add(probe); err == nil && !strings.Contains(probe, "/") {
			if a, err := parseAddr(probe); err == nil && !l.Contains(a) {
				t.Fatalf("added %q but Contains is false", probe)
			}
		}
	})
}
