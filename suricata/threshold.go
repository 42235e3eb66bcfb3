package suricata

// Thresholds holds the state that spans flows: the counters of threshold
// and detection_filter rules and the xbits. One Thresholds serves one
// stream of packets (it is not safe for concurrent use); with a nil
// *Thresholds every alert goes through and no xbit is ever set.
type Thresholds struct {
	m     map[thKey]*thState
	xbits map[xbitKey]float64 // expiry time
}

type xbitKey struct {
	name string
	a, b [16]byte
}

func xkey(x *Xbit, p *Packet) xbitKey {
	k := xbitKey{name: x.Name}
	switch x.Track {
	case "ip_src":
		k.a = p.Src.As16()
	case "ip_dst":
		k.a = p.Dst.As16()
	default: // ip_pair, in either order
		k.a, k.b = p.Src.As16(), p.Dst.As16()
		if string(k.b[:]) < string(k.a[:]) {
			k.a, k.b = k.b, k.a
		}
	}
	return k
}

func (t *Thresholds) xbitsRead(r *Rule, p *Packet) bool {
	for i := range r.Xbits {
		x := &r.Xbits[i]
		if x.Cmd != "isset" && x.Cmd != "isnotset" {
			continue
		}
		set := false
		if t != nil {
			exp, ok := t.xbits[xkey(x, p)]
			set = ok && exp > p.Time
		}
		if set != (x.Cmd == "isset") {
			return false
		}
	}
	return true
}

func (t *Thresholds) xbitsWrite(r *Rule, p *Packet) {
	if t == nil {
		return
	}
	for i := range r.Xbits {
		x := &r.Xbits[i]
		k := xkey(x, p)
		switch x.Cmd {
		case "set":
			if t.xbits == nil {
				t.xbits = map[xbitKey]float64{}
			}
			t.xbits[k] = p.Time + float64(x.Expire)
		case "unset":
			delete(t.xbits, k)
		case "toggle":
			if exp, ok := t.xbits[k]; ok && exp > p.Time {
				delete(t.xbits, k)
			} else {
				if t.xbits == nil {
					t.xbits = map[xbitKey]float64{}
				}
				t.xbits[k] = p.Time + float64(x.Expire)
			}
		}
	}
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
