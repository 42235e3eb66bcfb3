package networkfirewall

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/suricata"
	"github.com/moatdev/moat/suricata/nfw"
)

// ruleGroupRecord is a stored rule group.
type ruleGroupRecord struct {
	Name, Type, ID string
	Account        string
	Region         string
	Capacity       int32
	Consumed       int32
	Description    *string
	RuleGroup      RuleGroup
	Token          string
	Tags           []Tag
	Modified       time.Time
	Encryption     *EncryptionConfiguration
	SourceMetadata *SourceMetadata
	// Unsupported lists rules Network Firewall accepts that moat does not
	// evaluate (kept so `moat nfw` can say so).
	Unsupported []string `json:",omitempty"`
	// ResourcePolicy is the PutResourcePolicy document (recorded).
	ResourcePolicy *string `json:",omitempty"`
}

func kindOf(typ string) string {
	if typ == "STATELESS" {
		return "stateless-rulegroup"
	}
	return "stateful-rulegroup"
}

func (r *ruleGroupRecord) arn() string { return arnOf(r.Region, r.Account, kindOf(r.Type), r.Name) }

func groupKey(c *service.Call, typ, name string) string { return keyPrefix(c) + typ + "/" + name }

// RuleGroupResponse is the API's RuleGroupResponse.
type RuleGroupResponse struct {
	RuleGroupArn            string
	RuleGroupName           string
	RuleGroupId             string
	Description             *string
	Type                    string
	Capacity                *int32
	RuleGroupStatus         string
	Tags                    []Tag
	ConsumedCapacity        *int32
	NumberOfAssociations    *int32
	EncryptionConfiguration *EncryptionConfiguration
	SourceMetadata          *SourceMetadata
	LastModifiedTime        *time.Time
	AnalysisResults         []AnalysisResult
}

func (r *ruleGroupRecord) response(assoc int32) *RuleGroupResponse {
	tags := r.Tags
	if tags == nil {
		tags = []Tag{}
	}
	cap, used := r.Capacity, r.Consumed
	return &RuleGroupResponse{RuleGroupArn: r.arn(), RuleGroupName: r.Name, RuleGroupId: r.ID, Description: r.Description, Type: r.Type,
		Capacity: &cap, RuleGroupStatus: "ACTIVE", Tags: tags, ConsumedCapacity: &used, NumberOfAssociations: &assoc,
		EncryptionConfiguration: r.Encryption, SourceMetadata: r.SourceMetadata, LastModifiedTime: timePtr(r.Modified)}
}

func ruleGroupOps() []*service.Operation {
	return []*service.Operation{
		service.Op("CreateRuleGroup", "network-firewall:CreateRuleGroup", createRuleGroup,
			service.Resource(func(_ context.Context, c *service.Call, in *CreateRuleGroupInput) (string, error) {
				return arnOf(c.Region, c.Account(), kindOf(in.Type), in.RuleGroupName), nil
			})),
		service.Op("DescribeRuleGroup", "network-firewall:DescribeRuleGroup", describeRuleGroup, service.ReadOnly[RuleGroupRef](),
			service.Resource(func(_ context.Context, c *service.Call, in *RuleGroupRef) (string, error) { return in.arn(c) })),
		service.Op("UpdateRuleGroup", "network-firewall:UpdateRuleGroup", updateRuleGroup,
			service.Resource(func(_ context.Context, c *service.Call, in *UpdateRuleGroupInput) (string, error) {
				return in.RuleGroupRef.arn(c)
			})),
		service.Op("DeleteRuleGroup", "network-firewall:DeleteRuleGroup", deleteRuleGroup,
			service.Resource(func(_ context.Context, c *service.Call, in *RuleGroupRef) (string, error) { return in.arn(c) })),
		service.Op("ListRuleGroups", "network-firewall:ListRuleGroups", listRuleGroups, service.ReadOnly[ListRuleGroupsInput]()),
		service.Op("DescribeRuleGroupMetadata", "network-firewall:DescribeRuleGroupMetadata", describeRuleGroupMetadata, service.ReadOnly[RuleGroupRef](),
			service.Resource(func(_ context.Context, c *service.Call, in *RuleGroupRef) (string, error) { return in.arn(c) })),
	}
}

// CreateRuleGroupInput is the CreateRuleGroup request.
type CreateRuleGroupInput struct {
	RuleGroupName           string `aws:",required"`
	RuleGroup               *RuleGroup
	Rules                   *string
	Type                    string `aws:",required"`
	Description             *string
	Capacity                *int32 `aws:",required"`
	Tags                    []Tag
	DryRun                  bool
	EncryptionConfiguration *EncryptionConfiguration
	SourceMetadata          *SourceMetadata
	AnalyzeRuleGroup        bool
}

// CreateRuleGroupOutput is the CreateRuleGroup response.
type CreateRuleGroupOutput struct {
	UpdateToken       string
	RuleGroupResponse *RuleGroupResponse
}

// ruleGroupContent merges RuleGroup and Rules (exactly one is required) and
// validates the result for typ; it returns the group to store and the
// capacity it consumes.
func ruleGroupContent(typ string, rg *RuleGroup, rules *string) (*RuleGroup, *nfw.GroupCheck, error) {
	switch {
	case rg != nil && rules != nil:
		return nil, nil, invalidRequest.New("RuleGroup and Rules: provide one of them, not both")
	case rg == nil && rules == nil:
		return nil, nil, invalidRequest.New("RuleGroup or Rules: one of them is required")
	case rules != nil:
		if typ != "STATEFUL" {
			return nil, nil, invalidRequest.New("Rules: Suricata rules are only for STATEFUL rule groups")
		}
		rg = &RuleGroup{RulesSource: &RulesSource{RulesString: rules}}
	}
	if rg.RulesSource == nil {
		return nil, nil, invalidRequest.New("RuleGroup.RulesSource: required")
	}
	if typ == "STATEFUL" && rg.StatefulRuleOptions == nil {
		// DescribeRuleGroup shows the default order of a stateful group.
		cp := *rg
		cp.StatefulRuleOptions = &StatefulRuleOptions{RuleOrder: "DEFAULT_ACTION_ORDER"}
		rg = &cp
	}
	gc, err := checkGroup(typ, rg)
	if err != nil {
		return nil, nil, err
	}
	return rg, gc, nil
}

// checkGroup validates a rule group with the suricata engine: structure
// first (field paths in the message), then every Suricata rule. A rule
// that Suricata or Network Firewall refuses fails the call, naming its
// line, column and keyword; rules that are valid Suricata but that moat
// does not evaluate are accepted (Network Firewall would accept them).
func checkGroup(typ string, rg *RuleGroup) (*nfw.GroupCheck, error) {
	if typ != "STATEFUL" && typ != "STATELESS" {
		return nil, invalidRequest.New("Type: %q is not STATEFUL or STATELESS", typ)
	}
	src := rg.RulesSource
	if src.RulesString != nil && len(*src.RulesString) > maxRulesStringBytes {
		return nil, invalidRequest.New("RuleGroup.RulesSource.RulesString: %d bytes, at most %d", len(*src.RulesString), maxRulesStringBytes)
	}
	for i, r := range src.StatefulRules {
		if r.Header == nil {
			return nil, invalidRequest.New("RuleGroup.RulesSource.StatefulRules[%d].Header: required", i)
		}
	}
	if sl := src.StatelessRulesAndCustomActions; sl != nil {
		for i, r := range sl.StatelessRules {
			if r.RuleDefinition == nil {
				return nil, invalidRequest.New("RuleGroup.RulesSource.StatelessRulesAndCustomActions.StatelessRules[%d].RuleDefinition: required", i)
			}
		}
	}
	if v := rg.RuleVariables; v != nil {
		for name, set := range v.IPSets {
			if err := checkVariable("RuleGroup.RuleVariables.IPSets", name, set.Definition); err != nil {
				return nil, err
			}
		}
		for name, set := range v.PortSets {
			if err := checkVariable("RuleGroup.RuleVariables.PortSets", name, set.Definition); err != nil {
				return nil, err
			}
		}
	}
	g, err := toEngine(rg)
	if err != nil {
		return nil, err
	}
	if err := withReferenceSets(typ, rg, g); err != nil {
		return nil, err
	}
	gc, err := nfw.CheckRuleGroup(typ, g, "RuleGroup")
	if err != nil {
		return nil, invalidRequest.New("%v", err)
	}
	if len(gc.Refused) > 0 {
		text := gc.Text
		if src.RulesString != nil {
			text = *src.RulesString // as written (before @NAME references are stood in for)
		}
		return nil, invalidRequest.New("%s", ruleErrors(text, gc.Refused))
	}
	if typ == "STATEFUL" {
		for i, line := range strings.Split(gc.Text, "\n") {
			if len(line) > maxSuricataRuleLength {
				return nil, invalidRequest.New("stateful rule is invalid, line %d: %d characters, a Suricata rule has at most %d", i+1, len(line), maxSuricataRuleLength)
			}
		}
	}
	return gc, nil
}

var varNameOK = func(s string) bool {
	if len(s) < 1 || len(s) > 32 || !(s[0] >= 'A' && s[0] <= 'Z' || s[0] >= 'a' && s[0] <= 'z') {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

func checkVariable(path, name string, def []string) error {
	if !varNameOK(name) {
		return invalidRequest.New("%s: variable name %q must start with a letter and hold at most 32 letters, digits and underscores", path, name)
	}
	if len(def) == 0 {
		return invalidRequest.New("%s[%s].Definition: at least one value is required", path, name)
	}
	for i, d := range def {
		if strings.TrimSpace(d) == "" {
			return invalidRequest.New("%s[%s].Definition[%d]: empty value", path, name, i)
		}
	}
	return nil
}

// ruleErrors words refused Suricata rules the way Network Firewall starts
// its message ("stateful rule is invalid, rule: …"), then moat's position,
// keyword and reason for each (at most 10).
func ruleErrors(text string, errs []*suricata.Error) string {
	lines := strings.Split(text, "\n")
	var b strings.Builder
	for i, e := range errs {
		if i == 10 {
			fmt.Fprintf(&b, "; and %d more", len(errs)-10)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		rule := ""
		if e.Line >= 1 && e.Line <= len(lines) {
			rule = strings.TrimSpace(lines[e.Line-1])
			if len(rule) > 200 {
				rule = rule[:200] + "…"
			}
		}
		fmt.Fprintf(&b, "stateful rule is invalid, rule: %s (line %s)", rule, e.Error())
	}
	return b.String()
}

// toEngine converts the API shape into the suricata/nfw engine's.
func toEngine(rg *RuleGroup) (*nfw.RuleGroup, error) {
	b, err := json.Marshal(rg)
	if err != nil {
		return nil, err
	}
	var g nfw.RuleGroup
	if err := json.Unmarshal(b, &g); err != nil {
		return nil, invalidRequest.New("RuleGroup: %v", err)
	}
	return &g, nil
}

func checkCapacity(typ string, capacity *int32, gc *nfw.GroupCheck) error {
	if capacity == nil {
		return invalidRequest.New("Capacity: required")
	}
	if *capacity < 1 || *capacity > maxGroupCapacity {
		return invalidRequest.New("Capacity: %d is outside 1-%d (the maximum %s rule group capacity)", *capacity, maxGroupCapacity, strings.ToLower(typ))
	}
	if gc.ConsumedCapacity > int(*capacity) {
		return invalidRequest.New("Capacity: the rules need capacity %d, more than the rule group's capacity %d (capacity is fixed when the rule group is created)", gc.ConsumedCapacity, *capacity)
	}
	return nil
}

func createRuleGroup(ctx context.Context, c *service.Call, in *CreateRuleGroupInput) (*CreateRuleGroupOutput, error) {
	if err := checkName("RuleGroupName", in.RuleGroupName); err != nil {
		return nil, err
	}
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	enc, err := defaultEncryption(in.EncryptionConfiguration)
	if err != nil {
		return nil, err
	}
	if in.Type != "STATEFUL" && in.Type != "STATELESS" {
		return nil, invalidRequest.New("Type: %q is not STATEFUL or STATELESS", in.Type)
	}
	rg, gc, err := ruleGroupContent(in.Type, in.RuleGroup, in.Rules)
	if err != nil {
		return nil, err
	}
	if err := checkCapacity(in.Type, in.Capacity, gc); err != nil {
		return nil, err
	}
	rec := &ruleGroupRecord{Name: in.RuleGroupName, Type: in.Type, ID: uuid.NewString(), Account: c.Account(), Region: c.Region, Capacity: *in.Capacity,
		Consumed: int32(gc.ConsumedCapacity), Description: in.Description, RuleGroup: *rg, Token: newToken(), Tags: in.Tags, Modified: c.Now.UTC(),
		Encryption: enc, SourceMetadata: in.SourceMetadata, Unsupported: errorStrings(gc.Unsupported)}
	out := &CreateRuleGroupOutput{UpdateToken: rec.Token, RuleGroupResponse: rec.response(0)}
	if in.AnalyzeRuleGroup {
		out.RuleGroupResponse.AnalysisResults = analyze(rg)
	}
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		key := groupKey(c, in.Type, in.RuleGroupName)
		if found, err := getJSON(tx, TableRuleGroups, key, &ruleGroupRecord{}); err != nil {
			return err
		} else if found {
			return invalidRequest.New("A rule group named %s of type %s already exists", in.RuleGroupName, in.Type)
		}
		n := 0
		if err := tx.Scan(TableRuleGroups, keyPrefix(c)+in.Type+"/", "", 0, func(string, []byte) error { n++; return nil }); err != nil {
			return err
		}
		if limit := map[string]int{"STATEFUL": maxStatefulGroups, "STATELESS": maxStatelessGroups}[in.Type]; n >= limit {
			return limitExceeded.New("You can have at most %d %s rule groups per account and Region", limit, strings.ToLower(in.Type))
		}
		if in.DryRun {
			return nil // checked as the real call would be; nothing written
		}
		return putJSON(tx, TableRuleGroups, key, rec)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func errorStrings(es []*suricata.Error) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.Error())
	}
	return out
}

// RuleGroupRef names a rule group by ARN, or by name and type.
type RuleGroupRef struct {
	RuleGroupName *string
	RuleGroupArn  *string
	Type          *string
	// AnalyzeRuleGroup (DescribeRuleGroup, UpdateRuleGroup) adds the
	// stateless analysis to the response.
	AnalyzeRuleGroup bool
}

// arn is the group's ARN for authorization.
func (r *RuleGroupRef) arn(c *service.Call) (string, error) {
	if r.RuleGroupArn != nil {
		return *r.RuleGroupArn, nil
	}
	if r.RuleGroupName == nil {
		return "", invalidRequest.New("RuleGroupArn or RuleGroupName: one of them is required")
	}
	typ := ""
	if r.Type != nil {
		typ = *r.Type
	}
	if typ != "STATEFUL" && typ != "STATELESS" {
		return "", invalidRequest.New("Type: STATEFUL or STATELESS is required when the rule group is named without its ARN")
	}
	return arnOf(c.Region, c.Account(), kindOf(typ), *r.RuleGroupName), nil
}

// resolve finds the caller's group's key; ResourceNotFoundException when absent.
func (r *RuleGroupRef) load(tx store.Tx, c *service.Call) (string, *ruleGroupRecord, error) {
	arn, err := r.arn(c)
	if err != nil {
		return "", nil, err
	}
	p, ok := parseARN(arn)
	if !ok || (p.Kind != "stateful-rulegroup" && p.Kind != "stateless-rulegroup") {
		return "", nil, invalidRequest.New("RuleGroupArn: %q is not a rule group ARN", arn)
	}
	if r.RuleGroupName != nil && *r.RuleGroupName != p.Name {
		return "", nil, invalidRequest.New("RuleGroupName %q does not match RuleGroupArn %q", *r.RuleGroupName, arn)
	}
	typ := "STATEFUL"
	if p.Kind == "stateless-rulegroup" {
		typ = "STATELESS"
	}
	if r.Type != nil && *r.Type != typ {
		return "", nil, invalidRequest.New("Type %q does not match RuleGroupArn %q", *r.Type, arn)
	}
	var rec ruleGroupRecord
	key := groupKey(c, typ, p.Name)
	found := false
	if p.Account == c.Account() && p.Region == c.Region {
		if found, err = getJSON(tx, TableRuleGroups, key, &rec); err != nil {
			return "", nil, err
		}
	}
	if !found {
		return "", nil, notFound.New("Rule group %s not found", arn)
	}
	return key, &rec, nil
}

// associations counts the caller's firewall policies that reference arn.
func associations(tx store.Tx, c *service.Call, arn string) (int32, []string, error) {
	var n int32
	var names []string
	err := tx.Scan(TablePolicies, keyPrefix(c), "", 0, func(_ string, v []byte) error {
		var p policyRecord
		if err := json.Unmarshal(v, &p); err != nil {
			return err
		}
		if p.references(arn) {
			n++
			names = append(names, p.Name)
		}
		return nil
	})
	return n, names, err
}

// DescribeRuleGroupOutput is the DescribeRuleGroup response.
type DescribeRuleGroupOutput struct {
	UpdateToken       string
	RuleGroup         *RuleGroup
	RuleGroupResponse *RuleGroupResponse
}

func describeRuleGroup(ctx context.Context, c *service.Call, in *RuleGroupRef) (*DescribeRuleGroupOutput, error) {
	var out *DescribeRuleGroupOutput
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		_, rec, err := in.load(tx, c)
		if err != nil {
			return err
		}
		n, _, err := associations(tx, c, rec.arn())
		if err != nil {
			return err
		}
		out = &DescribeRuleGroupOutput{UpdateToken: rec.Token, RuleGroup: &rec.RuleGroup, RuleGroupResponse: rec.response(n)}
		if in.AnalyzeRuleGroup {
			out.RuleGroupResponse.AnalysisResults = analyze(&rec.RuleGroup)
		}
		return nil
	})
	return out, err
}

// UpdateRuleGroupInput is the UpdateRuleGroup request.
type UpdateRuleGroupInput struct {
	UpdateToken string `aws:",required"`
	RuleGroupRef
	RuleGroup               *RuleGroup
	Rules                   *string
	Description             *string
	DryRun                  bool
	EncryptionConfiguration *EncryptionConfiguration
	SourceMetadata          *SourceMetadata
}

// UpdateRuleGroupOutput is the UpdateRuleGroup response.
type UpdateRuleGroupOutput struct {
	UpdateToken       string
	RuleGroupResponse *RuleGroupResponse
}

func updateRuleGroup(ctx context.Context, c *service.Call, in *UpdateRuleGroupInput) (*UpdateRuleGroupOutput, error) {
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	var out *UpdateRuleGroupOutput
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		key, rec, err := in.RuleGroupRef.load(tx, c)
		if err != nil {
			return err
		}
		if err := checkToken(in.UpdateToken, rec.Token); err != nil {
			return err
		}
		rg, gc, err := ruleGroupContent(rec.Type, in.RuleGroup, in.Rules)
		if err != nil {
			return err
		}
		// The rule order is fixed at creation: Network Firewall answers
		// "parameter is invalid, parameter: [STRICT_ORDER]" to a change
		// (and to Rules, which means DEFAULT_ACTION_ORDER, on a strict group).
		if was, now := ruleOrder(&rec.RuleGroup), ruleOrder(rg); was != now {
			return invalidRequest.New("parameter is invalid, parameter: [%s]: the rule group's rule order is %s and cannot change after creation", now, was)
		}
		if err := checkCapacity(rec.Type, &rec.Capacity, gc); err != nil {
			return err
		}
		if in.EncryptionConfiguration != nil {
			if rec.Encryption, err = defaultEncryption(in.EncryptionConfiguration); err != nil {
				return err
			}
		}
		rec.RuleGroup, rec.Consumed, rec.Unsupported = *rg, int32(gc.ConsumedCapacity), errorStrings(gc.Unsupported)
		if in.Description != nil {
			rec.Description = in.Description
		}
		if in.SourceMetadata != nil {
			rec.SourceMetadata = in.SourceMetadata
		}
		rec.Token, rec.Modified = newToken(), c.Now.UTC()
		n, _, err := associations(tx, c, rec.arn())
		if err != nil {
			return err
		}
		if err := checkPoliciesWith(tx, c, rec); err != nil {
			return err
		}
		out = &UpdateRuleGroupOutput{UpdateToken: rec.Token, RuleGroupResponse: rec.response(n)}
		if in.AnalyzeRuleGroup {
			out.RuleGroupResponse.AnalysisResults = analyze(rg)
		}
		if in.DryRun {
			return errDryRun // roll back what checkPoliciesWith wrote
		}
		return putJSON(tx, TableRuleGroups, key, rec)
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	return out, err
}

// errDryRun rolls back a dry run's transaction.
var errDryRun = errors.New("dry run")

// DeleteRuleGroupOutput is the DeleteRuleGroup response.
type DeleteRuleGroupOutput struct {
	RuleGroupResponse *RuleGroupResponse
}

func deleteRuleGroup(ctx context.Context, c *service.Call, in *RuleGroupRef) (*DeleteRuleGroupOutput, error) {
	var out *DeleteRuleGroupOutput
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		key, rec, err := in.load(tx, c)
		if err != nil {
			return err
		}
		n, users, err := associations(tx, c, rec.arn())
		if err != nil {
			return err
		}
		if n > 0 {
			return invalidOperation.New("Unable to delete the rule group %s: it is in use by firewall policies %s", rec.arn(), strings.Join(users, ", "))
		}
		resp := rec.response(0)
		resp.RuleGroupStatus = "DELETING"
		out = &DeleteRuleGroupOutput{RuleGroupResponse: resp}
		return tx.Delete(TableRuleGroups, key)
	})
	return out, err
}

// ListRuleGroupsInput is the ListRuleGroups request.
type ListRuleGroupsInput struct {
	NextToken   *string
	MaxResults  *int32
	Scope       *string
	ManagedType *string
	Type        *string
}

// RuleGroupMetadata is one listed rule group.
type RuleGroupMetadata struct {
	Name       string
	Arn        string
	VendorName *string
}

// ListRuleGroupsOutput is the ListRuleGroups response.
type ListRuleGroupsOutput struct {
	NextToken  *string
	RuleGroups []RuleGroupMetadata
}

func listRuleGroups(ctx context.Context, c *service.Call, in *ListRuleGroupsInput) (*ListRuleGroupsOutput, error) {
	out := &ListRuleGroupsOutput{RuleGroups: []RuleGroupMetadata{}}
	if in.Scope != nil && *in.Scope != "ACCOUNT" && *in.Scope != "MANAGED" {
		return nil, invalidRequest.New("Scope: %q is not MANAGED or ACCOUNT", *in.Scope)
	}
	if in.Type != nil && *in.Type != "STATEFUL" && *in.Type != "STATELESS" {
		return nil, invalidRequest.New("Type: %q is not STATEFUL or STATELESS", *in.Type)
	}
	if in.Scope != nil && *in.Scope == "MANAGED" {
		return out, nil // moat carries no AWS managed rule groups
	}
	prefix := keyPrefix(c)
	if in.Type != nil {
		prefix += *in.Type + "/"
	}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		var err error
		out.NextToken, err = page(tx, TableRuleGroups, prefix, in.MaxResults, in.NextToken, func(_ string, v []byte) (bool, error) {
			var r ruleGroupRecord
			if err := json.Unmarshal(v, &r); err != nil {
				return false, err
			}
			out.RuleGroups = append(out.RuleGroups, RuleGroupMetadata{Name: r.Name, Arn: r.arn()})
			return true, nil
		})
		return err
	})
	return out, err
}

// ipSetRefRE is an IP set reference in a Suricata rule: @NAME.
var ipSetRefRE = regexp.MustCompile(`@([A-Za-z][A-Za-z0-9_]*)`)

// withReferenceSets checks a group's IP set references (at most 5, each
// an ARN) and lets the engine parse rules that use them: moat does not
// resolve the referenced prefix lists or resource groups, so for
// validation each @NAME stands for a documentation range (192.0.2.0/24).
// A rule that uses an @NAME the group does not declare is refused as a bad
// address, as Network Firewall refuses it.
func withReferenceSets(typ string, rg *RuleGroup, g *nfw.RuleGroup) error {
	if rg.ReferenceSets == nil || len(rg.ReferenceSets.IPSetReferences) == 0 {
		return nil
	}
	if typ != "STATEFUL" {
		return invalidRequest.New("RuleGroup.ReferenceSets: only stateful rule groups have IP set references")
	}
	refs := rg.ReferenceSets.IPSetReferences
	if len(refs) > maxIPSetReferences {
		return invalidRequest.New("RuleGroup.ReferenceSets.IPSetReferences: at most %d IP set references per rule group", maxIPSetReferences)
	}
	for name, r := range refs {
		if !varNameOK(name) {
			return invalidRequest.New("RuleGroup.ReferenceSets.IPSetReferences: name %q must start with a letter and hold at most 32 letters, digits and underscores", name)
		}
		if r.ReferenceArn == nil || !strings.HasPrefix(*r.ReferenceArn, "arn:aws") {
			return invalidRequest.New("RuleGroup.ReferenceSets.IPSetReferences[%s].ReferenceArn: an ARN of a managed prefix list or resource group is required", name)
		}
	}
	g.RulesSource.RulesString = ipSetRefRE.ReplaceAllStringFunc(g.RulesSource.RulesString, func(m string) string {
		if _, ok := refs[m[1:]]; ok {
			return "$" + m[1:]
		}
		return m
	})
	if g.RuleVariables == nil {
		g.RuleVariables = &nfw.RuleVariables{}
	}
	if g.RuleVariables.IPSets == nil {
		g.RuleVariables.IPSets = map[string]nfw.IPSet{}
	}
	for name := range refs {
		g.RuleVariables.IPSets[name] = nfw.IPSet{Definition: []string{"192.0.2.0/24"}}
	}
	return nil
}

// DescribeRuleGroupMetadataOutput is the DescribeRuleGroupMetadata response:
// a group's high-level settings without its rules.
type DescribeRuleGroupMetadataOutput struct {
	RuleGroupArn        string
	RuleGroupName       string
	Description         *string
	Type                string
	Capacity            *int32
	StatefulRuleOptions *StatefulRuleOptions
	LastModifiedTime    *time.Time
}

func describeRuleGroupMetadata(ctx context.Context, c *service.Call, in *RuleGroupRef) (*DescribeRuleGroupMetadataOutput, error) {
	var out *DescribeRuleGroupMetadataOutput
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		_, rec, err := in.load(tx, c)
		if err != nil {
			return err
		}
		capacity := rec.Capacity
		out = &DescribeRuleGroupMetadataOutput{RuleGroupArn: rec.arn(), RuleGroupName: rec.Name, Description: rec.Description, Type: rec.Type,
			Capacity: &capacity, StatefulRuleOptions: rec.RuleGroup.StatefulRuleOptions, LastModifiedTime: timePtr(rec.Modified)}
		return nil
	})
	return out, err
}

func ruleOrder(rg *RuleGroup) string {
	if o := rg.StatefulRuleOptions; o != nil && o.RuleOrder != "" {
		return o.RuleOrder
	}
	return "DEFAULT_ACTION_ORDER"
}
