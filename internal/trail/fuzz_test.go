package trail

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/moatdev/moat/internal/awserr"
)

// FuzzNextToken: any client-supplied NextToken is either refused with
// InvalidNextTokenException or decodes to a positive Seq; tokens we issue
// always decode to what we put in.
func FuzzNextToken(f *testing.F) {
	f.Add("", int64(1), uint64(7))
	f.Add(encodeToken(42, 7), int64(42), uint64(7))
	f.Add("AQID", int64(-1), uint64(0))
	f.Fuzz(func(t *testing.T, tok string, seq int64, h uint64) {
		if got, err := decodeToken(tok, h); err == nil && got <= 0 {
			t.Fatalf("decodeToken(%q) = %d without error", tok, got)
		} else if err != nil && !isNextTokenErr(err) {
			t.Fatalf("decodeToken(%q): %v", tok, err)
		}
		if seq > 0 {
			got, err := decodeToken(encodeToken(seq, h), h)
			if err != nil || got != seq {
				t.Fatalf("round trip of %d: %d, %v", seq, got, err)
			}
			if _, err := decodeToken(encodeToken(seq, h), h+1); err == nil {
				t.Fatal("token accepted with other parameters")
			}
		}
	})
}

// FuzzDecode: Decode never panics, and what it accepts re-encodes to JSON
// that decodes to the same record.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"eventVersion":"1.11","userIdentity":{"type":"Root"},"eventTime":"2024-07-30T21:31:21Z","requestParameters":null}`))
	f.Add([]byte(`{"eventTime":"2024-07-30T21:31:21.123+02:00","resources":[{"ARN":"a"}],"tlsDetails":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Decode(b)
		if err != nil {
			return
		}
		out, err := Encode(r)
		if err != nil {
			return // e.g. an eventTime beyond year 9999
		}
		if !json.Valid(out) {
			t.Fatalf("Encode produced invalid JSON: %s", out)
		}
		if _, err := Decode(out); err != nil {
			t.Fatalf("re-decode of %s: %v", out, err)
		}
	})
}

func isNextTokenErr(err error) bool { return awserr.InvalidNextTokenException.Is(err) }

// FuzzReadRecords: any file is read or refused, never a panic.
func FuzzReadRecords(f *testing.F) {
	f.Add([]byte(`{"Records":[{"eventName":"X"}]}`))
	f.Add([]byte("{\"eventName\":\"X\"}\n{\"eventName\":\"Y\"}\n"))
	f.Add([]byte(`[{"eventName":"X"}]`))
	f.Add([]byte{0x1f, 0x8b, 8, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		recs, err := ReadRecords(bytes.NewReader(b))
		if err == nil {
			for _, r := range recs {
				if r == nil {
					t.Fatal("nil record")
				}
			}
		}
	})
}
