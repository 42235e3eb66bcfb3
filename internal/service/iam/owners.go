package iam

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

// Inline policies and attachments, for users and roles alike.

// owner is an IAM identity that policies are embedded in or attached to.
type owner struct {
	noun             string // "user", "role"
	inline, attached string // store tables
	maxInline        int
	// key returns the identity's store key, or NoSuchEntity.
	key func(tx store.Tx, account, name string) (string, error)
}

var users = owner{noun: "user", inline: identity.TableUserPolicies, attached: identity.TableUserAttached, maxInline: maxInlineUserPolicy,
	key: func(tx store.Tx, account, name string) (string, error) {
		u, err := getUserTx(tx, account, name)
		if err != nil {
			return "", err
		}
		return identity.UserKey(account, u.UserName), nil
	}}

func putInline(ctx context.Context, c *service.Call, o owner, name, policyName, doc string) error {
	if err := checkName("policyName", policyName, 128); err != nil {
		return err
	}
	err := checkDocument(doc, policy.Identity, o.maxInline, func() error {
		return awserr.LimitExceeded.New("Maximum policy size of %d bytes exceeded for %s %s", o.maxInline, o.noun, name)
	})
	if err != nil {
		return err
	}
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		k, err := o.key(tx, c.Account(), name)
		if err != nil {
			return err
		}
		return tx.Put(o.inline, k+"/"+policyName, identity.Encode(&identity.InlinePolicy{PolicyName: policyName, Document: doc}))
	})
	if err == nil {
		c.Deps.PoliciesChanged()
	}
	return err
}

func getInline(ctx context.Context, c *service.Call, o owner, name, policyName string) (*identity.InlinePolicy, error) {
	var p identity.InlinePolicy
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		k, err := o.key(tx, c.Account(), name)
		if err != nil {
			return err
		}
		b, err := tx.Get(o.inline, k+"/"+policyName)
		if errors.Is(err, store.ErrNotFound) {
			return awserr.NoSuchEntity.New("The %s policy with name %s cannot be found.", o.noun, policyName)
		}
		if err != nil {
			return err
		}
		return identity.Decode(o.inline, k, b, &p)
	})
	return &p, err
}

func deleteInline(ctx context.Context, c *service.Call, o owner, name, policyName string) error {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		k, err := o.key(tx, c.Account(), name)
		if err != nil {
			return err
		}
		err = tx.Delete(o.inline, k+"/"+policyName)
		if errors.Is(err, store.ErrNotFound) {
			return awserr.NoSuchEntity.New("The %s policy with name %s cannot be found.", o.noun, policyName)
		}
		return err
	})
	if err == nil {
		c.Deps.PoliciesChanged()
	}
	return err
}

// listKeys pages through the keys an identity has in table (its inline
// policy names or attached policy ARNs), after filter.
func listKeys(ctx context.Context, c *service.Call, o owner, table, name string, marker *string, max *int32, keep func(string) bool) ([]string, *string, error) {
	limit, err := maxItems(max)
	if err != nil {
		return nil, nil, err
	}
	out := []string{}
	var next *string
	err = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		k, err := o.key(tx, c.Account(), name)
		if err != nil {
			return err
		}
		prefix := k + "/"
		after, err := decodeMarker(marker, prefix)
		if err != nil {
			return err
		}
		var last string
		err = tx.Scan(table, prefix, after, 0, func(key string, _ []byte) error {
			if !keep(key[len(prefix):]) {
				return nil
			}
			if len(out) == limit {
				return errStop
			}
			out = append(out, key[len(prefix):])
			last = key
			return nil
		})
		if errors.Is(err, errStop) {
			m := encodeMarker(last)
			next = &m
			return nil
		}
		return err
	})
	return out, next, err
}

func changeAttachment(ctx context.Context, c *service.Call, o owner, name, policyARN string, attach bool) error {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		k, err := o.key(tx, c.Account(), name)
		if err != nil {
			return err
		}
		p, err := loadPolicyTx(tx, c.Account(), policyARN)
		if err != nil {
			return err
		}
		key := k + "/" + p.ARN()
		_, err = tx.Get(o.attached, key)
		attached := err == nil
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		switch {
		case attach && attached:
			return nil // attaching twice is a no-op, as in IAM
		case attach:
			p.AttachmentCount++
			if err := tx.Put(o.attached, key, nil); err != nil {
				return err
			}
		case !attached:
			return awserr.NoSuchEntity.New("Policy %s was not found.", policyARN)
		default:
			p.AttachmentCount--
			if err := tx.Delete(o.attached, key); err != nil {
				return err
			}
		}
		if p.Account == "aws" {
			return nil // AWS managed policies are not counted per account (RATIONALE.md)
		}
		p.Updated = c.Now.UTC().Truncate(time.Second)
		return tx.Put(identity.TablePolicies, identity.PolicyKey(p.Account, p.PolicyName), identity.Encode(p))
	})
	if err == nil {
		c.Deps.PoliciesChanged()
	}
	return err
}

func attachedShapes(arns []string) []AttachedPolicy {
	out := make([]AttachedPolicy, len(arns))
	for i, a := range arns {
		out[i] = AttachedPolicy{PolicyName: a[strings.LastIndexByte(a, '/')+1:], PolicyArn: a}
	}
	return out
}

func pathFilter(prefix *string) func(string) bool {
	return func(arn string) bool {
		path := arn[strings.Index(arn, ":policy")+len(":policy"):]
		return strings.HasPrefix(path, deref(prefix, "/"))
	}
}

func all(string) bool { return true }
