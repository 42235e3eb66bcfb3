package managed

import "github.com/moatdev/moat/waf"

// The detectors below are moat's, written from AWS's one-line descriptions
// (aws-managed-rule-groups-baseline, -use-case, -ip-rep); AWS keeps its
// own patterns private. Where AWS documents a threshold it is used exactly.

// Patterns shared by several rules.
const (
	// ec2Metadata: the instance metadata service's addresses, IPv4 written
	// with any mix of decimal, hex and octal parts or as one number, its IPv6
	// and IPv4-mapped forms, the ECS/EKS credential endpoints and host names.
	ec2Metadata = `((^|[^\d.])(169|0x0*a9|0+251)\.(254|0x0*fe|0+376)\.((169|0x0*a9|0+251)\.(254|0x0*fe|0+376)|43518|0x0*a9fe|0+124776)([^\d]|$)|(^|[^\d.])169\.(16689662|0x0*fea9fe)([^\d]|$)|fd00:ec2::(254|23)|\[?::ffff:a9fe:a9fe\]?|0x0*a9fea9fe|(^|[^\d])2852039166([^\d]|$)|0+25177524776|169\.254\.170\.(2|23)\b|instance-data(\.ec2\.internal)?)`
	traversal   = `(\.\.[/\\]){2}|(^|[=/\\:])\.\.[/\\]`
	// lfiGeneric: traversal, and the PHP stream wrappers that read or run
	// local files. Absolute paths to OS files are the Linux, POSIX and
	// Windows groups' rules (LFI_QUERYSTRING...), as with AWS.
	lfiGeneric = traversal + `|\b(php://(filter|input|fd)|(phar|zip|expect|glob)://)`
	// jsURL: a javascript: or vbscript: URL that runs code (an identifier
	// followed by a call, a tagged template, an assignment or a member).
	jsURL        = `(^|[^\w])(java|vb)\s*script\s*:\s*[\w$]+\s*[(\x60=.]`
	restrictedEx = `\.(log|ini|bak|old|backup|sql|cfg|conf|config|env|swp|inc|pwd|passwd|htaccess|htpasswd|git|svn|dist)$`
	rfiURL       = `(https?|ftps?|file)://\d{1,3}(\.\d{1,3}){3}`
	badBots      = `(nessus|nmap|nikto|sqlmap|masscan|zgrab|dirbuster|gobuster|wpscan|acunetix|netsparker|w3af|havij|commix|nuclei|openvas|zmeu|jaeles|fimap|arachni|whatweb)`
	javaDeser    = `(java\.lang\.(runtime|processbuilder)|\.getruntime\(\)|class\.module\.classloader|spring\.cloud\.function\.routing-expression|t\(java\.lang|ro0ab|aced0005)`
	log4j        = `\$\{[^}]{0,40}?(jndi|lower:|upper:|env:|::-|date:)`
	sqlExtended  = `(\bunion\b[\s\S]{0,40}\bselect\b|\binsert\s+into\b[\s\S]{0,100}\bvalues\b|\bdrop\s+(table|database)\b|\b(sleep|benchmark|pg_sleep)\s*\(\s*\d|\bwaitfor\s+delay\b|['"]\s*;\s*(shutdown|exec|declare|insert|update|delete|drop)\b|\bxp_cmdshell\b|/\*!\d*|['"]\s*(--|#)|\binformation_schema\b|\bextractvalue\s*\(|\bupdatexml\s*\()`
	linuxFiles   = `/(etc/(passwd|shadow|group|gshadow|hosts|issue|motd|crontab|sudoers|hostname|os-release|resolv\.conf|fstab|ssh/)|proc/(self|version|cpuinfo|meminfo|mounts|net/|[0-9]+)(/|$)|root/\.|home/[^/]+/\.(ssh|bash|aws)|\.bash_history|bin/(ba|da|z|k|c|tc)?sh\b|usr/(local/)?s?bin/|dev/(tcp|udp)/|var/log/|var/run/secrets/)`
	// unixCommands: a command after a shell metacharacter. Commands that are
	// also English words (head, more, sleep, find...) need an argument that
	// looks like a shell's (an option, a path, a variable, a number).
	unixCommands = `(;|\||&&|\$\(|` + "`" + `|\n)\s*((/usr)?/s?bin/)?((cat|tac|id|whoami|uname|hostname|ls|pwd|printenv|netstat|ifconfig|nc|ncat|netcat|socat|curl|wget|bash|sh|zsh|dash|ksh|chmod|chown|rm|mkfifo|ping|python[0-9.]*|perl|ruby|php|lua|nslookup|telnet|xxd|crontab|useradd)\b|(head|tail|more|less|env|ps|fetch|sleep|dig|host|echo|base64|awk|sed|find|kill)\s+[-/$\d~'"])|\{\s*(cat|ls|id|wget|curl|nc|bash|sh),|\$\{?ifs\}?|/bin/(ba|z|da)?sh\b`
)

var decodeLower = []string{"URL_DECODE_UNI", "LOWERCASE"}

func commonRuleSet() *group {
	g := newGroup("AWSManagedRulesCommonRuleSet", "core-rule-set", 700)
	g.add("NoUserAgent_HEADER", "", "", size(header("user-agent"), "EQ", 0))
	g.add("UserAgent_BadBots_HEADER", "BadBots_Header", "", regex(header("user-agent"), badBots, "LOWERCASE"))
	g.add("SizeRestrictions_QUERYSTRING", "", "", size(queryStr, "GT", 2048))
	g.add("SizeRestrictions_Cookie_HEADER", "", "", size(header("cookie"), "GT", 10240))
	g.add("SizeRestrictions_BODY", "", "", size(body("MATCH"), "GT", 8192))
	g.add("SizeRestrictions_URIPATH", "", "", size(uriPath, "GT", 1024))
	g.add("EC2MetaDataSSRF_BODY", "", "", regex(body("CONTINUE"), ec2Metadata, decodeLower...))
	g.add("EC2MetaDataSSRF_COOKIE", "", "", regex(cookies(), ec2Metadata, decodeLower...))
	g.add("EC2MetaDataSSRF_URIPATH", "", "", regex(uriPath, ec2Metadata, decodeLower...))
	g.add("EC2MetaDataSSRF_QUERYARGUMENTS", "", "", regex(queryArgs, ec2Metadata, decodeLower...))
	g.add("GenericLFI_QUERYARGUMENTS", "", "", regex(queryArgs, "(?i)"+lfiGeneric, "URL_DECODE_UNI", "URL_DECODE_UNI"))
	g.add("GenericLFI_URIPATH", "", "", regex(uriPath, traversal, "URL_DECODE_UNI", "URL_DECODE_UNI"))
	g.add("GenericLFI_BODY", "", "", regex(body("CONTINUE"), "(?i)"+lfiGeneric, "URL_DECODE_UNI"))
	g.add("RestrictedExtensions_URIPATH", "", "", regex(uriPath, restrictedEx, decodeLower...))
	g.add("RestrictedExtensions_QUERYARGUMENTS", "", "", regex(queryArgs, restrictedEx, decodeLower...))
	g.add("GenericRFI_QUERYARGUMENTS", "", "", regex(queryArgs, rfiURL, decodeLower...))
	g.add("GenericRFI_BODY", "", "", regex(body("CONTINUE"), rfiURL, decodeLower...))
	g.add("GenericRFI_URIPATH", "", "", regex(uriPath, rfiURL, decodeLower...))
	g.add("CrossSiteScripting_COOKIE", "", "", xssOrJSURL(cookies()))
	g.add("CrossSiteScripting_QUERYARGUMENTS", "", "", xssOrJSURLTwice(queryArgs))
	g.add("CrossSiteScripting_BODY", "", "", xssOrJSURL(body("CONTINUE")))
	g.add("CrossSiteScripting_URIPATH", "", "", xss(uriPath, "URL_DECODE_UNI", "HTML_ENTITY_DECODE"))
	return g
}

// xssOrJSURL: AWS's XSS statement, or a javascript:/vbscript: URL that
// runs code (an attribute value or link target the XSS statement, which
// looks for HTML, does not see).
func xssOrJSURL(f *waf.FieldToMatch) *waf.Statement {
	return or(xss(f, "URL_DECODE_UNI", "HTML_ENTITY_DECODE"),
		regex(f, "(?i)"+jsURL, "URL_DECODE_UNI", "HTML_ENTITY_DECODE"))
}

// xssOrJSURLTwice is xssOrJSURL with the value URL-decoded twice (query
// arguments arrive encoded once by the URL itself, so %253C is an attack).
func xssOrJSURLTwice(f *waf.FieldToMatch) *waf.Statement {
	return or(xss(f, "URL_DECODE_UNI", "URL_DECODE_UNI", "HTML_ENTITY_DECODE"),
		regex(f, "(?i)"+jsURL, "URL_DECODE_UNI", "URL_DECODE_UNI", "HTML_ENTITY_DECODE"))
}

func knownBadInputs() *group {
	g := newGroup("AWSManagedRulesKnownBadInputsRuleSet", "known-bad-inputs", 200)
	g.add("JavaDeserializationRCE_HEADER", "", "", regex(headerValues(), "(?i)"+javaDeser, "URL_DECODE_UNI"))
	g.add("JavaDeserializationRCE_BODY", "", "", regex(body("CONTINUE"), "(?i)"+javaDeser, "URL_DECODE_UNI"))
	g.add("JavaDeserializationRCE_URIPATH", "", "", regex(uriPath, "(?i)"+javaDeser, "URL_DECODE_UNI"))
	g.add("JavaDeserializationRCE_QUERYSTRING", "", "", regex(queryStr, "(?i)"+javaDeser, "URL_DECODE_UNI"))
	g.add("Host_localhost_HEADER", "Host_Localhost_Header", "", regex(header("host"), `^localhost(\.localdomain)?\.?(:\d+)?$`, "LOWERCASE"))
	g.add("PROPFIND_METHOD", "Propfind_Method", "", exactly(method, "PROPFIND"))
	g.add("ExploitablePaths_URIPATH", "", "", regex(uriPath, `(web-inf|meta-inf|/\.git/|jmx-console|/invoker/(jmx)?invokerservlet)`, "URL_DECODE_UNI", "LOWERCASE"))
	g.add("Log4JRCE_HEADER", "", "", regex(headerValues(), "(?i)"+log4j, "URL_DECODE_UNI"))
	g.add("Log4JRCE_QUERYSTRING", "", "", regex(queryStr, "(?i)"+log4j, "URL_DECODE_UNI"))
	g.add("Log4JRCE_BODY", "", "", regex(body("CONTINUE"), "(?i)"+log4j, "URL_DECODE_UNI"))
	g.add("Log4JRCE_URIPATH", "", "", regex(uriPath, "(?i)"+log4j, "URL_DECODE_UNI"))
	return g
}

func sqliRuleSet() *group {
	g := newGroup("AWSManagedRulesSQLiRuleSet", "sql-database", 200)
	g.add("SQLi_QUERYARGUMENTS", "", "", sqli(queryArgs, "URL_DECODE_UNI", "URL_DECODE_UNI", "HTML_ENTITY_DECODE"))
	g.add("SQLiExtendedPatterns_QUERYARGUMENTS", "", "", regex(queryArgs, sqlExtended, "URL_DECODE_UNI", "LOWERCASE"))
	g.add("SQLi_BODY", "", "", sqli(body("CONTINUE"), "URL_DECODE_UNI", "HTML_ENTITY_DECODE"))
	g.add("SQLiExtendedPatterns_BODY", "", "", regex(body("CONTINUE"), sqlExtended, "URL_DECODE_UNI", "LOWERCASE"))
	g.add("SQLi_COOKIE", "", "", sqli(cookies(), "URL_DECODE_UNI", "HTML_ENTITY_DECODE"))
	return g
}

func linuxRuleSet() *group {
	g := newGroup("AWSManagedRulesLinuxRuleSet", "linux-os", 200)
	g.add("LFI_URIPATH", "", "", regex(uriPath, linuxFiles, "URL_DECODE_UNI", "NORMALIZE_PATH", "LOWERCASE"))
	g.add("LFI_QUERYSTRING", "", "", regex(queryStr, linuxFiles, "URL_DECODE_UNI", "NORMALIZE_PATH", "LOWERCASE"))
	g.add("LFI_HEADER", "", "", regex(headerValues(), linuxFiles, "URL_DECODE_UNI", "NORMALIZE_PATH", "LOWERCASE"))
	return g
}

func unixRuleSet() *group {
	g := newGroup("AWSManagedRulesUnixRuleSet", "posix-os", 100)
	g.add("UNIXShellCommandsVariables_QUERYARGUMENTS", "", "", shellCommands(queryArgs))
	g.add("UNIXShellCommandsVariables_BODY", "", "", shellCommands(body("CONTINUE")))
	return g
}

// shellCommands: a shell command after a shell metacharacter, as sent and
// once more after CMD_LINE (which deletes the \ ' " ^ that split a
// command's name, e.g. w'h'o'am'i).
func shellCommands(f *waf.FieldToMatch) *waf.Statement {
	return or(regex(f, "(?i)"+unixCommands, "URL_DECODE_UNI"),
		regex(f, "(\\||&&|`|\\$\\()\\s*(cat|id|whoami|uname|nc|curl|wget|bash|sh|python[0-9.]*|perl)\\b", "URL_DECODE_UNI", "CMD_LINE"))
}

// The IP list groups match the IP sets the user supplies under these names
// (AWS's lists come from Amazon threat intelligence, which moat has not).
func amazonIPReputationList() *group {
	g := newGroup("AWSManagedRulesAmazonIpReputationList", "amazon-ip-list", 25)
	g.add("AWSManagedIPReputationList", "AWSManagedIPReputationList", "", ipSet("AWSManagedIPReputationList"))
	g.add("AWSManagedReconnaissanceList", "AWSManagedReconnaissanceList", "", ipSet("AWSManagedReconnaissanceList"))
	g.add("AWSManagedIPDDoSList", "AWSManagedIPDDoSList", "Count", ipSet("AWSManagedIPDDoSList"))
	return g
}

func anonymousIPList() *group {
	g := newGroup("AWSManagedRulesAnonymousIpList", "anonymous-ip-list", 50)
	g.add("AnonymousIPList", "AnonymousIPList", "", ipSet("AnonymousIPList"))
	g.add("HostingProviderIPList", "HostingProviderIPList", "", ipSet("HostingProviderIPList"))
	return g
}

// groups are the managed rule groups this package defines, by AWS name.
var groups = map[string]func() *group{
	"AWSManagedRulesCommonRuleSet":          commonRuleSet,
	"AWSManagedRulesKnownBadInputsRuleSet":  knownBadInputs,
	"AWSManagedRulesSQLiRuleSet":            sqliRuleSet,
	"AWSManagedRulesLinuxRuleSet":           linuxRuleSet,
	"AWSManagedRulesUnixRuleSet":            unixRuleSet,
	"AWSManagedRulesAmazonIpReputationList": amazonIPReputationList,
	"AWSManagedRulesAnonymousIpList":        anonymousIPList,
}

func init() {
	for name, build := range groups {
		build := build
		waf.RegisterManagedRuleGroup("AWS", name, func() (*waf.RuleGroupFile, error) { return build().file(), nil })
	}
}

// Names lists the managed rule groups this package defines (vendor AWS).
func Names() []string {
	out := make([]string, 0, len(groups))
	for n := range groups {
		out = append(out, n)
	}
	return out
}
