package macie2

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/s3"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

// Policy findings: Macie's Policy:IAMUser/... types over the buckets'
// current settings.

// externalAccounts returns the other accounts an Allow statement of the
// bucket policy names as principals (12-digit ids or their ARNs).
func externalAccounts(b *s3.BucketInfo) []string {
	if b.Policy == "" {
		return nil
	}
	p, err := policy.Parse([]byte(b.Policy))
	if err != nil {
		return nil
	}
	seen := map[string]bool{}
	var out []string
	for _, st := range p.Statements {
		if st.Effect != policy.Allow || st.Principal == nil || st.NotPrincipal {
			continue
		}
		for _, pr := range st.Principal.AWS {
			acct := accountOfPrincipal(pr)
			if acct != "" && acct != b.Account && !seen[acct] {
				seen[acct] = true
				out = append(out, acct)
			}
		}
	}
	sort.Strings(out)
	return out
}

// accountOfPrincipal reads the account of "123456789012" or
// "arn:aws:iam::123456789012:root|user/...|role/...".
func accountOfPrincipal(p string) string {
	if isAccountID(p) {
		return p
	}
	parts := strings.SplitN(p, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && isAccountID(parts[4]) {
		return parts[4]
	}
	return ""
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// policyTypes lists the policy finding types a bucket calls for now.
// Severities (policyText) are moat's reading of the Macie User Guide's
// "Severity scoring for policy findings" [unverified: public and shared
// externally High, encryption and Block Public Access disabled Low].
func policyTypes(b *s3.BucketInfo) []string {
	var out []string
	if effectivePublic(b) {
		out = append(out, "Policy:IAMUser/S3BucketPublic")
	}
	bpa := bpaOf(b.BlockPublicAccess)
	if !bpa.BlockPublicAcls && !bpa.BlockPublicPolicy && !bpa.IgnorePublicAcls && !bpa.RestrictPublicBuckets {
		out = append(out, "Policy:IAMUser/S3BlockPublicAccessDisabled")
	}
	if b.Encryption == "" {
		out = append(out, "Policy:IAMUser/S3BucketEncryptionDisabled")
	}
	if len(externalAccounts(b)) > 0 {
		out = append(out, "Policy:IAMUser/S3BucketSharedExternally")
	}
	return out
}

var policyText = map[string]struct {
	sev          severity
	title, descr string
}{
	"Policy:IAMUser/S3BucketPublic":              {severity{"High", 3}, "The S3 bucket is publicly accessible.", "The bucket's policy or access control list allows access to the general public."},
	"Policy:IAMUser/S3BlockPublicAccessDisabled": {severity{"Low", 1}, "Block public access settings are disabled for the S3 bucket.", "All bucket-level block public access settings are disabled for the bucket."},
	"Policy:IAMUser/S3BucketEncryptionDisabled":  {severity{"Low", 1}, "Default encryption is disabled for the S3 bucket.", "The bucket has no default server-side encryption."},
	"Policy:IAMUser/S3BucketSharedExternally":    {severity{"High", 3}, "The S3 bucket is shared with an external AWS account.", "The bucket's policy grants access to an AWS account that is not the bucket owner's."},
}

// regionBuckets returns the caller's buckets in the call's region (Macie
// is regional). Read them before the transaction that writes findings.
func regionBuckets(ctx context.Context, c *service.Call) ([]s3.BucketInfo, error) {
	all, err := s3.Buckets(ctx, c.Deps.Store, c.Account())
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, b := range all {
		if b.Region == c.Region || b.Region == "" {
			out = append(out, b)
		}
	}
	return out, nil
}

// TablePolicyState remembers which policy conditions hold:
// account/region/bucket/type → "". Macie raises a policy finding only for
// a change after it is enabled (Macie User Guide, "Types of findings"), so
// EnableMacie records the conditions that hold then without findings.
const TablePolicyState = "macie2.policystate"

// baselinePolicy records, inside EnableMacie's transaction, the conditions
// that hold when Macie is enabled.
func baselinePolicy(tx store.Tx, c *service.Call, all []s3.BucketInfo) error {
	for i := range all {
		for _, typ := range policyTypes(&all[i]) {
			if err := tx.Put(TablePolicyState, key(c, all[i].Name+"/"+typ), nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// refreshPolicyFindings raises, inside tx, a policy finding for each
// condition that holds now and did not at the last look (buckets from
// regionBuckets). A condition that comes back after it was fixed updates
// the finding it raised before: count+1 and updatedAt, as Macie does.
func refreshPolicyFindings(tx store.Tx, c *service.Call, all []s3.BucketInfo) error {
	held := map[string]bool{}
	if err := tx.Scan(TablePolicyState, scope(c)+"/", "", 0, func(k string, _ []byte) error {
		held[k] = true
		return nil
	}); err != nil {
		return err
	}
	now := isoTime(c.Now)
	var sup suppression
	loaded := false
	for i := range all {
		b := &all[i]
		for _, typ := range policyTypes(b) {
			sk := key(c, b.Name+"/"+typ)
			if held[sk] {
				delete(held, sk)
				continue
			}
			if err := tx.Put(TablePolicyState, sk, nil); err != nil {
				return err
			}
			id := policyFindingID(c, b.Name, typ)
			var f finding
			err := getJSON(tx, TableFindings, key(c, id), &f)
			switch {
			case err == nil:
				f.Count++
				f.UpdatedAt = now
				f.ResourcesAffected.S3Bucket = bucketOf(b)
			case errors.Is(err, store.ErrNotFound):
				t := policyText[typ]
				f = finding{SchemaVersion: "1.0", ID: id, AccountID: c.Account(), Region: c.Region, Partition: "aws", Type: typ, Category: "POLICY",
					Severity: t.sev, Title: t.title, Description: t.descr, Count: 1, CreatedAt: now, UpdatedAt: now,
					ResourcesAffected: resourcesAffected{S3Bucket: bucketOf(b)}}
			default:
				return err
			}
			if !loaded {
				if sup, err = loadSuppression(tx, c); err != nil {
					return err
				}
				loaded = true
			}
			sup.apply(&f)
			if err := putJSON(tx, TableFindings, key(c, id), &f); err != nil {
				return err
			}
			if err := publish(tx, c, &f); err != nil {
				return err
			}
		}
	}
	// Conditions no longer holding: a return raises (or updates) again.
	for k := range held {
		if err := tx.Delete(TablePolicyState, k); err != nil {
			return err
		}
	}
	return nil
}
