package waf

import (
	"testing"
)

// BenchmarkEvaluateDetectionACL runs the detection ACL (13 rules, 30
// statements) over the labelled corpus, one request per op.
func BenchmarkEvaluateDetectionACL(b *testing.B) {
	w := detectionACL(b)
	corpus := labelledCorpus(1, 2000)
	var res Result
	b.ReportAllocs()
	b.ResetTimer()
	cpu := processCPU()
	for i := 0; i < b.N; i++ {
		w.Evaluate(corpus[i%len(corpus)].req, &res)
	}
	reportCPU(b, cpu)
}

// BenchmarkEvaluateByteMatch is the cheapest path: one byte match on the
// URI path, default allow.
func BenchmarkEvaluateByteMatch(b *testing.B) {
	w := compileJSON(b, oneRule(`{"ByteMatchStatement":{"FieldToMatch":{"UriPath":{}},"SearchString":"/admin","PositionalConstraint":"STARTS_WITH","TextTransformations":[{"Priority":0,"Type":"LOWERCASE"}]}}`), Options{})
	req := get("/index.html?q=shoes")
	var res Result
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w.Evaluate(req, &res)
	}
}

// BenchmarkEvaluateRateBased counts 256 client addresses.
func BenchmarkEvaluateRateBased(b *testing.B) {
	w := compileJSON(b, oneRule(`{"RateBasedStatement":{"Limit":1000000,"EvaluationWindowSec":60,"AggregateKeyType":"IP"}}`), Options{})
	corpus := labelledCorpus(2, 256)
	var res Result
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		w.Evaluate(corpus[i%len(corpus)].req, &res)
	}
}

func BenchmarkEvaluateParallel(b *testing.B) {
	w := detectionACL(b)
	corpus := labelledCorpus(1, 2000)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		var res Result
		i := 0
		for pb.Next() {
			w.Evaluate(corpus[i%len(corpus)].req, &res)
			i++
		}
	})
}

func BenchmarkCompileDetectionACL(b *testing.B) {
	data := readTestdata(b, "detection-acl.json")
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		f, err := ParseWebACL(data)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := Compile(f, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
