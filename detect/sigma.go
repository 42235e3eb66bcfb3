package detect

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// SigmaRule is a compiled Sigma rule for CloudTrail (logsource product aws,
// service cloudtrail). moat implements the part of the Sigma specification
// that the SigmaHQ AWS rules use: selections as maps (AND) or lists of maps
// (OR), value lists (OR, or AND with |all), null, the modifiers contains,
// startswith, endswith, all, re, cased, exists and fieldref, * and ? wildcards,
// keyword lists, and conditions with and/or/not, parentheses, "1 of",
// "all of" and "them". Strings match case-insensitively unless |cased or |re.
type SigmaRule struct {
	Title, ID, Author, Level, Status string
	File                             string

	cond       sigmaNode
	selections map[string]*sigmaSelection
	names      []string
}

// SigmaError is a rule that cannot be loaded, with its file and line.
type SigmaError = Error

type sigmaSelection struct {
	anyOf    [][]sigmaMatcher // OR of AND-groups
	keywords []sigmaValue     // keyword selection: any value in the record text
}

type sigmaMatcher struct {
	field    string
	path     []string
	values   []sigmaValue
	all      bool
	exists   *bool
	fieldref bool
}

type sigmaValue struct {
	null   bool
	s      string // lower-cased unless cased
	kind   int    // exact, contains, prefix, suffix, glob, regex
	cased  bool
	re     *regexp.Regexp
	glob   string
	refFld []string
}

const (
	svExact = iota
	svContains
	svPrefix
	svSuffix
	svGlob
	svRegex
)

// LoadSigmaDir loads every .yml/.yaml rule in a directory tree.
func LoadSigmaDir(dir string) ([]*SigmaRule, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !e.IsDir() && (strings.HasSuffix(p, ".yml") || strings.HasSuffix(p, ".yaml")) {
			files = append(files, p)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	if len(files) == 0 {
		return nil, fmt.Errorf("%s: no Sigma rules (.yml) found", dir)
	}
	var rules []*SigmaRule
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		r, err := ParseSigmaRule(data, f)
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
	}
	return rules, nil
}

// ParseSigmaRule compiles one rule. Rules for other log sources are errors.
func ParseSigmaRule(data []byte, name string) (*SigmaRule, error) {
	doc, err := parseYAML(string(data))
	if err != nil {
		return nil, sigmaErr(name, err)
	}
	m, ok := doc.(*yamlMap)
	if !ok {
		return nil, &Error{File: name, Line: 1, Msg: "a Sigma rule is a YAML mapping"}
	}
	r := &SigmaRule{File: name, selections: map[string]*sigmaSelection{}}
	r.Title, _ = m.get("title").(string)
	r.ID, _ = m.get("id").(string)
	r.Author, _ = m.get("author").(string)
	r.Level, _ = m.get("level").(string)
	r.Status, _ = m.get("status").(string)
	if r.Title == "" {
		return nil, &Error{File: name, Line: 1, Field: "title", Msg: "missing"}
	}
	ls, _ := m.get("logsource").(*yamlMap)
	if ls == nil {
		return nil, &Error{File: name, Line: 1, Field: "logsource", Msg: "missing"}
	}
	if p, _ := ls.get("product").(string); p != "aws" {
		return nil, &Error{File: name, Line: ls.line["product"], Field: "logsource.product", Msg: fmt.Sprintf("%q: moat runs Sigma rules for product aws, service cloudtrail", p)}
	}
	if s, _ := ls.get("service").(string); s != "cloudtrail" {
		return nil, &Error{File: name, Line: ls.line["service"], Field: "logsource.service", Msg: fmt.Sprintf("%q: moat runs Sigma rules for service cloudtrail", s)}
	}
	det, _ := m.get("detection").(*yamlMap)
	if det == nil {
		return nil, &Error{File: name, Line: m.line["detection"], Field: "detection", Msg: "missing or not a mapping"}
	}
	var conds []string
	switch c := det.get("condition").(type) {
	case string:
		conds = []string{c}
	case []any:
		for _, x := range c {
			s, _ := x.(string)
			conds = append(conds, s)
		}
	default:
		return nil, &Error{File: name, Line: det.line["condition"], Field: "detection.condition", Msg: "missing"}
	}
	for _, k := range det.keys {
		if k == "condition" || k == "timeframe" {
			continue
		}
		sel, err := compileSelection(det.get(k))
		if err != nil {
			return nil, &Error{File: name, Line: det.line[k], Field: "detection." + k, Msg: err.Error()}
		}
		r.selections[k] = sel
		r.names = append(r.names, k)
	}
	var nodes []sigmaNode
	for _, c := range conds {
		n, err := parseCondition(c, r.names)
		if err != nil {
			return nil, &Error{File: name, Line: det.line["condition"], Field: "detection.condition", Msg: err.Error()}
		}
		nodes = append(nodes, n)
	}
	r.cond = nodes[0]
	for _, n := range nodes[1:] {
		r.cond = &sigmaOr{[]sigmaNode{r.cond, n}}
	}
	return r, nil
}

func sigmaErr(name string, err error) error {
	msg := err.Error()
	line := 0
	if strings.HasPrefix(msg, "line ") {
		if i := strings.IndexByte(msg, ':'); i > 5 {
			line, _ = strconv.Atoi(msg[5:i])
			msg = strings.TrimSpace(msg[i+1:])
		}
	}
	return &Error{File: name, Line: line, Msg: "YAML: " + msg}
}

func compileSelection(v any) (*sigmaSelection, error) {
	sel := &sigmaSelection{}
	switch x := v.(type) {
	case *yamlMap:
		g, err := compileGroup(x)
		if err != nil {
			return nil, err
		}
		sel.anyOf = [][]sigmaMatcher{g}
	case []any:
		for _, item := range x {
			switch it := item.(type) {
			case *yamlMap:
				g, err := compileGroup(it)
				if err != nil {
					return nil, err
				}
				sel.anyOf = append(sel.anyOf, g)
			case string:
				val, err := compileValue(it, "contains", false)
				if err != nil {
					return nil, err
				}
				sel.keywords = append(sel.keywords, val)
			default:
				return nil, fmt.Errorf("list items must be maps or keyword strings")
			}
		}
	default:
		return nil, fmt.Errorf("a selection is a map or a list")
	}
	return sel, nil
}

func compileGroup(m *yamlMap) ([]sigmaMatcher, error) {
	var out []sigmaMatcher
	for _, key := range m.keys {
		parts := strings.Split(key, "|")
		mt := sigmaMatcher{field: parts[0], path: strings.Split(parts[0], ".")}
		kind, cased := "", false
		for _, mod := range parts[1:] {
			switch mod {
			case "contains", "startswith", "endswith", "re":
				kind = mod
			case "all":
				mt.all = true
			case "cased":
				cased = true
			case "exists":
				b := false
				if s, _ := m.get(key).(string); strings.EqualFold(s, "true") {
					b = true
				}
				mt.exists = &b
			case "fieldref":
				mt.fieldref = true
			default:
				return nil, fmt.Errorf("field %s: modifier %q is not supported", parts[0], mod)
			}
		}
		if mt.exists != nil {
			out = append(out, mt)
			continue
		}
		raw := m.get(key)
		vals, ok := raw.([]any)
		if !ok {
			vals = []any{raw}
		}
		for _, rv := range vals {
			if rv == nil {
				mt.values = append(mt.values, sigmaValue{null: true})
				continue
			}
			s, ok := rv.(string)
			if !ok {
				return nil, fmt.Errorf("field %s: values must be scalars", parts[0])
			}
			if mt.fieldref {
				mt.values = append(mt.values, sigmaValue{refFld: strings.Split(s, "."), cased: true})
				continue
			}
			v, err := compileValue(s, kind, cased)
			if err != nil {
				return nil, fmt.Errorf("field %s: %v", parts[0], err)
			}
			mt.values = append(mt.values, v)
		}
		out = append(out, mt)
	}
	return out, nil
}

func compileValue(s, kind string, cased bool) (sigmaValue, error) {
	v := sigmaValue{cased: cased}
	if kind == "re" {
		re, err := regexp.Compile(s)
		if err != nil {
			return v, fmt.Errorf("bad regular expression %q: %v", s, err)
		}
		v.kind, v.re = svRegex, re
		return v, nil
	}
	if !cased {
		s = strings.ToLower(s)
	}
	hasWild := strings.ContainsAny(s, "*?")
	switch {
	case hasWild:
		pre, suf := "", ""
		switch kind {
		case "contains":
			pre, suf = "*", "*"
		case "startswith":
			suf = "*"
		case "endswith":
			pre = "*"
		}
		v.kind, v.glob = svGlob, pre+s+suf
	case kind == "contains":
		v.kind, v.s = svContains, s
	case kind == "startswith":
		v.kind, v.s = svPrefix, s
	case kind == "endswith":
		v.kind, v.s = svSuffix, s
	default:
		v.kind, v.s = svExact, s
	}
	return v, nil
}

// sigmaEvent resolves field paths in one record: common fields from the
// decoded Record, others from Raw, decoded once on first use.
type sigmaEvent struct {
	r       *Record
	decoded map[string]any
	tried   bool
}

func (e *sigmaEvent) lookup(path []string) (any, bool) {
	r := e.r
	if len(path) == 1 {
		switch path[0] {
		case "eventName":
			return r.EventName, true
		case "eventSource":
			return r.EventSource, true
		case "userAgent":
			return r.UserAgent, r.UserAgent != ""
		case "sourceIPAddress":
			return r.SourceIPAddress, r.SourceIPAddress != ""
		case "eventType":
			return r.EventType, r.EventType != ""
		case "errorCode":
			return r.ErrorCode, r.ErrorCode != ""
		case "errorMessage":
			return r.ErrorMessage, r.ErrorMessage != ""
		}
	}
	if len(path) == 2 && path[0] == "userIdentity" {
		switch path[1] {
		case "type":
			return r.UserIdentity.Type, r.UserIdentity.Type != ""
		case "arn":
			return r.UserIdentity.ARN, r.UserIdentity.ARN != ""
		}
	}
	if !e.tried {
		e.tried = true
		if len(r.Raw) > 0 {
			_ = json.Unmarshal(r.Raw, &e.decoded)
		}
	}
	var cur any = e.decoded
	for _, p := range path {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[p]; !ok {
			return nil, false
		}
	}
	return cur, true
}

func textOf(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func (v *sigmaValue) match(s string) bool {
	if v.kind == svRegex {
		return v.re.MatchString(s)
	}
	if !v.cased {
		s = strings.ToLower(s)
	}
	switch v.kind {
	case svExact:
		return s == v.s
	case svContains:
		return strings.Contains(s, v.s)
	case svPrefix:
		return strings.HasPrefix(s, v.s)
	case svSuffix:
		return strings.HasSuffix(s, v.s)
	}
	return globMatch(v.glob, s)
}

// globMatch matches * and ? across any characters (path.Match stops at '/').
func globMatch(p, s string) bool {
	for len(p) > 0 {
		switch p[0] {
		case '*':
			for i := len(s); i >= 0; i-- {
				if globMatch(p[1:], s[i:]) {
					return true
				}
			}
			return false
		case '?':
			if len(s) == 0 {
				return false
			}
			p, s = p[1:], s[1:]
		default:
			if len(s) == 0 || s[0] != p[0] {
				return false
			}
			p, s = p[1:], s[1:]
		}
	}
	return len(s) == 0
}

func (m *sigmaMatcher) eval(e *sigmaEvent) bool {
	got, present := e.lookup(m.path)
	if m.exists != nil {
		return present == *m.exists
	}
	var texts []string
	if arr, ok := got.([]any); ok {
		for _, x := range arr {
			texts = append(texts, textOf(x))
		}
	} else if present && got != nil {
		texts = []string{textOf(got)}
	}
	one := func(v *sigmaValue) bool {
		if v.null {
			return !present || got == nil
		}
		if v.refFld != nil {
			ref, ok := e.lookup(v.refFld)
			if !ok {
				return false
			}
			rs := textOf(ref)
			for _, t := range texts {
				if t == rs {
					return true
				}
			}
			return false
		}
		for _, t := range texts {
			if v.match(t) {
				return true
			}
		}
		return false
	}
	if m.all {
		for i := range m.values {
			if !one(&m.values[i]) {
				return false
			}
		}
		return len(m.values) > 0
	}
	for i := range m.values {
		if one(&m.values[i]) {
			return true
		}
	}
	return false
}

func (s *sigmaSelection) eval(e *sigmaEvent) bool {
	for _, g := range s.anyOf {
		ok := true
		for i := range g {
			if !g[i].eval(e) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	if len(s.keywords) > 0 {
		text := string(e.r.Raw)
		for i := range s.keywords {
			if s.keywords[i].match(text) {
				return true
			}
		}
	}
	return false
}

// Match reports whether the rule matches the record.
func (r *SigmaRule) Match(rec *Record) bool {
	e := &sigmaEvent{r: rec}
	return r.cond.eval(r, e)
}

func sigmaSeverity(level string) float64 {
	switch strings.ToLower(level) {
	case "informational":
		return 1
	case "low":
		return SeverityLow
	case "high":
		return SeverityHigh
	case "critical":
		return 9
	}
	return SeverityMedium
}

// sigma runs the user's Sigma rules; a match names the rule's author, as the
// Detection Rule License asks.
func (d *Detector) sigma(r *Record) {
	if len(d.opts.Sigma) == 0 {
		return
	}
	e := &sigmaEvent{r: r}
	for _, rule := range d.opts.Sigma {
		if !rule.cond.eval(rule, e) {
			continue
		}
		h := d.apiHit(r, TypeMoatSigma, rule.ID+"\x00"+r.Principal(), rule.Title)
		h.severity = sigmaSeverity(rule.Level)
		h.author = rule.Author
		h.desc = fmt.Sprintf("Sigma rule %q (id %s, level %s) by %s matched %s by %s.", rule.Title, rule.ID, rule.Level, rule.Author, r.EventName, r.Principal())
		h.info["sigmaRuleId"] = rule.ID
		h.info["sigmaRuleTitle"] = rule.Title
		h.info["sigmaRuleAuthor"] = rule.Author
		d.raise(h)
	}
}
