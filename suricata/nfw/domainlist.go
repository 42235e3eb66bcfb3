package nfw

import (
	"fmt"
	"strings"
)

// RulesSourceList is a domain list rule group's source (API RulesSourceList).
type RulesSourceList struct {
	Targets            []string `json:"Targets"`
	TargetTypes        []string `json:"TargetTypes"`
	GeneratedRulesType string   `json:"GeneratedRulesType"`
}

// Validate checks the list the way the API does; path prefixes field names.
func (l *RulesSourceList) Validate(path string) error {
	switch l.GeneratedRulesType {
	case "ALLOWLIST", "DENYLIST", "REJECTLIST", "ALERTLIST":
	default:
		return fmt.Errorf("%s.GeneratedRulesType: %q is not ALLOWLIST, DENYLIST, REJECTLIST or ALERTLIST", path, l.GeneratedRulesType)
	}
	if len(l.TargetTypes) == 0 {
		return fmt.Errorf("%s.TargetTypes: at least one of TLS_SNI, HTTP_HOST is required", path)
	}
	for i, t := range l.TargetTypes {
		if t != "TLS_SNI" && t != "HTTP_HOST" {
			return fmt.Errorf("%s.TargetTypes[%d]: %q is not TLS_SNI or HTTP_HOST", path, i, t)
		}
	}
	if len(l.Targets) == 0 {
		return fmt.Errorf("%s.Targets: at least one domain is required", path)
	}
	for i, d := range l.Targets {
		if err := checkDomain(d); err != nil {
			return fmt.Errorf("%s.Targets[%d]: %q: %v", path, i, d, err)
		}
	}
	return nil
}

func checkDomain(d string) error {
	if d == "" || d == "." {
		return fmt.Errorf("empty domain")
	}
	if len(d) > 255 {
		return fmt.Errorf("longer than 255 characters")
	}
	for i := 0; i < len(d); i++ {
		c := d[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '*') {
			return fmt.Errorf("character %q is not allowed in a domain", c)
		}
	}
	return nil
}

// Rules renders the list as Suricata rules, the way Network Firewall's
// "Generating firewall rules from domain names" page describes: a leading
// dot matches the domain and its subdomains (dotprefix + endswith), other
// names match exactly (startswith + endswith); an allow list passes matching
// TLS/HTTP flows from HOME_NET and drops the other TLS/HTTP flows, a deny
// list drops (REJECTLIST rejects, ALERTLIST alerts on) matching flows.
// The exact text AWS generates (messages, sids) is not published in full;
// these rules follow its documented shape. sid numbering starts at firstSID.
func (l *RulesSourceList) Rules(firstSID int) string {
	var b strings.Builder
	sid := firstSID
	action := map[string]string{"ALLOWLIST": "pass", "DENYLIST": "drop", "REJECTLIST": "reject", "ALERTLIST": "alert"}[l.GeneratedRulesType]
	verb := map[string]string{"ALLOWLIST": "allowlisted", "DENYLIST": "denylisted", "REJECTLIST": "rejectlisted", "ALERTLIST": "alertlisted"}[l.GeneratedRulesType]
	for _, tt := range l.TargetTypes {
		proto, buf, label := "tls", "tls.sni", "TLS"
		if tt == "HTTP_HOST" {
			proto, buf, label = "http", "http.host", "HTTP"
		}
		for _, d := range l.Targets {
			d = strings.ToLower(d)
			match := fmt.Sprintf(`content:"%s"; startswith; endswith;`, d)
			if strings.HasPrefix(d, ".") {
				match = fmt.Sprintf(`dotprefix; content:"%s"; endswith;`, d)
			}
			nocase := " nocase;"
			if buf == "http.host" {
				nocase = "" // http.host is already lower case
			}
			fmt.Fprintf(&b, "%s %s $HOME_NET any -> $EXTERNAL_NET any (%s; %s%s msg:\"matching %s %s FQDNs\"; flow:to_server, established; sid:%d; rev:1;)\n",
				action, proto, buf, match, nocase, label, verb, sid)
			sid++
		}
	}
	if l.GeneratedRulesType == "ALLOWLIST" {
		for _, tt := range l.TargetTypes {
			proto, label := "tls", "TLS"
			if tt == "HTTP_HOST" {
				proto, label = "http", "HTTP"
			}
			fmt.Fprintf(&b, "drop %s $HOME_NET any -> $EXTERNAL_NET any (msg:\"not matching any %s allowlisted FQDNs\"; flow:to_server, established; sid:%d; rev:1;)\n", proto, label, sid)
			sid++
		}
	}
	return b.String()
}
