package iam

import (
	"context"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/store"
)

// Console sign-in: the check behind moat's sign-in endpoint, with what
// CloudTrail's ConsoleLogin record needs to say about it.

// rootLoginKey is where the root user's password lives in tableLogin ("#"
// cannot appear in a user name).
func rootLoginKey(account string) string { return account + "/#root" }

// EnsureRootPassword gives the root user of account a random console
// password when it has none, and returns it (created true) so the caller can
// hand it over once; otherwise it returns "".
func EnsureRootPassword(tx store.Tx, account string) (password string, created bool, err error) {
	key := rootLoginKey(account)
	if _, err := tx.Get(tableLogin, key); err == nil {
		return "", false, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return "", false, err
	}
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", false, err
	}
	password = "Mo@t-" + base64.RawURLEncoding.EncodeToString(b)
	lp := loginProfile{UserName: "root"}
	lp.Salt, lp.Hash = hashPassword(password)
	return password, true, tx.Put(tableLogin, key, identity.Encode(&lp))
}

// SignInInput is a console sign-in attempt: the root user by e-mail, or an
// IAM user by account id and user name.
type SignInInput struct {
	RootEmail string `json:"rootEmail,omitempty"`
	AccountID string `json:"accountId,omitempty"`
	UserName  string `json:"userName,omitempty"`
	Password  string `json:"password"`
	MFACode   string `json:"mfaCode,omitempty"`
}

// SignInOutcome is the result and who it was about.
type SignInOutcome struct {
	Success bool
	// Reason is CloudTrail's errorMessage of a failure: "Failed
	// authentication" for a wrong name, password or MFA code, as AWS writes
	// for every one of them; moat adds "Password expired" (AWS is silent on
	// how a hard-expired password is recorded).
	Reason  string
	MFAUsed bool
	Root    bool
	// Known is false when no such user exists: CloudTrail then hides the
	// name (userName HIDDEN_DUE_TO_SECURITY_REASONS).
	Known                  bool
	Account, UserName, ARN string
	PrincipalID            string
	PasswordResetRequired  bool
}

// SignIn checks a console sign-in: the password against its PBKDF2 hash, the
// account's password policy (a password older than MaxPasswordAge with
// HardExpiry set is refused), and the user's MFA device when it has one. A
// successful sign-in records when the password was last used.
func SignIn(ctx context.Context, st store.Store, in SignInInput, now time.Time) (SignInOutcome, error) {
	out := SignInOutcome{Reason: "Failed authentication"}
	err := st.Update(ctx, func(tx store.Tx) error {
		var key string
		switch {
		case in.RootEmail != "":
			out.Root = true
			err := tx.Scan(identity.TableAccounts, "", "", 0, func(k string, b []byte) error {
				var a identity.Account
				if identity.Decode(identity.TableAccounts, k, b, &a) == nil && strings.EqualFold(a.Email, in.RootEmail) {
					out.Account = a.ID
				}
				return nil
			})
			if err != nil || out.Account == "" {
				return err
			}
			out.Known, out.ARN, out.PrincipalID, key = true, "arn:aws:iam::"+out.Account+":root", out.Account, rootLoginKey(out.Account)
		default:
			out.Account = in.AccountID
			u, err := getUserTx(tx, in.AccountID, in.UserName)
			if err != nil {
				return nil // unknown user: a failure, not an error
			}
			out.Known, out.UserName, out.ARN, out.PrincipalID, key = true, u.UserName, u.ARN(), u.UserID, identity.UserKey(u.Account, u.UserName)
		}
		b, err := tx.Get(tableLogin, key)
		if errors.Is(err, store.ErrNotFound) {
			return nil // no console password
		}
		if err != nil {
			return err
		}
		var lp loginProfile
		if err := identity.Decode(tableLogin, key, b, &lp); err != nil {
			return err
		}
		if !passwordMatches(&lp, in.Password) {
			return nil
		}
		if !out.Root {
			used, ok, err := checkMFA(tx, out.Account, out.UserName, in.MFACode, now)
			if err != nil || !ok {
				return err
			}
			out.MFAUsed = used
			pol, err := passwordPolicy(tx, out.Account)
			if err != nil {
				return err
			}
			if pol.MaxPasswordAge != nil && *pol.MaxPasswordAge > 0 && hardExpiry(pol) &&
				now.Sub(lp.Changed()) > time.Duration(*pol.MaxPasswordAge)*24*time.Hour {
				out.Reason = "Password expired"
				return nil
			}
		}
		out.Success, out.Reason, out.PasswordResetRequired = true, "", lp.ResetRequired
		lp.LastUsed = now.UTC().Truncate(time.Second)
		return tx.Put(tableLogin, key, identity.Encode(&lp))
	})
	return out, err
}

// passwordMatches compares in constant time.
func passwordMatches(lp *loginProfile, pw string) bool {
	salt, err := base64.StdEncoding.DecodeString(lp.Salt)
	if err != nil {
		return false
	}
	k, err := pbkdf2.Key(sha256.New, pw, salt, pbkdf2Rounds, 32)
	if err != nil {
		return false
	}
	want, err := base64.StdEncoding.DecodeString(lp.Hash)
	return err == nil && subtle.ConstantTimeCompare(k, want) == 1
}

// checkMFA requires a valid code when the user has an MFA device; used
// reports whether one was checked.
func checkMFA(tx store.Tx, account, user, code string, now time.Time) (used, ok bool, err error) {
	devices, err := userMFADevices(tx, account, user)
	if err != nil || len(devices) == 0 {
		return false, err == nil, err
	}
	dev := &devices[len(devices)-1]
	step, match := dev.Match(code, now)
	if !match {
		return true, false, nil
	}
	dev.LastStep = step
	return true, true, tx.Put(identity.TableMFA, dev.SerialNumber, identity.Encode(dev))
}

func hardExpiry(p *PasswordPolicy) bool { return p.HardExpiry != nil && *p.HardExpiry }
