package macie2

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/moatdev/moat/asff"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/securityhub"
	"github.com/moatdev/moat/internal/store"
)

// Findings to Security Hub, as Macie publishes them: policy findings by
// default, sensitive data findings once
// PutFindingsPublicationConfiguration turns them on; only when Security Hub
// is enabled in the account and region, in the finding's own transaction.
// The ASFF mapping (product aws/macie, Types under "Software and
// Configuration Checks/AWS Security Best Practices" for policy findings and
// "Sensitive Data Identifications" for sensitive data findings, the bucket
// as AwsS3Bucket) is moat's reading of the Macie User Guide.

// TablePublication holds the publication settings: account/region → settings.
const TablePublication = "macie2.publication"

// SecurityHubConfiguration is Macie's SecurityHubConfiguration shape.
type SecurityHubConfiguration struct {
	PublishClassificationFindings bool `aws:"publishClassificationFindings"`
	PublishPolicyFindings         bool `aws:"publishPolicyFindings"`
}

func publication(tx store.Tx, account, region string) (SecurityHubConfiguration, error) {
	cfg := SecurityHubConfiguration{PublishPolicyFindings: true}
	b, err := tx.Get(TablePublication, account+"/"+region)
	if errors.Is(err, store.ErrNotFound) {
		return cfg, nil
	}
	if err != nil {
		return cfg, err
	}
	return cfg, json.Unmarshal(b, &cfg)
}

// PublicationConfigurationOutput is GetFindingsPublicationConfiguration's response.
type PublicationConfigurationOutput struct {
	SecurityHubConfiguration SecurityHubConfiguration `aws:"securityHubConfiguration"`
}

func getPublication(ctx context.Context, c *service.Call, _ *struct{}) (*PublicationConfigurationOutput, error) {
	out := &PublicationConfigurationOutput{}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		var err error
		out.SecurityHubConfiguration, err = publication(tx, c.Account(), c.Region)
		return err
	})
	return out, err
}

// PutPublicationInput is PutFindingsPublicationConfiguration's request.
type PutPublicationInput struct {
	ClientToken              *string                   `aws:"clientToken"`
	SecurityHubConfiguration *SecurityHubConfiguration `aws:"securityHubConfiguration"`
}

func putPublication(ctx context.Context, c *service.Call, in *PutPublicationInput) (*struct{}, error) {
	if in.SecurityHubConfiguration == nil {
		return nil, errValidation.New("securityHubConfiguration is required")
	}
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := session(tx, c); err != nil {
			return err
		}
		b, _ := json.Marshal(in.SecurityHubConfiguration)
		return tx.Put(TablePublication, c.Account()+"/"+c.Region, b)
	})
}

// toSecurityHub imports a finding into the account's Security Hub when the
// publication settings and Security Hub say so.
func toSecurityHub(tx store.Tx, c *service.Call, f *finding) error {
	on, err := securityhub.Enabled(tx, c.Account(), c.Region)
	if err != nil || !on {
		return err
	}
	cfg, err := publication(tx, c.Account(), c.Region)
	if err != nil {
		return err
	}
	if f.Category == "POLICY" && !cfg.PublishPolicyFindings || f.Category == "CLASSIFICATION" && !cfg.PublishClassificationFindings {
		return nil
	}
	doc, err := json.Marshal(map[string]any{"Findings": []asff.Finding{asffOf(f)}})
	if err != nil {
		return err
	}
	res, err := asff.ParseBatchImport(doc)
	if err != nil {
		c.Deps.Log.Warn("macie: a finding's ASFF is not valid", "id", f.ID, "err", err)
		return nil
	}
	out, err := securityhub.Import(tx, c.Account(), c.Region, res)
	if err == nil && out.FailedCount > 0 {
		c.Deps.Log.Warn("macie: Security Hub refused a finding", "id", f.ID, "error", out.FailedFindings[0].ErrorMessage)
	}
	return err
}

func asffOf(f *finding) asff.Finding {
	kind := "Software and Configuration Checks/AWS Security Best Practices/"
	if f.Category == "CLASSIFICATION" {
		kind = "Sensitive Data Identifications/"
		switch {
		case strings.HasSuffix(f.Type, "/Financial"):
			kind += "Financial/"
		case strings.HasSuffix(f.Type, "/Credentials"):
			kind += "Passwords/"
		default:
			kind += "PII/"
		}
	}
	a := asff.Finding{
		SchemaVersion: asff.SchemaVersion,
		Id:            "arn:aws:macie2:" + f.Region + ":" + f.AccountID + ":finding/" + f.ID,
		ProductArn:    "arn:aws:securityhub:" + f.Region + "::product/aws/macie",
		ProductName:   "Macie", CompanyName: "Amazon", Region: f.Region,
		GeneratorId:  f.Type,
		AwsAccountId: f.AccountID,
		Types:        []string{kind + strings.ReplaceAll(f.Type, "/", "-")},
		CreatedAt:    f.CreatedAt, UpdatedAt: f.UpdatedAt, FirstObservedAt: f.CreatedAt, LastObservedAt: f.UpdatedAt,
		Severity: &asff.Severity{Label: strings.ToUpper(f.Severity.Description), Original: f.Severity.Description},
		Title:    f.Title, Description: f.Description,
		Workflow: &asff.Workflow{Status: "NEW"}, RecordState: "ACTIVE",
		ProductFields: map[string]string{"aws/securityhub/ProductName": "Macie", "aws/securityhub/CompanyName": "Amazon", "macie/count": itoa(f.Count)},
	}
	if b := f.ResourcesAffected.S3Bucket; b != nil {
		a.Resources = append(a.Resources, asff.Resource{Type: "AwsS3Bucket", Id: b.Arn, Partition: "aws", Region: f.Region})
	}
	if o := f.ResourcesAffected.S3Object; o != nil {
		a.Resources = append(a.Resources, asff.Resource{Type: "AwsS3Object", Id: o.BucketArn + "/" + o.Key, Partition: "aws", Region: f.Region})
	}
	if f.Sample {
		yes := true
		a.Sample = &yes
	}
	return a
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
