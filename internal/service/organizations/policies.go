package organizations

import (
	"context"
	"errors"
	"slices"
	"sort"
	"strings"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

// EnablePolicyTypeInput is the EnablePolicyType request.
type EnablePolicyTypeInput struct {
	RootId     string `aws:",required"`
	PolicyType string `aws:",required"`
}

// EnablePolicyTypeOutput is the EnablePolicyType response.
type EnablePolicyTypeOutput struct{ Root Root }

// checkType refuses the policy types moat does not enforce.
func checkType(t string) error {
	switch t {
	case identity.SCPType, identity.RCPType:
		return nil
	case "TAG_POLICY", "BACKUP_POLICY", "AISERVICES_OPT_OUT_POLICY", "CHATBOT_POLICY", "DECLARATIVE_POLICY_EC2":
		return awserr.OrgConstraintViolationException.New("moat supports the SERVICE_CONTROL_POLICY and RESOURCE_CONTROL_POLICY policy types only.")
	}
	return awserr.OrgInvalidInputException.New("You provided a value that does not match the required pattern: PolicyType %s is not a valid policy type.", t)
}

// enablePolicyType turns SCPs or RCPs on; as in AWS, FullAWSAccess (or
// RCPFullAWSAccess) is then attached to the root, every OU and every
// account.
func enablePolicyType(ctx context.Context, c *service.Call, in *EnablePolicyTypeInput) (*EnablePolicyTypeOutput, error) {
	if err := checkType(in.PolicyType); err != nil {
		return nil, err
	}
	var out Root
	err := update(ctx, c, func(_ store.Tx, o *identity.Organization) error {
		if in.RootId != o.RootID {
			return awserr.ParentNotFoundException.New("We can't find a root with the RootId that you specified.")
		}
		if o.Enabled(in.PolicyType) {
			return awserr.PolicyTypeAlreadyEnabledException.New("The specified policy type is already enabled.")
		}
		full := identity.FullAWSAccessID
		if in.PolicyType == identity.RCPType {
			o.RCPEnabled, full = true, identity.RCPFullAWSAccessID
			if o.Policies[full] == nil { // organizations created before moat knew RCPs
				o.Policies[full] = &identity.OrgPolicy{ID: full, Name: "RCPFullAWSAccess", Type: identity.RCPType,
					Description: "Allows access to every operation", Content: identity.RCPFullAWSAccess, AWSManaged: true}
			}
		} else {
			o.SCPEnabled = true
		}
		for target := range o.Parents {
			o.Attached[target] = append(o.Attached[target], full)
		}
		o.Attached[o.RootID] = append(o.Attached[o.RootID], full)
		out = rootShape(o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &EnablePolicyTypeOutput{Root: out}, nil
}

// disablePolicyType turns a policy type off and detaches every policy of
// that type, as AWS does.
func disablePolicyType(ctx context.Context, c *service.Call, in *EnablePolicyTypeInput) (*EnablePolicyTypeOutput, error) {
	if err := checkType(in.PolicyType); err != nil {
		return nil, err
	}
	var out Root
	err := update(ctx, c, func(_ store.Tx, o *identity.Organization) error {
		if in.RootId != o.RootID {
			return awserr.ParentNotFoundException.New("We can't find a root with the RootId that you specified.")
		}
		if !o.Enabled(in.PolicyType) {
			return awserr.PolicyTypeNotEnabledException.New("This operation can be performed only for enabled policy types.")
		}
		if in.PolicyType == identity.RCPType {
			o.RCPEnabled = false
		} else {
			o.SCPEnabled = false
		}
		for target, ids := range o.Attached {
			o.Attached[target] = slices.DeleteFunc(ids, func(id string) bool { return o.Policies[id] == nil || o.Policies[id].Type == in.PolicyType })
		}
		out = rootShape(o)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &EnablePolicyTypeOutput{Root: out}, nil
}

// PolicySummary is Organizations' PolicySummary shape.
type PolicySummary struct {
	Id, Arn, Name, Description, Type string
	AwsManaged                       bool
}

func policyShape(o *identity.Organization, p *identity.OrgPolicy) PolicySummary {
	kind := strings.ToLower(p.Type)
	arn := "arn:aws:organizations::" + o.Management + ":policy/" + o.ID + "/" + kind + "/" + p.ID
	if p.AWSManaged {
		arn = "arn:aws:organizations::aws:policy/" + kind + "/" + p.ID
	}
	return PolicySummary{Id: p.ID, Arn: arn, Name: p.Name, Description: p.Description, Type: p.Type, AwsManaged: p.AWSManaged}
}

// CreatePolicyInput is the CreatePolicy request.
type CreatePolicyInput struct {
	Content     string `aws:",required"`
	Description string `aws:",required"`
	Name        string `aws:",required"`
	Type        string `aws:",required"`
}

// Policy is Organizations' Policy shape.
type Policy struct {
	PolicySummary PolicySummary
	Content       string
}

// PolicyOutput is the CreatePolicy response.
type PolicyOutput struct{ Policy Policy }

func createPolicy(ctx context.Context, c *service.Call, in *CreatePolicyInput) (*PolicyOutput, error) {
	if err := checkType(in.Type); err != nil {
		return nil, err
	}
	if err := checkContent(in.Type, in.Content); err != nil {
		return nil, err
	}
	var out Policy
	err := update(ctx, c, func(_ store.Tx, o *identity.Organization) error {
		for _, existing := range o.Policies {
			if existing.Name == in.Name {
				return awserr.DuplicatePolicyException.New("A policy with the same name already exists.")
			}
		}
		np := &identity.OrgPolicy{ID: "p-" + randomID(8), Name: in.Name, Description: in.Description, Type: in.Type, Content: in.Content}
		o.Policies[np.ID] = np
		out = Policy{PolicySummary: policyShape(o, np), Content: np.Content}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PolicyOutput{Policy: out}, nil
}

// AttachPolicyInput is the AttachPolicy and DetachPolicy request.
type AttachPolicyInput struct {
	PolicyId string `aws:",required"`
	TargetId string `aws:",required"`
}

func isTarget(o *identity.Organization, id string) bool {
	_, inTree := o.Parents[id]
	return id == o.RootID || inTree
}

func attachPolicy(ctx context.Context, c *service.Call, in *AttachPolicyInput) (*struct{}, error) {
	return nil, update(ctx, c, func(_ store.Tx, o *identity.Organization) error {
		p := o.Policies[in.PolicyId]
		if p == nil {
			return awserr.PolicyNotFoundException.New("We can't find a policy with the PolicyId that you specified.")
		}
		if !o.Enabled(p.Type) {
			return awserr.PolicyTypeNotEnabledException.New("This operation can be performed only for enabled policy types.")
		}
		if !isTarget(o, in.TargetId) {
			return awserr.TargetNotFoundException.New("We can't find a root, OU, account, or email that you specified.")
		}
		for _, id := range o.Attached[in.TargetId] {
			if id == in.PolicyId {
				return awserr.DuplicatePolicyAttachmentException.New("The selected policy is already attached to the specified target.")
			}
		}
		o.Attached[in.TargetId] = append(o.Attached[in.TargetId], in.PolicyId)
		return nil
	})
}

func detachPolicy(ctx context.Context, c *service.Call, in *AttachPolicyInput) (*struct{}, error) {
	return nil, update(ctx, c, func(_ store.Tx, o *identity.Organization) error {
		if in.PolicyId == identity.RCPFullAWSAccessID {
			// "You cannot detach this policy" (Organizations User Guide, RCP syntax).
			return awserr.OrgConstraintViolationException.New("You cannot detach the RCPFullAWSAccess policy.")
		}
		list := o.Attached[in.TargetId]
		for i, id := range list {
			if id == in.PolicyId {
				o.Attached[in.TargetId] = append(list[:i:i], list[i+1:]...)
				return nil
			}
		}
		return awserr.PolicyNotAttachedException.New("The policy isn't attached to the specified target in the specified root.")
	})
}

// TargetInput is the ListPoliciesForTarget request.
type TargetInput struct {
	TargetId string `aws:",required"`
	Filter   string `aws:",required"`
}

// ListPoliciesForTargetOutput is the ListPoliciesForTarget response.
type ListPoliciesForTargetOutput struct{ Policies []PolicySummary }

func listPoliciesForTarget(ctx context.Context, c *service.Call, in *TargetInput) (*ListPoliciesForTargetOutput, error) {
	o, err := view(ctx, c)
	if err != nil {
		return nil, err
	}
	if !isTarget(o, in.TargetId) {
		return nil, awserr.TargetNotFoundException.New("We can't find a root, OU, account, or email that you specified.")
	}
	out := &ListPoliciesForTargetOutput{Policies: []PolicySummary{}}
	if err := checkType(in.Filter); err != nil {
		return nil, err
	}
	for _, id := range o.Attached[in.TargetId] {
		if p := o.Policies[id]; p != nil && p.Type == in.Filter {
			out.Policies = append(out.Policies, policyShape(o, p))
		}
	}
	return out, nil
}

// ListPoliciesInput is the ListPolicies request.
type ListPoliciesInput struct {
	Filter string `aws:",required"`
}

// ListPoliciesOutput is the ListPolicies response.
type ListPoliciesOutput struct{ Policies []PolicySummary }

func listPolicies(ctx context.Context, c *service.Call, in *ListPoliciesInput) (*ListPoliciesOutput, error) {
	if err := checkType(in.Filter); err != nil {
		return nil, err
	}
	o, err := view(ctx, c)
	if err != nil {
		return nil, err
	}
	out := &ListPoliciesOutput{Policies: []PolicySummary{}}
	for _, p := range o.Policies {
		if p.Type == in.Filter {
			out.Policies = append(out.Policies, policyShape(o, p))
		}
	}
	sort.Slice(out.Policies, func(i, j int) bool { return out.Policies[i].Name < out.Policies[j].Name })
	return out, nil
}

// PolicyIDInput names an organization policy.
type PolicyIDInput struct {
	PolicyId string `aws:",required"`
}

func findPolicy(o *identity.Organization, id string) (*identity.OrgPolicy, error) {
	p := o.Policies[id]
	if p == nil {
		return nil, awserr.PolicyNotFoundException.New("We can't find a policy with the PolicyId that you specified.")
	}
	return p, nil
}

func describePolicy(ctx context.Context, c *service.Call, in *PolicyIDInput) (*PolicyOutput, error) {
	o, err := view(ctx, c)
	if err != nil {
		return nil, err
	}
	p, err := findPolicy(o, in.PolicyId)
	if err != nil {
		return nil, err
	}
	return &PolicyOutput{Policy: Policy{PolicySummary: policyShape(o, p), Content: p.Content}}, nil
}

// UpdatePolicyInput is the UpdatePolicy request.
type UpdatePolicyInput struct {
	PolicyId    string `aws:",required"`
	Name        *string
	Description *string
	Content     *string
}

func updatePolicy(ctx context.Context, c *service.Call, in *UpdatePolicyInput) (*PolicyOutput, error) {
	var out Policy
	err := update(ctx, c, func(_ store.Tx, o *identity.Organization) error {
		p, err := findPolicy(o, in.PolicyId)
		if err != nil {
			return err
		}
		if in.Content != nil && !p.AWSManaged {
			if err := checkContent(p.Type, *in.Content); err != nil {
				return err
			}
		}
		if p.AWSManaged {
			return awserr.OrgAccessDeniedException.New("You can't modify an AWS managed policy.")
		}
		if in.Name != nil {
			p.Name = *in.Name
		}
		if in.Description != nil {
			p.Description = *in.Description
		}
		if in.Content != nil {
			p.Content = *in.Content
		}
		out = Policy{PolicySummary: policyShape(o, p), Content: p.Content}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &PolicyOutput{Policy: out}, nil
}

func deletePolicy(ctx context.Context, c *service.Call, in *PolicyIDInput) (*struct{}, error) {
	return nil, update(ctx, c, func(_ store.Tx, o *identity.Organization) error {
		p, err := findPolicy(o, in.PolicyId)
		if err != nil {
			return err
		}
		if p.AWSManaged {
			return awserr.OrgAccessDeniedException.New("You can't delete an AWS managed policy.")
		}
		for _, ids := range o.Attached {
			for _, id := range ids {
				if id == in.PolicyId {
					return awserr.PolicyInUseException.New("The policy is attached to one or more entities. You must detach it from all roots, OUs, and accounts before performing this operation.")
				}
			}
		}
		delete(o.Policies, in.PolicyId)
		return nil
	})
}

// PolicyTargetSummary is Organizations' PolicyTargetSummary shape.
type PolicyTargetSummary struct{ TargetId, Arn, Name, Type string }

// ListTargetsForPolicyOutput is the ListTargetsForPolicy response.
type ListTargetsForPolicyOutput struct{ Targets []PolicyTargetSummary }

func listTargetsForPolicy(ctx context.Context, c *service.Call, in *PolicyIDInput) (*ListTargetsForPolicyOutput, error) {
	o, err := view(ctx, c)
	if err != nil {
		return nil, err
	}
	if _, err := findPolicy(o, in.PolicyId); err != nil {
		return nil, err
	}
	out := &ListTargetsForPolicyOutput{Targets: []PolicyTargetSummary{}}
	for target, ids := range o.Attached {
		for _, id := range ids {
			if id != in.PolicyId {
				continue
			}
			s := PolicyTargetSummary{TargetId: target}
			switch {
			case target == o.RootID:
				s.Type, s.Name, s.Arn = "ROOT", "Root", "arn:aws:organizations::"+o.Management+":root/"+o.ID+"/"+target
			case o.OUs[target] != nil:
				s.Type, s.Name, s.Arn = "ORGANIZATIONAL_UNIT", o.OUs[target].Name, "arn:aws:organizations::"+o.Management+":ou/"+o.ID+"/"+target
			default:
				s.Type, s.Arn = "ACCOUNT", "arn:aws:organizations::"+o.Management+":account/"+o.ID+"/"+target
			}
			out.Targets = append(out.Targets, s)
		}
	}
	sort.Slice(out.Targets, func(i, j int) bool { return out.Targets[i].TargetId < out.Targets[j].TargetId })
	return out, nil
}

// checkContent validates an SCP or RCP document with the policy engine
// (RCPs may only deny: Allow is reserved for RCPFullAWSAccess).
func checkContent(policyType, content string) error {
	kind := policy.SCP
	if policyType == identity.RCPType {
		kind = policy.RCP
	}
	p, err := policy.Parse([]byte(content))
	if err == nil {
		for _, f := range policy.Validate(p, kind) {
			if f.Severity == policy.SeverityError {
				err = errors.New(f.Path + ": " + f.Message)
				break
			}
		}
	}
	if err != nil {
		return awserr.MalformedPolicyDocumentException.New("The provided policy document doesn't meet the requirements of the specified policy type: %s", err.Error())
	}
	return nil
}
