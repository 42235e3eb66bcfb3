package dataid

// automaton is a hand-written Aho-Corasick matcher over bytes, ASCII
// case-insensitive, compiled to a dense DFA over byte classes: one table
// lookup per input byte and no allocation while scanning. Every keyword and
// literal anchor of a Scanner is in one automaton, so one pass over the data
// finds all of them (overlapping matches included).
type automaton struct {
	class  [256]uint8
	nclass int
	delta  []int32   // row(state) + class -> next state's row, negative when that state has outputs
	out    [][]int32 // state -> patterns ending here (own and by suffix)
	plen   []int
}

// In the scan loop a state is its row offset in delta (state*nclass), so a
// step is one load and one add; a negative entry flags an accepting state.

// hit is one pattern occurrence: pattern index and [start, end) in the input.
type hit struct {
	pat        int32
	start, end int
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func newAutomaton(patterns []string) *automaton {
	a := &automaton{plen: make([]int, len(patterns))}
	// Byte classes: one per distinct (lower-cased) byte used by a pattern, class 0 for the rest.
	var seen [256]bool
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			seen[lowerASCII(p[i])] = true
		}
	}
	a.nclass = 1
	for c := 0; c < 256; c++ {
		if seen[c] {
			a.class[c] = uint8(a.nclass)
			a.nclass++
		}
	}
	for c := 'A'; c <= 'Z'; c++ {
		a.class[c] = a.class[c+'a'-'A']
	}
	// Trie with goto[-1] for missing edges.
	type node struct {
		next map[uint8]int32
		out  []int32
	}
	nodes := []node{{next: map[uint8]int32{}}}
	for pi, p := range patterns {
		a.plen[pi] = len(p)
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := a.class[p[i]]
			n, ok := nodes[s].next[c]
			if !ok {
				n = int32(len(nodes))
				nodes = append(nodes, node{next: map[uint8]int32{}})
				nodes[s].next[c] = n
			}
			s = n
		}
		nodes[s].out = append(nodes[s].out, int32(pi))
	}
	// Breadth-first failure links, filling the DFA as we go.
	a.delta = make([]int32, len(nodes)*a.nclass)
	a.out = make([][]int32, len(nodes))
	fail := make([]int32, len(nodes))
	queue := []int32{0}
	for len(queue) > 0 {
		s := queue[0]
		queue = queue[1:]
		a.out[s] = append(a.out[s], nodes[s].out...)
		if s != 0 {
			a.out[s] = append(a.out[s], a.out[fail[s]]...)
		}
		for c := 0; c < a.nclass; c++ {
			n, ok := nodes[s].next[uint8(c)]
			switch {
			case ok:
				if s == 0 {
					fail[n] = 0
				} else {
					fail[n] = a.delta[int(fail[s])*a.nclass+c]
				}
				a.delta[int(s)*a.nclass+c] = n
				queue = append(queue, n)
			case s == 0:
				a.delta[c] = 0
			default:
				a.delta[int(s)*a.nclass+c] = a.delta[int(fail[s])*a.nclass+c]
			}
		}
	}
	// Pre-multiply and flag: entries become the next state's row offset,
	// negated (minus one) when the next state has outputs.
	for i, n := range a.delta {
		v := n * int32(a.nclass)
		if len(a.out[n]) > 0 {
			v = -v - 1
		}
		a.delta[i] = v
	}
	return a
}

// scan appends every pattern occurrence in b to hits (ordered by end).
func (a *automaton) scan(b []byte, hits []hit) []hit {
	if len(a.delta) == 0 {
		return hits
	}
	delta, class, nc := a.delta, &a.class, int32(a.nclass)
	row := int32(0)
	for i, c := range b {
		row = delta[row+int32(class[c])]
		if row < 0 {
			row = -row - 1
			for _, p := range a.out[row/nc] {
				hits = append(hits, hit{pat: p, start: i + 1 - a.plen[p], end: i + 1})
			}
		}
	}
	return hits
}
