package waf

import (
	"net/netip"
	"strings"
	"sync"
	"time"
)

const (
	aggIP = iota
	aggForwardedIP
	aggConstant
	aggCustom
)

const rateBuckets = 60

// rateCounter counts requests of one aggregation instance in rateBuckets
// buckets of window/60 each (1 s for a 60 s window, 10 s for 600 s, the
// interval at which AWS says it re-checks rates).
type rateCounter struct {
	epoch [rateBuckets]int64
	n     [rateBuckets]uint32
	last  int64
}

func (c *rateCounter) add(e int64) int64 {
	i := e % rateBuckets
	if c.epoch[i] != e {
		c.epoch[i], c.n[i] = e, 0
	}
	c.n[i]++
	c.last = e
	var sum int64
	for j := range c.n {
		if c.epoch[j] > e-rateBuckets {
			sum += int64(c.n[j])
		}
	}
	return sum
}

type customKey struct {
	kind string
	name string // header / cookie / query argument name; label namespace
	tx   inspector
	fwd  *forwardedIP
}

// rateNode is a compiled RateBasedStatement. Its counters are the only
// mutable state of a compiled web ACL; a mutex guards them.
type rateNode struct {
	limit     int64
	window    time.Duration
	bucket    time.Duration
	agg       int
	fwd       *forwardedIP
	keys      []customKey
	scopeDown node

	mu       sync.Mutex
	counters map[string]*rateCounter
}

func newRateNode() *rateNode { return &rateNode{counters: map[string]*rateCounter{}} }

func (n *rateNode) match(ec *evalCtx) bool {
	if n.scopeDown != nil && !n.scopeDown.match(ec) {
		return false
	}
	key, ok, fallback := n.key(ec)
	if !ok {
		return fallback
	}
	e := ec.now.UnixNano() / int64(n.bucket)
	n.mu.Lock()
	c := n.counters[stringOf(key)]
	if c == nil {
		if len(n.counters) >= 100000 {
			n.sweep(e)
		}
		c = &rateCounter{}
		n.counters[string(key)] = c
	}
	count := c.add(e)
	n.mu.Unlock()
	return count > n.limit
}

// sweep drops instances idle for a whole window (called with mu held).
func (n *rateNode) sweep(e int64) {
	for k, c := range n.counters {
		if c.last <= e-rateBuckets {
			delete(n.counters, k)
		}
	}
}

func appendAddr(b []byte, a netip.Addr) []byte { return a.Unmap().AppendTo(b) }

// key builds the aggregation key in ec.rateKey. ok is false when the
// request is not counted; fallback is then the statement's result.
func (n *rateNode) key(ec *evalCtx) ([]byte, bool, bool) {
	k := ec.rateKey[:0]
	defer func() { ec.rateKey = k[:0] }()
	switch n.agg {
	case aggConstant:
		return append(k, 'c'), true, false
	case aggIP:
		if !ec.req.ClientIP.IsValid() {
			return nil, false, false
		}
		k = appendAddr(k, ec.req.ClientIP)
		return k, true, false
	case aggForwardedIP:
		a, ok := n.fwd.first(ec)
		if !ok {
			return nil, false, n.fwd.fallbackMatch
		}
		k = appendAddr(k, a)
		return k, true, false
	}
	for i := range n.keys {
		var ok bool
		k, ok = n.keys[i].appendValue(ec, k)
		if !ok {
			return nil, false, false // AWS: a request missing a key component is not counted
		}
		k = append(k, 0)
	}
	return k, true, false
}

func (ck *customKey) appendValue(ec *evalCtx, k []byte) ([]byte, bool) {
	switch ck.kind {
	case "IP":
		if !ec.req.ClientIP.IsValid() {
			return k, false
		}
		return appendAddr(k, ec.req.ClientIP), true
	case "ForwardedIP":
		a, ok := ck.fwd.first(ec)
		if !ok {
			return k, false
		}
		return appendAddr(k, a), true
	case "HTTPMethod":
		return append(k, ec.req.Method...), true
	case "LabelNamespace":
		found := false
		for _, l := range ec.labels {
			if strings.HasPrefix(l, ck.name) {
				k = append(k, l...)
				k = append(k, ',')
				found = true
			}
		}
		return k, found
	case "ASN":
		if ec.acl.geo == nil {
			return k, false
		}
		asn, ok := ec.acl.geo.ASN(ec.req.ClientIP)
		if !ok {
			return k, false
		}
		return append(k, byte(asn>>24), byte(asn>>16), byte(asn>>8), byte(asn)), true
	}
	// text keys: Header, Cookie, QueryArgument, QueryString, UriPath, JA3/JA4
	if ck.tx.f.extract(ec) != inspect || len(ec.vals) == 0 {
		return k, false
	}
	v := ck.tx.apply(ec, ec.vals[0])
	if len(v) == 0 && (ck.kind == "JA3Fingerprint" || ck.kind == "JA4Fingerprint") {
		return k, false
	}
	return append(k, v...), true
}
