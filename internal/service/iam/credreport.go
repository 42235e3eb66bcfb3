package iam

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// The credential report: one CSV row per user (and the root user) with the
// state of its password, MFA and access keys, in AWS's columns. Posture
// checks (CIS AWS Foundations) read it.

const tableReport = "iam.credreport" // account → report

type credentialReport struct {
	Generated time.Time `json:"generated"`
	Content   []byte    `json:"content"`
}

func reportOps() []*service.Operation {
	return []*service.Operation{
		service.Op("GenerateCredentialReport", "iam:GenerateCredentialReport", generateCredentialReport),
		service.Op("GetCredentialReport", "iam:GetCredentialReport", getCredentialReport, service.ReadOnly[struct{}]()),
	}
}

// credentialReportColumns are AWS's, in AWS's order.
var credentialReportColumns = []string{"user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
	"password_next_rotation", "mfa_active", "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
	"access_key_1_last_used_region", "access_key_1_last_used_service", "access_key_2_active", "access_key_2_last_rotated",
	"access_key_2_last_used_date", "access_key_2_last_used_region", "access_key_2_last_used_service", "cert_1_active",
	"cert_1_last_rotated", "cert_2_active", "cert_2_last_rotated"}

// GenerateCredentialReportResult is IAM's response.
type GenerateCredentialReportResult struct{ State, Description string }

func reportTime(t time.Time) string {
	if t.IsZero() {
		return "N/A"
	}
	return t.UTC().Format("2006-01-02T15:04:05+00:00")
}

func generateCredentialReport(ctx context.Context, c *service.Call, _ *struct{}) (*GenerateCredentialReportResult, error) {
	acct := c.Account()
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write(credentialReportColumns)
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		mfaUsers := map[string]bool{}
		if err := tx.Scan(identity.TableMFA, "arn:aws:iam::"+acct+":mfa/", "", 0, func(k string, b []byte) error {
			var d identity.MFADevice
			if err := identity.Decode(identity.TableMFA, k, b, &d); err != nil {
				return err
			}
			if d.UserName != "" {
				mfaUsers[strings.ToLower(d.UserName)] = true
			}
			return nil
		}); err != nil {
			return err
		}
		keyCols := func(userName string) ([]string, error) {
			var cols []string
			err := tx.Scan(identity.TableUserKeys, identity.KeyIndexPrefix(acct, userName), "", 2, func(k string, _ []byte) error {
				akid := k[strings.LastIndexByte(k, '/')+1:]
				b, err := tx.Get(identity.TableAccessKeys, akid)
				if err != nil {
					return err
				}
				var key identity.AccessKey
				if err := identity.Decode(identity.TableAccessKeys, akid, b, &key); err != nil {
					return err
				}
				used, region, svc := "N/A", "N/A", "N/A"
				if u, ok := c.Deps.Directory.LastUsedOf(akid); ok {
					used, region, svc = reportTime(u.Time), u.Region, u.Service
				}
				cols = append(cols, boolText(key.Status == "Active"), reportTime(key.Created), used, region, svc)
				return nil
			})
			for len(cols) < 10 {
				cols = append(cols, "false", "N/A", "N/A", "N/A", "N/A")
			}
			return cols, err
		}
		// The root user's row comes first.
		var a identity.Account
		if b, err := tx.Get(identity.TableAccounts, acct); err == nil {
			_ = identity.Decode(identity.TableAccounts, acct, b, &a)
		}
		rootKeys, err := keyCols("")
		if err != nil {
			return err
		}
		row := []string{"<root_account>", "arn:aws:iam::" + acct + ":root", reportTime(a.Created), "not_supported", "N/A", "not_supported", "not_supported", "false"}
		_ = w.Write(append(append(row, rootKeys...), "false", "N/A", "false", "N/A"))
		err = tx.Scan(identity.TableUsers, acct+"/", "", 0, func(k string, b []byte) error {
			var u identity.User
			if err := identity.Decode(identity.TableUsers, k, b, &u); err != nil {
				return err
			}
			pw, changed, used := "false", "N/A", "no_information"
			if lb, err := tx.Get(tableLogin, k); err == nil {
				var lp loginProfile
				if identity.Decode(tableLogin, k, lb, &lp) == nil {
					pw, changed = "true", reportTime(lp.Changed())
					if !lp.LastUsed.IsZero() {
						used = reportTime(lp.LastUsed)
					}
				}
			}
			keys, err := keyCols(u.UserName)
			if err != nil {
				return err
			}
			row := []string{u.UserName, u.ARN(), reportTime(u.Created), pw, used, changed, "N/A", boolText(mfaUsers[strings.ToLower(u.UserName)])}
			return w.Write(append(append(row, keys...), "false", "N/A", "false", "N/A"))
		})
		if err != nil {
			return err
		}
		w.Flush()
		return tx.Put(tableReport, acct, identity.Encode(&credentialReport{Generated: c.Now.UTC().Truncate(time.Second), Content: buf.Bytes()}))
	})
	if err != nil {
		return nil, err
	}
	return &GenerateCredentialReportResult{State: "COMPLETE", Description: "No report exists. Starting a new report generation task"}, nil
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// GetCredentialReportResult is IAM's response; Content is the CSV (base64
// on the wire, as a blob).
type GetCredentialReportResult struct {
	Content       []byte
	ReportFormat  string
	GeneratedTime time.Time
}

func getCredentialReport(ctx context.Context, c *service.Call, _ *struct{}) (*GetCredentialReportResult, error) {
	var r credentialReport
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		b, err := tx.Get(tableReport, c.Account())
		if errors.Is(err, store.ErrNotFound) {
			return awserr.ReportNotPresent.New("Credential report not present. Use GenerateCredentialReport to generate a report.")
		}
		if err != nil {
			return err
		}
		return identity.Decode(tableReport, c.Account(), b, &r)
	})
	if err != nil {
		return nil, err
	}
	if c.Now.Sub(r.Generated) > 4*time.Hour {
		return nil, awserr.ReportExpired.New("The credential report is expired. Use GenerateCredentialReport to generate a new report.")
	}
	return &GetCredentialReportResult{Content: r.Content, ReportFormat: "text/csv", GeneratedTime: r.Generated}, nil
}
