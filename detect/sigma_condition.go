package detect

import (
	"fmt"
	"strings"
)

// sigmaNode is a compiled Sigma condition.
type sigmaNode interface {
	eval(r *SigmaRule, e *sigmaEvent) bool
}

type sigmaRef struct{ name string }
type sigmaNot struct{ x sigmaNode }
type sigmaAnd struct{ xs []sigmaNode }
type sigmaOr struct{ xs []sigmaNode }

// sigmaOf is "1 of pattern" (all=false) or "all of pattern", resolved to
// selection names at compile time.
type sigmaOf struct {
	all   bool
	names []string
}

func (n *sigmaRef) eval(r *SigmaRule, e *sigmaEvent) bool { return r.selections[n.name].eval(e) }
func (n *sigmaNot) eval(r *SigmaRule, e *sigmaEvent) bool { return !n.x.eval(r, e) }
func (n *sigmaAnd) eval(r *SigmaRule, e *sigmaEvent) bool {
	for _, x := range n.xs {
		if !x.eval(r, e) {
			return false
		}
	}
	return true
}
func (n *sigmaOr) eval(r *SigmaRule, e *sigmaEvent) bool {
	for _, x := range n.xs {
		if x.eval(r, e) {
			return true
		}
	}
	return false
}
func (n *sigmaOf) eval(r *SigmaRule, e *sigmaEvent) bool {
	for _, name := range n.names {
		m := r.selections[name].eval(e)
		if n.all && !m {
			return false
		}
		if !n.all && m {
			return true
		}
	}
	return n.all
}

type condParser struct {
	toks  []string
	i     int
	names []string
}

// parseCondition compiles a condition: or > and > not, parentheses,
// "1 of X*", "all of X*", "1 of them", "all of them".
func parseCondition(s string, names []string) (sigmaNode, error) {
	s = strings.NewReplacer("(", " ( ", ")", " ) ").Replace(s)
	p := &condParser{toks: strings.Fields(s), names: names}
	if len(p.toks) == 0 {
		return nil, fmt.Errorf("empty condition")
	}
	if strings.Contains(s, "|") {
		return nil, fmt.Errorf("aggregations (| count() ...) are not supported")
	}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.i < len(p.toks) {
		return nil, fmt.Errorf("unexpected %q", p.toks[p.i])
	}
	return n, nil
}

func (p *condParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *condParser) or() (sigmaNode, error) {
	x, err := p.and()
	if err != nil {
		return nil, err
	}
	xs := []sigmaNode{x}
	for strings.EqualFold(p.peek(), "or") {
		p.i++
		y, err := p.and()
		if err != nil {
			return nil, err
		}
		xs = append(xs, y)
	}
	if len(xs) == 1 {
		return x, nil
	}
	return &sigmaOr{xs}, nil
}

func (p *condParser) and() (sigmaNode, error) {
	x, err := p.not()
	if err != nil {
		return nil, err
	}
	xs := []sigmaNode{x}
	for strings.EqualFold(p.peek(), "and") {
		p.i++
		y, err := p.not()
		if err != nil {
			return nil, err
		}
		xs = append(xs, y)
	}
	if len(xs) == 1 {
		return x, nil
	}
	return &sigmaAnd{xs}, nil
}

func (p *condParser) not() (sigmaNode, error) {
	if strings.EqualFold(p.peek(), "not") {
		p.i++
		x, err := p.not()
		if err != nil {
			return nil, err
		}
		return &sigmaNot{x}, nil
	}
	return p.atom()
}

func (p *condParser) atom() (sigmaNode, error) {
	t := p.peek()
	switch {
	case t == "":
		return nil, fmt.Errorf("condition ends too early")
	case t == "(":
		p.i++
		x, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, fmt.Errorf("missing )")
		}
		p.i++
		return x, nil
	case (t == "1" || strings.EqualFold(t, "all")) && p.i+2 < len(p.toks)+0 && strings.EqualFold(p.toks[p.i+1], "of"):
		pat := p.toks[p.i+2]
		p.i += 3
		var names []string
		for _, n := range p.names {
			if strings.EqualFold(pat, "them") || globMatch(pat, n) {
				names = append(names, n)
			}
		}
		if len(names) == 0 {
			return nil, fmt.Errorf("%q matches no selection", pat)
		}
		return &sigmaOf{all: t != "1", names: names}, nil
	}
	p.i++
	for _, n := range p.names {
		if n == t {
			return &sigmaRef{t}, nil
		}
	}
	return nil, fmt.Errorf("unknown selection %q", t)
}
