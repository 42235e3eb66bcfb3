// Package iam serves the IAM API (query protocol, version 2010-05-08) over
// moat's store: users, access keys, inline user policies and customer managed
// policies attached to users, all enforced on every call. IAM state belongs to the
// account, never to a region: clients with a custom endpoint sign IAM calls
// with their own region, and every region sees the same users.
package iam

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// New returns the IAM service.
func New() *service.Service {
	return &service.Service{
		Meta: protocol.Service{
			Name: "iam", Protocol: "query", APIVersion: "2010-05-08",
			XMLNamespace: "https://iam.amazonaws.com/doc/2010-05-08/",
		},
		EventSource: "iam.amazonaws.com",
		Global:      true,
		Ops:         service.Table(slices.Concat(userOps(), policyOps(), roleOps(), groupOps(), boundaryOps(), versionOps(), tagOps(), simulateOps(), detailsOps(), mfaOps(), loginOps(), oidcOps(), profileOps(), summaryOps(), reportOps(), entitiesOps())...),
	}
}

// userOps are the operations on users and access keys.
func userOps() []*service.Operation {
	return []*service.Operation{
		service.Op("CreateUser", "iam:CreateUser", createUser, service.Resource(func(_ context.Context, c *service.Call, in *CreateUserInput) (string, error) {
			return userARN(c.Account(), deref(in.Path, "/"), in.UserName), nil
		}), service.ContextKeys(func(in *CreateUserInput, set func(string, string)) { requestTags(in.Tags, set) })),
		service.Op("GetUser", "iam:GetUser", getUser, service.ReadOnly[GetUserInput](), service.Resource(func(ctx context.Context, c *service.Call, in *GetUserInput) (string, error) {
			return existingUserARN(ctx, c, deref(in.UserName, ""))
		})),
		service.Op("ListUsers", "iam:ListUsers", listUsers, service.ReadOnly[ListUsersInput]()),
		service.Op("UpdateUser", "iam:UpdateUser", updateUser, service.Resource(func(ctx context.Context, c *service.Call, in *UpdateUserInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
		service.Op("DeleteUser", "iam:DeleteUser", deleteUser, service.Resource(func(ctx context.Context, c *service.Call, in *DeleteUserInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
		service.Op("CreateAccessKey", "iam:CreateAccessKey", createAccessKey, service.Resource(func(ctx context.Context, c *service.Call, in *CreateAccessKeyInput) (string, error) {
			return existingUserARN(ctx, c, deref(in.UserName, ""))
		})),
		service.Op("ListAccessKeys", "iam:ListAccessKeys", listAccessKeys, service.ReadOnly[ListAccessKeysInput](), service.Resource(func(ctx context.Context, c *service.Call, in *ListAccessKeysInput) (string, error) {
			return existingUserARN(ctx, c, deref(in.UserName, ""))
		})),
		service.Op("UpdateAccessKey", "iam:UpdateAccessKey", updateAccessKey, service.Resource(func(ctx context.Context, c *service.Call, in *UpdateAccessKeyInput) (string, error) {
			return existingUserARN(ctx, c, deref(in.UserName, ""))
		})),
		service.Op("GetAccessKeyLastUsed", "iam:GetAccessKeyLastUsed", getAccessKeyLastUsed, service.ReadOnly[GetAccessKeyLastUsedInput]()),
		service.Op("DeleteAccessKey", "iam:DeleteAccessKey", deleteAccessKey, service.Resource(func(ctx context.Context, c *service.Call, in *DeleteAccessKeyInput) (string, error) {
			return existingUserARN(ctx, c, deref(in.UserName, ""))
		})),
	}
}

// User is IAM's User shape.
type User struct {
	Path                string
	UserName            string `aws:",omitempty"`
	UserId              string
	Arn                 string
	CreateDate          time.Time
	PermissionsBoundary *AttachedPermissionsBoundary
	Tags                []Tag
}

// AttachedPermissionsBoundary is IAM's shape of a user's boundary.
type AttachedPermissionsBoundary struct {
	PermissionsBoundaryType string
	PermissionsBoundaryArn  string
}

// Tag is IAM's Tag shape.
type Tag struct {
	Key   string `aws:",required"`
	Value string `aws:",required"`
}

func userShape(u *identity.User) User {
	out := User{Path: u.Path, UserName: u.UserName, UserId: u.UserID, Arn: u.ARN(), CreateDate: u.Created}
	if u.PermissionsBoundary != "" {
		out.PermissionsBoundary = &AttachedPermissionsBoundary{PermissionsBoundaryType: "Policy", PermissionsBoundaryArn: u.PermissionsBoundary}
	}
	for _, t := range u.Tags {
		out.Tags = append(out.Tags, Tag{Key: t.Key, Value: t.Value})
	}
	return out
}

func userARN(account, path, name string) string {
	return "arn:aws:iam::" + account + ":user" + path + name
}

// existingUserARN is the ARN of the named user (its path read from the
// store), or of the caller when name is "" (IAM's "defaults to the user making
// the request"). A user that does not exist gets path "/": authorization runs
// before the NoSuchEntity check, as in AWS.
func existingUserARN(ctx context.Context, c *service.Call, name string) (string, error) {
	if name == "" {
		return c.Principal.ARN, nil
	}
	u, err := loadUser(ctx, c, name)
	if awserr.NoSuchEntity.Is(err) {
		return userARN(c.Account(), "/", name), nil
	}
	if err != nil {
		return "", err
	}
	return u.ARN(), nil
}

func loadUser(ctx context.Context, c *service.Call, name string) (*identity.User, error) {
	var u *identity.User
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		var err error
		u, err = getUserTx(tx, c.Account(), name)
		return err
	})
	return u, err
}

func getUserTx(tx store.Tx, account, name string) (*identity.User, error) {
	return getRecord[identity.User](tx, identity.TableUsers, identity.UserKey(account, name), func() error {
		return awserr.NoSuchEntity.New("The user with name %s cannot be found.", name)
	})
}

// Validation, with IAM's constraints and ValidationError wording.

var (
	namePattern = regexp.MustCompile(`^[\w+=,.@-]+$`)
	pathPattern = regexp.MustCompile(`^(/|/[\x21-\x7E]+/)$`)
)

func validationError(format string, args ...any) error {
	return awserr.ValidationError.New("1 validation error detected: "+format, args...)
}

func checkName(field, v string, max int) error {
	switch {
	case len(v) < 1:
		return validationError("Value '%s' at '%s' failed to satisfy constraint: Member must have length greater than or equal to 1", v, field)
	case len(v) > max:
		return validationError("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to %d", v, field, max)
	case !namePattern.MatchString(v):
		return validationError("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+", v, field)
	}
	return nil
}

func checkPath(field string, p *string) error {
	if p == nil {
		return nil
	}
	v := *p
	if len(v) > 512 {
		return validationError("Value '%s' at '%s' failed to satisfy constraint: Member must have length less than or equal to 512", v, field)
	}
	if !pathPattern.MatchString(v) {
		return validationError("Value '%s' at '%s' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\u002F)|(\\u002F[\\u0021-\\u007E]+\\u002F)", v, field)
	}
	return nil
}

// Paging: IAM's Marker and MaxItems. The marker is the last key returned,
// opaque to clients.

func maxItems(v *int32) (int, error) {
	if v == nil {
		return 100, nil
	}
	if *v < 1 || *v > 1000 {
		return 0, validationError("Value '%d' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000", *v)
	}
	return int(*v), nil
}

func encodeMarker(key string) string { return base64.RawURLEncoding.EncodeToString([]byte(key)) }

func decodeMarker(m *string, prefix string) (string, error) {
	if m == nil {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(*m)
	if err != nil || !strings.HasPrefix(string(b), prefix) {
		return "", awserr.InvalidInput.New("Invalid Marker.")
	}
	return string(b), nil
}

func deref(p *string, def string) string {
	if p == nil || *p == "" {
		return def
	}
	return *p
}

func tagsFrom(in []Tag) ([]identity.Tag, error) {
	if len(in) > 50 {
		return nil, awserr.LimitExceeded.New("Cannot exceed quota for TagsPerUser: 50")
	}
	seen := make(map[string]bool, len(in))
	out := make([]identity.Tag, 0, len(in))
	for i, t := range in {
		if len(t.Key) < 1 || len(t.Key) > 128 {
			return nil, validationError("Value '%s' at 'tags.%d.member.key' failed to satisfy constraint: Member must have length between 1 and 128", t.Key, i+1)
		}
		if len(t.Value) > 256 {
			return nil, validationError("Value '%s' at 'tags.%d.member.value' failed to satisfy constraint: Member must have length less than or equal to 256", t.Value, i+1)
		}
		lk := strings.ToLower(t.Key)
		if seen[lk] {
			return nil, awserr.InvalidInput.New("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[lk] = true
		out = append(out, identity.Tag{Key: t.Key, Value: t.Value})
	}
	return out, nil
}

var errStop = fmt.Errorf("stop")

// dependent is something a deletion must wait for: entries under the
// entity's key in table, with IAM's DeleteConflict message.
type dependent struct{ table, msg string }

// refuseWhileDependents answers DeleteConflict while any dependent exists.
func refuseWhileDependents(tx store.Tx, key string, deps ...dependent) error {
	for _, d := range deps {
		found := false
		if err := tx.Scan(d.table, key+"/", "", 1, func(string, []byte) error { found = true; return nil }); err != nil {
			return err
		}
		if found {
			return awserr.DeleteConflict.New("%s", d.msg)
		}
	}
	return nil
}

// listByPath pages through the account's entities in table (users, roles,
// groups), keeping those whose path starts with in.PathPrefix, with IAM's
// Marker and MaxItems. path reads an entity's path, shape turns it into
// the response shape.
func listByPath[T, S any](ctx context.Context, c *service.Call, table string, in *ListUsersInput, path func(*T) string, shape func(*T) S) (items []S, marker *string, truncated bool, err error) {
	limit, err := maxItems(in.MaxItems)
	if err != nil {
		return nil, nil, false, err
	}
	prefix := c.Account() + "/"
	after, err := decodeMarker(in.Marker, prefix)
	if err != nil {
		return nil, nil, false, err
	}
	pathPrefix := deref(in.PathPrefix, "/")
	items = []S{}
	var last string
	err = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		return tx.Scan(table, prefix, after, 0, func(key string, b []byte) error {
			var v T
			if err := identity.Decode(table, key, b, &v); err != nil {
				return err
			}
			if !strings.HasPrefix(path(&v), pathPrefix) {
				return nil
			}
			if len(items) == limit {
				truncated = true
				return errStop
			}
			items = append(items, shape(&v))
			last = key
			return nil
		})
	})
	if err != nil && !errors.Is(err, errStop) {
		return nil, nil, false, err
	}
	if truncated {
		m := encodeMarker(last)
		marker = &m
	}
	return items, marker, truncated, nil
}

// getRecord reads and decodes the record at key of table; a missing key is
// the notFound error (IAM's NoSuchEntity with the entity's wording).
func getRecord[T any](tx store.Tx, table, key string, notFound func() error) (*T, error) {
	b, err := tx.Get(table, key)
	if errors.Is(err, store.ErrNotFound) {
		return nil, notFound()
	}
	if err != nil {
		return nil, err
	}
	var v T
	if err := identity.Decode(table, key, b, &v); err != nil {
		return nil, err
	}
	return &v, nil
}
