package identity

import (
	"context"
	"errors"
	"time"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

// Organization tables.
const (
	TableOrgs       = "org.orgs"    // management account → Organization
	TableOrgMembers = "org.members" // member (or management) account → management account
)

// Organization is an AWS Organization with its tree and its policies, kept
// as one record: organizations are small and change rarely.
type Organization struct {
	ID            string                `json:"id"`
	Management    string                `json:"management"`
	RootID        string                `json:"rootId"`
	SCPEnabled    bool                  `json:"scpEnabled"`
	RCPEnabled    bool                  `json:"rcpEnabled,omitempty"`
	Created       time.Time             `json:"created"`
	OUs           map[string]*OrgUnit   `json:"ous"`      // by id
	Parents       map[string]string     `json:"parents"`  // account or OU id → parent id
	Policies      map[string]*OrgPolicy `json:"policies"` // by id
	Attached      map[string][]string   `json:"attached"` // target id → policy ids
	AccountsOrder []string              `json:"accounts"`
	// CreateAccountRequests are CreateAccount's status records by request
	// id, for DescribeCreateAccountStatus and ListCreateAccountStatus.
	CreateAccountRequests map[string]*CreateAccountRequest `json:"createAccountRequests,omitempty"`
}

// CreateAccountRequest is the status of one CreateAccount call.
type CreateAccountRequest struct {
	ID          string    `json:"id"`
	AccountName string    `json:"accountName"`
	AccountID   string    `json:"accountId"`
	State       string    `json:"state"`
	Requested   time.Time `json:"requested"`
	Completed   time.Time `json:"completed"`
}

// OrgUnit is an organizational unit.
type OrgUnit struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Organization policy types moat enforces.
const (
	SCPType = "SERVICE_CONTROL_POLICY"
	RCPType = "RESOURCE_CONTROL_POLICY"
)

// The AWS managed policies attached to every root, OU and account when their
// policy type is enabled.
const (
	FullAWSAccessID    = "p-FullAWSAccess"
	RCPFullAWSAccessID = "p-RCPFullAWSAccess"
)

// OrgPolicy is an organization policy (SCP or RCP).
type OrgPolicy struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Type        string `json:"type"`
	Content     string `json:"content"`
	AWSManaged  bool   `json:"awsManaged"`
}

// FullAWSAccess is the AWS managed SCP attached everywhere when SCPs are
// enabled (Organizations User Guide).
const FullAWSAccess = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`

// RCPFullAWSAccess is the AWS managed RCP attached everywhere when RCPs are
// enabled; it cannot be detached (Organizations User Guide, RCP syntax).
const RCPFullAWSAccess = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`

// Enabled reports whether a policy type is enabled in the organization.
func (o *Organization) Enabled(policyType string) bool {
	switch policyType {
	case SCPType:
		return o.SCPEnabled
	case RCPType:
		return o.RCPEnabled
	}
	return false
}

// DefaultAttachments returns the AWS managed policies a new root, OU or
// account gets: FullAWSAccess and RCPFullAWSAccess for the enabled types.
func (o *Organization) DefaultAttachments() []string {
	var ids []string
	if o.SCPEnabled {
		ids = append(ids, FullAWSAccessID)
	}
	if o.RCPEnabled {
		ids = append(ids, RCPFullAWSAccessID)
	}
	return ids
}

// RCPServices are the services whose resources RCPs govern (Organizations
// User Guide, "Resource control policies": Amazon S3, AWS STS, AWS KMS,
// Amazon SQS, AWS Secrets Manager, and since then Amazon Cognito, CloudWatch
// Logs, DynamoDB, ECR and OpenSearch Serverless). RCPs do not apply to IAM.
var RCPServices = map[string]bool{
	"s3": true, "sts": true, "kms": true, "sqs": true, "secretsmanager": true,
	"cognito-identity": true, "logs": true, "dynamodb": true, "ecr": true, "aoss": true,
}

// OrgLevels returns the compiled policies of one type (SCPType or RCPType)
// on the path from the organization's root to account, root first. It
// returns none for the management account (neither SCPs nor RCPs restrict
// it), for accounts outside an organization, and while the type is not
// enabled. RCPFullAWSAccess is left out: authz treats it as implicit.
func OrgLevels(ctx context.Context, st store.Store, account, policyType string) ([]authz.Level, error) {
	kind := policy.SCP
	if policyType == RCPType {
		kind = policy.RCP
	}
	var levels []authz.Level
	err := st.View(ctx, func(tx store.Tx) error {
		b, err := tx.Get(TableOrgMembers, account)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil || string(b) == account {
			return err
		}
		ob, err := tx.Get(TableOrgs, string(b))
		if err != nil {
			return err
		}
		var o Organization
		if err := Decode(TableOrgs, string(b), ob, &o); err != nil || !o.Enabled(policyType) {
			return err
		}
		for _, target := range o.Path(account) {
			level := authz.Level{Target: target}
			for _, id := range o.Attached[target] {
				p := o.Policies[id]
				if p == nil || p.Type != policyType || id == RCPFullAWSAccessID {
					continue
				}
				parsed, err := policy.Parse([]byte(p.Content))
				if err != nil {
					return err
				}
				compiled, err := policy.Compile(parsed, kind)
				if err != nil {
					return err
				}
				level.Policies = append(level.Policies, authz.Policy{Name: p.Name, ARN: p.ID, Compiled: compiled})
			}
			levels = append(levels, level)
		}
		return nil
	})
	return levels, err
}

// Path returns the targets from the root down to account (root, OUs,
// account), or nil when account is not in the organization.
func (o *Organization) Path(account string) []string {
	var path []string
	for id := account; id != ""; id = o.Parents[id] {
		path = append([]string{id}, path...)
		if id == o.RootID {
			return path
		}
		if len(path) > 8 {
			break
		}
	}
	return nil
}
