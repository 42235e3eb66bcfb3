package identity

import "time"

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
	Created       time.Time             `json:"created"`
	OUs           map[string]*OrgUnit   `json:"ous"`      // by id
	Parents       map[string]string     `json:"parents"`  // account or OU id → parent id
	Policies      map[string]*OrgPolicy `json:"policies"` // by id
	Attached      map[string][]string   `json:"attached"` // target id → policy ids
	AccountsOrder []string              `json:"accounts"`
}

// OrgUnit is an organizational unit.
type OrgUnit struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// OrgPolicy is an organization policy (SCP).
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
