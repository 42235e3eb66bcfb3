package suricata

// Thresholds holds the counters of threshold and detection_filter rules.
// One Thresholds serves one stream of packets (it is not safe for
// concurrent use); a nil *Thresholds lets every alert through.
type Thresholds struct {
	m map[thKey]*thState
}

type thKey struct {
	rule int
	a, b [16]byte
	flow uint64
}

type thState struct {
	start float64
	count int
	next  int // backoff: next count that alerts
}

// NewThresholds returns empty counters.
func NewThresholds() *Thresholds { return &Thresholds{m: map[thKey]*thState{}} }

// allow applies rule r's threshold to a match and says whether it alerts.
func (t *Thresholds) allow(i int, r *Rule, p *Packet) bool {
	th := r.Threshold
	if th == nil || t == nil {
		return true
	}
	k := thKey{rule: i}
	switch th.Track {
	case "by_src":
		k.a = p.Src.As16()
	case "by_dst":
		k.a = p.Dst.As16()
	case "by_both":
		k.a, k.b = p.Src.As16(), p.Dst.As16()
	case "by_flow":
		k.flow = p.FlowKey
	}
	s := t.m[k]
	if s == nil || (th.Seconds > 0 && p.Time-s.start >= float64(th.Seconds)) {
		s = &thState{start: p.Time, next: th.Count}
		t.m[k] = s
	}
	s.count++
	switch th.Type {
	case "limit":
		return s.count <= th.Count
	case "threshold":
		if s.count >= th.Count {
			s.count = 0
			s.start = p.Time
			return true
		}
		return false
	case "both":
		return s.count == th.Count
	case "detection_filter":
		return s.count > th.Count
	case "backoff":
		if s.count == 1 {
			return true
		}
		if s.count >= s.next {
			mult := th.Multiplier
			if mult < 1 {
				mult = 1
			}
			s.next *= mult
			if s.next <= s.count {
				s.next = s.count + 1
			}
			return true
		}
		return false
	}
	return true
}
