package guardduty

import (
	"cmp"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// FindingCriteria: the attributes GuardDuty documents for ListFindings,
// GetFindingsStatistics and filters (API reference, ListFindings
// "findingCriteria"), each with the path it is read from in a stored finding
// and its kind. A criterion on any other attribute is refused with
// BadRequestException, as GuardDuty refuses it, rather than ignored.
//
// Criteria are compiled once per call (compileCriteria) and evaluated on the
// stored JSON of each finding, decoded once (decodeFinding).

type critKind uint8

const (
	kString critKind = iota
	kNumber
	kBool
	kTime   // updatedAt: RFC 3339 in the finding; bounds in epoch milliseconds
	kSuffix // dnsRequestAction.domainWithSuffix: the domain or any parent of it
)

type critField struct {
	paths [][]string // alternatives; the first that yields values wins
	kind  critKind
}

func cf(kind critKind, paths ...string) critField {
	f := critField{kind: kind}
	for _, p := range paths {
		f.paths = append(f.paths, strings.Split(p, "."))
	}
	return f
}

var criterionFields = map[string]critField{
	"accountId":  cf(kString, "accountId"),
	"region":     cf(kString, "region"),
	"confidence": cf(kNumber, "confidence"),
	"id":         cf(kString, "id"),
	"severity":   cf(kNumber, "severity"),
	"type":       cf(kString, "type"),
	"updatedAt":  cf(kTime, "updatedAt"),

	"resource.accessKeyDetails.accessKeyId":                    cf(kString, "resource.accessKeyDetails.accessKeyId"),
	"resource.accessKeyDetails.principalId":                    cf(kString, "resource.accessKeyDetails.principalId"),
	"resource.accessKeyDetails.userName":                       cf(kString, "resource.accessKeyDetails.userName"),
	"resource.accessKeyDetails.userType":                       cf(kString, "resource.accessKeyDetails.userType"),
	"resource.instanceDetails.iamInstanceProfile.id":           cf(kString, "resource.instanceDetails.iamInstanceProfile.id"),
	"resource.instanceDetails.imageId":                         cf(kString, "resource.instanceDetails.imageId"),
	"resource.instanceDetails.instanceId":                      cf(kString, "resource.instanceDetails.instanceId"),
	"resource.instanceDetails.networkInterfaces.ipv6Addresses": cf(kString, "resource.instanceDetails.networkInterfaces.ipv6Addresses"),
	// moat's findings carry the interface's one private address directly.
	"resource.instanceDetails.networkInterfaces.privateIpAddresses.privateIpAddress": cf(kString,
		"resource.instanceDetails.networkInterfaces.privateIpAddresses.privateIpAddress", "resource.instanceDetails.networkInterfaces.privateIpAddress"),
	"resource.instanceDetails.networkInterfaces.publicDnsName":            cf(kString, "resource.instanceDetails.networkInterfaces.publicDnsName"),
	"resource.instanceDetails.networkInterfaces.publicIp":                 cf(kString, "resource.instanceDetails.networkInterfaces.publicIp"),
	"resource.instanceDetails.networkInterfaces.securityGroups.groupId":   cf(kString, "resource.instanceDetails.networkInterfaces.securityGroups.groupId"),
	"resource.instanceDetails.networkInterfaces.securityGroups.groupName": cf(kString, "resource.instanceDetails.networkInterfaces.securityGroups.groupName"),
	"resource.instanceDetails.networkInterfaces.subnetId":                 cf(kString, "resource.instanceDetails.networkInterfaces.subnetId"),
	"resource.instanceDetails.networkInterfaces.vpcId":                    cf(kString, "resource.instanceDetails.networkInterfaces.vpcId"),
	"resource.instanceDetails.tags.key":                                   cf(kString, "resource.instanceDetails.tags.key"),
	"resource.instanceDetails.tags.value":                                 cf(kString, "resource.instanceDetails.tags.value"),
	"resource.resourceType":                                               cf(kString, "resource.resourceType"),

	"service.action.actionType":                                           cf(kString, "service.action.actionType"),
	"service.action.awsApiCallAction.api":                                 cf(kString, "service.action.awsApiCallAction.api"),
	"service.action.awsApiCallAction.callerType":                          cf(kString, "service.action.awsApiCallAction.callerType"),
	"service.action.awsApiCallAction.remoteIpDetails.city.cityName":       cf(kString, "service.action.awsApiCallAction.remoteIpDetails.city.cityName"),
	"service.action.awsApiCallAction.remoteIpDetails.country.countryName": cf(kString, "service.action.awsApiCallAction.remoteIpDetails.country.countryName"),
	"service.action.awsApiCallAction.remoteIpDetails.ipAddressV4":         cf(kString, "service.action.awsApiCallAction.remoteIpDetails.ipAddressV4"),
	"service.action.awsApiCallAction.remoteIpDetails.organization.asn":    cf(kString, "service.action.awsApiCallAction.remoteIpDetails.organization.asn"),
	"service.action.awsApiCallAction.remoteIpDetails.organization.asnOrg": cf(kString, "service.action.awsApiCallAction.remoteIpDetails.organization.asnOrg"),
	"service.action.awsApiCallAction.serviceName":                         cf(kString, "service.action.awsApiCallAction.serviceName"),
	"service.action.dnsRequestAction.domain":                              cf(kString, "service.action.dnsRequestAction.domain"),
	"service.action.dnsRequestAction.domainWithSuffix":                    cf(kSuffix, "service.action.dnsRequestAction.domain"),
	"service.action.networkConnectionAction.blocked":                      cf(kBool, "service.action.networkConnectionAction.blocked"),
	"service.action.networkConnectionAction.connectionDirection":          cf(kString, "service.action.networkConnectionAction.connectionDirection"),
	"service.action.networkConnectionAction.localPortDetails.port":        cf(kNumber, "service.action.networkConnectionAction.localPortDetails.port"),
	"service.action.networkConnectionAction.protocol":                     cf(kString, "service.action.networkConnectionAction.protocol"),
	"service.action.networkConnectionAction.remoteIpDetails.country.countryName": cf(kString,
		"service.action.networkConnectionAction.remoteIpDetails.country.countryName"),
	"service.action.networkConnectionAction.remoteIpDetails.ipAddressV4": cf(kString, "service.action.networkConnectionAction.remoteIpDetails.ipAddressV4"),
	"service.action.networkConnectionAction.remoteIpDetails.organization.asn": cf(kString,
		"service.action.networkConnectionAction.remoteIpDetails.organization.asn"),
	"service.action.networkConnectionAction.remoteIpDetails.organization.asnOrg": cf(kString,
		"service.action.networkConnectionAction.remoteIpDetails.organization.asnOrg"),
	"service.action.networkConnectionAction.remotePortDetails.port": cf(kNumber, "service.action.networkConnectionAction.remotePortDetails.port"),
	"service.additionalInfo.threatListName":                         cf(kString, "service.additionalInfo.threatListName"),
	"service.archived":                                              cf(kBool, "service.archived"),
	"service.ebsVolumeScanDetails.scanId":                           cf(kString, "service.ebsVolumeScanDetails.scanId"),
	"service.resourceRole":                                          cf(kString, "service.resourceRole"),
}

// sortFields are the attributes ListFindings sorts on: the criterion
// attributes and createdAt.
func sortField(name string) (critField, bool) {
	if name == "createdAt" {
		return cf(kTime, "createdAt"), true
	}
	f, ok := criterionFields[name]
	return f, ok
}

// Condition is GuardDuty's Condition shape, every operator: the current
// ones (equals, notEquals, greaterThan, greaterThanOrEqual, lessThan,
// lessThanOrEqual), the deprecated ones (eq, neq, gt, gte, lt, lte) and the
// filter-only wildcard ones (matches, notMatches).
type Condition struct {
	Eq                 []string `aws:"eq" json:"eq,omitempty"`
	Neq                []string `aws:"neq" json:"neq,omitempty"`
	Gt                 *int32   `aws:"gt" json:"gt,omitempty"`
	Gte                *int32   `aws:"gte" json:"gte,omitempty"`
	Lt                 *int32   `aws:"lt" json:"lt,omitempty"`
	Lte                *int32   `aws:"lte" json:"lte,omitempty"`
	Equals             []string `aws:"equals" json:"equals,omitempty"`
	NotEquals          []string `aws:"notEquals" json:"notEquals,omitempty"`
	GreaterThan        *int64   `aws:"greaterThan" json:"greaterThan,omitempty"`
	GreaterThanOrEqual *int64   `aws:"greaterThanOrEqual" json:"greaterThanOrEqual,omitempty"`
	LessThan           *int64   `aws:"lessThan" json:"lessThan,omitempty"`
	LessThanOrEqual    *int64   `aws:"lessThanOrEqual" json:"lessThanOrEqual,omitempty"`
	Matches            []string `aws:"matches" json:"matches,omitempty"`
	NotMatches         []string `aws:"notMatches" json:"notMatches,omitempty"`
}

// FindingCriteria is GuardDuty's FindingCriteria shape.
type FindingCriteria struct {
	Criterion map[string]Condition `aws:"criterion" json:"criterion"`
}

// maxConditionValues is the documented limit of values per list operator.
const maxConditionValues = 50

// criteria is compiled FindingCriteria; the zero value matches everything.
type criteria struct {
	conds []compiledCond
}

type compiledCond struct {
	name       string
	field      critField
	eq, neq    []string  // string and bool kinds (bools as "true"/"false")
	eqN, neqN  []float64 // number and time kinds
	lo, hi     float64   // bounds, inclusive after normalisation
	hasBounds  bool
	match, not []string // wildcard patterns
}

// criterionError is GuardDuty's "invalid value" message for
// findingCriteria, with the reason.
func criterionError(format string, args ...any) error {
	return badRequest.New("The request is rejected because the parameter findingCriteria has an invalid value: "+format, args...)
}

// compileCriteria checks and compiles crit. allowMatches is true for
// filters, the only place GuardDuty accepts matches/notMatches.
func compileCriteria(crit *FindingCriteria, allowMatches bool) (*criteria, error) {
	c := &criteria{}
	if crit == nil {
		return c, nil
	}
	names := make([]string, 0, len(crit.Criterion))
	for n := range crit.Criterion {
		names = append(names, n)
	}
	slices.Sort(names) // deterministic errors
	for _, name := range names {
		cond := crit.Criterion[name]
		fd, ok := criterionFields[name]
		if !ok {
			return nil, criterionError("%q is not an attribute findings can be filtered on.", name)
		}
		cc := compiledCond{name: name, field: fd, lo: math.Inf(-1), hi: math.Inf(1)}
		eq := append(append([]string(nil), cond.Eq...), cond.Equals...)
		neq := append(append([]string(nil), cond.Neq...), cond.NotEquals...)
		if len(eq) > maxConditionValues || len(neq) > maxConditionValues {
			return nil, criterionError("the condition of %q has more than %d values.", name, maxConditionValues)
		}
		if len(cond.Matches)+len(cond.NotMatches) > 0 && !allowMatches {
			return nil, criterionError("the matches and notMatches conditions of %q are only available for filters.", name)
		}
		cc.match, cc.not = cond.Matches, cond.NotMatches
		var err error
		switch fd.kind {
		case kNumber, kTime:
			if cc.eqN, err = numbers(name, fd.kind, eq); err == nil {
				cc.neqN, err = numbers(name, fd.kind, neq)
			}
		case kBool:
			cc.eq, err = bools(name, eq)
			if err == nil {
				cc.neq, err = bools(name, neq)
			}
		default:
			cc.eq, cc.neq = eq, neq
		}
		if err != nil {
			return nil, err
		}
		bound := func(v *int64, w *int32, strict, lower bool) {
			var x float64
			switch {
			case v != nil:
				x = float64(*v)
			case w != nil:
				x = float64(*w)
			default:
				return
			}
			cc.hasBounds = true
			if strict { // integers and epoch milliseconds: > x is >= next representable step
				if lower {
					x = math.Nextafter(x, math.Inf(1))
				} else {
					x = math.Nextafter(x, math.Inf(-1))
				}
			}
			if lower {
				cc.lo = math.Max(cc.lo, x)
			} else {
				cc.hi = math.Min(cc.hi, x)
			}
		}
		bound(cond.GreaterThan, cond.Gt, true, true)
		bound(cond.GreaterThanOrEqual, cond.Gte, false, true)
		bound(cond.LessThan, cond.Lt, true, false)
		bound(cond.LessThanOrEqual, cond.Lte, false, false)
		if cc.hasBounds && fd.kind != kNumber && fd.kind != kTime {
			return nil, criterionError("%q is not a numeric or date attribute: it takes no greaterThan or lessThan condition.", name)
		}
		if len(eq)+len(neq)+len(cc.match)+len(cc.not) == 0 && !cc.hasBounds {
			return nil, criterionError("the condition of %q is empty.", name)
		}
		c.conds = append(c.conds, cc)
	}
	return c, nil
}

func numbers(name string, k critKind, list []string) ([]float64, error) {
	var out []float64
	for _, s := range list {
		if k == kTime {
			if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
				out = append(out, float64(t.UnixMilli()))
				continue
			}
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, criterionError("the value %q of %q is not a number.", s, name)
		}
		out = append(out, x)
	}
	return out, nil
}

func bools(name string, list []string) ([]string, error) {
	out := make([]string, 0, len(list))
	for _, s := range list {
		switch strings.ToLower(s) {
		case "true", "false":
			out = append(out, strings.ToLower(s))
		default:
			return nil, criterionError("the value %q of %q is not true or false.", s, name)
		}
	}
	return out, nil
}

// decodeFinding reads a stored finding for evaluation.
func decodeFinding(b []byte) (map[string]any, error) {
	var m map[string]any
	err := json.Unmarshal(b, &m)
	return m, err
}

// values appends the scalar values at path in v, flattening arrays.
func values(v any, path []string, out []any) []any {
	if len(path) == 0 {
		switch x := v.(type) {
		case nil:
			return out
		case []any:
			for _, e := range x {
				out = values(e, nil, out)
			}
			return out
		case map[string]any:
			return out
		}
		return append(out, v)
	}
	switch x := v.(type) {
	case map[string]any:
		return values(x[path[0]], path[1:], out)
	case []any:
		for _, e := range x {
			out = values(e, path, out)
		}
	}
	return out
}

func (fd critField) read(f map[string]any, buf []any) []any {
	for _, p := range fd.paths {
		if buf = values(f, p, buf[:0]); len(buf) > 0 {
			return buf
		}
	}
	return buf
}

func asString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return ""
}

func asNumber(v any, k critKind) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case string:
		if k == kTime {
			t, err := time.Parse(time.RFC3339Nano, x)
			return float64(t.UnixMilli()), err == nil
		}
		n, err := strconv.ParseFloat(x, 64)
		return n, err == nil
	}
	return 0, false
}

// Match reports whether the decoded finding f meets every condition.
func (c *criteria) Match(f map[string]any) bool {
	var buf [8]any
	for i := range c.conds {
		if !c.conds[i].match1(f, buf[:0]) {
			return false
		}
	}
	return true
}

func (cc *compiledCond) match1(f map[string]any, buf []any) bool {
	vals := cc.field.read(f, buf)
	k := cc.field.kind
	if k == kNumber || k == kTime {
		nums := make([]float64, 0, len(vals))
		for _, v := range vals {
			if n, ok := asNumber(v, k); ok {
				nums = append(nums, n)
			}
		}
		if len(cc.eqN) > 0 && !slices.ContainsFunc(nums, func(n float64) bool { return numEq(cc.name, cc.eqN, n) }) {
			return false
		}
		if len(cc.neqN) > 0 && slices.ContainsFunc(nums, func(n float64) bool { return numEq(cc.name, cc.neqN, n) }) {
			return false
		}
		if cc.hasBounds && !slices.ContainsFunc(nums, func(n float64) bool { return n >= cc.lo && n <= cc.hi }) {
			return false
		}
	} else {
		strs := make([]string, 0, len(vals))
		for _, v := range vals {
			strs = append(strs, asString(v))
		}
		eq := func(list []string, s string) bool {
			for _, w := range list {
				if s == w || (k == kSuffix && strings.HasSuffix(s, "."+w)) {
					return true
				}
			}
			return false
		}
		if len(cc.eq) > 0 && !slices.ContainsFunc(strs, func(s string) bool { return eq(cc.eq, s) }) {
			return false
		}
		if len(cc.neq) > 0 && slices.ContainsFunc(strs, func(s string) bool { return eq(cc.neq, s) }) {
			return false
		}
	}
	if len(cc.match)+len(cc.not) > 0 {
		strs := make([]string, 0, len(vals))
		for _, v := range vals {
			strs = append(strs, asString(v))
		}
		if len(cc.match) > 0 && !slices.ContainsFunc(strs, func(s string) bool { return anyGlob(cc.match, s) }) {
			return false
		}
		if len(cc.not) > 0 && slices.ContainsFunc(strs, func(s string) bool { return anyGlob(cc.not, s) }) {
			return false
		}
	}
	return true
}

// numEq compares a criterion value with a finding's number. On severity a
// whole number names the whole band, as GuardDuty's documented lists do
// (Low "1","2","3"; "8" matches 8.0 and 8.5).
func numEq(name string, list []float64, n float64) bool {
	for _, w := range list {
		if n == w || (name == "severity" && w == math.Trunc(w) && math.Trunc(n) == w) {
			return true
		}
	}
	return false
}

func anyGlob(patterns []string, s string) bool {
	for _, p := range patterns {
		if glob(p, s) {
			return true
		}
	}
	return false
}

// glob matches s against p where * is any run of characters and ? one
// character (GuardDuty's wildcard operators; '/' is an ordinary character).
func glob(p, s string) bool {
	px, sx := 0, 0
	star, mark := -1, 0
	for sx < len(s) {
		switch {
		case px < len(p) && (p[px] == '?' || p[px] == s[sx]):
			px++
			sx++
		case px < len(p) && p[px] == '*':
			star, mark = px, sx
			px++
		case star >= 0:
			px = star + 1
			mark++
			sx = mark
		default:
			return false
		}
	}
	for px < len(p) && p[px] == '*' {
		px++
	}
	return px == len(p)
}

// sortKey returns the first value of fd in f for sorting, and whether any.
func sortKey(fd critField, f map[string]any) (float64, string, bool) {
	var buf [4]any
	vals := fd.read(f, buf[:0])
	if len(vals) == 0 {
		return 0, "", false
	}
	if fd.kind == kNumber || fd.kind == kTime {
		n, ok := asNumber(vals[0], fd.kind)
		return n, "", ok
	}
	return 0, asString(vals[0]), true
}

type sortable struct {
	id  string
	n   float64
	s   string
	has bool
}

// sortFindings orders by the attribute (findings without it last), ties by id.
func sortFindings(list []sortable, numeric, desc bool) {
	slices.SortStableFunc(list, func(a, b sortable) int {
		if a.has != b.has {
			if a.has {
				return -1
			}
			return 1
		}
		c := 0
		if numeric {
			c = cmp.Compare(a.n, b.n)
		} else {
			c = cmp.Compare(a.s, b.s)
		}
		if desc {
			c = -c
		}
		if c != 0 {
			return c
		}
		return cmp.Compare(a.id, b.id)
	})
}
