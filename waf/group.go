package waf

import (
	"fmt"
	"strings"
	"sync"
)

// group is a compiled rule group as referenced by one web ACL rule.
type group struct {
	id        string // ruleGroupId in logs: the ARN, or "AWS#AWSManagedRulesSQLiRuleSet"
	rules     []*rule
	scopeDown node
	overrides map[string]action
}

var (
	managedMu sync.RWMutex
	managed   = map[string]func() (*RuleGroupFile, error){}
)

// RegisterManagedRuleGroup makes a managed rule group available to every
// web ACL under vendor and name (AWS's names, e.g. "AWS",
// "AWSManagedRulesSQLiRuleSet"). def is called at each Compile that uses the
// group. It panics on a duplicate registration, as a programming error.
func RegisterManagedRuleGroup(vendor, name string, def func() (*RuleGroupFile, error)) {
	key := vendor + ":" + name
	managedMu.Lock()
	defer managedMu.Unlock()
	if _, dup := managed[key]; dup {
		panic("waf: managed rule group registered twice: " + key)
	}
	managed[key] = def
}

// ManagedRuleGroups lists the registered managed rule groups as "Vendor:Name".
func ManagedRuleGroups() []string {
	managedMu.RLock()
	defer managedMu.RUnlock()
	out := make([]string, 0, len(managed))
	for k := range managed {
		out = append(out, k)
	}
	return out
}

func (c *compiler) managedGroup(m *ManagedRuleGroupStatement, p string) *RuleGroupFile {
	key := m.VendorName + ":" + m.Name
	if d := c.opts.ManagedRuleGroups[key]; d != nil {
		return d
	}
	if d := c.opts.ManagedRuleGroups[m.Name]; d != nil {
		return d
	}
	managedMu.RLock()
	def := managed[key]
	managedMu.RUnlock()
	if def == nil {
		c.errf(p, CodeUnavailableEntity, "managed rule group %s is not available in moat (give its definition as a rule group file)", key)
		return nil
	}
	d, err := def()
	if err != nil {
		c.errf(p, CodeUnavailableEntity, "managed rule group %s: %v", key, err)
		return nil
	}
	return d
}

// group compiles a ManagedRuleGroupStatement or RuleGroupReferenceStatement
// into cr and returns the WCUs it costs (the group's fixed capacity).
func (c *compiler) group(cr *rule, st *Statement, p string, bodies map[string]CustomResponseBody) int64 {
	var d *RuleGroupFile
	var overrides []RuleActionOverride
	var excluded []ExcludedRule
	var scopeDown *Statement
	if m := st.ManagedRuleGroupStatement; m != nil {
		p += ".ManagedRuleGroupStatement"
		cr.typ = "MANAGED_RULE_GROUP"
		if m.VendorName == "" || m.Name == "" {
			c.errf(p, CodeInvalidParameter, "ManagedRuleGroupStatement needs VendorName and Name")
			return 0
		}
		d = c.managedGroup(m, p)
		overrides, excluded, scopeDown = m.RuleActionOverrides, m.ExcludedRules, m.ScopeDownStatement
		cr.group = &group{id: m.VendorName + "#" + m.Name}
		if m.Version != "" {
			cr.group.id += "#" + m.Version
		}
	} else {
		r := st.RuleGroupReferenceStatement
		p += ".RuleGroupReferenceStatement"
		cr.typ = "GROUP"
		for _, g := range c.opts.RuleGroups {
			if lookupName(r.ARN, g.ARN, g.Name, g.Id) {
				d = g
				break
			}
		}
		if d == nil {
			c.errf(p+".ARN", CodeNonexistentItem, "no rule group %q was supplied (give its get-rule-group JSON)", r.ARN)
		}
		overrides, excluded = r.RuleActionOverrides, r.ExcludedRules
		cr.group = &group{id: r.ARN}
	}
	if d == nil {
		return 0
	}
	g := cr.group
	ns := d.LabelNamespace
	if ns == "" {
		if cr.typ == "MANAGED_RULE_GROUP" {
			ns = "awswaf:managed:" + strings.ToLower(st.ManagedRuleGroupStatement.VendorName) + ":" + d.Name + ":"
		} else {
			ns = "awswaf:" + accountOf(d.ARN, c.opts.Account) + ":rulegroup:" + d.Name + ":"
		}
	}
	sub := &compiler{opts: c.opts, d: d.doc, acl: c.acl, ipsets: c.ipsets, regexes: c.regexes}
	sub.checkBodies(d.CustomResponseBodies)
	var used int64
	g.rules, used = sub.rules(d.Rules, "Rules", ns, true, d.CustomResponseBodies)
	for _, e := range sub.errs {
		e.Message = fmt.Sprintf("in rule group %s (used at %s): %s", d.Name, p, e.Message)
		c.errs = append(c.errs, e)
	}
	capacity := d.Capacity
	if capacity == 0 {
		capacity = used
	}
	if len(sub.errs) == 0 && used > capacity {
		c.errf(p, CodeLimitsExceeded, "rule group %s needs %d WCUs, more than its capacity %d", d.Name, used, capacity)
	}
	if capacity > MaxRuleGroupCapacity {
		c.errf(p, CodeLimitsExceeded, "rule group %s capacity %d is more than the maximum %d", d.Name, capacity, MaxRuleGroupCapacity)
	}
	names := map[string]bool{}
	for _, r := range g.rules {
		names[r.name] = true
	}
	if len(overrides) > 0 || len(excluded) > 0 {
		g.overrides = map[string]action{}
	}
	for _, e := range excluded {
		g.overrides[e.Name] = action{kind: Count}
	}
	for i, o := range overrides {
		op := fmt.Sprintf("%s.RuleActionOverrides[%d]", p, i)
		if !names[o.Name] {
			c.errf(op+".Name", CodeInvalidParameter, "rule group %s has no rule %q", d.Name, o.Name)
		}
		if o.ActionToUse == nil {
			c.errf(op+".ActionToUse", CodeInvalidParameter, "missing required member ActionToUse")
			continue
		}
		g.overrides[o.Name] = c.action(o.ActionToUse, op+".ActionToUse", bodies)
	}
	if scopeDown != nil {
		var w int64
		g.scopeDown, w = c.stmt(scopeDown, p+".ScopeDownStatement", c.acl.namespace, false)
		return capacity + w
	}
	return capacity
}
