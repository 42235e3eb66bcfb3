package policy

import (
	"encoding/base64"
	"strings"
)

// singleValued lists global keys AWS documents as single-valued; prefixes end in '/'.
var singleValued = []string{"aws:principaltag/", "aws:requesttag/", "aws:resourcetag/", "aws:sourceip", "aws:sourcevpce",
	"aws:sourcevpc", "aws:vpcsourceip", "aws:securetransport", "aws:multifactorauthpresent", "aws:multifactorauthage",
	"aws:tokenissuetime", "aws:principalorgid", "aws:principalaccount", "aws:userid", "aws:username", "aws:principalarn",
	"aws:principaltype", "aws:currenttime", "aws:epochtime", "aws:requestedregion", "aws:viaawsservice",
	"aws:calledviafirst", "aws:calledvialast", "aws:principalisawsservice", "aws:principalservicename", "aws:sourcearn",
	"aws:sourceaccount", "aws:resourceaccount", "aws:sourceidentity", "aws:referer", "aws:useragent", "aws:sourceorgid",
	"aws:resourceorgid", "aws:federatedprovider", "aws:ec2instancesourcevpc", "aws:ec2instancesourceprivateipv4"}

// multiValued lists keys AWS documents as multivalued.
var multiValued = map[string]bool{"aws:tagkeys": true, "aws:calledvia": true, "aws:principalorgpaths": true,
	"aws:principalservicenameslist": true, "aws:resourceorgpaths": true, "aws:sourceorgpaths": true,
	"dynamodb:attributes": true}

func isSingleValued(key string) bool {
	k := strings.ToLower(key)
	for _, s := range singleValued {
		if k == s || (strings.HasSuffix(s, "/") && strings.HasPrefix(k, s) && len(k) > len(s)) {
			return true
		}
	}
	return false
}

func (v *validator) conditions(s *Statement) {
	if !s.has["Condition"] {
		return
	}
	if len(s.Conditions) == 0 {
		v.at(s, "Condition", SeveritySuggestion, "EMPTY_OBJECT_CONDITION", "the Condition element is empty")
	}
	for _, op := range s.ops {
		if _, ok := parseOperator(op.name); ok {
			continue
		}
		if strings.HasSuffix(op.name, "IfExists") && strings.HasSuffix(strings.TrimSuffix(op.name, "IfExists"), "Null") {
			v.add(SeverityError, "NULL_WITH_IF_EXISTS", s.path+".Condition."+op.name, op.line, op.col, "the Null operator cannot be used with IfExists")
		} else {
			v.add(SeverityError, "INVALID_CONDITION_OPERATOR", s.path+".Condition", op.line, op.col, "unknown operator %s%s", op.name, suggestOperator(op.name))
		}
	}
	keysByOp := map[string]map[string]string{}
	for i := range s.Conditions {
		c := &s.Conditions[i]
		path := s.path + ".Condition." + c.Operator + "." + c.Key
		add := func(sev Severity, code, format string, args ...any) {
			v.add(sev, code, path, c.Line, c.Column, format, args...)
		}
		op, ok := parseOperator(c.Operator)
		if !ok {
			continue // reported above, once per operator
		}
		lower := strings.ToLower(c.Key)
		if m := keysByOp[c.Operator]; m != nil {
			if prev, dup := m[lower]; dup && prev != c.Key {
				add(SeverityError, "DUPLICATE_KEYS_WITH_DIFFERENT_CASE", "the condition keys %q and %q differ only in case; keys are case-insensitive", prev, c.Key)
			}
		} else {
			keysByOp[c.Operator] = map[string]string{}
		}
		keysByOp[c.Operator][lower] = c.Key
		if !strings.Contains(c.Key, ":") {
			add(SeverityError, "INVALID_CONDITION_KEY_FORMAT", "the condition key %q is not valid: use prefix:name, e.g. aws:SourceIp", c.Key)
		}
		if len(c.Values) == 0 {
			add(SeveritySuggestion, "EMPTY_ARRAY_CONDITION", "the condition has no values")
		}
		v.conditionValues(s, c, op, add)
		v.conditionSets(s, c, op, add)
	}
}

func (v *validator) conditionSets(s *Statement, c *Condition, op parsedOp, add func(Severity, string, string, ...any)) {
	switch {
	case op.set != setNone && isSingleValued(c.Key):
		code := "FOR_ALL_VALUES_WITH_SINGLE_VALUED_KEY"
		if op.set == setForAny {
			code = "FOR_ANY_VALUE_WITH_SINGLE_VALUED_KEY"
		}
		add(SeverityWarning, code, "%s is a single-valued key: remove the set operator from %s, it can make the policy more permissive than intended", c.Key, c.Operator)
	case op.set == setNone && op.info.base != opNull && multiValued[strings.ToLower(c.Key)]:
		add(SeverityWarning, "MULTIVALUED_KEY_WITHOUT_SET_OPERATOR", "%s is a multivalued key: use ForAllValues: or ForAnyValue: with %s (without one the condition never matches)", c.Key, c.Operator)
	}
	if op.set == setForAll && s.Effect == Allow {
		add(SeverityWarning, "FOR_ALL_VALUES_WITH_ALLOW", "ForAllValues with Allow also matches requests without %s or with an empty set; add a Null condition with \"false\" for %s", c.Key, c.Key)
	}
	if op.set != setNone && op.info.base == opNull {
		add(SeverityWarning, "SET_OPERATOR_WITH_NULL", "a set operator has no effect on Null")
	}
}

func (v *validator) conditionValues(s *Statement, c *Condition, op parsedOp, add func(Severity, string, string, ...any)) {
	vars := v.p.Version == "2012-10-17"
	for _, val := range c.Values {
		if strings.Contains(val, "${") && vars && !op.info.base.acceptsVariables() && !isEscapeOnly(val) {
			add(SeverityError, "INVALID_VARIABLE_FOR_OPERATOR", "policy variables are not supported with the %s operator", op.name)
			continue
		}
		if strings.Contains(val, "${") {
			continue
		}
		bad := ""
		switch op.info.base {
		case opNumericEquals, opNumericLessThan, opNumericLessThanEquals, opNumericGreaterThan, opNumericGreaterThanEquals:
			if _, ok := parseNumber(val); !ok {
				bad = "a number"
			}
		case opDateEquals, opDateLessThan, opDateLessThanEquals, opDateGreaterThan, opDateGreaterThanEquals:
			if _, ok := parseDate(val); !ok {
				bad = "an ISO 8601 date or epoch seconds"
			}
		case opIPAddress:
			if _, ok := parseCIDR(val); !ok {
				bad = "an IPv4 or IPv6 address or CIDR"
			}
		case opBool, opNull:
			if l := strings.ToLower(val); l != "true" && l != "false" {
				bad = "true or false"
			}
		case opBinaryEquals:
			if _, err := base64.StdEncoding.DecodeString(val); err != nil {
				bad = "base64"
			}
		case opArnLike:
			if val != "*" && strings.Count(val, ":") < 5 {
				bad = "an ARN (arn:partition:service:region:account:resource)"
			}
		}
		if bad != "" {
			add(SeverityError, "DATA_TYPE_MISMATCH", "the value %q does not match the type of %s: expected %s", val, op.name, bad)
		}
	}
	if op.info.base == opBool && len(c.Values) > 1 {
		add(SeverityError, "INVALID_CONDITION_MULTIPLE_BOOLEAN", "Bool takes a single value: \"true\" or \"false\"")
	}
}

// isEscapeOnly reports whether every ${...} in s is one of the escapes ${*} ${?} ${$}.
func isEscapeOnly(s string) bool {
	r := strings.NewReplacer("${*}", "", "${?}", "", "${$}", "")
	return !strings.Contains(r.Replace(s), "${")
}
