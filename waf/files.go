package waf

import (
	"errors"
	"fmt"
	"os"
)

// Files names the JSON files of a web ACL and what it references.
type Files struct {
	WebACL           string
	IPSets           []string
	RegexPatternSets []string
	// RuleGroups are get-rule-group outputs. A rule group whose Name equals
	// a ManagedRuleGroupStatement's Name also serves as that managed group's
	// definition.
	RuleGroups []string
}

// CompileFiles reads and compiles the files; errors name the file.
func CompileFiles(fs Files, opts Options) (*WebACL, error) {
	// copies, so that the caller's Options are never changed (a Reloader
	// compiles the same Options again)
	opts.IPSets = append([]*IPSetDoc(nil), opts.IPSets...)
	opts.RegexPatternSets = append([]*RegexPatternSetDoc(nil), opts.RegexPatternSets...)
	opts.RuleGroups = append([]*RuleGroupFile(nil), opts.RuleGroups...)
	groups := make(map[string]*RuleGroupFile, len(opts.ManagedRuleGroups)+len(fs.RuleGroups))
	for k, v := range opts.ManagedRuleGroups {
		groups[k] = v
	}
	opts.ManagedRuleGroups = groups
	for _, name := range fs.IPSets {
		s, err := readParse(name, ParseIPSet)
		if err != nil {
			return nil, err
		}
		opts.IPSets = append(opts.IPSets, s)
	}
	for _, name := range fs.RegexPatternSets {
		s, err := readParse(name, ParseRegexPatternSet)
		if err != nil {
			return nil, err
		}
		opts.RegexPatternSets = append(opts.RegexPatternSets, s)
	}
	for _, name := range fs.RuleGroups {
		g, err := readParse(name, ParseRuleGroup)
		if err != nil {
			return nil, err
		}
		opts.RuleGroups = append(opts.RuleGroups, g)
		if _, ok := opts.ManagedRuleGroups[g.Name]; !ok {
			opts.ManagedRuleGroups[g.Name] = g
		}
	}
	f, err := readParse(fs.WebACL, ParseWebACL)
	if err != nil {
		return nil, err
	}
	w, err := Compile(f, opts)
	if err != nil {
		return nil, withFile(err, fs.WebACL)
	}
	return w, nil
}

func readParse[T any](name string, parse func([]byte) (T, error)) (T, error) {
	var zero T
	data, err := os.ReadFile(name)
	if err != nil {
		return zero, err
	}
	v, err := parse(data)
	if err != nil {
		return zero, withFile(err, name)
	}
	return v, nil
}

func withFile(err error, name string) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		if c.File == "" {
			c.File = name
		}
		return &c
	}
	return fmt.Errorf("%s: %w", name, err)
}
