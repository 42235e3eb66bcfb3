package posture

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// AuthDetails is the output of `aws iam get-account-authorization-details`
// (API GetAccountAuthorizationDetails), as the AWS CLI prints it.
type AuthDetails struct {
	UserDetailList  []UserDetail    `json:"UserDetailList"`
	GroupDetailList []GroupDetail   `json:"GroupDetailList"`
	RoleDetailList  []RoleDetail    `json:"RoleDetailList"`
	Policies        []ManagedPolicy `json:"Policies"`
	IsTruncated     bool            `json:"IsTruncated"`
}

// UserDetail is one IAM user.
type UserDetail struct {
	UserName                string              `json:"UserName"`
	UserId                  string              `json:"UserId"`
	Arn                     string              `json:"Arn"`
	Path                    string              `json:"Path"`
	CreateDate              string              `json:"CreateDate"`
	GroupList               []string            `json:"GroupList"`
	UserPolicyList          []InlinePolicy      `json:"UserPolicyList"`
	AttachedManagedPolicies []AttachedPolicy    `json:"AttachedManagedPolicies"`
	PermissionsBoundary     *PermissionsBound   `json:"PermissionsBoundary,omitempty"`
	Tags                    []map[string]string `json:"Tags,omitempty"`
}

// GroupDetail is one IAM group.
type GroupDetail struct {
	GroupName               string           `json:"GroupName"`
	GroupId                 string           `json:"GroupId"`
	Arn                     string           `json:"Arn"`
	GroupPolicyList         []InlinePolicy   `json:"GroupPolicyList"`
	AttachedManagedPolicies []AttachedPolicy `json:"AttachedManagedPolicies"`
}

// RoleDetail is one IAM role.
type RoleDetail struct {
	RoleName                 string           `json:"RoleName"`
	RoleId                   string           `json:"RoleId"`
	Arn                      string           `json:"Arn"`
	Path                     string           `json:"Path"`
	AssumeRolePolicyDocument PolicyDocument   `json:"AssumeRolePolicyDocument"`
	RolePolicyList           []InlinePolicy   `json:"RolePolicyList"`
	AttachedManagedPolicies  []AttachedPolicy `json:"AttachedManagedPolicies"`
}

// PermissionsBound is a user's or role's permissions boundary.
type PermissionsBound struct {
	PermissionsBoundaryType string `json:"PermissionsBoundaryType"`
	PermissionsBoundaryArn  string `json:"PermissionsBoundaryArn"`
}

// InlinePolicy is an inline policy of a user, group or role.
type InlinePolicy struct {
	PolicyName     string         `json:"PolicyName"`
	PolicyDocument PolicyDocument `json:"PolicyDocument"`
}

// AttachedPolicy names an attached managed policy.
type AttachedPolicy struct {
	PolicyName string `json:"PolicyName"`
	PolicyArn  string `json:"PolicyArn"`
}

// ManagedPolicy is a managed policy with its versions.
type ManagedPolicy struct {
	PolicyName        string          `json:"PolicyName"`
	PolicyId          string          `json:"PolicyId"`
	Arn               string          `json:"Arn"`
	DefaultVersionId  string          `json:"DefaultVersionId"`
	AttachmentCount   int             `json:"AttachmentCount"`
	PolicyVersionList []PolicyVersion `json:"PolicyVersionList"`
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	VersionId        string         `json:"VersionId"`
	IsDefaultVersion bool           `json:"IsDefaultVersion"`
	Document         PolicyDocument `json:"Document"`
}

// AWSManaged reports whether the policy is an AWS managed policy.
func (p *ManagedPolicy) AWSManaged() bool {
	return strings.HasPrefix(p.Arn, "arn:aws:iam::aws:policy/") || strings.Contains(p.Arn, ":iam::aws:policy/")
}

// DefaultDocument returns the default version's document (nil if absent).
func (p *ManagedPolicy) DefaultDocument() *PolicyDocument {
	for i := range p.PolicyVersionList {
		v := &p.PolicyVersionList[i]
		if v.IsDefaultVersion || (p.DefaultVersionId != "" && v.VersionId == p.DefaultVersionId) {
			return &v.Document
		}
	}
	return nil
}

// PolicyDocument is a policy document as the CLI prints it (a JSON object)
// or as the raw API returns it (a URL-encoded JSON string). Only the parts
// the checks read are kept.
type PolicyDocument struct {
	Statements []Statement
	// Err is why the document could not be read; ParseAuthDetails reports it
	// with the document's path, so one bad document names where it is.
	Err error
}

// Statement is one policy statement, reduced to what posture checks read.
type Statement struct {
	Effect       string
	Action       []string
	NotAction    []string
	Resource     []string
	NotResource  []string
	HasCondition bool
	Principal    *Principals // nil when the statement has none (identity policies)
}

// UnmarshalJSON accepts an object or a URL-encoded JSON string. A document
// that cannot be read is kept with Err set rather than failing the decoder,
// so that the caller can say which document it was.
func (d *PolicyDocument) UnmarshalJSON(b []byte) error {
	if err := d.decode(b); err != nil {
		*d = PolicyDocument{Err: err}
	}
	return nil
}

func (d *PolicyDocument) decode(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		dec, err := url.QueryUnescape(s)
		if err != nil {
			return fmt.Errorf("policy document is a string but not URL-encoded JSON: %w", err)
		}
		b = []byte(dec)
	}
	if string(b) == "null" {
		return nil
	}
	var raw struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("policy document: %w", err)
	}
	var list []rawStatement
	if len(raw.Statement) > 0 && raw.Statement[0] == '{' {
		var one rawStatement
		if err := json.Unmarshal(raw.Statement, &one); err != nil {
			return fmt.Errorf("policy document Statement: %w", err)
		}
		list = []rawStatement{one}
	} else if len(raw.Statement) > 0 {
		if err := json.Unmarshal(raw.Statement, &list); err != nil {
			return fmt.Errorf("policy document Statement: %w", err)
		}
	}
	d.Statements = make([]Statement, len(list))
	for i, r := range list {
		pr, err := parsePrincipal(r.Principal)
		if err != nil {
			return fmt.Errorf("policy document Statement[%d]: %w", i, err)
		}
		d.Statements[i] = Statement{Effect: r.Effect, Action: r.Action, NotAction: r.NotAction, Resource: r.Resource, Principal: pr,
			NotResource: r.NotResource, HasCondition: len(r.Condition) > 0 && string(r.Condition) != "null" && string(r.Condition) != "{}"}
	}
	return nil
}

// MarshalJSON writes the reduced document back (for round trips in tests and tools).
func (d PolicyDocument) MarshalJSON() ([]byte, error) {
	type st struct {
		Effect      string   `json:"Effect"`
		Action      []string `json:"Action,omitempty"`
		NotAction   []string `json:"NotAction,omitempty"`
		Resource    []string `json:"Resource,omitempty"`
		NotResource []string `json:"NotResource,omitempty"`
	}
	out := struct {
		Version   string `json:"Version"`
		Statement []st   `json:"Statement"`
	}{Version: "2012-10-17", Statement: []st{}}
	for _, s := range d.Statements {
		out.Statement = append(out.Statement, st{s.Effect, s.Action, s.NotAction, s.Resource, s.NotResource})
	}
	return json.Marshal(out)
}

type rawStatement struct {
	Effect      string          `json:"Effect"`
	Action      strList         `json:"Action"`
	NotAction   strList         `json:"NotAction"`
	Resource    strList         `json:"Resource"`
	NotResource strList         `json:"NotResource"`
	Condition   json.RawMessage `json:"Condition"`
	Principal   json.RawMessage `json:"Principal"`
}

// Principals is a statement's Principal: "*" (Anyone) or its AWS, Service,
// Federated and CanonicalUser lists.
type Principals struct {
	Anyone                                 bool
	AWS, Service, Federated, CanonicalUser []string
}

func parsePrincipal(b json.RawMessage) (*Principals, error) {
	if len(b) == 0 || string(b) == "null" {
		return nil, nil
	}
	p := &Principals{}
	if b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return nil, err
		}
		if s != "*" {
			return nil, fmt.Errorf("Principal %q: expected \"*\" or an object", s)
		}
		p.Anyone = true
		return p, nil
	}
	var m struct {
		AWS, Service, Federated, CanonicalUser strList
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("Principal: %w", err)
	}
	p.AWS, p.Service, p.Federated, p.CanonicalUser = m.AWS, m.Service, m.Federated, m.CanonicalUser
	return p, nil
}

// strList is a string or an array of strings.
type strList []string

func (s *strList) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		var one string
		if err := json.Unmarshal(b, &one); err != nil {
			return err
		}
		*s = strList{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return err
	}
	*s = many
	return nil
}

// AllowsFullAdmin reports whether a statement is Effect Allow, Action "*"
// (or "*:*") and Resource "*": the shape IAM.1 and CIS 1.16 look for.
// Conditions do not excuse a statement [inferred from the Config rule
// iam-policy-no-statements-with-admin-access, which checks the elements only].
func (s *Statement) AllowsFullAdmin() bool {
	if s.Effect != "Allow" {
		return false
	}
	return containsAny(s.Action, "*", "*:*") && containsAny(s.Resource, "*")
}

// ServiceWildcard returns the first "service:*" action of an Allow statement
// (IAM.21), or "".
func (s *Statement) ServiceWildcard() string {
	if s.Effect != "Allow" {
		return ""
	}
	for _, a := range s.Action {
		if i := strings.IndexByte(a, ':'); i > 0 && a[i+1:] == "*" {
			return a
		}
	}
	return ""
}

func containsAny(list []string, want ...string) bool {
	for _, v := range list {
		for _, w := range want {
			if v == w {
				return true
			}
		}
	}
	return false
}

// ParseAuthDetails reads `aws iam get-account-authorization-details` JSON.
func ParseAuthDetails(file string, data []byte) (*AuthDetails, error) {
	var d AuthDetails
	if err := decodeJSON(file, data, &d); err != nil {
		return nil, err
	}
	if d.UserDetailList == nil && d.RoleDetailList == nil && d.GroupDetailList == nil && d.Policies == nil {
		return nil, &InputError{File: file, Line: 1, Column: 1, Message: "not get-account-authorization-details output: none of UserDetailList, GroupDetailList, RoleDetailList, Policies is present"}
	}
	for i, u := range d.UserDetailList {
		if u.UserName == "" || u.Arn == "" {
			return nil, &InputError{File: file, Field: fmt.Sprintf("UserDetailList[%d]", i), Message: "a user needs UserName and Arn"}
		}
	}
	for i, r := range d.RoleDetailList {
		if r.RoleName == "" || r.Arn == "" {
			return nil, &InputError{File: file, Field: fmt.Sprintf("RoleDetailList[%d]", i), Message: "a role needs RoleName and Arn"}
		}
	}
	if err := d.documentError(file); err != nil {
		return nil, err
	}
	return &d, nil
}

// documentError reports the first policy document that could not be read.
func (d *AuthDetails) documentError(file string) error {
	bad := func(path string, doc *PolicyDocument) error {
		if doc.Err == nil {
			return nil
		}
		return &InputError{File: file, Field: path, Message: doc.Err.Error(), Err: doc.Err}
	}
	inline := func(path string, list []InlinePolicy) error {
		for j := range list {
			if err := bad(fmt.Sprintf("%s[%d].PolicyDocument", path, j), &list[j].PolicyDocument); err != nil {
				return err
			}
		}
		return nil
	}
	for i := range d.UserDetailList {
		if err := inline(fmt.Sprintf("UserDetailList[%d].UserPolicyList", i), d.UserDetailList[i].UserPolicyList); err != nil {
			return err
		}
	}
	for i := range d.GroupDetailList {
		if err := inline(fmt.Sprintf("GroupDetailList[%d].GroupPolicyList", i), d.GroupDetailList[i].GroupPolicyList); err != nil {
			return err
		}
	}
	for i := range d.RoleDetailList {
		r := &d.RoleDetailList[i]
		if err := bad(fmt.Sprintf("RoleDetailList[%d].AssumeRolePolicyDocument", i), &r.AssumeRolePolicyDocument); err != nil {
			return err
		}
		if err := inline(fmt.Sprintf("RoleDetailList[%d].RolePolicyList", i), r.RolePolicyList); err != nil {
			return err
		}
	}
	for i := range d.Policies {
		for j := range d.Policies[i].PolicyVersionList {
			if err := bad(fmt.Sprintf("Policies[%d].PolicyVersionList[%d].Document", i, j), &d.Policies[i].PolicyVersionList[j].Document); err != nil {
				return err
			}
		}
	}
	return nil
}
