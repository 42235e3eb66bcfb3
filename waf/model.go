package waf

import "encoding/json"

// The types in this file are AWS's JSON shapes (WAFV2 API reference, SDK
// model), with AWS's member names, as `aws wafv2 get-web-acl`,
// get-rule-group, get-ip-set and get-regex-pattern-set print them. Members
// that do not change evaluation are kept as json.RawMessage so that real
// exports load; statements, fields to match and actions are decoded strictly,
// so an unknown statement type is an error with its position, never a
// silently ignored rule.

// WebACLDoc is a web ACL as AWS's API returns it.
type WebACLDoc struct {
	Name                                 string
	Id                                   string
	ARN                                  string
	Description                          string
	DefaultAction                        *DefaultAction
	Rules                                []Rule
	VisibilityConfig                     *VisibilityConfig
	Capacity                             int64
	CustomResponseBodies                 map[string]CustomResponseBody
	CaptchaConfig                        *CaptchaConfig
	ChallengeConfig                      *ChallengeConfig
	TokenDomains                         []string
	AssociationConfig                    *AssociationConfig
	LabelNamespace                       string
	ManagedByFirewallManager             bool
	RetrofittedByFirewallManager         bool
	PreProcessFirewallManagerRuleGroups  json.RawMessage
	PostProcessFirewallManagerRuleGroups json.RawMessage
	DataProtectionConfig                 json.RawMessage
	lenient
}

// RuleGroupDoc is a rule group as AWS's API returns it.
type RuleGroupDoc struct {
	Name                 string
	Id                   string
	ARN                  string
	Description          string
	Capacity             int64
	Rules                []Rule
	VisibilityConfig     *VisibilityConfig
	LabelNamespace       string
	CustomResponseBodies map[string]CustomResponseBody
	AvailableLabels      []LabelSummary
	ConsumedLabels       []LabelSummary
	lenient
}

// LabelSummary is a label name in RuleGroup.AvailableLabels/ConsumedLabels.
type LabelSummary struct{ Name string }

// IPSetDoc is an IP set as AWS's API returns it.
type IPSetDoc struct {
	Name             string
	Id               string
	ARN              string
	Description      string
	IPAddressVersion string
	Addresses        []string
	lenient
}

// RegexPatternSetDoc is a regex pattern set as AWS's API returns it.
type RegexPatternSetDoc struct {
	Name                  string
	Id                    string
	ARN                   string
	Description           string
	RegularExpressionList []Regex
	lenient
}

// Regex is one entry of RegularExpressionList.
type Regex struct{ RegexString string }

// lenient makes a top-level shape accept members this version of moat does
// not model (read-only members AWS adds over time); they are listed in
// Ignored.
type lenient struct{ ignored []string }

func (l *lenient) Unknown(key string) { l.ignored = append(l.ignored, key) }

// Ignored lists the members that were present but not modelled.
func (l *lenient) Ignored() []string { return l.ignored }

// Rule is one rule of a web ACL or rule group.
type Rule struct {
	Name             string
	Priority         int64
	Statement        *Statement
	Action           *RuleAction
	OverrideAction   *OverrideAction
	RuleLabels       []Label
	VisibilityConfig *VisibilityConfig
	CaptchaConfig    *CaptchaConfig
	ChallengeConfig  *ChallengeConfig
}

// Label is a label name.
type Label struct{ Name string }

// VisibilityConfig is kept for metric names.
type VisibilityConfig struct {
	SampledRequestsEnabled   bool
	CloudWatchMetricsEnabled bool
	MetricName               string
}

// CaptchaConfig / ChallengeConfig set how long a token is accepted.
type CaptchaConfig struct{ ImmunityTimeProperty *ImmunityTimeProperty }

// ChallengeConfig is the Challenge counterpart of CaptchaConfig.
type ChallengeConfig struct{ ImmunityTimeProperty *ImmunityTimeProperty }

// ImmunityTimeProperty is in seconds (AWS default 300).
type ImmunityTimeProperty struct{ ImmunityTime int64 }

// AssociationConfig sets body inspection limits per resource type.
type AssociationConfig struct {
	RequestBody map[string]RequestBodyAssociatedResourceTypeConfig
}

// RequestBodyAssociatedResourceTypeConfig holds KB_16 | KB_32 | KB_48 | KB_64.
type RequestBodyAssociatedResourceTypeConfig struct{ DefaultSizeInspectionLimit string }

// CustomResponseBody is an entry of CustomResponseBodies.
type CustomResponseBody struct {
	ContentType string
	Content     string
}

// DefaultAction is Allow or Block.
type DefaultAction struct {
	Allow *AllowAction
	Block *BlockAction
}

// RuleAction is exactly one of its members.
type RuleAction struct {
	Allow     *AllowAction
	Block     *BlockAction
	Count     *CountAction
	Captcha   *CaptchaAction
	Challenge *ChallengeAction
}

// OverrideAction is None or Count (rule-group statements only).
type OverrideAction struct {
	Count *CountAction
	None  *struct{}
}

// AllowAction may insert request headers.
type AllowAction struct{ CustomRequestHandling *CustomRequestHandling }

// BlockAction may send a custom response.
type BlockAction struct{ CustomResponse *CustomResponse }

// CountAction may insert request headers.
type CountAction struct{ CustomRequestHandling *CustomRequestHandling }

// CaptchaAction may insert request headers.
type CaptchaAction struct{ CustomRequestHandling *CustomRequestHandling }

// ChallengeAction may insert request headers.
type ChallengeAction struct{ CustomRequestHandling *CustomRequestHandling }

// CustomRequestHandling lists headers inserted into the forwarded request.
type CustomRequestHandling struct{ InsertHeaders []CustomHTTPHeader }

// CustomHTTPHeader is a name and a value.
type CustomHTTPHeader struct{ Name, Value string }

// CustomResponse replaces the default 403.
type CustomResponse struct {
	ResponseCode          int
	CustomResponseBodyKey string
	ResponseHeaders       []CustomHTTPHeader
}

// Statement holds exactly one statement type.
type Statement struct {
	ByteMatchStatement                *ByteMatchStatement
	SqliMatchStatement                *SqliMatchStatement
	XssMatchStatement                 *XssMatchStatement
	SizeConstraintStatement           *SizeConstraintStatement
	GeoMatchStatement                 *GeoMatchStatement
	RuleGroupReferenceStatement       *RuleGroupReferenceStatement
	IPSetReferenceStatement           *IPSetReferenceStatement
	RegexPatternSetReferenceStatement *RegexPatternSetReferenceStatement
	RateBasedStatement                *RateBasedStatement
	AndStatement                      *AndStatement
	OrStatement                       *OrStatement
	NotStatement                      *NotStatement
	ManagedRuleGroupStatement         *ManagedRuleGroupStatement
	LabelMatchStatement               *LabelMatchStatement
	RegexMatchStatement               *RegexMatchStatement
	AsnMatchStatement                 *AsnMatchStatement
}

// TextTransformation is one transformation with its priority.
type TextTransformation struct {
	Priority int64
	Type     string
}

// ByteMatchStatement is AWS's string match.
type ByteMatchStatement struct {
	SearchString         string // base64 in API output, raw text in CLI input: see Options.SearchString
	FieldToMatch         *FieldToMatch
	TextTransformations  []TextTransformation
	PositionalConstraint string
}

// SqliMatchStatement detects SQL injection.
type SqliMatchStatement struct {
	FieldToMatch        *FieldToMatch
	TextTransformations []TextTransformation
	SensitivityLevel    string
}

// XssMatchStatement detects cross-site scripting.
type XssMatchStatement struct {
	FieldToMatch        *FieldToMatch
	TextTransformations []TextTransformation
}

// SizeConstraintStatement compares a component's size.
type SizeConstraintStatement struct {
	FieldToMatch        *FieldToMatch
	ComparisonOperator  string
	Size                int64
	TextTransformations []TextTransformation
}

// GeoMatchStatement matches the client's country.
type GeoMatchStatement struct {
	CountryCodes      []string
	ForwardedIPConfig *ForwardedIPConfig
}

// AsnMatchStatement matches the client's autonomous system number.
type AsnMatchStatement struct {
	AsnList           []int64
	ForwardedIPConfig *ForwardedIPConfig
}

// ForwardedIPConfig takes the client address from a header.
type ForwardedIPConfig struct {
	HeaderName       string
	FallbackBehavior string
}

// IPSetForwardedIPConfig adds Position FIRST | LAST | ANY.
type IPSetForwardedIPConfig struct {
	HeaderName       string
	FallbackBehavior string
	Position         string
}

// RuleGroupReferenceStatement runs a rule group by ARN.
type RuleGroupReferenceStatement struct {
	ARN                 string
	ExcludedRules       []ExcludedRule
	RuleActionOverrides []RuleActionOverride
}

// ExcludedRule is the legacy form of a Count override.
type ExcludedRule struct{ Name string }

// RuleActionOverride changes one rule's action.
type RuleActionOverride struct {
	Name        string
	ActionToUse *RuleAction
}

// IPSetReferenceStatement matches an IP set by ARN.
type IPSetReferenceStatement struct {
	ARN                    string
	IPSetForwardedIPConfig *IPSetForwardedIPConfig
}

// RegexPatternSetReferenceStatement matches any regex of a set.
type RegexPatternSetReferenceStatement struct {
	ARN                 string
	FieldToMatch        *FieldToMatch
	TextTransformations []TextTransformation
}

// RegexMatchStatement matches one regex.
type RegexMatchStatement struct {
	RegexString         string
	FieldToMatch        *FieldToMatch
	TextTransformations []TextTransformation
}

// RateBasedStatement counts requests per aggregation key.
type RateBasedStatement struct {
	Limit               int64
	EvaluationWindowSec int64
	AggregateKeyType    string
	ScopeDownStatement  *Statement
	ForwardedIPConfig   *ForwardedIPConfig
	CustomKeys          []RateBasedCustomKey
}

// RateBasedCustomKey is exactly one key.
type RateBasedCustomKey struct {
	Header         *RateLimitText    `json:"Header"`
	Cookie         *RateLimitText    `json:"Cookie"`
	QueryArgument  *RateLimitText    `json:"QueryArgument"`
	QueryString    *RateLimitText    `json:"QueryString"`
	HTTPMethod     *struct{}         `json:"HTTPMethod"`
	ForwardedIP    *struct{}         `json:"ForwardedIP"`
	IP             *struct{}         `json:"IP"`
	LabelNamespace *RateLimitLabelNS `json:"LabelNamespace"`
	UriPath        *RateLimitText    `json:"UriPath"`
	JA3Fingerprint *RateLimitJA      `json:"JA3Fingerprint"`
	JA4Fingerprint *RateLimitJA      `json:"JA4Fingerprint"`
	ASN            *struct{}         `json:"ASN"`
}

// RateLimitText is a named (or unnamed) text key with transformations.
type RateLimitText struct {
	Name                string
	TextTransformations []TextTransformation
}

// RateLimitLabelNS aggregates on the names of labels under a namespace.
type RateLimitLabelNS struct{ Namespace string }

// RateLimitJA aggregates on a TLS fingerprint.
type RateLimitJA struct{ FallbackBehavior string }

// AndStatement matches when every statement matches.
type AndStatement struct{ Statements []Statement }

// OrStatement matches when any statement matches.
type OrStatement struct{ Statements []Statement }

// NotStatement negates one statement.
type NotStatement struct{ Statement *Statement }

// ManagedRuleGroupStatement runs a managed rule group.
type ManagedRuleGroupStatement struct {
	VendorName              string
	Name                    string
	Version                 string
	ExcludedRules           []ExcludedRule
	ScopeDownStatement      *Statement
	ManagedRuleGroupConfigs json.RawMessage
	RuleActionOverrides     []RuleActionOverride
}

// LabelMatchStatement matches labels added by earlier rules.
type LabelMatchStatement struct {
	Scope string
	Key   string
}

// FieldToMatch holds exactly one request component.
type FieldToMatch struct {
	SingleHeader        *SingleHeader
	SingleQueryArgument *SingleQueryArgument
	AllQueryArguments   *struct{}
	UriPath             *struct{}
	QueryString         *struct{}
	Body                *Body
	Method              *struct{}
	JsonBody            *JsonBody
	Headers             *Headers
	Cookies             *Cookies
	HeaderOrder         *HeaderOrder
	JA3Fingerprint      *JAFingerprint
	JA4Fingerprint      *JAFingerprint
	UriFragment         *UriFragment
}

// SingleHeader names one header (case-insensitive).
type SingleHeader struct{ Name string }

// SingleQueryArgument names one query argument.
type SingleQueryArgument struct{ Name string }

// Body inspects the request body.
type Body struct{ OversizeHandling string }

// JsonBody inspects the body parsed as JSON.
type JsonBody struct {
	MatchPattern            *JsonMatchPattern
	MatchScope              string
	InvalidFallbackBehavior string
	OversizeHandling        string
}

// JsonMatchPattern is All or IncludedPaths (JSON pointers).
type JsonMatchPattern struct {
	All           *struct{}
	IncludedPaths []string
}

// Headers inspects header keys and/or values.
type Headers struct {
	MatchPattern     *HeaderMatchPattern
	MatchScope       string
	OversizeHandling string
}

// HeaderMatchPattern is All, IncludedHeaders or ExcludedHeaders.
type HeaderMatchPattern struct {
	All             *struct{}
	IncludedHeaders []string
	ExcludedHeaders []string
}

// Cookies inspects cookie keys and/or values.
type Cookies struct {
	MatchPattern     *CookieMatchPattern
	MatchScope       string
	OversizeHandling string
}

// CookieMatchPattern is All, IncludedCookies or ExcludedCookies.
type CookieMatchPattern struct {
	All             *struct{}
	IncludedCookies []string
	ExcludedCookies []string
}

// HeaderOrder inspects the colon-separated list of header names.
type HeaderOrder struct{ OversizeHandling string }

// JAFingerprint is JA3Fingerprint or JA4Fingerprint.
type JAFingerprint struct{ FallbackBehavior string }

// UriFragment inspects the part after '#'.
type UriFragment struct{ FallbackBehavior string }
