package waf

import (
	"regexp"
	"time"
)

// RulesCapacity computes the WCUs of a list of rules as CheckCapacity does,
// validating them as Compile would, but without holding the total to the
// web ACL maximum: it answers "how many WCUs do these rules need", which
// the WAFV2 CheckCapacity API reports also for lists that would not fit in
// one web ACL. Errors are *Error with the path of the offending rule
// ("Rules[2]...").
func RulesCapacity(rules []Rule, opts Options) (int64, error) {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	c := &compiler{opts: &opts, ipsets: map[string]*ipSet{}, regexes: map[string][]*regexp.Regexp{}}
	c.acl = &WebACL{name: "CheckCapacity", now: opts.Now, namespace: "awswaf:" + accountOf("", opts.Account) + ":webacl:CheckCapacity:"}
	_, total := c.rules(rules, "Rules", c.acl.namespace, false, nil)
	if len(c.errs) > 0 {
		return 0, c.errs[0]
	}
	return total, nil
}
