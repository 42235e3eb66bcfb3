package waf

// CheckCapacity computes the WCUs of a list of rules as the CheckCapacity
// API does, with everything they reference supplied in opts; errors are
// *Error with the path of the offending rule ("Rules[2]...").
func CheckCapacity(rules []Rule, opts Options) (int64, error) {
	doc := &WebACLFile{WebACLDoc: WebACLDoc{Name: "CheckCapacity", DefaultAction: &DefaultAction{Allow: &AllowAction{}}, Rules: rules}}
	w, err := Compile(doc, opts)
	if err != nil {
		return 0, err
	}
	return w.Capacity(), nil
}

// LookupManagedRuleGroup returns the definition of a registered managed
// rule group (for DescribeManagedRuleGroup-style listings: rules, labels,
// capacity).
func LookupManagedRuleGroup(vendor, name string) (*RuleGroupFile, error) {
	managedMu.RLock()
	def := managed[vendor+":"+name]
	managedMu.RUnlock()
	if def == nil {
		return nil, &Error{Message: "managed rule group " + vendor + ":" + name + " is not available in moat", Code: CodeNonexistentItem}
	}
	return def()
}

// AvailableLabels lists the fully qualified labels a rule group's rules add.
func (g *RuleGroupFile) AvailableLabels() []string {
	ns := g.LabelNamespace
	var out []string
	seen := map[string]bool{}
	for _, r := range g.Rules {
		for _, l := range r.RuleLabels {
			if full := ns + l.Name; !seen[full] {
				seen[full] = true
				out = append(out, full)
			}
		}
	}
	return out
}
