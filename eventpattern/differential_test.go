package eventpattern

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// gen builds random patterns and events over a small vocabulary, so that
// patterns and events often meet.
type gen struct{ r *rand.Rand }

var (
	genPaths = []string{"source", "detail-type", "detail.state", "detail.n", "detail.ip", "detail.tags", "detail.sub.k", "region",
		"detail.list.k", "detail.list.m", "detail.list.deep.k"}
	genStrings = []string{"a", "ab", "abc", "AB", "Ab", "b", "ba", "cab", "10.0.0.1", "10.1.2.3", "2001:db8::1", "", "x*y", "é", "É"}
	genNumbers = []any{0, 1, 1.5, 5, -3, 100, 6e9, 1e2, 123456789012}
	genWilds   = []string{"a*", "*b", "a*c", "*", "*b*", "x\\*y", "a*b*c", "ab"}
	genCIDRs   = []string{"10.0.0.0/8", "10.0.0.1/32", "2001:db8::/32", "0.0.0.0/0", "10.1.0.0/16"}
)

func (g gen) pick(n int) int { return g.r.IntN(n) }

func (g gen) str() string { return genStrings[g.pick(len(genStrings))] }

func (g gen) scalar() any {
	switch g.pick(6) {
	case 0, 1, 2:
		return g.str()
	case 3, 4:
		return genNumbers[g.pick(len(genNumbers))]
	default:
		return []any{true, false, nil}[g.pick(3)]
	}
}

func (g gen) num() float64 { return []float64{-3, 0, 1, 1.5, 5, 100}[g.pick(6)] }

func (g gen) matcher() any {
	switch g.pick(16) {
	case 0, 1, 2:
		return g.scalar()
	case 3:
		return map[string]any{"prefix": g.str()}
	case 4:
		return map[string]any{"suffix": g.str()}
	case 5:
		return map[string]any{[]string{"prefix", "suffix"}[g.pick(2)]: map[string]any{"equals-ignore-case": g.str()}}
	case 6:
		return map[string]any{"equals-ignore-case": g.str()}
	case 7:
		return map[string]any{"wildcard": genWilds[g.pick(len(genWilds))]}
	case 8:
		return map[string]any{"anything-but": g.anythingBut()}
	case 9:
		ops := []string{"<", "<=", "=", ">", ">="}
		if g.pick(2) == 0 {
			lo := g.num()
			return map[string]any{"numeric": []any{[]string{">", ">="}[g.pick(2)], lo, []string{"<", "<="}[g.pick(2)], lo + 1 + float64(g.pick(50))}}
		}
		return map[string]any{"numeric": []any{ops[g.pick(len(ops))], g.num()}}
	case 10:
		return map[string]any{"cidr": genCIDRs[g.pick(len(genCIDRs))]}
	case 11, 12:
		return map[string]any{"exists": g.pick(2) == 0}
	default:
		return g.str()
	}
}

func (g gen) anythingBut() any {
	switch g.pick(7) {
	case 0:
		return g.str()
	case 1:
		return g.num()
	case 2:
		return []any{g.str(), g.str()}
	case 3:
		return []any{g.num(), g.num()}
	case 4:
		return map[string]any{[]string{"prefix", "suffix"}[g.pick(2)]: []string{"a", "b", "10."}[g.pick(3)]}
	case 5:
		return map[string]any{"equals-ignore-case": []any{g.str(), g.str()}}
	default:
		return map[string]any{"wildcard": genWilds[g.pick(len(genWilds))]}
	}
}

// set puts v at a dotted path in a tree of maps.
func set(tree map[string]any, path string, v any) {
	keys := strings.Split(path, ".")
	for _, k := range keys[:len(keys)-1] {
		sub, ok := tree[k].(map[string]any)
		if !ok {
			sub = map[string]any{}
			tree[k] = sub
		}
		tree = sub
	}
	tree[keys[len(keys)-1]] = v
}

func (g gen) fields() map[string]any {
	tree := map[string]any{}
	for range 1 + g.pick(3) {
		ms := make([]any, 1+g.pick(3))
		for i := range ms {
			ms[i] = g.matcher()
		}
		set(tree, genPaths[g.pick(len(genPaths))], ms)
	}
	return tree
}

func (g gen) pattern() []byte {
	tree := g.fields()
	if g.pick(4) == 0 {
		tree["$or"] = []any{g.fields(), g.fields()}
	}
	b, _ := json.Marshal(tree)
	return b
}

func (g gen) event() []byte {
	tree := map[string]any{}
	for _, p := range genPaths {
		if strings.HasPrefix(p, "detail.list.") {
			continue
		}
		switch g.pick(5) {
		case 0:
		case 1:
			vs := make([]any, g.pick(4))
			for i := range vs {
				vs[i] = g.scalar()
			}
			set(tree, p, vs)
		default:
			set(tree, p, g.scalar())
		}
	}
	if g.pick(2) == 0 { // an array of objects, for array consistency
		list := make([]any, 1+g.pick(3))
		for i := range list {
			el := map[string]any{"k": g.scalar(), "m": g.scalar()}
			if g.pick(2) == 0 {
				el["deep"] = []any{map[string]any{"k": g.scalar()}, map[string]any{"k": g.scalar()}}
			}
			list[i] = el
		}
		set(tree, "detail.list", list)
	}
	if g.pick(8) == 0 { // an object where a leaf may be expected
		set(tree, "detail.state", map[string]any{"inner": g.scalar()})
	}
	b, _ := json.Marshal(tree)
	return b
}

// TestDifferential compares the Set with the naive matcher on random
// patterns and events.
func TestDifferential(t *testing.T) {
	t.Parallel()
	g := gen{rand.New(rand.NewPCG(1, 2))}
	pats, ids := map[string]*Pattern{}, []string{}
	s := NewSet()
	for len(ids) < 400 {
		src := g.pattern()
		p, err := Parse(src)
		if err != nil {
			t.Fatalf("generated pattern %s: %v", src, err)
		}
		id := "r" + itoa(len(ids)+1000)
		pats[id], ids = p, append(ids, id)
		s.Add(id, p)
	}
	matches := 0
	for range 1500 {
		ev := g.event()
		want, err := naiveMatchAll(ids, pats, ev)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Match(ev)
		if err != nil {
			t.Fatalf("Set.Match(%s): %v", ev, err)
		}
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Fatalf("event %s\nset   %v\nnaive %v\n%s", ev, got, want, explain(pats, got, want))
		}
		matches += len(got)
	}
	if matches < 5000 {
		t.Fatalf("only %d matches: the generator does not exercise matching", matches)
	}
	t.Logf("%d matches", matches)
}

func explain(pats map[string]*Pattern, a, b []string) string {
	var out []string
	for _, id := range append(append([]string{}, a...), b...) {
		if !contains(a, id) || !contains(b, id) {
			out = append(out, id+": "+pats[id].String())
		}
	}
	return strings.Join(out, "\n")
}
