package waf

import (
	"testing"
	"time"
)

func TestSampler(t *testing.T) {
	t.Parallel()
	clock := newClock()
	w := exampleACL(t, clock, nil)
	s := NewSampler()
	start := clock.t
	ip := get("/").ClientIP
	for i := 0; i < 600; i++ {
		r := get("/page?i=1")
		ip = ip.Next() // a new client each time stays under the rate limit
		r.ClientIP = ip
		var res Result
		w.Evaluate(r, &res)
		s.Record(w, r, &res, clock.t)
		clock.t = clock.t.Add(time.Second)
	}
	var res Result
	admin := get("/admin")
	w.Evaluate(admin, &res)
	s.Record(w, admin, &res, clock.t)

	got, pop := s.Sampled("example-acl", start, clock.t, 100)
	if pop != 600 || len(got) != 100 || got[0].Action != "ALLOW" || got[0].Weight != 6 || !got[0].Timestamp.Before(got[99].Timestamp) {
		t.Fatalf("default action samples: %d, population %d, first %+v", len(got), pop, got[0])
	}
	got, pop = s.Sampled("admin-captcha", start, clock.t, 0)
	if pop != 1 || len(got) != 1 || got[0].Action != "CAPTCHA" || got[0].ResponseCodeSent != 405 || len(got[0].Labels) != 2 {
		t.Fatalf("captcha samples: %+v, population %d", got, pop)
	}
	got, pop = s.Sampled("label-admin", start, clock.t, 0)
	if pop != 1 || got[0].Action != "COUNT" {
		t.Fatalf("count samples: %+v, population %d", got, pop)
	}
	if got, pop := s.Sampled("nothing", start, clock.t, 10); got != nil || pop != 0 {
		t.Fatalf("unknown metric: %v %d", got, pop)
	}
	if got, _ := s.Sampled("example-acl", clock.t.Add(time.Hour), clock.t.Add(2*time.Hour), 10); len(got) != 0 {
		t.Fatalf("empty window: %d samples", len(got))
	}
}
