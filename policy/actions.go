package policy

import (
	"sort"
	"strings"

	"github.com/moatdev/moat/policy/internal/glob"
)

// actionIndex finds the statements whose Action could match an action
// without scanning every pattern: per service prefix an exact-name map, a
// byte trie of "Prefix*" names, a list of "service:*" statements and a short
// list of other wildcards; plus patterns whose service part is wildcarded.
// Everything is lower-cased at compile time.
type actionIndex struct {
	services map[string]*serviceIndex
	all      []int32  // statements with Action "*"
	general  []patRef // patterns with a wildcard in the service part
	always   []int32  // NotAction statements: checked by their own patterns
}

type serviceIndex struct {
	exact   map[string][]int32
	trie    trieNode
	all     []int32
	general []patRef
}

type patRef struct {
	pat  glob.Pattern
	stmt int32
}

type trieNode struct {
	stmts []int32 // statements with a "prefix*" ending here
	keys  []byte
	kids  []*trieNode
}

func (n *trieNode) child(c byte, create bool) *trieNode {
	for i, k := range n.keys {
		if k == c {
			return n.kids[i]
		}
	}
	if !create {
		return nil
	}
	k := &trieNode{}
	n.keys = append(n.keys, c)
	n.kids = append(n.kids, k)
	return k
}

func addStmt(list []int32, i int32) []int32 {
	if len(list) > 0 && list[len(list)-1] == i {
		return list
	}
	return append(list, i)
}

func (x *actionIndex) service(name string) *serviceIndex {
	if x.services == nil {
		x.services = map[string]*serviceIndex{}
	}
	s := x.services[name]
	if s == nil {
		s = &serviceIndex{exact: map[string][]int32{}}
		x.services[name] = s
	}
	return s
}

// add indexes one lower-cased action pattern of statement i.
func (x *actionIndex) add(pattern string, i int32) {
	if pattern == "*" {
		x.all = addStmt(x.all, i)
		return
	}
	colon := strings.IndexByte(pattern, ':')
	if colon < 0 || strings.ContainsAny(pattern[:colon], "*?") {
		x.general = append(x.general, patRef{glob.Compile(pattern, false), i})
		return
	}
	svc := x.service(pattern[:colon])
	name := pattern[colon+1:]
	p := glob.Compile(name, false)
	if lit, ok := p.IsLiteral(); ok {
		svc.exact[lit] = addStmt(svc.exact[lit], i)
		return
	}
	if p.MatchesAll() {
		svc.all = addStmt(svc.all, i)
		return
	}
	if pre, ok := p.Prefix(); ok {
		n := &svc.trie
		for k := 0; k < len(pre); k++ {
			n = n.child(pre[k], true)
		}
		n.stmts = addStmt(n.stmts, i)
		return
	}
	svc.general = append(svc.general, patRef{p, i})
}

// finish sorts trie children for determinism.
func (x *actionIndex) finish() {
	for _, s := range x.services {
		s.trie.sortKids()
	}
}

func (n *trieNode) sortKids() {
	sort.Sort(byKey{n})
	for _, k := range n.kids {
		k.sortKids()
	}
}

type byKey struct{ n *trieNode }

func (b byKey) Len() int           { return len(b.n.keys) }
func (b byKey) Less(i, j int) bool { return b.n.keys[i] < b.n.keys[j] }
func (b byKey) Swap(i, j int) {
	b.n.keys[i], b.n.keys[j] = b.n.keys[j], b.n.keys[i]
	b.n.kids[i], b.n.kids[j] = b.n.kids[j], b.n.kids[i]
}

// lowerASCII lower-cases s into buf when it fits and is ASCII; otherwise it
// falls back to strings.ToLower (which may allocate).
func lowerASCII(s string, buf []byte) string {
	if len(s) > len(buf) {
		return strings.ToLower(s)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x80 {
			return strings.ToLower(s)
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return unsafeString(buf[:len(s)])
}
