package arn_test

import (
	"errors"
	"testing"

	"github.com/moatdev/moat/arn"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want arn.ARN
		err  string
	}{
		{name: "s3 object", in: "arn:aws:s3:::bucket/key/with:colon", want: arn.ARN{Partition: "aws", Service: "s3", Resource: "bucket/key/with:colon"}},
		{name: "iam user", in: "arn:aws:iam::123456789012:user/path/alice", want: arn.ARN{Partition: "aws", Service: "iam", AccountID: "123456789012", Resource: "user/path/alice"}},
		{name: "log stream", in: "arn:aws-cn:logs:cn-north-1:123456789012:log-group:app:log-stream:s1",
			want: arn.ARN{Partition: "aws-cn", Service: "logs", Region: "cn-north-1", AccountID: "123456789012", Resource: "log-group:app:log-stream:s1"}},
		{name: "no arn prefix", in: "urn:aws:s3:::b", err: `"urn:aws:s3:::b" does not start with "arn:"`},
		{name: "too few fields", in: "arn:aws:s3", err: "has 3 of 6 colon-separated fields"},
		{name: "empty partition", in: "arn::s3:::b", err: "empty partition"},
		{name: "empty service", in: "arn:aws::::b", err: "empty service"},
		{name: "empty resource", in: "arn:aws:s3:::", err: "empty resource"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := arn.Parse(tt.in)
			if tt.err != "" {
				if err == nil || !errors.Is(err, arn.ErrMalformed) || !contains(err.Error(), tt.err) {
					t.Fatalf("Parse(%q) error = %v, want one containing %q wrapping ErrMalformed", tt.in, err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Fatalf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if got.String() != tt.in {
				t.Fatalf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

func TestResourceType(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"arn:aws:iam::123456789012:user/alice":            "user",
		"arn:aws:logs:us-east-1:123456789012:log-group:x": "log-group",
		"arn:aws:s3:::bucket":                             "",
	} {
		a, err := arn.Parse(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := a.ResourceType(); got != want {
			t.Errorf("ResourceType(%q) = %q, want %q", in, got, want)
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"arn:aws:s3:::b/k", "arn:aws:iam::123456789012:root", "arn:::::", "arn:a:b:c:d:e:f:g", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := arn.Parse(s)
		if err != nil {
			return
		}
		if a.String() != s {
			t.Fatalf("round trip: %q -> %q", s, a.String())
		}
		b, err := arn.Parse(a.String())
		if err != nil || b != a {
			t.Fatalf("reparse %q: %+v %v", s, b, err)
		}
	})
}
