package authz

import "github.com/moatdev/moat/policy"

// Decision is the outcome of one authorization request.
type Decision uint8

// The three outcomes AWS distinguishes ([EVAL] "The difference between
// explicit and implicit denies").
const (
	ImplicitDeny Decision = iota // no applicable Deny and no sufficient set of Allows
	Allowed                      // allowed by every policy type that must allow
	ExplicitDeny                 // an applicable Deny statement in some policy
)

var decisionNames = [...]string{"ImplicitDeny", "Allowed", "ExplicitDeny"}

// String returns "ImplicitDeny", "Allowed" or "ExplicitDeny", the words of the
// case-file output (iam-cases-schema.md §2).
func (d Decision) String() string {
	if int(d) < len(decisionNames) {
		return decisionNames[d]
	}
	return "Decision(?)"
}

// PolicyType is the kind of policy that decided a request.
type PolicyType uint8

// Policy types, in the words AWS's AccessDenied messages use for them.
const (
	IdentityBased PolicyType = iota
	ResourceBased
	PermissionsBoundary
	SessionPolicy
	ServiceControlPolicy
	ResourceControlPolicy
	VPCEndpointPolicy
)

var policyTypeNames = [...]string{
	"identity-based policy",
	"resource-based policy",
	"permissions boundary",
	"session policy",
	"service control policy",
	"resource control policy",
	"VPC endpoint policy",
}

// String returns AWS's words for the type, as in "because no permissions
// boundary allows ..." ("identity-based policy", "resource-based policy",
// "permissions boundary", "session policy", "service control policy",
// "resource control policy", "VPC endpoint policy").
func (t PolicyType) String() string {
	if int(t) < len(policyTypeNames) {
		return policyTypeNames[t]
	}
	return "PolicyType(?)"
}

// Policy is one compiled policy with the names explanations show.
type Policy struct {
	Name     string // "ReadReports", a managed policy name, or "" when unnamed
	ARN      string // managed policy ARN, or ""
	Compiled *policy.Compiled
}

// Level is one node of an AWS Organizations path (root, an OU, or the account)
// with the SCPs or RCPs attached to it.
type Level struct {
	Target   string // "r-root", "ou-...", or a 12-digit account id
	Policies []Policy
}

// ResourceKind says whether the resource policy needs explicit delegation
// (iam-evaluation.md §6.4).
type ResourceKind uint8

// Resource kinds.
const (
	GenericResource ResourceKind = iota // bucket, queue, topic, secret...: same-account grants per §6.2
	RoleTrust                           // a role's trust policy, for sts:AssumeRole*/sts:TagSession on the role
	KMSKeyPolicy                        // a KMS key policy, for kms:* on a key
)

// Policies holds every policy that applies to one request. The zero value
// (no policy at all) implicitly denies every IAM principal.
type Policies struct {
	Identity            []Policy     // the principal's identity policies (user + groups, or the role)
	Resource            *Policy      // policy of the requested resource, or nil
	ResourceKind        ResourceKind // how Resource grants (ResourceKindFor)
	PermissionsBoundary []Policy     // the principal's permissions boundary; empty = none set
	Session             []Policy     // session policies passed when the session was created
	// HasSession says the caller is a session created with session policies
	// (Session must then allow). A federated-user session without one has no
	// permissions [STS-GFT]; an assumed-role session without one is not limited.
	HasSession  bool
	SCPs        []Level  // principal's account path, root first; empty = not governed
	RCPs        []Level  // resource's account path, root first; RCPFullAWSAccess implicit
	VPCEndpoint []Policy // policies of the VPC endpoint(s) the request went through
}

// Request is one authorization request.
type Request struct {
	Caller          *policy.Caller
	Action          string // "s3:GetObject"
	Resource        string // ARN, or "*" for actions without resource types
	ResourceAccount string // 12-digit account owning the resource
	Context         *policy.Context
}

// Result is a decision with the place that decided it.
type Result struct {
	Decision Decision
	// Type is the policy type that decided: where the explicit deny was, the
	// type that had no allow for an implicit deny (IdentityBased when nothing
	// allows), or the type whose Allow granted the request.
	Type   PolicyType
	Level  int // SCP/RCP level index, -1 otherwise
	Policy int // index of the deciding policy within its list (0 for Resource), -1 when none
	Stmt   int // deciding statement index, -1 when none
}

func denied(t PolicyType) Result {
	return Result{Decision: ImplicitDeny, Type: t, Level: -1, Policy: -1, Stmt: -1}
}

func explicit(t PolicyType, level, pol, stmt int) Result {
	return Result{Decision: ExplicitDeny, Type: t, Level: level, Policy: pol, Stmt: stmt}
}

func allowed(t PolicyType, pol, stmt int) Result {
	return Result{Decision: Allowed, Type: t, Level: -1, Policy: pol, Stmt: stmt}
}
