package iam

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"time"
	"unicode"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Console passwords (login profiles) and the account password policy that
// governs them. Passwords are kept as PBKDF2-SHA256 hashes, never in the
// clear, and never returned.

const (
	tableLogin    = "iam.login"    // account/lower(user) → loginProfile
	tablePwPolicy = "iam.pwpolicy" // account → PasswordPolicy
	pbkdf2Rounds  = 100_000
)

type loginProfile struct {
	UserName      string    `json:"userName"`
	Salt          string    `json:"salt"`
	Hash          string    `json:"hash"`
	ResetRequired bool      `json:"resetRequired"`
	Created       time.Time `json:"created"`
	PasswordSet   time.Time `json:"passwordSet,omitempty"` // last change (Created when never changed)
	LastUsed      time.Time `json:"lastUsed,omitempty"`    // last console sign-in
}

// Changed is when the password was last set.
func (lp *loginProfile) Changed() time.Time {
	if !lp.PasswordSet.IsZero() {
		return lp.PasswordSet
	}
	return lp.Created
}

func loginOps() []*service.Operation {
	return []*service.Operation{
		service.Op("CreateLoginProfile", "iam:CreateLoginProfile", createLoginProfile, service.Resource(func(ctx context.Context, c *service.Call, in *LoginProfileInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
		service.Op("UpdateLoginProfile", "iam:UpdateLoginProfile", updateLoginProfile, service.Resource(func(ctx context.Context, c *service.Call, in *LoginProfileInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
		service.Op("GetLoginProfile", "iam:GetLoginProfile", getLoginProfile, service.ReadOnly[LoginProfileInput](), service.Resource(func(ctx context.Context, c *service.Call, in *LoginProfileInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
		service.Op("DeleteLoginProfile", "iam:DeleteLoginProfile", deleteLoginProfile, service.Resource(func(ctx context.Context, c *service.Call, in *LoginProfileInput) (string, error) {
			return existingUserARN(ctx, c, in.UserName)
		})),
		service.Op("UpdateAccountPasswordPolicy", "iam:UpdateAccountPasswordPolicy", updatePasswordPolicy),
		service.Op("GetAccountPasswordPolicy", "iam:GetAccountPasswordPolicy", getPasswordPolicy, service.ReadOnly[struct{}]()),
		service.Op("DeleteAccountPasswordPolicy", "iam:DeleteAccountPasswordPolicy", deletePasswordPolicy),
	}
}

// LoginProfileInput is IAM's Create/Update/Get/DeleteLoginProfile request.
type LoginProfileInput struct {
	UserName              string  `aws:",required"`
	Password              *string `aws:",sensitive"`
	PasswordResetRequired *bool
}

// LoginProfile is IAM's LoginProfile shape.
type LoginProfile struct {
	UserName              string
	CreateDate            time.Time
	PasswordResetRequired bool
}

// LoginProfileResult is IAM's CreateLoginProfile and GetLoginProfile response.
type LoginProfileResult struct{ LoginProfile LoginProfile }

func hashPassword(pw string) (salt, hash string) {
	s := make([]byte, 16)
	if _, err := rand.Read(s); err != nil {
		panic(err)
	}
	k, err := pbkdf2.Key(sha256.New, pw, s, pbkdf2Rounds, 32)
	if err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(s), base64.StdEncoding.EncodeToString(k)
}

func setPassword(ctx context.Context, c *service.Call, in *LoginProfileInput, create bool) (*LoginProfileResult, error) {
	var out LoginProfile
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		u, err := getUserTx(tx, c.Account(), in.UserName)
		if err != nil {
			return err
		}
		key := identity.UserKey(c.Account(), u.UserName)
		var lp loginProfile
		b, err := tx.Get(tableLogin, key)
		switch {
		case err == nil && create:
			return awserr.EntityAlreadyExists.New("Login Profile for user %s already exists.", u.UserName)
		case errors.Is(err, store.ErrNotFound) && !create:
			return awserr.NoSuchEntity.New("Login Profile for User %s cannot be found.", u.UserName)
		case err == nil:
			if err := identity.Decode(tableLogin, key, b, &lp); err != nil {
				return err
			}
		case !errors.Is(err, store.ErrNotFound):
			return err
		default:
			lp = loginProfile{UserName: u.UserName, Created: c.Now.UTC().Truncate(time.Second)}
		}
		if in.Password != nil {
			pol, err := passwordPolicy(tx, c.Account())
			if err != nil {
				return err
			}
			if err := pol.check(*in.Password); err != nil {
				return err
			}
			lp.Salt, lp.Hash = hashPassword(*in.Password)
			lp.PasswordSet = c.Now.UTC().Truncate(time.Second)
		} else if create {
			return validationError("Value null at 'password' failed to satisfy constraint: Member must not be null")
		}
		if in.PasswordResetRequired != nil {
			lp.ResetRequired = *in.PasswordResetRequired
		}
		out = LoginProfile{UserName: lp.UserName, CreateDate: lp.Created, PasswordResetRequired: lp.ResetRequired}
		return tx.Put(tableLogin, key, identity.Encode(&lp))
	})
	if err != nil {
		return nil, err
	}
	return &LoginProfileResult{LoginProfile: out}, nil
}

func createLoginProfile(ctx context.Context, c *service.Call, in *LoginProfileInput) (*LoginProfileResult, error) {
	return setPassword(ctx, c, in, true)
}

func updateLoginProfile(ctx context.Context, c *service.Call, in *LoginProfileInput) (*struct{}, error) {
	_, err := setPassword(ctx, c, in, false)
	return nil, err
}

func getLoginProfile(ctx context.Context, c *service.Call, in *LoginProfileInput) (*LoginProfileResult, error) {
	var out *LoginProfileResult
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		u, err := getUserTx(tx, c.Account(), in.UserName)
		if err != nil {
			return err
		}
		key := identity.UserKey(c.Account(), u.UserName)
		b, err := tx.Get(tableLogin, key)
		if errors.Is(err, store.ErrNotFound) {
			return awserr.NoSuchEntity.New("Login Profile for User %s cannot be found.", u.UserName)
		}
		if err != nil {
			return err
		}
		var lp loginProfile
		if err := identity.Decode(tableLogin, key, b, &lp); err != nil {
			return err
		}
		out = &LoginProfileResult{LoginProfile: LoginProfile{UserName: lp.UserName, CreateDate: lp.Created, PasswordResetRequired: lp.ResetRequired}}
		return nil
	})
	return out, err
}

func deleteLoginProfile(ctx context.Context, c *service.Call, in *LoginProfileInput) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		u, err := getUserTx(tx, c.Account(), in.UserName)
		if err != nil {
			return err
		}
		if err := tx.Delete(tableLogin, identity.UserKey(c.Account(), u.UserName)); errors.Is(err, store.ErrNotFound) {
			return awserr.NoSuchEntity.New("Login Profile for User %s cannot be found.", u.UserName)
		} else if err != nil {
			return err
		}
		return nil
	})
	return nil, err
}

// PasswordPolicy is IAM's PasswordPolicy shape (and what moat stores).
type PasswordPolicy struct {
	MinimumPasswordLength      int32
	RequireSymbols             bool
	RequireNumbers             bool
	RequireUppercaseCharacters bool
	RequireLowercaseCharacters bool
	AllowUsersToChangePassword bool
	ExpirePasswords            bool
	MaxPasswordAge             *int32
	PasswordReusePrevention    *int32
	HardExpiry                 *bool
	custom                     bool
}

// passwordPolicy is the account's policy, or AWS's default (at least 8
// characters, and three of upper case, lower case, digits, symbols) when
// none is set.
func passwordPolicy(tx store.Tx, account string) (*PasswordPolicy, error) {
	b, err := tx.Get(tablePwPolicy, account)
	if errors.Is(err, store.ErrNotFound) {
		return &PasswordPolicy{MinimumPasswordLength: 8}, nil
	}
	if err != nil {
		return nil, err
	}
	var p PasswordPolicy
	if err := identity.Decode(tablePwPolicy, account, b, &p); err != nil {
		return nil, err
	}
	p.custom = true
	return &p, nil
}

// check says, as IAM does, the first way pw breaks the policy.
func (p *PasswordPolicy) check(pw string) error {
	var upper, lower, digit, symbol bool
	for _, r := range pw {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsLower(r):
			lower = true
		case unicode.IsDigit(r):
			digit = true
		case strings.ContainsRune("!@#$%^&*()_+-=[]{}|'", r):
			symbol = true
		}
	}
	fail := func(msg string) error { return awserr.PasswordPolicyViolation.New("%s", msg) }
	switch {
	case int32(len([]rune(pw))) < p.MinimumPasswordLength:
		return fail("Password should have a minimum length of " + itoa(int(p.MinimumPasswordLength)))
	case p.RequireUppercaseCharacters && !upper:
		return fail("Password should have at least one uppercase letter")
	case p.RequireLowercaseCharacters && !lower:
		return fail("Password should have at least one lowercase letter")
	case p.RequireNumbers && !digit:
		return fail("Password should have at least one number")
	case p.RequireSymbols && !symbol:
		return fail("Password should have at least one symbol")
	}
	if !p.custom {
		n := 0
		for _, b := range []bool{upper, lower, digit, symbol} {
			if b {
				n++
			}
		}
		if n < 3 {
			return fail("Password should include at least three of: uppercase letters, lowercase letters, numbers, symbols")
		}
	}
	return nil
}

// UpdateAccountPasswordPolicyInput is IAM's UpdateAccountPasswordPolicy request.
type UpdateAccountPasswordPolicyInput struct {
	MinimumPasswordLength      *int32
	RequireSymbols             *bool
	RequireNumbers             *bool
	RequireUppercaseCharacters *bool
	RequireLowercaseCharacters *bool
	AllowUsersToChangePassword *bool
	MaxPasswordAge             *int32
	PasswordReusePrevention    *int32
	HardExpiry                 *bool
}

func b(p *bool) bool { return p != nil && *p }

func updatePasswordPolicy(ctx context.Context, c *service.Call, in *UpdateAccountPasswordPolicyInput) (*struct{}, error) {
	p := PasswordPolicy{MinimumPasswordLength: 6, RequireSymbols: b(in.RequireSymbols), RequireNumbers: b(in.RequireNumbers),
		RequireUppercaseCharacters: b(in.RequireUppercaseCharacters), RequireLowercaseCharacters: b(in.RequireLowercaseCharacters),
		AllowUsersToChangePassword: b(in.AllowUsersToChangePassword), MaxPasswordAge: in.MaxPasswordAge, PasswordReusePrevention: in.PasswordReusePrevention, HardExpiry: in.HardExpiry}
	if in.MinimumPasswordLength != nil {
		if *in.MinimumPasswordLength < 6 || *in.MinimumPasswordLength > 128 {
			return nil, validationError("Value '%d' at 'minimumPasswordLength' failed to satisfy constraint: Member must have value between 6 and 128", *in.MinimumPasswordLength)
		}
		p.MinimumPasswordLength = *in.MinimumPasswordLength
	}
	if p.MaxPasswordAge != nil {
		p.ExpirePasswords = *p.MaxPasswordAge > 0
	}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error { return tx.Put(tablePwPolicy, c.Account(), identity.Encode(&p)) })
	return nil, err
}

// GetAccountPasswordPolicyResult is IAM's GetAccountPasswordPolicy response.
type GetAccountPasswordPolicyResult struct{ PasswordPolicy PasswordPolicy }

func getPasswordPolicy(ctx context.Context, c *service.Call, _ *struct{}) (*GetAccountPasswordPolicyResult, error) {
	var out *GetAccountPasswordPolicyResult
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		p, err := passwordPolicy(tx, c.Account())
		if err != nil {
			return err
		}
		if !p.custom {
			return awserr.NoSuchEntity.New("The Password Policy with domain name %s cannot be found.", c.Account())
		}
		out = &GetAccountPasswordPolicyResult{PasswordPolicy: *p}
		return nil
	})
	return out, err
}

func deletePasswordPolicy(ctx context.Context, c *service.Call, _ *struct{}) (*struct{}, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.Delete(tablePwPolicy, c.Account())
		if errors.Is(err, store.ErrNotFound) {
			return awserr.NoSuchEntity.New("The account policy with name PasswordPolicy cannot be found.")
		}
		return err
	})
	return nil, err
}
