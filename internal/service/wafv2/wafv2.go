// Package wafv2 serves the AWS WAFV2 API (json 1.1, X-Amz-Target prefix
// AWSWAF_20190729, signing name "wafv2") over moat's WAF engine (waf/):
//
//   - web ACLs: CreateWebACL, GetWebACL, UpdateWebACL, DeleteWebACL,
//     ListWebACLs, with LockToken optimistic locking (a stale token is
//     WAFOptimisticLockException; every write returns a new token);
//   - CheckCapacity, IP sets, regex pattern sets and rule groups (each with
//     Create/Get/Update/Delete/List), ListAvailableManagedRuleGroups and
//     DescribeManagedRuleGroup for the managed groups the engine defines
//     (package waf/managed);
//   - AssociateWebACL, DisassociateWebACL, GetWebACLForResource,
//     ListResourcesForWebACL; PutLoggingConfiguration,
//     GetLoggingConfiguration, DeleteLoggingConfiguration,
//     ListLoggingConfigurations; TagResource,
//     UntagResource, ListTagsForResource;
//   - PutPermissionPolicy, GetPermissionPolicy, DeletePermissionPolicy:
//     a rule group shared with other accounts (policies checked as WAF
//     requires: Allow, the three required actions plus optional
//     wafv2:GetRuleGroup, account principals, no Resource) can be read by
//     them (when the policy grants GetRuleGroup) and referenced from their
//     web ACLs in the same Region.
//
// Every web ACL and rule group is parsed and compiled by the engine on each
// write, with the IP sets, regex pattern sets and rule groups it references
// read in the same store transaction, so what is stored is exactly what
// `moat waf test` and `moat waf proxy` would run. The engine's error (a JSON
// path such as Rules[0].Statement.ByteMatchStatement.PositionalConstraint)
// becomes WAFInvalidParameterException with AWS's Field (the
// ParameterExceptionField of the innermost member the path names, e.g.
// BYTE_MATCH_STATEMENT), Parameter (that member's name, or the bad value for
// IP addresses and scopes) and Reason; moat's Reason is more precise than
// AWS's fixed phrases and ends with the path. Capacity (WCU) is the
// engine's; a web ACL over 5,000 WCU is WAFLimitsExceededException (AWS's
// maximum since April 2023; 1,500 are included in the base price); a rule
// group whose rules need more than its declared Capacity is
// WAFInvalidParameterException "You exceeded the capacity limit for a rule
// group or web ACL." with field RULE_GROUP, as AWS answers.
//
// State is per account, region and scope (REGIONAL, or CLOUDFRONT which
// AWS only serves in us-east-1: elsewhere WAFInvalidParameterException,
// field SCOPE_VALUE). Names are unique per kind within a scope
// (WAFDuplicateItemException). A resource referenced by a web ACL (IP set,
// regex pattern set, rule group) cannot be deleted, and a web ACL associated
// with a resource cannot be deleted (WAFAssociatedItemException).
//
// Authorization: actions wafv2:<Operation>; resources are the ARNs of the
// Service Authorization Reference, arn:aws:wafv2:REGION:ACCOUNT:
// regional|global/webacl|ipset|regexpatternset|rulegroup/NAME/ID. A Create
// is authorized on the ARN of the resource it is about to create (its id is
// drawn before authorization). Association calls are authorized on the
// protected resource's ARN (DisassociateWebACL, GetWebACLForResource) or the
// web ACL's (AssociateWebACL), as the reference lists first.
//
// # Deviations and what is not served
//
//   - AWS also requires the caller's permission on each IP set, regex
//     pattern set and rule group a web ACL references (wafv2:CreateWebACL on
//     the ipset ARN...); moat authorizes one resource per call, the web ACL.
//   - Protected resources (ALBs, API Gateway stages, ...) are not checked to
//     exist: their ARN is recorded. The ARN must be one WAF can protect in
//     the web ACL's scope (CloudFront distributions are associated through
//     CloudFront in AWS and are refused here as AWS refuses them).
//   - Logging configurations are stored and returned; log delivery is
//     `moat waf proxy --log`. Managed rule group versions, API keys,
//     Firewall Manager and mobile SDK operations,
//     GetSampledRequests and GetRateBasedStatementManagedKeys are not
//     served (UnknownOperationException).
//   - AWS's own validation of some members the engine does not evaluate
//     (DataProtectionConfig, ManagedRuleGroupConfigs, TokenDomains) is not
//     repeated: they are stored as given.
//   - CheckCapacity reports the WCUs of rules that need more than a web
//     ACL's 5,000 (AWS does not say whether it refuses them); the rules are
//     still validated.
//   - AssociateWebACL on a resource that already has a web ACL replaces
//     the association; tagging leaves the lock token unchanged.
//   - Quotas (100 web ACLs, rule groups and IP sets, 10 regex pattern sets)
//     are counted per scope.
//   - ListAvailableManagedRuleGroups lists moat's definitions, whose rules
//     follow AWS's documented intent (docs/waf.md); managed group versions
//     are not modelled (Version is accepted and ignored by evaluation).
//   - Messages of WAFInvalidParameterException keep AWS's form; the Reason
//     is the engine's own and ends with the JSON path of the member.
package wafv2

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/google/uuid"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	_ "github.com/moatdev/moat/waf/managed" // moat's definitions of AWS's managed rule groups
)

// Tables. Keys of the four resource tables are
// account/region/scope/name (scope "regional" or "global", as in ARNs).
const (
	TableWebACLs          = "wafv2.webacls"
	TableIPSets           = "wafv2.ipsets"
	TableRegexPatternSets = "wafv2.regexpatternsets"
	TableRuleGroups       = "wafv2.rulegroups"
	// TableAssociations: account/region/resource ARN → web ACL ARN.
	TableAssociations = "wafv2.associations"
	// TableLogging: account/region/web ACL ARN → LoggingConfiguration JSON.
	TableLogging = "wafv2.logging"
)

// WAFV2's errors (API reference, "Common errors" of each operation).
var (
	invalidParameter = awserr.Def{Code: "WAFInvalidParameterException", Status: http.StatusBadRequest}
	nonexistentItem  = awserr.Def{Code: "WAFNonexistentItemException", Status: http.StatusBadRequest}
	duplicateItem    = awserr.Def{Code: "WAFDuplicateItemException", Status: http.StatusBadRequest}
	optimisticLock   = awserr.Def{Code: "WAFOptimisticLockException", Status: http.StatusBadRequest}
	associatedItem   = awserr.Def{Code: "WAFAssociatedItemException", Status: http.StatusBadRequest}
	limitsExceeded   = awserr.Def{Code: "WAFLimitsExceededException", Status: http.StatusBadRequest}
	unavailable      = awserr.Def{Code: "WAFUnavailableEntityException", Status: http.StatusBadRequest}
	invalidOperation = awserr.Def{Code: "WAFInvalidOperationException", Status: http.StatusBadRequest}
	validation       = awserr.Def{Code: "ValidationException", Status: http.StatusBadRequest}
)

// AWS's messages for the errors without a per-case text (the API
// reference's descriptions, which the service sends).
const (
	msgNonexistent = "AWS WAF couldn’t perform the operation because your resource doesn’t exist."
	msgDuplicate   = "AWS WAF couldn’t perform the operation because some resource in your request is a duplicate of an existing one."
	msgLock        = "AWS WAF couldn’t save your changes because you tried to update or delete a resource that has changed since you last retrieved it. Get the resource again, make any changes you need to make to the new copy, and retry your operation."
	msgAssociated  = "AWS WAF couldn’t perform the operation because your resource is being used by another resource or it’s associated with another resource."
	msgLimits      = "AWS WAF couldn’t perform the operation because you exceeded your resource limit. For example, the maximum number of WebACL objects that you can create for an AWS account."
)

// invalid is WAFInvalidParameterException with AWS's members and message
// ("Error reason: …, field: …, parameter: …").
func invalid(reason, field, parameter string) *awserr.Error {
	e := invalidParameter.New("Error reason: %s, field: %s, parameter: %s", reason, field, parameter)
	e.Fields = map[string]string{"Field": field, "Parameter": parameter, "Reason": reason}
	return e
}

// New returns the WAFV2 service.
func New() *service.Service {
	ops := append(webACLOps(), setOps()...)
	ops = append(ops, ruleGroupOps()...)
	ops = append(ops, associationOps()...)
	ops = append(ops, sharingOps()...)
	return &service.Service{
		Meta:        protocol.Service{Name: "wafv2", Protocol: "json", JSONVersion: "1.1", TargetPrefix: "AWSWAF_20190729"},
		EventSource: "wafv2.amazonaws.com",
		Ops:         service.Table(ops...),
	}
}

// Tag is WAFV2's Tag shape.
type Tag struct {
	Key   string
	Value string
}

// kinds of stored resources, as their ARNs spell them.
const (
	kindWebACL    = "webacl"
	kindIPSet     = "ipset"
	kindRegexSet  = "regexpatternset"
	kindRuleGroup = "rulegroup"
)

var tables = map[string]string{kindWebACL: TableWebACLs, kindIPSet: TableIPSets, kindRegexSet: TableRegexPatternSets, kindRuleGroup: TableRuleGroups}

// entity is a stored web ACL, IP set, regex pattern set or rule group.
type entity struct {
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	ID          string `json:"id"`
	ARN         string `json:"arn"`
	Scope       string `json:"scope"` // REGIONAL | CLOUDFRONT
	Description string `json:"description,omitempty"`
	LockToken   string `json:"lockToken"`
	// Members are the kind's other members as Get returns them
	// (DefaultAction, Rules, Addresses, ...).
	Members  map[string]json.RawMessage `json:"members"`
	Capacity int64                      `json:"capacity,omitempty"`
	// Refs are the ARNs of the IP sets, regex pattern sets and rule groups
	// the rules reference.
	Refs []string `json:"refs,omitempty"`
	Tags []Tag    `json:"tags,omitempty"`
	// Policy is a rule group's permission policy (PutPermissionPolicy).
	Policy string `json:"policy,omitempty"`
}

// scopes: API value → ARN part.
func scopeSlug(scope string) string {
	if scope == "CLOUDFRONT" {
		return "global"
	}
	return "regional"
}

// checkScope applies AWS's rules: REGIONAL or CLOUDFRONT, and CLOUDFRONT
// only in us-east-1.
func checkScope(c *service.Call, scope string) error {
	switch scope {
	case "REGIONAL":
		return nil
	case "CLOUDFRONT":
		if c.Region != "us-east-1" {
			return invalid("The scope is not valid.", "SCOPE_VALUE", "CLOUDFRONT")
		}
		return nil
	}
	return validation.New("1 validation error detected: Value '%s' at 'scope' failed to satisfy constraint: Member must satisfy enum value set: [CLOUDFRONT, REGIONAL]", scope)
}

var (
	nameRE = regexp.MustCompile(`^[\w\-]{1,128}$`)
	idRE   = regexp.MustCompile(`^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$`)
)

func checkName(name string) error {
	if !nameRE.MatchString(name) {
		return validation.New("1 validation error detected: Value '%s' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[\\w\\-]+$", name)
	}
	return nil
}

func checkDescription(d *string) error {
	if d != nil && (len(*d) == 0 || len(*d) > 256) {
		return validation.New("1 validation error detected: Value '%s' at 'description' failed to satisfy constraint: Member must have length between 1 and 256", *d)
	}
	return nil
}

func arnOf(c *service.Call, scope, kind, name, id string) string {
	return "arn:aws:wafv2:" + c.Region + ":" + c.Account() + ":" + scopeSlug(scope) + "/" + kind + "/" + name + "/" + id
}

func key(account, region, scope, name string) string {
	return account + "/" + region + "/" + scopeSlug(scope) + "/" + name
}

// parsedARN is a WAFV2 ARN taken apart.
type parsedARN struct {
	Region, Account, Scope, Kind, Name, ID string
}

// parseARN reads arn:aws:wafv2:REGION:ACCOUNT:SCOPE/KIND/NAME/ID.
func parseARN(s string) (parsedARN, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[1] != "aws" || parts[2] != "wafv2" || parts[3] == "" || parts[4] == "" {
		return parsedARN{}, false
	}
	path := strings.Split(parts[5], "/")
	if len(path) != 4 || (path[0] != "regional" && path[0] != "global") || path[1] == "" || path[2] == "" || path[3] == "" {
		return parsedARN{}, false
	}
	scope := "REGIONAL"
	if path[0] == "global" {
		scope = "CLOUDFRONT"
	}
	return parsedARN{Region: parts[3], Account: parts[4], Scope: scope, Kind: path[1], Name: path[2], ID: path[3]}, true
}

// load reads an entity by name and id; a wrong id is as absent as a
// wrong name, as in AWS.
func load(tx store.Tx, c *service.Call, kind, scope, name, id string) (*entity, error) {
	return loadIn(tx, c.Account(), c.Region, kind, scope, name, id)
}

// loadIn reads an entity of any account and region.
func loadIn(tx store.Tx, account, region, kind, scope, name, id string) (*entity, error) {
	b, err := tx.Get(tables[kind], key(account, region, scope, name))
	if errors.Is(err, store.ErrNotFound) {
		return nil, nonexistentItem.New(msgNonexistent)
	}
	if err != nil {
		return nil, err
	}
	var e entity
	if err := json.Unmarshal(b, &e); err != nil {
		return nil, err
	}
	if e.ID != id {
		return nil, nonexistentItem.New(msgNonexistent)
	}
	return &e, nil
}

// loadARN reads an entity of the caller's account and region by ARN.
func loadARN(tx store.Tx, c *service.Call, arn string) (*entity, error) {
	p, ok := parseARN(arn)
	if !ok || tables[p.Kind] == "" {
		return nil, invalid("The parameter contains formatting that is not valid.", "RESOURCE_ARN", arn)
	}
	if p.Account != c.Account() || p.Region != c.Region {
		return nil, nonexistentItem.New(msgNonexistent)
	}
	return load(tx, c, p.Kind, p.Scope, p.Name, p.ID)
}

func save(tx store.Tx, c *service.Call, e *entity, insert bool) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	k := key(c.Account(), c.Region, e.Scope, e.Name)
	if !insert {
		return tx.Put(tables[e.Kind], k, b)
	}
	if err := tx.Insert(tables[e.Kind], k, b); errors.Is(err, store.ErrExists) {
		return duplicateItem.New(msgDuplicate)
	} else if err != nil {
		return err
	}
	return nil
}

// checkLock compares the caller's token with the stored one.
func checkLock(e *entity, token string) error {
	if token != e.LockToken {
		return optimisticLock.New(msgLock)
	}
	return nil
}

func newID() string { return uuid.NewString() }

// newIDFor draws the id of a resource about to be created, once per call:
// Resource (authorization) and the handler see the same one.
func newIDFor(id *string) string {
	if *id == "" {
		*id = newID()
	}
	return *id
}

// Summary is the summary shape shared by the four kinds (WebACLSummary,
// IPSetSummary, RegexPatternSetSummary, RuleGroupSummary).
type Summary struct {
	ARN         string
	Description *string
	Id          string
	LockToken   string
	Name        string
}

func (e *entity) summary() *Summary {
	s := &Summary{ARN: e.ARN, Id: e.ID, LockToken: e.LockToken, Name: e.Name}
	if e.Description != "" {
		s.Description = &e.Description
	}
	return s
}

// document renders the entity as Get returns it: the kind's members plus
// Name, Id, ARN and Description, and extra members.
func (e *entity) document(extra map[string]any) json.RawMessage {
	m := make(map[string]any, len(e.Members)+len(extra)+4)
	for k, v := range e.Members {
		m[k] = v
	}
	m["Name"], m["Id"], m["ARN"] = e.Name, e.ID, e.ARN
	if e.Description != "" {
		m["Description"] = e.Description
	}
	for k, v := range extra {
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return b
}

// setMembers stores the raw members that are present.
func setMembers(m map[string]json.RawMessage, kv ...any) {
	for i := 0; i+1 < len(kv); i += 2 {
		k := kv[i].(string)
		switch v := kv[i+1].(type) {
		case json.RawMessage:
			if len(v) > 0 && string(v) != "null" {
				m[k] = v
			} else {
				delete(m, k)
			}
		default:
			b, _ := json.Marshal(v)
			m[k] = b
		}
	}
}

// ListInput is the paging and scope of the List operations.
type ListInput struct {
	Scope      string `aws:",required"`
	NextMarker *string
	Limit      *int32
}

// list pages through one kind of the caller's scope in name order.
func list(ctx context.Context, c *service.Call, kind string, in *ListInput) ([]*Summary, *string, error) {
	if err := checkScope(c, in.Scope); err != nil {
		return nil, nil, err
	}
	limit := 100
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > 100 {
			return nil, nil, validation.New("1 validation error detected: Value '%d' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100", *in.Limit)
		}
		limit = int(*in.Limit)
	}
	prefix := c.Account() + "/" + c.Region + "/" + scopeSlug(in.Scope) + "/"
	after := ""
	if in.NextMarker != nil && *in.NextMarker != "" {
		after = prefix + *in.NextMarker
	}
	out := []*Summary{}
	var next *string
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		return tx.Scan(tables[kind], prefix, after, limit+1, func(_ string, v []byte) error {
			var e entity
			if err := json.Unmarshal(v, &e); err != nil {
				return err
			}
			if len(out) == limit {
				m := out[limit-1].Name
				next = &m
				return nil
			}
			out = append(out, e.summary())
			return nil
		})
	})
	return out, next, err
}

// NameScopeID names a resource as the Get and Delete operations do.
type NameScopeID struct {
	Name  string `aws:",required"`
	Scope string `aws:",required"`
	Id    string `aws:",required"`
}

// check validates the identification members.
func (n *NameScopeID) check(c *service.Call) error {
	if err := checkScope(c, n.Scope); err != nil {
		return err
	}
	if err := checkName(n.Name); err != nil {
		return err
	}
	if !idRE.MatchString(n.Id) {
		return validation.New("1 validation error detected: Value '%s' at 'id' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$", n.Id)
	}
	return nil
}

// requestTags sets aws:RequestTag/<key> for authorization (the server
// derives aws:TagKeys).
func requestTags(tags []Tag, set func(key, value string)) {
	for _, t := range tags {
		set("aws:RequestTag/"+t.Key, t.Value)
	}
}

func checkTags(tags []Tag) error {
	if len(tags) > 50 {
		return invalid("You exceeded the maximum number of tags.", "TAGS", "Tags")
	}
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 || len(t.Value) > 256 {
			return invalid("The parameter contains formatting that is not valid.", "TAGS", t.Key)
		}
	}
	return nil
}
