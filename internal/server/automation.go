package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/moatdev/moat/arn"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service/events"
	iamsvc "github.com/moatdev/moat/internal/service/iam"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

// moat's built-in automation targets: what teams usually write a scheduled
// Lambda function for. An EventBridge rule names one as
// "arn:moat:automation:::<name>" with a RoleArn; the automation acts as that
// role, through the same pipeline as any caller, so its calls are
// authorized by the role's policies and recorded in CloudTrail with the
// role's session as the actor. The role must trust events.amazonaws.com,
// as EventBridge target roles must.

// keyExpiryInput is the key-expiry automation's Input (JSON).
type keyExpiryInput struct {
	MaxAgeDays int    `json:"maxAgeDays"` // keys older than this (default 90)
	UnusedDays int    `json:"unusedDays"` // or not used for this long (0: not checked)
	Action     string `json:"action"`     // "deactivate" (default) or "delete"
}

// automate runs an automation target for a rule that fired.
func (s *Server) automate(ctx context.Context, a events.Automation) error {
	if a.Target != "key-expiry" {
		return fmt.Errorf("unknown automation %q (moat has key-expiry)", a.Target)
	}
	in := keyExpiryInput{MaxAgeDays: 90, Action: "deactivate"}
	if a.Input != "" {
		if err := json.Unmarshal([]byte(a.Input), &in); err != nil {
			return fmt.Errorf("key-expiry Input: %w", err)
		}
	}
	if in.MaxAgeDays < 1 || in.UnusedDays < 0 || (in.Action != "deactivate" && in.Action != "delete") {
		return fmt.Errorf("key-expiry Input: maxAgeDays must be at least 1, unusedDays not negative, and action deactivate or delete")
	}
	creds, err := s.assumeForService(ctx, a.RoleArn, "events.amazonaws.com", "moat-key-expiry")
	if err != nil {
		return err
	}
	now := s.clock()
	type key struct{ user, id string }
	var old []key
	err = s.db.View(ctx, func(tx store.Tx) error {
		return tx.Scan(identity.TableUsers, a.Account+"/", "", 0, func(k string, b []byte) error {
			var u identity.User
			if err := identity.Decode(identity.TableUsers, k, b, &u); err != nil {
				return err
			}
			return tx.Scan(identity.TableUserKeys, identity.KeyIndexPrefix(u.Account, u.UserName), "", 0, func(ik string, _ []byte) error {
				id := ik[strings.LastIndexByte(ik, '/')+1:]
				kb, err := tx.Get(identity.TableAccessKeys, id)
				if err != nil {
					return err
				}
				var ak identity.AccessKey
				if err := identity.Decode(identity.TableAccessKeys, id, kb, &ak); err != nil {
					return err
				}
				if ak.Status != "Active" {
					return nil
				}
				tooOld := now.Sub(ak.Created) > time.Duration(in.MaxAgeDays)*24*time.Hour
				if in.UnusedDays > 0 && !tooOld {
					// Last use as GetAccessKeyLastUsed knows it (since the
					// server started); a key never seen counts from its creation.
					last := ak.Created
					if u, ok := s.deps.Directory.LastUsedOf(id); ok && u.Time.After(last) {
						last = u.Time
					}
					tooOld = now.Sub(last) > time.Duration(in.UnusedDays)*24*time.Hour
				}
				if tooOld {
					old = append(old, key{u.UserName, id})
				}
				return nil
			})
		})
	})
	if err != nil {
		return err
	}
	var errs []error
	for _, k := range old {
		form := url.Values{"Version": {"2010-05-08"}, "UserName": {k.user}, "AccessKeyId": {k.id}}
		if in.Action == "delete" {
			form.Set("Action", "DeleteAccessKey")
		} else {
			form.Set("Action", "UpdateAccessKey")
			form.Set("Status", "Inactive")
		}
		if err := s.callAs(ctx, creds, "iam", form); err != nil {
			errs = append(errs, err)
			continue
		}
		tag := url.Values{"Action": {"TagUser"}, "Version": {"2010-05-08"}, "UserName": {k.user},
			"Tags.member.1.Key": {"moat:key-expiry"}, "Tags.member.1.Value": {in.Action + " " + k.id + " " + now.UTC().Format("2006-01-02")}}
		if err := s.callAs(ctx, creds, "iam", tag); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// assumeForService gives a service principal a session of a role whose
// trust policy lets that service assume it.
func (s *Server) assumeForService(ctx context.Context, roleARN, servicePrincipal, sessionName string) (aws.Credentials, error) {
	a, err := arn.Parse(roleARN)
	if err != nil || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return aws.Credentials{}, fmt.Errorf("target RoleArn %q is not a role ARN", roleARN)
	}
	var role *identity.Role
	err = s.db.View(ctx, func(tx store.Tx) error {
		var err error
		role, err = iamsvc.GetRoleTx(tx, a.AccountID, a.Resource[strings.LastIndexByte(a.Resource, '/')+1:])
		return err
	})
	if err != nil {
		return aws.Credentials{}, fmt.Errorf("target role %s: %w", roleARN, err)
	}
	allowed, err := identity.ServiceAllowed(role.AssumeRolePolicyDocument, policy.Trust, servicePrincipal, "sts:AssumeRole", role.ARN(), role.Account, nil)
	if err != nil {
		return aws.Credentials{}, err
	}
	if !allowed {
		return aws.Credentials{}, fmt.Errorf("the trust policy of %s does not let %s assume it", role.ARN(), servicePrincipal)
	}
	now := s.clock().UTC().Truncate(time.Second)
	sess := &identity.Session{AccessKeyID: identity.NewID("ASIA", 16), SecretAccessKey: identity.NewSecret(), SessionToken: identity.NewSessionToken(),
		Issued: now, Expires: now.Add(time.Hour), Account: role.Account, RoleName: role.RoleName, SessionName: sessionName}
	err = s.db.Update(ctx, func(tx store.Tx) error {
		return tx.Insert(identity.TableSessions, sess.AccessKeyID, identity.Encode(sess))
	})
	return aws.Credentials{AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey, SessionToken: sess.SessionToken}, err
}

// callAs makes a signed query-protocol call through moat's own pipeline, as
// an AWS service calling on a customer's behalf (sourceIPAddress is the
// service's name, as CloudTrail shows it).
func (s *Server) callAs(ctx context.Context, c aws.Credentials, service string, form url.Values) error {
	body := form.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.endpointURL()+"/", strings.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	req.Header.Set("User-Agent", "events.amazonaws.com moat-automation")
	req.RemoteAddr = "events.amazonaws.com"
	sum := sha256.Sum256([]byte(body))
	if err := v4.NewSigner().SignHTTP(ctx, c, req, hex.EncodeToString(sum[:]), service, "us-east-1", s.clock()); err != nil {
		return err
	}
	w := httptest.NewRecorder()
	s.ServeHTTP(w, req)
	if w.Code != http.StatusOK {
		return fmt.Errorf("%s %s: %d %s", service, form.Get("Action"), w.Code, w.Body.String())
	}
	return nil
}
