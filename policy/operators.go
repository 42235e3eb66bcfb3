package policy

import (
	"sort"
	"strings"
)

// baseOp is a condition operator without set prefix, IfExists suffix or negation.
type baseOp uint8

const (
	opStringEquals baseOp = iota + 1
	opStringEqualsIgnoreCase
	opStringLike
	opNumericEquals
	opNumericLessThan
	opNumericLessThanEquals
	opNumericGreaterThan
	opNumericGreaterThanEquals
	opDateEquals
	opDateLessThan
	opDateLessThanEquals
	opDateGreaterThan
	opDateGreaterThanEquals
	opBool
	opBinaryEquals
	opIPAddress
	opArnLike // ArnEquals and ArnLike behave identically
	opNull
)

type opInfo struct {
	base    baseOp
	negated bool
}

// operators maps every AWS condition operator name (without ForAllValues:,
// ForAnyValue: and IfExists) to its base operator.
var operators = map[string]opInfo{
	"StringEquals":              {opStringEquals, false},
	"StringNotEquals":           {opStringEquals, true},
	"StringEqualsIgnoreCase":    {opStringEqualsIgnoreCase, false},
	"StringNotEqualsIgnoreCase": {opStringEqualsIgnoreCase, true},
	"StringLike":                {opStringLike, false},
	"StringNotLike":             {opStringLike, true},
	"NumericEquals":             {opNumericEquals, false},
	"NumericNotEquals":          {opNumericEquals, true},
	"NumericLessThan":           {opNumericLessThan, false},
	"NumericLessThanEquals":     {opNumericLessThanEquals, false},
	"NumericGreaterThan":        {opNumericGreaterThan, false},
	"NumericGreaterThanEquals":  {opNumericGreaterThanEquals, false},
	"DateEquals":                {opDateEquals, false},
	"DateNotEquals":             {opDateEquals, true},
	"DateLessThan":              {opDateLessThan, false},
	"DateLessThanEquals":        {opDateLessThanEquals, false},
	"DateGreaterThan":           {opDateGreaterThan, false},
	"DateGreaterThanEquals":     {opDateGreaterThanEquals, false},
	"Bool":                      {opBool, false},
	"BinaryEquals":              {opBinaryEquals, false},
	"IpAddress":                 {opIPAddress, false},
	"NotIpAddress":              {opIPAddress, true},
	"ArnEquals":                 {opArnLike, false},
	"ArnLike":                   {opArnLike, false},
	"ArnNotEquals":              {opArnLike, true},
	"ArnNotLike":                {opArnLike, true},
	"Null":                      {opNull, false},
}

type setMod uint8

const (
	setNone setMod = iota
	setForAll
	setForAny
)

// parsedOp is an operator name taken apart.
type parsedOp struct {
	name     string // base name, e.g. "StringLike"
	info     opInfo
	set      setMod
	ifExists bool
}

// parseOperator splits "ForAnyValue:StringLikeIfExists" into its parts.
func parseOperator(s string) (parsedOp, bool) {
	var p parsedOp
	rest := s
	switch {
	case strings.HasPrefix(rest, "ForAllValues:"):
		p.set, rest = setForAll, rest[len("ForAllValues:"):]
	case strings.HasPrefix(rest, "ForAnyValue:"):
		p.set, rest = setForAny, rest[len("ForAnyValue:"):]
	}
	if strings.HasSuffix(rest, "IfExists") && rest != "IfExists" {
		p.ifExists, rest = true, strings.TrimSuffix(rest, "IfExists")
	}
	info, ok := operators[rest]
	if !ok || (p.ifExists && info.base == opNull) {
		return parsedOp{}, false
	}
	p.name, p.info = rest, info
	return p, true
}

// suggestOperator proposes the closest operator name for an unknown one.
func suggestOperator(s string) string {
	prefix := ""
	rest := s
	for _, sp := range []string{"ForAllValues:", "ForAnyValue:"} {
		if len(rest) >= len(sp) && strings.EqualFold(rest[:len(sp)], sp) {
			prefix, rest = sp, rest[len(sp):]
		}
	}
	suffix := ""
	if len(rest) > 8 && strings.EqualFold(rest[len(rest)-8:], "IfExists") {
		suffix, rest = "IfExists", rest[:len(rest)-8]
	}
	if suffix != "" && strings.EqualFold(rest, "Null") {
		return " (Null does not take IfExists)"
	}
	best := rest
	if _, ok := operators[rest]; !ok {
		names := make([]string, 0, len(operators))
		for n := range operators {
			names = append(names, n)
		}
		sort.Strings(names)
		sg := suggest(rest, names)
		if sg == "" {
			return ""
		}
		best = strings.TrimSuffix(strings.TrimPrefix(sg, " (did you mean "), "?)")
	}
	if c := prefix + best + suffix; c != s {
		return " (did you mean " + c + "?)"
	}
	return ""
}

// acceptsVariables reports whether values of the operator may hold policy
// variables: String and ARN operators, and Bool (the operators page allows
// it, the variables page does not; moat is lenient).
func (b baseOp) acceptsVariables() bool {
	switch b {
	case opStringEquals, opStringEqualsIgnoreCase, opStringLike, opArnLike, opBool:
		return true
	}
	return false
}
