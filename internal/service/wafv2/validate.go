package wafv2

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/waf"
)

// compiled is what the engine says of a web ACL or rule group.
type compiled struct {
	capacity int64
	refs     []string
	acl      *waf.WebACL
}

// compileWebACL parses and compiles a web ACL document (AWS's WebACL
// members) with everything it references read from tx.
func compileWebACL(tx store.Tx, c *service.Call, doc map[string]json.RawMessage) (*compiled, error) {
	b, _ := json.Marshal(doc)
	f, err := waf.ParseWebACL(b)
	if err != nil {
		return nil, engineError(err)
	}
	refs, res, err := resolve(tx, c, f.Rules)
	if err != nil {
		return nil, err
	}
	acl, err := waf.Compile(f, waf.Options{Resources: res, SearchString: "base64", Account: c.Account()})
	if err != nil {
		return nil, engineError(err)
	}
	return &compiled{capacity: acl.Capacity(), refs: refs, acl: acl}, nil
}

// compileRules compiles a bare list of rules (CheckCapacity, rule groups)
// and returns their WCUs; inGroup refuses rule group statements, which a
// rule group cannot hold.
func compileRules(tx store.Tx, c *service.Call, rules, bodies json.RawMessage, inGroup bool) (*compiled, error) {
	if len(rules) == 0 || string(rules) == "null" {
		rules = json.RawMessage("[]")
	}
	doc := map[string]json.RawMessage{"Name": json.RawMessage(`"CheckCapacity"`), "DefaultAction": json.RawMessage(`{"Allow":{}}`), "Rules": rules}
	if len(bodies) > 0 && string(bodies) != "null" {
		doc["CustomResponseBodies"] = bodies
	}
	b, _ := json.Marshal(doc)
	f, err := waf.ParseWebACL(b)
	if err != nil {
		return nil, engineError(err)
	}
	if inGroup {
		for i, r := range f.Rules {
			if r.Statement != nil && (r.Statement.ManagedRuleGroupStatement != nil || r.Statement.RuleGroupReferenceStatement != nil) {
				return nil, invalid(fmt.Sprintf("Your nested statement isn't valid: a rule group cannot reference another rule group (at Rules[%d].Statement)", i), "STATEMENT", "Statement")
			}
		}
	}
	refs, res, err := resolve(tx, c, f.Rules)
	if err != nil {
		return nil, err
	}
	opts := waf.Options{Resources: res, SearchString: "base64", Account: c.Account()}
	if len(doc["CustomResponseBodies"]) > 0 {
		// A rule group's rules, with the group's response bodies.
		acl, err := waf.Compile(f, opts)
		if err != nil {
			return nil, engineError(err)
		}
		return &compiled{capacity: acl.Capacity(), refs: refs}, nil
	}
	n, err := waf.RulesCapacity(f.Rules, opts)
	if err != nil {
		return nil, engineError(err)
	}
	return &compiled{capacity: n, refs: refs}, nil
}

// resolve finds every IP set, regex pattern set and rule group the rules
// reference, in the caller's account and region; a reference to anything
// else is WAFNonexistentItemException.
func resolve(tx store.Tx, c *service.Call, rules []waf.Rule) ([]string, waf.Resources, error) {
	var res waf.Resources
	seen := map[string]bool{}
	var refs []string
	var walkErr error
	// add loads a referenced resource once; a rule group may be another
	// account's, shared with the caller, and its own references are then
	// read in the owner's account.
	add := func(arn string, load func(tx store.Tx, arn string) (*entity, error)) *entity {
		if walkErr != nil || seen[arn] {
			return nil
		}
		seen[arn] = true
		e, err := load(tx, arn)
		if err != nil {
			if awserr.From(err).Code == invalidParameter.Code {
				// A malformed ARN inside a statement.
				err = invalid("The parameter contains formatting that is not valid.", "STATEMENT", arn)
			}
			walkErr = err
			return nil
		}
		refs = append(refs, arn)
		return e
	}
	own := func(tx store.Tx, arn string) (*entity, error) { return loadARN(tx, c, arn) }
	shared := func(tx store.Tx, arn string) (*entity, error) { return loadShared(tx, c, arn, "wafv2:CreateWebACL") }
	addSet := func(e *entity) {
		switch e.Kind {
		case kindIPSet:
			res.IPSets = append(res.IPSets, e.ipSetDoc())
		case kindRegexSet:
			res.RegexPatternSets = append(res.RegexPatternSets, e.regexSetDoc())
		}
	}
	for i := range rules {
		walk(rules[i].Statement, func(s *waf.Statement) {
			var e *entity
			want := ""
			switch {
			case s.IPSetReferenceStatement != nil:
				e, want = add(s.IPSetReferenceStatement.ARN, own), kindIPSet
			case s.RegexPatternSetReferenceStatement != nil:
				e, want = add(s.RegexPatternSetReferenceStatement.ARN, own), kindRegexSet
			case s.RuleGroupReferenceStatement != nil:
				e, want = add(s.RuleGroupReferenceStatement.ARN, shared), kindRuleGroup
			}
			if e == nil {
				return
			}
			if err := kindIs(e, want); err != nil {
				walkErr = err
				return
			}
			if e.Kind != kindRuleGroup {
				addSet(e)
				return
			}
			g, err := e.ruleGroupFile()
			if err != nil {
				walkErr = err
				return
			}
			res.RuleGroups = append(res.RuleGroups, g)
			// The group's own references (IP sets...) are the web ACL's too,
			// in the group owner's account.
			owner, _ := parseARN(e.ARN)
			inOwner := func(tx store.Tx, arn string) (*entity, error) {
				p, _ := parseARN(arn)
				return loadIn(tx, owner.Account, owner.Region, p.Kind, p.Scope, p.Name, p.ID)
			}
			for _, r := range e.Refs {
				if ref := add(r, inOwner); ref != nil {
					addSet(ref)
				}
			}
		})
	}
	return refs, res, walkErr
}

func kindIs(e *entity, kind string) error {
	if e.Kind != kind {
		return invalid("The parameter contains formatting that is not valid.", "STATEMENT", e.ARN)
	}
	return nil
}

// walk calls fn for s and every statement nested in it.
func walk(s *waf.Statement, fn func(*waf.Statement)) {
	if s == nil {
		return
	}
	fn(s)
	switch {
	case s.AndStatement != nil:
		for i := range s.AndStatement.Statements {
			walk(&s.AndStatement.Statements[i], fn)
		}
	case s.OrStatement != nil:
		for i := range s.OrStatement.Statements {
			walk(&s.OrStatement.Statements[i], fn)
		}
	case s.NotStatement != nil:
		walk(s.NotStatement.Statement, fn)
	case s.RateBasedStatement != nil:
		walk(s.RateBasedStatement.ScopeDownStatement, fn)
	case s.ManagedRuleGroupStatement != nil:
		walk(s.ManagedRuleGroupStatement.ScopeDownStatement, fn)
	}
}

func (e *entity) ipSetDoc() *waf.IPSetDoc {
	d := &waf.IPSetDoc{Name: e.Name, Id: e.ID, ARN: e.ARN}
	_ = json.Unmarshal(e.Members["IPAddressVersion"], &d.IPAddressVersion)
	_ = json.Unmarshal(e.Members["Addresses"], &d.Addresses)
	return d
}

func (e *entity) regexSetDoc() *waf.RegexPatternSetDoc {
	d := &waf.RegexPatternSetDoc{Name: e.Name, Id: e.ID, ARN: e.ARN}
	_ = json.Unmarshal(e.Members["RegularExpressionList"], &d.RegularExpressionList)
	return d
}

// ruleGroupFile is the stored rule group as the engine reads it, labels in
// its owner's namespace.
func (e *entity) ruleGroupFile() (*waf.RuleGroupFile, error) {
	owner, _ := parseARN(e.ARN)
	doc := e.document(map[string]any{"Capacity": e.Capacity, "LabelNamespace": labelNamespace(owner.Account, kindRuleGroup, e.Name)})
	g, err := waf.ParseRuleGroup(doc)
	if err != nil {
		return nil, fmt.Errorf("stored rule group %s: %w", e.ARN, err)
	}
	return g, nil
}

func labelNamespace(account, kind, name string) string {
	return "awswaf:" + account + ":" + kind + ":" + name + ":"
}

// fields maps the members of an engine error path to AWS's
// ParameterExceptionField, innermost first.
var fields = map[string]string{
	"ByteMatchStatement":                "BYTE_MATCH_STATEMENT",
	"SqliMatchStatement":                "SQLI_MATCH_STATEMENT",
	"XssMatchStatement":                 "XSS_MATCH_STATEMENT",
	"SizeConstraintStatement":           "SIZE_CONSTRAINT_STATEMENT",
	"GeoMatchStatement":                 "GEO_MATCH_STATEMENT",
	"RateBasedStatement":                "RATE_BASED_STATEMENT",
	"RuleGroupReferenceStatement":       "RULE_GROUP_REFERENCE_STATEMENT",
	"RegexPatternSetReferenceStatement": "REGEX_PATTERN_REFERENCE_STATEMENT",
	"IPSetReferenceStatement":           "IP_SET_REFERENCE_STATEMENT",
	"ManagedRuleGroupStatement":         "MANAGED_RULE_SET_STATEMENT",
	"LabelMatchStatement":               "LABEL_MATCH_STATEMENT",
	"AndStatement":                      "AND_STATEMENT",
	"OrStatement":                       "OR_STATEMENT",
	"NotStatement":                      "NOT_STATEMENT",
	"Statement":                         "STATEMENT",
	"Statements":                        "STATEMENT",
	"RegexMatchStatement":               "STATEMENT",
	"AsnMatchStatement":                 "STATEMENT",
	"FieldToMatch":                      "FIELD_TO_MATCH",
	"SingleHeader":                      "SINGLE_HEADER",
	"SingleQueryArgument":               "SINGLE_QUERY_ARGUMENT",
	"TextTransformations":               "TEXT_TRANSFORMATION",
	"MatchPattern":                      "JSON_MATCH_PATTERN",
	"MatchScope":                        "MAP_MATCH_SCOPE",
	"InvalidFallbackBehavior":           "BODY_PARSING_FALLBACK_BEHAVIOR",
	"OversizeHandling":                  "OVERSIZE_HANDLING",
	"ForwardedIPConfig":                 "FORWARDED_IP_CONFIG",
	"IPSetForwardedIPConfig":            "IP_SET_FORWARDED_IP_CONFIG",
	"HeaderName":                        "HEADER_NAME",
	"FallbackBehavior":                  "FALLBACK_BEHAVIOR",
	"Position":                          "POSITION",
	"ScopeDownStatement":                "SCOPE_DOWN",
	"CustomKeys":                        "CUSTOM_KEYS",
	"ExcludedRules":                     "EXCLUDED_RULE",
	"RuleActionOverrides":               "RULE_ACTION",
	"ManagedRuleGroupConfigs":           "MANAGED_RULE_GROUP_CONFIG",
	"OverrideAction":                    "OVERRIDE_ACTION",
	"Action":                            "RULE_ACTION",
	"ActionToUse":                       "RULE_ACTION",
	"DefaultAction":                     "DEFAULT_ACTION",
	"CustomResponse":                    "CUSTOM_RESPONSE",
	"CustomResponseBodies":              "CUSTOM_RESPONSE_BODY",
	"ContentType":                       "RESPONSE_CONTENT_TYPE",
	"CustomRequestHandling":             "CUSTOM_REQUEST_HANDLING",
	"ChallengeConfig":                   "CHALLENGE_CONFIG",
	"Rules":                             "RULE",
	"Addresses":                         "IP_ADDRESS",
	"IPAddressVersion":                  "IP_ADDRESS_VERSION",
	"RegularExpressionList":             "REGEX_PATTERN_SET",
}

var indexRE = regexp.MustCompile(`\[[0-9]+\]$`)

// fieldOf returns the ParameterExceptionField and parameter (member name)
// of an engine error path such as
// "Rules[0].Statement.ByteMatchStatement.PositionalConstraint".
func fieldOf(path string) (field, parameter string) {
	if path == "" {
		return "WEB_ACL", "WebACL"
	}
	segs := strings.Split(path, ".")
	for i := range segs {
		segs[i] = indexRE.ReplaceAllString(segs[i], "")
	}
	parameter = segs[len(segs)-1]
	for i := len(segs) - 1; i >= 0; i-- {
		if f, ok := fields[segs[i]]; ok {
			if segs[i] == "Rules" {
				parameter = "Rule" // AWS's word for the rule itself ("field: RULE, parameter: Rule")
				if i < len(segs)-1 {
					parameter = segs[i+1]
				}
			}
			return f, parameter
		}
	}
	return "WEB_ACL", parameter
}

// engineError turns a waf.Error into the WAFV2 exception AWS answers with.
func engineError(err error) error {
	var we *waf.Error
	if !errors.As(err, &we) {
		return err
	}
	reason := we.Message
	if we.Path != "" {
		reason += " (at " + we.Path + ")"
	}
	switch we.Code {
	case waf.CodeLimitsExceeded:
		return limitsExceeded.New("%s %s", msgLimits, reason)
	case waf.CodeNonexistentItem:
		return nonexistentItem.New("%s %s", msgNonexistent, reason)
	case waf.CodeUnavailableEntity:
		return unavailable.New("AWS WAF couldn’t retrieve a resource that you specified for this operation. %s", reason)
	}
	field, parameter := fieldOf(we.Path)
	return invalid(reason, field, parameter)
}
