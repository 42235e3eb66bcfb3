package suricata

import "sort"

// acMatcher is an Aho-Corasick automaton over lower-cased patterns: one pass
// over a buffer reports every pattern occurring in it, case-insensitively.
// The root state has a dense transition table; other states keep sorted
// edge lists, which keeps memory proportional to the pattern bytes.
type acMatcher struct {
	root  [256]int32
	nodes []acNode
	// dense is the full DFA (state*256+byte -> state) when the automaton
	// has at most maxDenseStates states: one table lookup per input byte.
	dense []uint16
	outs  [][]int32
}

const maxDenseStates = 1 << 16

type acNode struct {
	keys []byte
	next []int32
	fail int32
	out  []int32 // pattern ids ending here (including via failure links)
}

var lowerTable = func() (t [256]byte) {
	for i := range t {
		c := byte(i)
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		t[i] = c
	}
	return
}()

func (n *acNode) child(c byte) int32 {
	k := n.keys
	if len(k) <= 8 {
		for i, x := range k {
			if x == c {
				return n.next[i]
			}
		}
		return -1
	}
	i := sort.Search(len(k), func(i int) bool { return k[i] >= c })
	if i < len(k) && k[i] == c {
		return n.next[i]
	}
	return -1
}

func (n *acNode) add(c byte, to int32) {
	i := sort.Search(len(n.keys), func(i int) bool { return n.keys[i] >= c })
	n.keys = append(n.keys, 0)
	n.next = append(n.next, 0)
	copy(n.keys[i+1:], n.keys[i:])
	copy(n.next[i+1:], n.next[i:])
	n.keys[i], n.next[i] = c, to
}

// newACMatcher builds the automaton; pattern i reports id ids[i].
func newACMatcher(pats [][]byte, ids []int32) *acMatcher {
	m := &acMatcher{nodes: []acNode{{}}}
	for i, p := range pats {
		s := int32(0)
		for _, c := range p {
			c = lowerTable[c]
			nx := m.nodes[s].child(c)
			if nx < 0 {
				nx = int32(len(m.nodes))
				m.nodes = append(m.nodes, acNode{})
				m.nodes[s].add(c, nx)
			}
			s = nx
		}
		m.nodes[s].out = append(m.nodes[s].out, ids[i])
	}
	// Breadth-first failure links.
	queue := make([]int32, 0, len(m.nodes))
	for c := 0; c < 256; c++ {
		nx := m.nodes[0].child(byte(c))
		if nx < 0 {
			m.root[c] = 0
			continue
		}
		m.root[c] = nx
		m.nodes[nx].fail = 0
		queue = append(queue, nx)
	}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		n := &m.nodes[s]
		for i, c := range n.keys {
			t := n.next[i]
			f := n.fail
			for {
				var g int32
				if f == 0 {
					g = m.root[c]
				} else {
					g = m.nodes[f].child(c)
				}
				if g >= 0 && g != t {
					m.nodes[t].fail = g
					break
				}
				if f == 0 {
					m.nodes[t].fail = 0
					break
				}
				f = m.nodes[f].fail
			}
			if fo := m.nodes[m.nodes[t].fail].out; len(fo) > 0 {
				m.nodes[t].out = append(m.nodes[t].out, fo...)
			}
			queue = append(queue, t)
		}
	}
	if len(m.nodes) <= maxDenseStates {
		m.buildDense()
	}
	return m
}

// buildDense computes delta(s, c) for every state, in breadth-first order so
// a state's failure target is complete before the state.
func (m *acMatcher) buildDense() {
	n := len(m.nodes)
	m.dense = make([]uint16, n*256)
	m.outs = make([][]int32, n)
	for c := 0; c < 256; c++ {
		m.dense[c] = uint16(m.root[c])
	}
	m.outs[0] = m.nodes[0].out
	queue := []int32{}
	for c := 0; c < 256; c++ {
		if nx := m.nodes[0].child(byte(c)); nx >= 0 {
			queue = append(queue, nx)
		}
	}
	seen := make([]bool, n)
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		if seen[s] {
			continue
		}
		seen[s] = true
		nd := &m.nodes[s]
		m.outs[s] = nd.out
		row, frow := m.dense[int(s)*256:int(s)*256+256], m.dense[int(nd.fail)*256:int(nd.fail)*256+256]
		copy(row, frow)
		for i, c := range nd.keys {
			row[c] = uint16(nd.next[i])
			queue = append(queue, nd.next[i])
		}
	}
}

// scan marks every pattern id found in b as a candidate in sc.
func (m *acMatcher) scan(b []byte, sc *Scratch) {
	if m.dense != nil {
		d, outs := m.dense, m.outs
		s := 0
		for _, c := range b {
			s = int(d[s<<8|int(lowerTable[c])])
			if out := outs[s]; len(out) > 0 {
				for _, id := range out {
					sc.mark(int(id))
				}
			}
		}
		return
	}
	s := int32(0)
	for _, c := range b {
		c = lowerTable[c]
		for {
			if s == 0 {
				s = m.root[c]
				break
			}
			if nx := m.nodes[s].child(c); nx >= 0 {
				s = nx
				break
			}
			s = m.nodes[s].fail
		}
		if out := m.nodes[s].out; len(out) > 0 {
			for _, id := range out {
				sc.mark(int(id))
			}
		}
	}
}
