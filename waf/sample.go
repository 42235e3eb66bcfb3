package waf

import (
	"sort"
	"sync"
	"time"
)

// Sampler keeps sampled requests for GetSampledRequests: per metric name
// (a rule's VisibilityConfig.MetricName, or the web ACL's for requests its
// default action decided), the most recent MaxSamples requests and a
// per-minute count of all requests over the last three hours, the window
// AWS samples from. It is safe for concurrent use.
type Sampler struct {
	mu      sync.Mutex
	metrics map[string]*sampleRing
}

// MaxSamples is AWS's limit on MaxItems (and what moat keeps per metric).
const MaxSamples = 500

const sampleWindow = 3 * time.Hour

// SampledRequest is one entry of GetSampledRequests' SampledRequests.
type SampledRequest struct {
	Request                 *Request
	Country                 string
	Weight                  int64
	Timestamp               time.Time
	Action                  string
	RuleNameWithinRuleGroup string
	RequestHeadersInserted  []Header
	ResponseCodeSent        int
	Labels                  []string
	OverriddenAction        string
}

type sampleRing struct {
	items  [MaxSamples]SampledRequest
	next   int
	full   bool
	counts map[int64]int64 // unix minute -> requests
}

// NewSampler returns an empty sampler.
func NewSampler() *Sampler { return &Sampler{metrics: map[string]*sampleRing{}} }

// Record samples an evaluated request under the metric of every web ACL
// rule that matched it and, when the default action decided, the web ACL's.
func (s *Sampler) Record(w *WebACL, req *Request, res *Result, at time.Time) {
	cp := *req
	cp.Body = nil // AWS's samples carry no body; do not keep it alive
	cp.Headers = append([]Header(nil), req.Headers...)
	sr := SampledRequest{Request: &cp, Weight: 1, Timestamp: at, Action: res.Action.String(),
		RuleNameWithinRuleGroup: res.TerminatingGroupRule, Labels: append([]string(nil), res.Labels...),
		RequestHeadersInserted: append([]Header(nil), res.InsertHeaders...)}
	if res.Response != nil {
		sr.ResponseCodeSent = res.Response.Status
	}
	if w.geo != nil && req.ClientIP.IsValid() {
		sr.Country, _ = w.geo.Country(req.ClientIP)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if res.TerminatingRuleID == DefaultActionID {
		s.add(w.metric, sr, at)
	}
	for _, rule := range res.Matched {
		one := sr
		if rule != res.TerminatingRuleID {
			one.Action = Count.String() // a non-terminating match
		}
		s.add(w.MetricName(rule), one, at)
	}
}

func (s *Sampler) add(metric string, sr SampledRequest, at time.Time) {
	r := s.metrics[metric]
	if r == nil {
		r = &sampleRing{counts: map[int64]int64{}}
		s.metrics[metric] = r
	}
	r.items[r.next] = sr
	r.next = (r.next + 1) % MaxSamples
	r.full = r.full || r.next == 0
	min := at.Unix() / 60
	r.counts[min]++
	for m := range r.counts {
		if m < min-int64(sampleWindow/time.Minute) {
			delete(r.counts, m)
		}
	}
}

// Sampled answers GetSampledRequests for one metric name: up to maxItems
// (at most MaxSamples) requests whose time is in [start, end], oldest
// first, and the population size: all requests counted in the window. When
// more requests arrived than were kept, each sample's Weight is the number
// of requests it stands for, as with AWS.
func (s *Sampler) Sampled(metric string, start, end time.Time, maxItems int) ([]SampledRequest, int64) {
	if maxItems <= 0 || maxItems > MaxSamples {
		maxItems = MaxSamples
	}
	if min := end.Add(-sampleWindow); start.Before(min) {
		start = min // AWS samples from the last three hours only
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.metrics[metric]
	if r == nil {
		return nil, 0
	}
	var population int64
	for m, n := range r.counts {
		if t := time.Unix(m*60, 0); !t.Before(start.Truncate(time.Minute)) && !t.After(end) {
			population += n
		}
	}
	n := r.next
	if r.full {
		n = MaxSamples
	}
	var out []SampledRequest
	for i := 0; i < n; i++ {
		it := r.items[i]
		if !it.Timestamp.Before(start) && !it.Timestamp.After(end) {
			out = append(out, it)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Timestamp.Before(out[j].Timestamp) })
	if len(out) > maxItems {
		out = out[len(out)-maxItems:]
	}
	if len(out) > 0 && population > int64(len(out)) {
		w := population / int64(len(out))
		for i := range out {
			out[i].Weight = w
		}
	}
	return out, population
}
