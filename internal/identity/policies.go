package identity

import (
	"context"
	"errors"
	"strings"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/internal/awsmanaged"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

// Owner names an identity whose policies LoadPolicies reads: its account,
// its store key, the table of its record and its policy tables.
type Owner struct {
	Account, Key, Record, Inline, Attached string
}

// LoadPolicies compiles the inline and attached policies of the identity
// and, for a user, of every group it is in, and its permissions boundary.
func LoadPolicies(ctx context.Context, st store.Store, o Owner) (*authz.Policies, error) {
	account, ownerKey, record, inline, attached := o.Account, o.Key, o.Record, o.Inline, o.Attached
	out := &authz.Policies{}
	compile := func(name, arn, doc string, kind policy.Kind) (authz.Policy, error) {
		parsed, err := policy.Parse([]byte(doc))
		if err != nil {
			return authz.Policy{}, err
		}
		compiled, err := policy.Compile(parsed, kind)
		return authz.Policy{Name: name, ARN: arn, Compiled: compiled}, err
	}
	add := func(name, arn, doc string) error {
		p, err := compile(name, arn, doc, policy.Identity)
		if err == nil {
			out.Identity = append(out.Identity, p)
		}
		return err
	}
	type owner struct{ key, inline, attached string }
	err := st.View(ctx, func(tx store.Tx) error {
		owners := []owner{{ownerKey, inline, attached}}
		if inline == TableUserPolicies {
			err := tx.Scan(TableUserGroups, ownerKey+"/", "", 0, func(k string, _ []byte) error {
				owners = append(owners, owner{GroupKey(account, k[len(ownerKey)+1:]), TableGroupPolicies, TableGroupAttached})
				return nil
			})
			if err != nil {
				return err
			}
		}
		for _, o := range owners {
			if err := loadOwnerPolicies(tx, account, o.key, o.inline, o.attached, add); err != nil {
				return err
			}
		}
		b, err := tx.Get(record, ownerKey)
		if err != nil {
			return err
		}
		var rec struct {
			PermissionsBoundary string `json:"permissionsBoundary"`
		}
		if err := Decode(record, ownerKey, b, &rec); err != nil || rec.PermissionsBoundary == "" {
			return err
		}
		name, doc, ok, err := ManagedDoc(tx, account, rec.PermissionsBoundary)
		if err != nil || !ok {
			return err
		}
		bp, err := compile(name, rec.PermissionsBoundary, doc, policy.PermissionsBoundary)
		out.PermissionsBoundary = []authz.Policy{bp}
		return err
	})
	return out, err
}

// ManagedDoc returns the default document of a customer or AWS managed
// policy; ok is false when it no longer exists.
func ManagedDoc(tx store.Tx, account, arn string) (name, doc string, ok bool, err error) {
	if strings.HasPrefix(arn, "arn:aws:iam::aws:policy/") {
		p, ok, err := awsmanaged.ByARN(arn)
		if err != nil || !ok {
			return "", "", false, err
		}
		return p.Name, p.Document, true, nil
	}
	pk := PolicyKey(account, arn[lastSlash(arn)+1:])
	b, err := tx.Get(TablePolicies, pk)
	if errors.Is(err, store.ErrNotFound) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, err
	}
	var mp ManagedPolicy
	if err := Decode(TablePolicies, pk, b, &mp); err != nil {
		return "", "", false, err
	}
	return mp.PolicyName, mp.Default(), true, nil
}

func loadOwnerPolicies(tx store.Tx, account, ownerKey, inline, attached string, add func(name, arn, doc string) error) error {
	err := tx.Scan(inline, ownerKey+"/", "", 0, func(k string, b []byte) error {
		var ip InlinePolicy
		if err := Decode(inline, k, b, &ip); err != nil {
			return err
		}
		return add(ip.PolicyName, "", ip.Document)
	})
	if err != nil {
		return err
	}
	return tx.Scan(attached, ownerKey+"/", "", 0, func(k string, _ []byte) error {
		arn := k[len(ownerKey)+1:]
		name, doc, ok, err := ManagedDoc(tx, account, arn)
		if err != nil || !ok {
			return err // a policy deleted concurrently is skipped
		}
		return add(name, arn, doc)
	})
}

func lastSlash(s string) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '/' {
			return i
		}
	}
	return -1
}

// ServiceAllowed reports whether a resource-based policy (an SNS topic
// policy, a role's trust policy) lets an AWS service principal
// ("events.amazonaws.com") do action on resource in account: the decision
// AWS makes when one of its services acts on a customer's resource. ctx
// holds the request's keys (aws:SourceArn, aws:SourceAccount); nil for none.
func ServiceAllowed(doc string, kind policy.Kind, service, action, resource, account string, ctx *policy.Context) (bool, error) {
	parsed, err := policy.Parse([]byte(doc))
	if err != nil {
		return false, err
	}
	compiled, err := policy.Compile(parsed, kind)
	if err != nil {
		return false, err
	}
	if ctx == nil {
		ctx = policy.NewContext()
	}
	req := &authz.Request{Caller: &policy.Caller{Kind: policy.ServicePrincipal, ARN: service}, Action: action, Resource: resource, ResourceAccount: account, Context: ctx}
	pols := &authz.Policies{Resource: &authz.Policy{Name: "resource policy", ARN: resource, Compiled: compiled}, ResourceKind: authz.ResourceKindFor(action, resource)}
	return authz.Evaluate(req, pols).Decision == authz.Allowed, nil
}
