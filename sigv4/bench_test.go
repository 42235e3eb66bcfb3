package sigv4

import (
	"context"
	"testing"
	"time"
)

func benchVerify(b *testing.B, c genCase) {
	r, body := readWire(b, c.wireRequest(b))
	v := &Verifier{Lookup: testLookup(), Now: fixedNow(signTime.Add(time.Second))}
	ctx := context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		a, err := Parse(r)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := v.Verify(ctx, r, a, body); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerify measures Parse + Verify, the per-request cost.
func BenchmarkVerify(b *testing.B) {
	b.Run("header/iam-POST", func(b *testing.B) { benchVerify(b, base) })
	b.Run("header/sts-session", func(b *testing.B) { benchVerify(b, genCases[5]) })
	b.Run("header/s3-PUT-hashed", func(b *testing.B) { benchVerify(b, s3Put) })
	b.Run("presigned/s3-GET", func(b *testing.B) { benchVerify(b, genCases[10]) })
	b.Run("header/iam-POST-cold-key-cache", func(b *testing.B) {
		r, body := readWire(b, base.wireRequest(b))
		a, _ := Parse(r)
		b.ReportAllocs()
		for b.Loop() {
			v := &Verifier{Lookup: testLookup(), Now: fixedNow(signTime)}
			if _, err := v.Verify(context.Background(), r, a, body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkParse(b *testing.B) {
	r, _ := readWire(b, base.wireRequest(b))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(r); err != nil {
			b.Fatal(err)
		}
	}
}
