package asff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"slices"
	"sort"
	"strings"
	"time"
)

// Limits of GetFindings filters [doc: API reference GetFindings, Filters:
// "You can filter by up to 10 finding attributes. For each attribute, you can
// provide up to 20 filter values."].
const (
	MaxFilterAttributes = 10
	MaxFilterValues     = 20
)

// Filters is an AwsSecurityFindingFilters object as it arrives on the wire:
// attribute name → JSON array of that attribute's filter type.
type Filters map[string]json.RawMessage

// StringFilter is AWS's StringFilter.
type StringFilter struct {
	Comparison string  `json:"Comparison"`
	Value      *string `json:"Value"`
}

// NumberFilter is AWS's NumberFilter: the bounds given are ANDed.
type NumberFilter struct {
	Eq  *float64 `json:"Eq,omitempty"`
	Gt  *float64 `json:"Gt,omitempty"`
	Gte *float64 `json:"Gte,omitempty"`
	Lt  *float64 `json:"Lt,omitempty"`
	Lte *float64 `json:"Lte,omitempty"`
}

// DateFilter is AWS's DateFilter: Start/End, or DateRange.
type DateFilter struct {
	Start     string     `json:"Start,omitempty"`
	End       string     `json:"End,omitempty"`
	DateRange *DateRange `json:"DateRange,omitempty"`
}

// DateRange is a range relative to now: Unit DAYS, Comparison WITHIN (the
// default) or OLDER_THAN.
type DateRange struct {
	Value      *int32 `json:"Value"`
	Unit       string `json:"Unit"`
	Comparison string `json:"Comparison,omitempty"`
}

// MapFilter is AWS's MapFilter.
type MapFilter struct {
	Key        *string `json:"Key"`
	Value      *string `json:"Value"`
	Comparison string  `json:"Comparison"`
}

// IpFilter is AWS's IpFilter.
type IpFilter struct {
	Cidr string `json:"Cidr"`
}

// BooleanFilter is AWS's BooleanFilter.
type BooleanFilter struct {
	Value *bool `json:"Value"`
}

// KeywordFilter is AWS's deprecated KeywordFilter.
type KeywordFilter struct {
	Value string `json:"Value"`
}

// FilterError is an invalid filter; AWS answers it with InvalidInputException.
type FilterError struct {
	Attribute string // e.g. "SeverityLabel"
	Index     int    // position in the attribute's array; -1 for the attribute as a whole
	Message   string
	Err       error
}

func (e *FilterError) Error() string {
	if e.Index >= 0 {
		return fmt.Sprintf("Filters.%s[%d]: %s", e.Attribute, e.Index, e.Message)
	}
	if e.Attribute == "" {
		return "Filters: " + e.Message
	}
	return "Filters." + e.Attribute + ": " + e.Message
}

func (e *FilterError) Unwrap() error { return e.Err }

// ParseFilters decodes an AwsSecurityFindingFilters JSON object.
func ParseFilters(data []byte) (Filters, error) {
	var f Filters
	if len(bytes.TrimSpace(data)) == 0 {
		return Filters{}, nil
	}
	if err := json.Unmarshal(data, &f); err != nil {
		line, col := 0, 0
		if se, ok := err.(*json.SyntaxError); ok {
			line, col = lineCol(data, se.Offset-1)
		}
		return nil, &FilterError{Index: -1, Message: fmt.Sprintf("malformed JSON at line %d, column %d: %v", line, col, err), Err: err}
	}
	return f, nil
}

// Filter is a compiled AwsSecurityFindingFilters: immutable and safe for
// concurrent use. Match does not allocate.
type Filter struct {
	preds []matcher
}

type matcher interface {
	match(f *Finding) bool
}

// Compile checks filters the way GetFindings does (known attributes, the
// filter type each attribute takes, the documented comparison combinations
// and limits) and compiles them. now anchors DateRange filters.
func Compile(filters Filters, now time.Time) (*Filter, error) {
	if len(filters) > MaxFilterAttributes {
		return nil, &FilterError{Index: -1, Message: fmt.Sprintf("%d attributes given; at most %d are allowed", len(filters), MaxFilterAttributes)}
	}
	names := make([]string, 0, len(filters))
	for k := range filters {
		names = append(names, k)
	}
	sort.Strings(names)
	c := &Filter{}
	for _, name := range names {
		fd, ok := fields[name]
		if !ok {
			return nil, &FilterError{Attribute: name, Index: -1, Message: "unknown filter attribute" + suggestField(name)}
		}
		m, err := compileAttr(fd, filters[name], now)
		if err != nil {
			return nil, err
		}
		if m != nil {
			c.preds = append(c.preds, m)
		}
	}
	return c, nil
}

// Match reports whether the finding satisfies every attribute's filters.
// A nil or empty Filter matches everything.
func (c *Filter) Match(f *Finding) bool {
	if c == nil {
		return true
	}
	for _, p := range c.preds {
		if !p.match(f) {
			return false
		}
	}
	return true
}

func decodeArray[T any](fd *field, raw json.RawMessage) ([]T, error) {
	var out []T
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, &FilterError{Attribute: fd.name, Index: -1, Message: "expected an array of " + fd.kind.String() + ": " + err.Error(), Err: err}
	}
	if len(out) > MaxFilterValues {
		return nil, &FilterError{Attribute: fd.name, Index: -1, Message: fmt.Sprintf("%d filter values given; at most %d are allowed", len(out), MaxFilterValues)}
	}
	return out, nil
}

func compileAttr(fd *field, raw json.RawMessage, now time.Time) (matcher, error) {
	switch fd.kind {
	case kindString:
		return compileString(fd, raw)
	case kindNumber:
		return compileNumber(fd, raw)
	case kindDate:
		return compileDate(fd, raw, now)
	case kindMap:
		return compileMap(fd, raw)
	case kindIP:
		return compileIP(fd, raw)
	case kindBool:
		return compileBool(fd, raw)
	default:
		return compileKeyword(fd, raw)
	}
}

func suggestField(name string) string {
	best, bestD := "", 4
	for k := range fields {
		if d := editDistance(strings.ToLower(name), strings.ToLower(k)); d < bestD || (d == bestD && k < best) {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return " (did you mean " + best + "?)"
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Filter attribute names, sorted (for documentation and tooling).
func FilterAttributes() []string {
	out := make([]string, 0, len(fields))
	for k := range fields {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// ---- numbers ----

type numMatcher struct {
	fd     *field
	ranges []numRange
}

type numRange struct {
	lo, hi         float64
	loOpen, hiOpen bool
}

func compileNumber(fd *field, raw json.RawMessage) (matcher, error) {
	nfs, err := decodeArray[NumberFilter](fd, raw)
	if err != nil || len(nfs) == 0 {
		return nil, err
	}
	m := &numMatcher{fd: fd}
	for i, nf := range nfs {
		r := numRange{lo: math.Inf(-1), hi: math.Inf(1)}
		if nf.Eq == nil && nf.Gt == nil && nf.Gte == nil && nf.Lt == nil && nf.Lte == nil {
			return nil, &FilterError{Attribute: fd.name, Index: i, Message: "a NumberFilter needs one of Eq, Gt, Gte, Lt, Lte"}
		}
		if nf.Eq != nil {
			r.lo, r.hi = *nf.Eq, *nf.Eq
		}
		if nf.Gte != nil && *nf.Gte >= r.lo {
			r.lo, r.loOpen = *nf.Gte, false
		}
		if nf.Gt != nil && *nf.Gt >= r.lo {
			r.lo, r.loOpen = *nf.Gt, true
		}
		if nf.Lte != nil && *nf.Lte <= r.hi {
			r.hi, r.hiOpen = *nf.Lte, false
		}
		if nf.Lt != nil && *nf.Lt <= r.hi {
			r.hi, r.hiOpen = *nf.Lt, true
		}
		m.ranges = append(m.ranges, r)
	}
	return m, nil
}

func (r numRange) has(v float64) bool {
	if v < r.lo || (r.loOpen && v == r.lo) {
		return false
	}
	return v < r.hi || (!r.hiOpen && v == r.hi)
}

// Several NumberFilters on one attribute are ORed, like the positive
// string comparisons [inferred: AWS documents the bounds, not the combination].
func (m *numMatcher) match(f *Finding) bool {
	n := m.fd.n(f)
	for i := 0; i < n; i++ {
		v, ok := m.fd.num(f, i)
		if !ok {
			continue
		}
		for _, r := range m.ranges {
			if r.has(v) {
				return true
			}
		}
	}
	return false
}

// ---- dates ----

type dateMatcher struct {
	fd     *field
	ranges []dateRange
}

type dateRange struct{ start, end time.Time } // zero = open

func compileDate(fd *field, raw json.RawMessage, now time.Time) (matcher, error) {
	dfs, err := decodeArray[DateFilter](fd, raw)
	if err != nil || len(dfs) == 0 {
		return nil, err
	}
	m := &dateMatcher{fd: fd}
	for i, df := range dfs {
		r, err := compileDateFilter(df, now)
		if err != nil {
			return nil, &FilterError{Attribute: fd.name, Index: i, Message: err.Error(), Err: err}
		}
		m.ranges = append(m.ranges, r)
	}
	return m, nil
}

func compileDateFilter(df DateFilter, now time.Time) (dateRange, error) {
	var r dateRange
	if df.DateRange != nil {
		if df.Start != "" || df.End != "" {
			return r, fmt.Errorf("give either Start/End or DateRange, not both")
		}
		dr := df.DateRange
		if dr.Value == nil || *dr.Value < 0 {
			return r, fmt.Errorf("DateRange.Value must be a non-negative number of days")
		}
		if dr.Unit != "DAYS" {
			return r, fmt.Errorf("DateRange.Unit %q: expected DAYS", dr.Unit)
		}
		cut := now.Add(-time.Duration(*dr.Value) * 24 * time.Hour)
		switch dr.Comparison {
		case "", "WITHIN":
			r.start = cut
		case "OLDER_THAN":
			r.end = cut.Add(-time.Nanosecond)
		default:
			return r, fmt.Errorf("DateRange.Comparison %q: expected WITHIN or OLDER_THAN", dr.Comparison)
		}
		return r, nil
	}
	if df.Start == "" && df.End == "" {
		return r, fmt.Errorf("a DateFilter needs Start, End or DateRange")
	}
	var err error
	if df.Start != "" {
		if r.start, err = ParseTime(df.Start); err != nil {
			return r, fmt.Errorf("Start %q is not an RFC 3339 timestamp", df.Start)
		}
	}
	if df.End != "" {
		if r.end, err = ParseTime(df.End); err != nil {
			return r, fmt.Errorf("End %q is not an RFC 3339 timestamp", df.End)
		}
	}
	return r, nil
}

func (m *dateMatcher) match(f *Finding) bool {
	n := m.fd.n(f)
	for i := 0; i < n; i++ {
		s, ok := m.fd.str(f, i)
		if !ok {
			continue
		}
		t, err := ParseTime(s)
		if err != nil {
			continue
		}
		for _, r := range m.ranges {
			if (r.start.IsZero() || !t.Before(r.start)) && (r.end.IsZero() || !t.After(r.end)) {
				return true
			}
		}
	}
	return false
}

// ---- IP addresses ----

type ipMatcher struct {
	fd       *field
	prefixes []netip.Prefix
}

func compileIP(fd *field, raw json.RawMessage) (matcher, error) {
	ifs, err := decodeArray[IpFilter](fd, raw)
	if err != nil || len(ifs) == 0 {
		return nil, err
	}
	m := &ipMatcher{fd: fd}
	for i, f := range ifs {
		p, err := netip.ParsePrefix(f.Cidr)
		if err != nil {
			a, aerr := netip.ParseAddr(f.Cidr)
			if aerr != nil {
				return nil, &FilterError{Attribute: fd.name, Index: i, Message: fmt.Sprintf("Cidr %q is not a CIDR block", f.Cidr), Err: err}
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		m.prefixes = append(m.prefixes, p.Masked())
	}
	return m, nil
}

func (m *ipMatcher) match(f *Finding) bool {
	n := m.fd.n(f)
	for i := 0; i < n; i++ {
		s, ok := m.fd.str(f, i)
		if !ok {
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			continue
		}
		for _, p := range m.prefixes {
			if p.Contains(a.Unmap()) || p.Contains(a) {
				return true
			}
		}
	}
	return false
}

// ---- booleans and keywords ----

type boolMatcher struct {
	fd   *field
	want [2]bool // want[0]: false accepted, want[1]: true accepted
}

func compileBool(fd *field, raw json.RawMessage) (matcher, error) {
	bfs, err := decodeArray[BooleanFilter](fd, raw)
	if err != nil || len(bfs) == 0 {
		return nil, err
	}
	m := &boolMatcher{fd: fd}
	for i, b := range bfs {
		if b.Value == nil {
			return nil, &FilterError{Attribute: fd.name, Index: i, Message: "a BooleanFilter needs Value"}
		}
		if *b.Value {
			m.want[1] = true
		} else {
			m.want[0] = true
		}
	}
	return m, nil
}

// A finding without Sample counts as Sample=false [inferred].
func (m *boolMatcher) match(f *Finding) bool {
	v, _ := m.fd.num(f, 0)
	return m.want[int(v)]
}

type keywordMatcher struct {
	fd     *field
	values []string
}

func compileKeyword(fd *field, raw json.RawMessage) (matcher, error) {
	kfs, err := decodeArray[KeywordFilter](fd, raw)
	if err != nil || len(kfs) == 0 {
		return nil, err
	}
	m := &keywordMatcher{fd: fd}
	for i, k := range kfs {
		if k.Value == "" {
			return nil, &FilterError{Attribute: fd.name, Index: i, Message: "a KeywordFilter needs Value"}
		}
		m.values = append(m.values, k.Value)
	}
	return m, nil
}

// Keyword is deprecated and AWS documents no semantics; moat matches a
// keyword contained (case-sensitively) in Title or Description.
func (m *keywordMatcher) match(f *Finding) bool {
	n := m.fd.n(f)
	for i := 0; i < n; i++ {
		s, _ := m.fd.str(f, i)
		for _, v := range m.values {
			if strings.Contains(s, v) {
				return true
			}
		}
	}
	return false
}
