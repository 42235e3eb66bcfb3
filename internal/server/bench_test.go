package server_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// BenchmarkGetCallerIdentity measures the whole pipeline in-process (no
// network): SigV4 verification, authorization, encoding and a durable
// CloudTrail record, from parallel callers so that group commit can batch.
func BenchmarkGetCallerIdentity(b *testing.B) {
	ts := startBench(b)
	const form = "Action=GetCallerIdentity&Version=2011-06-15"
	signed, _ := http.NewRequest("POST", ts.URL+"/", strings.NewReader(form))
	signed.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256([]byte(form))
	if err := v4.NewSigner().SignHTTP(context.Background(), ts.Root, signed, hex.EncodeToString(sum[:]), "sts", "us-east-1", time.Now()); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetParallelism(16) // 16 callers per core, as many clients would be
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", ts.URL+"/", strings.NewReader(form))
			req.Header = signed.Header.Clone()
			req.Host = signed.Host
			w := httptest.NewRecorder()
			ts.srv.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatalf("%d %s", w.Code, w.Body)
			}
		}
	})
}
