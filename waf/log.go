package waf

import (
	"encoding/json"
	"strconv"
	"time"
)

// LogRecord is AWS WAF's web ACL log record (logging-fields), one JSON
// object per request, with AWS's member names. moat fills what it knows:
// httpSourceName/httpSourceId come from the caller, ruleMatchDetails are
// left empty (AWS fills them for SQLi/XSS only and their content is not
// fully documented).
type LogRecord struct {
	Timestamp                     int64              `json:"timestamp"`
	FormatVersion                 int                `json:"formatVersion"`
	WebACLID                      string             `json:"webaclId"`
	TerminatingRuleID             string             `json:"terminatingRuleId"`
	TerminatingRuleType           string             `json:"terminatingRuleType"`
	Action                        string             `json:"action"`
	TerminatingRuleMatchDetails   []MatchDetail      `json:"terminatingRuleMatchDetails"`
	HTTPSourceName                string             `json:"httpSourceName"`
	HTTPSourceID                  string             `json:"httpSourceId"`
	RuleGroupList                 []LogRuleGroup     `json:"ruleGroupList"`
	RateBasedRuleList             []LogRateBasedRule `json:"rateBasedRuleList"`
	NonTerminatingMatchingRules   []LogMatchedRule   `json:"nonTerminatingMatchingRules"`
	RequestHeadersInserted        []LogHeader        `json:"requestHeadersInserted"`
	ResponseCodeSent              *int               `json:"responseCodeSent"`
	HTTPRequest                   LogHTTPRequest     `json:"httpRequest"`
	Labels                        []LogLabel         `json:"labels,omitempty"`
	CaptchaResponse               *LogTokenResponse  `json:"captchaResponse,omitempty"`
	ChallengeResponse             *LogTokenResponse  `json:"challengeResponse,omitempty"`
	JA3Fingerprint                string             `json:"ja3Fingerprint,omitempty"`
	JA4Fingerprint                string             `json:"ja4Fingerprint,omitempty"`
	RequestBodySize               int                `json:"requestBodySize,omitempty"`
	RequestBodySizeInspectedByWAF int                `json:"requestBodySizeInspectedByWAF,omitempty"`
	OversizeFields                []string           `json:"oversizeFields,omitempty"`
}

// LogRuleGroup is an entry of ruleGroupList.
type LogRuleGroup struct {
	RuleGroupID                 string           `json:"ruleGroupId"`
	TerminatingRule             *LogMatchedRule  `json:"terminatingRule"`
	NonTerminatingMatchingRules []LogMatchedRule `json:"nonTerminatingMatchingRules"`
	ExcludedRules               []LogMatchedRule `json:"excludedRules"`
	CustomerConfig              json.RawMessage  `json:"customerConfig"`
}

// LogMatchedRule is a rule in nonTerminatingMatchingRules or a group's
// terminatingRule.
type LogMatchedRule struct {
	RuleID           string        `json:"ruleId"`
	Action           string        `json:"action"`
	OverriddenAction string        `json:"overriddenAction,omitempty"`
	RuleMatchDetails []MatchDetail `json:"ruleMatchDetails"`
}

// LogRateBasedRule is an entry of rateBasedRuleList.
type LogRateBasedRule struct {
	RateBasedRuleID     string `json:"rateBasedRuleId"`
	RateBasedRuleName   string `json:"rateBasedRuleName"`
	LimitKey            string `json:"limitKey"`
	MaxRateAllowed      int64  `json:"maxRateAllowed"`
	EvaluationWindowSec string `json:"evaluationWindowSec"`
}

// LogHeader is a header name and value.
type LogHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// LogHTTPRequest is the httpRequest member.
type LogHTTPRequest struct {
	ClientIP    string      `json:"clientIp"`
	Country     string      `json:"country"`
	Headers     []LogHeader `json:"headers"`
	URI         string      `json:"uri"`
	Args        string      `json:"args"`
	HTTPVersion string      `json:"httpVersion"`
	HTTPMethod  string      `json:"httpMethod"`
	RequestID   string      `json:"requestId"`
}

// LogLabel is an entry of labels.
type LogLabel struct {
	Name string `json:"name"`
}

// LogTokenResponse is captchaResponse / challengeResponse.
type LogTokenResponse struct {
	ResponseCode  int    `json:"responseCode"`
	FailureReason string `json:"failureReason,omitempty"`
}

// LogSource names the protected resource in log records.
type LogSource struct {
	Name string // httpSourceName: CF, APIGW, ALB, APPSYNC, ... (moat's proxy: "MOAT")
	ID   string
}

// Log builds the AWS log record of an evaluated request.
func (w *WebACL) Log(req *Request, res *Result, at time.Time, src LogSource) *LogRecord {
	path, query, _, _ := splitURI(req.URI)
	rec := &LogRecord{
		Timestamp: at.UnixMilli(), FormatVersion: 1, WebACLID: w.arn,
		TerminatingRuleID: res.TerminatingRuleID, TerminatingRuleType: res.TerminatingRuleType,
		Action: res.Action.String(), TerminatingRuleMatchDetails: []MatchDetail{},
		HTTPSourceName: src.Name, HTTPSourceID: src.ID,
		RuleGroupList: []LogRuleGroup{}, RateBasedRuleList: []LogRateBasedRule{},
		NonTerminatingMatchingRules: []LogMatchedRule{},
		HTTPRequest: LogHTTPRequest{URI: path, Args: query, HTTPVersion: req.HTTPVersion, HTTPMethod: req.Method,
			RequestID: req.ID, Headers: []LogHeader{}},
		JA3Fingerprint: req.JA3, JA4Fingerprint: req.JA4,
	}
	if req.ClientIP.IsValid() {
		rec.HTTPRequest.ClientIP = req.ClientIP.String()
		if w.geo != nil {
			rec.HTTPRequest.Country, _ = w.geo.Country(req.ClientIP)
		}
	}
	for _, h := range req.Headers {
		rec.HTTPRequest.Headers = append(rec.HTTPRequest.Headers, LogHeader{Name: h.Name, Value: h.Value})
	}
	if res.TerminatingDetails != nil {
		rec.TerminatingRuleMatchDetails = append(rec.TerminatingRuleMatchDetails, *res.TerminatingDetails)
	}
	for _, m := range res.NonTerminating {
		rec.NonTerminatingMatchingRules = append(rec.NonTerminatingMatchingRules, logRule(m))
	}
	for _, g := range res.RuleGroups {
		lg := LogRuleGroup{RuleGroupID: g.RuleGroupID, NonTerminatingMatchingRules: []LogMatchedRule{}}
		if g.TerminatingRule != nil {
			m := logRule(*g.TerminatingRule)
			lg.TerminatingRule = &m
		}
		for _, m := range g.NonTerminatingMatchingRules {
			lg.NonTerminatingMatchingRules = append(lg.NonTerminatingMatchingRules, logRule(m))
		}
		rec.RuleGroupList = append(rec.RuleGroupList, lg)
	}
	for _, r := range res.RateBased {
		rec.RateBasedRuleList = append(rec.RateBasedRuleList, LogRateBasedRule{
			RateBasedRuleID: r.RuleName, RateBasedRuleName: r.RuleName, LimitKey: "IP",
			MaxRateAllowed: r.Limit, EvaluationWindowSec: strconv.FormatInt(r.WindowSeconds, 10)})
	}
	for _, h := range res.InsertHeaders {
		rec.RequestHeadersInserted = append(rec.RequestHeadersInserted, LogHeader{Name: h.Name, Value: h.Value})
	}
	if res.Response != nil {
		code := res.Response.Status
		rec.ResponseCodeSent = &code
		switch res.Action {
		case Captcha:
			rec.CaptchaResponse = &LogTokenResponse{ResponseCode: code, FailureReason: tokenFailure(res)}
		case Challenge:
			rec.ChallengeResponse = &LogTokenResponse{ResponseCode: code, FailureReason: tokenFailure(res)}
		}
	}
	for _, l := range res.Labels {
		rec.Labels = append(rec.Labels, LogLabel{Name: l})
	}
	if len(req.Body) > 0 {
		rec.RequestBodySize = len(req.Body)
		rec.RequestBodySizeInspectedByWAF = min(len(req.Body), w.bodyLimit)
	}
	return rec
}

func tokenFailure(res *Result) string {
	for _, l := range res.Labels {
		switch l {
		case LabelTokenAbsent:
			return "TOKEN_MISSING"
		case LabelTokenRejected:
			return "TOKEN_INVALID"
		}
	}
	return "TOKEN_EXPIRED"
}

func logRule(m MatchedRule) LogMatchedRule {
	l := LogMatchedRule{RuleID: m.RuleID, Action: m.Action.String(), OverriddenAction: m.OverriddenAction, RuleMatchDetails: []MatchDetail{}}
	if m.Details != nil {
		l.RuleMatchDetails = append(l.RuleMatchDetails, *m.Details)
	}
	return l
}
