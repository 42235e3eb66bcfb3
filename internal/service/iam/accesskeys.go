package iam

import (
	"context"
	"errors"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// maxAccessKeys is IAM's quota of access keys per user (and for the root user).
const maxAccessKeys = 2

// AccessKey is IAM's AccessKey shape: the only response that carries a secret.
type AccessKey struct {
	UserName        string `aws:",omitempty"`
	AccessKeyId     string
	Status          string
	SecretAccessKey string `aws:",sensitive"`
	CreateDate      time.Time
}

// AccessKeyMetadata is IAM's listing shape of a key, without its secret.
type AccessKeyMetadata struct {
	UserName    string `aws:",omitempty"`
	AccessKeyId string
	Status      string
	CreateDate  time.Time
}

// CreateAccessKeyInput is IAM's CreateAccessKey request.
type CreateAccessKeyInput struct{ UserName *string }

// CreateAccessKeyResult is IAM's CreateAccessKey response.
type CreateAccessKeyResult struct{ AccessKey AccessKey }

// keyOwner resolves the UserName parameter of the access-key operations:
// absent means the caller itself (the root user or an IAM user).
func keyOwner(tx store.Tx, c *service.Call, name *string) (userName, indexPrefix string, err error) {
	n := deref(name, "")
	if n == "" {
		n = c.Principal.UserName // "" for root
	} else if err := checkName("userName", n, 128); err != nil {
		return "", "", err
	}
	if n == "" {
		return "", identity.KeyIndexPrefix(c.Account(), ""), nil
	}
	u, err := getUserTx(tx, c.Account(), n)
	if err != nil {
		return "", "", err
	}
	return u.UserName, identity.KeyIndexPrefix(c.Account(), u.UserName), nil
}

func createAccessKey(ctx context.Context, c *service.Call, in *CreateAccessKeyInput) (*CreateAccessKeyResult, error) {
	k := identity.AccessKey{
		AccessKeyID:     identity.NewID("AKIA", 16),
		SecretAccessKey: identity.NewSecret(),
		Account:         c.Account(),
		Status:          "Active",
		Created:         c.Now.UTC().Truncate(time.Second),
	}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		name, prefix, err := keyOwner(tx, c, in.UserName)
		if err != nil {
			return err
		}
		k.UserName = name
		n := 0
		if err := tx.Scan(identity.TableUserKeys, prefix, "", 0, func(string, []byte) error {
			n++
			return nil
		}); err != nil {
			return err
		}
		if n >= maxAccessKeys {
			return awserr.LimitExceeded.New("Cannot exceed quota for AccessKeysPerUser: %d", maxAccessKeys)
		}
		if err := tx.Insert(identity.TableAccessKeys, k.AccessKeyID, identity.Encode(&k)); err != nil {
			return err
		}
		return tx.Put(identity.TableUserKeys, prefix+k.AccessKeyID, nil)
	})
	if err != nil {
		return nil, err
	}
	return &CreateAccessKeyResult{AccessKey: AccessKey{
		UserName: k.UserName, AccessKeyId: k.AccessKeyID, Status: k.Status,
		SecretAccessKey: k.SecretAccessKey, CreateDate: k.Created,
	}}, nil
}

// ListAccessKeysInput is IAM's ListAccessKeys request.
type ListAccessKeysInput struct {
	UserName *string
	Marker   *string
	MaxItems *int32
}

// ListAccessKeysResult is IAM's ListAccessKeys response.
type ListAccessKeysResult struct {
	AccessKeyMetadata []AccessKeyMetadata
	IsTruncated       bool
	Marker            *string
}

func listAccessKeys(ctx context.Context, c *service.Call, in *ListAccessKeysInput) (*ListAccessKeysResult, error) {
	limit, err := maxItems(in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &ListAccessKeysResult{AccessKeyMetadata: []AccessKeyMetadata{}}
	err = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		_, prefix, err := keyOwner(tx, c, in.UserName)
		if err != nil {
			return err
		}
		after, err := decodeMarker(in.Marker, prefix)
		if err != nil {
			return err
		}
		var last string
		err = tx.Scan(identity.TableUserKeys, prefix, after, 0, func(key string, _ []byte) error {
			if len(out.AccessKeyMetadata) == limit {
				out.IsTruncated = true
				return errStop
			}
			akid := key[len(prefix):]
			b, err := tx.Get(identity.TableAccessKeys, akid)
			if err != nil {
				return err
			}
			var k identity.AccessKey
			if err := identity.Decode(identity.TableAccessKeys, akid, b, &k); err != nil {
				return err
			}
			out.AccessKeyMetadata = append(out.AccessKeyMetadata, AccessKeyMetadata{UserName: k.UserName, AccessKeyId: k.AccessKeyID, Status: k.Status, CreateDate: k.Created})
			last = key
			return nil
		})
		if errors.Is(err, errStop) {
			m := encodeMarker(last)
			out.Marker = &m
			return nil
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteAccessKeyInput is IAM's DeleteAccessKey request.
type DeleteAccessKeyInput struct {
	UserName    *string
	AccessKeyId string `aws:",required"`
}

func deleteAccessKey(ctx context.Context, c *service.Call, in *DeleteAccessKeyInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		_, prefix, err := keyOwner(tx, c, in.UserName)
		if err != nil {
			return err
		}
		err = tx.Delete(identity.TableUserKeys, prefix+in.AccessKeyId)
		if errors.Is(err, store.ErrNotFound) {
			return awserr.NoSuchEntity.New("The Access Key with id %s cannot be found.", in.AccessKeyId)
		}
		if err != nil {
			return err
		}
		return tx.Delete(identity.TableAccessKeys, in.AccessKeyId)
	})
	if err == nil {
		c.Deps.Directory.Invalidate(in.AccessKeyId)
	}
	return nil, err
}

// UpdateAccessKeyInput is IAM's UpdateAccessKey request.
type UpdateAccessKeyInput struct {
	UserName    *string
	AccessKeyId string `aws:",required"`
	Status      string `aws:",required"`
}

func updateAccessKey(ctx context.Context, c *service.Call, in *UpdateAccessKeyInput) (*struct{}, error) {
	if in.Status != "Active" && in.Status != "Inactive" {
		return nil, validationError("Value '%s' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]", in.Status)
	}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		_, prefix, err := keyOwner(tx, c, in.UserName)
		if err != nil {
			return err
		}
		if _, err := tx.Get(identity.TableUserKeys, prefix+in.AccessKeyId); errors.Is(err, store.ErrNotFound) {
			return awserr.NoSuchEntity.New("The Access Key with id %s cannot be found.", in.AccessKeyId)
		} else if err != nil {
			return err
		}
		b, err := tx.Get(identity.TableAccessKeys, in.AccessKeyId)
		if err != nil {
			return err
		}
		var k identity.AccessKey
		if err := identity.Decode(identity.TableAccessKeys, in.AccessKeyId, b, &k); err != nil {
			return err
		}
		k.Status = in.Status
		return tx.Put(identity.TableAccessKeys, k.AccessKeyID, identity.Encode(&k))
	})
	if err == nil {
		c.Deps.Directory.Invalidate(in.AccessKeyId)
	}
	return nil, err
}

// GetAccessKeyLastUsedInput is IAM's GetAccessKeyLastUsed request.
type GetAccessKeyLastUsedInput struct {
	AccessKeyId string `aws:",required"`
}

// AccessKeyLastUsed is IAM's AccessKeyLastUsed shape; "N/A" where the key
// was never used, as IAM answers.
type AccessKeyLastUsed struct {
	LastUsedDate *time.Time
	ServiceName  string
	Region       string
}

// GetAccessKeyLastUsedResult is IAM's GetAccessKeyLastUsed response.
type GetAccessKeyLastUsedResult struct {
	UserName          string `aws:",omitempty"`
	AccessKeyLastUsed AccessKeyLastUsed
}

func getAccessKeyLastUsed(ctx context.Context, c *service.Call, in *GetAccessKeyLastUsedInput) (*GetAccessKeyLastUsedResult, error) {
	var k identity.AccessKey
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		b, err := tx.Get(identity.TableAccessKeys, in.AccessKeyId)
		if errors.Is(err, store.ErrNotFound) {
			return awserr.NoSuchEntity.New("The Access Key with id %s cannot be found.", in.AccessKeyId)
		}
		if err != nil {
			return err
		}
		return identity.Decode(identity.TableAccessKeys, in.AccessKeyId, b, &k)
	})
	if err == nil && k.Account != c.Account() {
		err = awserr.NoSuchEntity.New("The Access Key with id %s cannot be found.", in.AccessKeyId)
	}
	if err != nil {
		return nil, err
	}
	out := &GetAccessKeyLastUsedResult{UserName: k.UserName, AccessKeyLastUsed: AccessKeyLastUsed{ServiceName: "N/A", Region: "N/A"}}
	if u, ok := c.Deps.Directory.LastUsedOf(in.AccessKeyId); ok {
		t := u.Time.UTC().Truncate(time.Second)
		out.AccessKeyLastUsed = AccessKeyLastUsed{LastUsedDate: &t, ServiceName: u.Service, Region: u.Region}
	}
	return out, nil
}
