// Package identity holds who may call moat: accounts, IAM users, access keys
// and STS sessions, as stored state, and the Principal a verified request acts
// as. It is the seam between authentication (sigv4), authorization (authz) and
// the services that create identities (iam, sts).
//
// Secrets (secret access keys, session tokens) are stored in the data
// directory's database, whose file is mode 0600. They are returned once, by the
// call that creates them, as in AWS; nothing in this package logs them.
package identity

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Tables in the store.
const (
	TableAccounts   = "accounts"       // account id → Account
	TableUsers      = "iam.users"      // account/lower(name) → User
	TableAccessKeys = "iam.accesskeys" // access key id → AccessKey
	TableUserKeys   = "iam.userkeys"   // account/lower(name)/AKID → "" (root: account/)
	TableSessions   = "sts.sessions"   // access key id → Session
	TableMeta       = "moat.meta"      // key → value
	MetaManagement  = "management-account"
)

// Account is an AWS account moat serves.
type Account struct {
	ID         string    `json:"id"`
	Name       string    `json:"name"`
	Email      string    `json:"email"`
	Management bool      `json:"management"`
	Created    time.Time `json:"created"`
}

// Tag is an IAM tag.
type Tag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// User is an IAM user.
type User struct {
	Account             string    `json:"account"`
	UserName            string    `json:"userName"`
	UserID              string    `json:"userId"`
	Path                string    `json:"path"`
	Created             time.Time `json:"created"`
	PermissionsBoundary string    `json:"permissionsBoundary,omitempty"`
	Tags                []Tag     `json:"tags,omitempty"`
}

// ARN is the user's ARN, path included.
func (u *User) ARN() string { return "arn:aws:iam::" + u.Account + ":user" + u.Path + u.UserName }

// UserKey is the store key of a user: user names are unique per account
// without regard to case, as in IAM.
func UserKey(account, name string) string { return account + "/" + strings.ToLower(name) }

// AccessKey is a long-term access key of an IAM user or of the account's root user.
type AccessKey struct {
	AccessKeyID     string    `json:"accessKeyId"`
	SecretAccessKey string    `json:"secretAccessKey"`
	Account         string    `json:"account"`
	UserName        string    `json:"userName,omitempty"` // "" for the root user
	Status          string    `json:"status"`             // Active | Inactive
	Created         time.Time `json:"created"`
}

// Session is a set of temporary credentials issued by STS.
type Session struct {
	AccessKeyID     string    `json:"accessKeyId"`
	SecretAccessKey string    `json:"secretAccessKey"`
	SessionToken    string    `json:"sessionToken"`
	Expires         time.Time `json:"expires"`
	Issued          time.Time `json:"issued"`
	Account         string    `json:"account"`
	// Source is the long-term identity the session was issued to:
	// "" for the root user, else the IAM user name (GetSessionToken).
	UserName         string `json:"userName,omitempty"`
	MFAAuthenticated bool   `json:"mfaAuthenticated"`
	// A role session (AssumeRole) names its role and session; the role's
	// account is Account.
	RoleName    string `json:"roleName,omitempty"`
	SessionName string `json:"sessionName,omitempty"`
	// Session policies passed to AssumeRole: an inline document and managed
	// policy ARNs. With any, the session may do only what they allow too.
	SessionPolicy     string   `json:"sessionPolicy,omitempty"`
	SessionPolicyARNs []string `json:"sessionPolicyArns,omitempty"`
	// Session tags (AssumeRole Tags), the keys that pass on to chained
	// sessions, and the source identity set at AssumeRole.
	Tags           []Tag    `json:"tags,omitempty"`
	TransitiveKeys []string `json:"transitiveKeys,omitempty"`
	SourceIdentity string   `json:"sourceIdentity,omitempty"`
}

// Kind is the CloudTrail userIdentity type of a principal.
type Kind string

// The principal kinds moat serves now.
const (
	Root        Kind = "Root"
	IAMUser     Kind = "IAMUser"
	AssumedRole Kind = "AssumedRole"
	Anonymous   Kind = "AWSAccount" // CloudTrail's type for anonymous requests is "AWSAccount" with principalId "ANONYMOUS_PRINCIPAL"; see RATIONALE.md
)

// Principal is who a request acts as, after authentication.
type Principal struct {
	Kind        Kind
	Account     string
	ARN         string
	PrincipalID string // root: account id; user: AIDA…
	UserName    string // IAM user name; "" for root
	UserPath    string
	// Role is the role of an AssumedRole principal.
	Role *Role
	// Tags are the principal's tags (the user's, or the session's role's).
	Tags        []Tag
	AccessKeyID string
	// Session is set when the request was signed with temporary credentials.
	Session *Session
	// Insecure marks a request accepted without a signature under
	// --insecure-allow-unsigned.
	Insecure bool
	// WebIdentity is set for a caller that presented a verified web
	// identity token (AssumeRoleWithWebIdentity).
	WebIdentity *WebIdentityClaims
}

// WebIdentityClaims are the verified facts of a web identity token.
type WebIdentityClaims struct {
	Provider, Audience, Subject, Issuer string
}

// RootPrincipal is the root user of an account.
func RootPrincipal(account string) *Principal {
	return &Principal{Kind: Root, Account: account, ARN: "arn:aws:iam::" + account + ":root", PrincipalID: account}
}

// UserPrincipal is an IAM user.
func UserPrincipal(u *User) *Principal {
	return &Principal{Kind: IAMUser, Account: u.Account, ARN: u.ARN(), PrincipalID: u.UserID, UserName: u.UserName, UserPath: u.Path, Tags: u.Tags}
}

// Encode and Decode are the store's value codec for this package's types.
func Encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("identity: encode %T: %v", v, err)) // only plain structs are encoded
	}
	return b
}

// Decode is the inverse of Encode; a corrupt value names the table and key.
func Decode(table, key string, b []byte, v any) error {
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("identity: corrupt value in %s at %q: %w", table, key, err)
	}
	return nil
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// NewID returns prefix followed by n random characters of AWS's unique-id
// alphabet (upper-case letters and digits 2-7): AKIA…, ASIA…, AIDA….
func NewID(prefix string, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("identity: crypto/rand failed: " + err.Error())
	}
	for i := range b {
		b[i] = idAlphabet[int(b[i])%len(idAlphabet)]
	}
	return prefix + string(b)
}

// NewSecret returns a 40-character secret access key.
func NewSecret() string {
	b := make([]byte, 30)
	if _, err := rand.Read(b); err != nil {
		panic("identity: crypto/rand failed: " + err.Error())
	}
	return base64.StdEncoding.EncodeToString(b)
}

// NewSessionToken returns an opaque session token.
func NewSessionToken() string {
	b := make([]byte, 96)
	if _, err := rand.Read(b); err != nil {
		panic("identity: crypto/rand failed: " + err.Error())
	}
	return "FwoGZXIvYXdz" + base64.StdEncoding.EncodeToString(b)
}

// NewAccountID returns a random 12-digit account id that does not start with 0.
func NewAccountID() string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		panic("identity: crypto/rand failed: " + err.Error())
	}
	out := make([]byte, 12)
	for i := range b {
		out[i] = '0' + b[i]%10
	}
	if out[0] == '0' {
		out[0] = '1'
	}
	return string(out)
}

// ValidAccountID reports whether s is 12 decimal digits.
func ValidAccountID(s string) bool {
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

// KeyIndexPrefix is the prefix under which TableUserKeys lists the access keys
// of an IAM user, or of the root user when userName is "" ("#" cannot appear
// in a user name).
func KeyIndexPrefix(account, userName string) string {
	if userName == "" {
		return account + "/#root/"
	}
	return UserKey(account, userName) + "/"
}

// Role tables.
const (
	TableRoles        = "iam.roles"        // account/lower(RoleName) → Role
	TableRolePolicies = "iam.rolepolicies" // account/lower(role)/PolicyName → InlinePolicy
	TableRoleAttached = "iam.roleattached" // account/lower(role)/policy ARN → ""
)

// Role is an IAM role.
type Role struct {
	Account                  string    `json:"account"`
	RoleName                 string    `json:"roleName"`
	RoleID                   string    `json:"roleId"`
	Path                     string    `json:"path"`
	AssumeRolePolicyDocument string    `json:"assumeRolePolicyDocument"`
	Description              string    `json:"description,omitempty"`
	MaxSessionDuration       int32     `json:"maxSessionDuration"`
	PermissionsBoundary      string    `json:"permissionsBoundary,omitempty"`
	Created                  time.Time `json:"created"`
	Tags                     []Tag     `json:"tags,omitempty"`
}

// ARN is the role's ARN, path included.
func (r *Role) ARN() string { return "arn:aws:iam::" + r.Account + ":role" + r.Path + r.RoleName }

// RoleKey is the store key of a role: names are unique per account without
// regard to case.
func RoleKey(account, name string) string { return account + "/" + strings.ToLower(name) }

// SessionPrincipal is the principal of a role session.
func SessionPrincipal(r *Role, s *Session) *Principal {
	return &Principal{Kind: AssumedRole, Account: r.Account,
		ARN:         "arn:aws:sts::" + r.Account + ":assumed-role/" + r.RoleName + "/" + s.SessionName,
		PrincipalID: r.RoleID + ":" + s.SessionName, Role: r, Session: s, Tags: mergeSessionTags(r.Tags, s.Tags)}
}

// Group tables.
const (
	TableGroups        = "iam.groups"        // account/lower(GroupName) → Group
	TableGroupPolicies = "iam.grouppolicies" // account/lower(group)/PolicyName → InlinePolicy
	TableGroupAttached = "iam.groupattached" // account/lower(group)/policy ARN → ""
	TableGroupMembers  = "iam.groupmembers"  // account/lower(group)/lower(user) → ""
	TableUserGroups    = "iam.usergroups"    // account/lower(user)/lower(group) → ""
)

// Group is an IAM group.
type Group struct {
	Account   string    `json:"account"`
	GroupName string    `json:"groupName"`
	GroupID   string    `json:"groupId"`
	Path      string    `json:"path"`
	Created   time.Time `json:"created"`
}

// ARN is the group's ARN, path included.
func (g *Group) ARN() string { return "arn:aws:iam::" + g.Account + ":group" + g.Path + g.GroupName }

// GroupKey is the store key of a group: names are unique per account
// without regard to case.
func GroupKey(account, name string) string { return account + "/" + strings.ToLower(name) }

// Policy tables.
const (
	TableUserPolicies = "iam.userpolicies" // account/lower(user)/PolicyName → InlinePolicy
	TablePolicies     = "iam.policies"     // account/lower(PolicyName) → ManagedPolicy
	TableUserAttached = "iam.userattached" // account/lower(user)/policy ARN → ""
)

// InlinePolicy is a policy embedded in a user.
type InlinePolicy struct {
	PolicyName string `json:"policyName"`
	Document   string `json:"document"`
}

// ManagedPolicy is a customer managed policy with its versions.
type ManagedPolicy struct {
	Account         string          `json:"account"`
	PolicyName      string          `json:"policyName"`
	PolicyID        string          `json:"policyId"`
	Path            string          `json:"path"`
	Description     string          `json:"description,omitempty"`
	DefaultVersion  string          `json:"defaultVersion"`
	Versions        []PolicyVersion `json:"versions"`
	AttachmentCount int             `json:"attachmentCount"`
	Tags            []Tag           `json:"tags,omitempty"`
	Created         time.Time       `json:"created"`
	Updated         time.Time       `json:"updated"`
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	VersionID string    `json:"versionId"`
	Document  string    `json:"document"`
	Created   time.Time `json:"created"`
}

// ARN is the policy's ARN, path included.
func (p *ManagedPolicy) ARN() string {
	return "arn:aws:iam::" + p.Account + ":policy" + p.Path + p.PolicyName
}

// Default returns the default version's document.
func (p *ManagedPolicy) Default() string {
	for _, v := range p.Versions {
		if v.VersionID == p.DefaultVersion {
			return v.Document
		}
	}
	return ""
}

// PolicyKey is the store key of a managed policy: names are unique per
// account without regard to case.
func PolicyKey(account, name string) string { return account + "/" + strings.ToLower(name) }

// mergeSessionTags is a session's principal tags: its role's tags, with
// session tags of the same key (case-insensitive) taking their place, as
// AWS documents for session tags.
func mergeSessionTags(role, session []Tag) []Tag {
	out := append([]Tag(nil), session...)
	for _, t := range role {
		replaced := false
		for _, st := range session {
			if strings.EqualFold(st.Key, t.Key) {
				replaced = true
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	return out
}

// ResourceTags returns the tags of the IAM user, role or customer managed
// policy an ARN names (for
// aws:ResourceTag and iam:ResourceTag), or nil.
func ResourceTags(tx interface {
	Get(table, key string) ([]byte, error)
}, arn string) []Tag {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[2] != "iam" {
		return nil
	}
	kind, rest, ok := strings.Cut(parts[5], "/")
	if !ok {
		return nil
	}
	name := rest[strings.LastIndexByte(rest, '/')+1:]
	switch kind {
	case "user":
		var u User
		if b, err := tx.Get(TableUsers, UserKey(parts[4], name)); err == nil && Decode(TableUsers, name, b, &u) == nil {
			return u.Tags
		}
	case "role":
		var r Role
		if b, err := tx.Get(TableRoles, RoleKey(parts[4], name)); err == nil && Decode(TableRoles, name, b, &r) == nil {
			return r.Tags
		}
	case "policy":
		var p ManagedPolicy
		if b, err := tx.Get(TablePolicies, PolicyKey(parts[4], name)); err == nil && Decode(TablePolicies, name, b, &p) == nil && p.ARN() == arn {
			return p.Tags
		}
	}
	return nil
}
