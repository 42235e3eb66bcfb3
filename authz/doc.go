// Package authz makes one AWS authorization decision from every policy type
// that applies to a request, and says why.
//
// Evaluate returns a Result: the Decision (Allowed, ExplicitDeny or
// ImplicitDeny) and the place that decided it (policy type, SCP/RCP level,
// policy index, statement index). Result.Message renders the AccessDenied
// text AWS returns; Explain lists every applicable statement. Evaluate does
// not allocate; per-policy matching (actions, resources, principals,
// conditions, variables) is package policy's, the flow across policy types is
// this package's.
//
// # The decision flow
//
// From the IAM User Guide, "Policy evaluation logic"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// and its sub-pages), "Cross-account policy evaluation logic"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html),
// the Organizations SCP and RCP evaluation pages, the KMS key policy pages and
// the STS API reference, as moat's iam-evaluation.md §6 sets them out:
//
//  1. sts:GetCallerIdentity is allowed for every authenticated caller, even
//     under an explicit deny (STS API reference, GetCallerIdentity).
//  2. Any applicable Deny in an RCP, SCP, the resource policy, an identity
//     policy, the permissions boundary, a session policy or a VPC endpoint
//     policy is an ExplicitDeny. When several types deny, the first in that
//     order is reported (AWS names only one type and does not say which).
//  3. SCPs: every level of the principal's account path (root, OUs, account)
//     needs an applicable Allow; a level without one is an ImplicitDeny of
//     type ServiceControlPolicy. SCPs govern only principals of an account
//     (not anonymous, service or web-identity callers).
//  4. RCPs only deny: RCPFullAWSAccess is attached at every level and is never
//     listed in a case (iam-cases-schema.md rule 5).
//  5. VPC endpoint policies never grant, but each one must allow.
//  6. Anonymous callers are allowed only by a resource policy naming "*";
//     service principals only by a resource policy naming them (or "*");
//     a web identity only by the role's trust policy naming its provider as
//     Federated (the trust policy alone authorizes AssumeRoleWithWebIdentity).
//  7. Same account: a resource-policy Allow that names the caller's own ARN
//     (user, role session, federated user, root) or "*" grants on its own; one
//     that names the role of a role session (or the IAM user behind a
//     federated-user session) grants unless a permissions boundary or session
//     policy is silent (so does a grant to a caller given as the role ARN
//     itself); one that names the account only delegates to the
//     identity policies (table 6.2). Otherwise the identity policies must
//     allow, then the boundary (if set), then the session policy (if the
//     session was created with one; a federated-user session created without
//     one has no permissions). The root user needs no identity policy.
//  8. Role trust policies and KMS key policies (ResourceKindFor) grant nothing
//     to identity policies unless they name the account: same-account callers
//     need the trust/key policy to name them, or to name the account and an
//     identity Allow.
//  9. Cross account: both sides must allow. The caller's side is identity
//     policies, boundary and session policy; the resource side is a resource
//     policy naming the caller, its role, its account or "*".
//
// # Where moat follows the documentation over the peer simulator
//
// iam-cases-schema.md §5 lists where @cloud-copilot/iam-simulate answers
// differently from AWS's documentation; moat follows the documentation. The
// ones decided here (the others are policy matching, package policy's):
// a same-account resource policy naming the role-session ARN or the
// federated-user ARN grants even when the session policy is silent; a
// GetFederationToken session created without a session policy has no
// permissions, except what a resource policy naming it grants
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_control-access_getfederationtoken.html);
// an IRSA or accounts.google.com trust policy alone authorizes
// AssumeRoleWithWebIdentity; a NotPrincipal Deny applies to every principal
// with a permissions boundary (Caller.HasPermissionsBoundary).
//
// # What is inferred (AWS does not say)
//
//   - Which type an AccessDenied message names when several types deny (AWS
//     names one and does not say which): the order of step 2 for explicit
//     denies. For implicit denies: an SCP level, then a VPC endpoint policy;
//     then for anonymous, service and web-identity callers the resource-based
//     policy; same account: the resource-based policy when a trust or key
//     policy does not delegate, the boundary or session policy that cut a
//     role/source-user grant, else identity, boundary, session in that order;
//     cross account: identity, boundary, session, then the resource-based
//     policy.
//   - Several VPC endpoint policies each have to allow (a request passes
//     through each endpoint); several permissions boundary documents add up
//     like identity policies (AWS allows one boundary per principal).
//   - Role trust and KMS key policy denials are reported as "resource-based
//     policy", their type in AWS's taxonomy.
//   - A resource policy Allow naming "*" also covers service principals and
//     web identities.
//   - sts:AssumeRoleWithSAML and sts:SetSourceIdentity are treated like the
//     trust-policy actions of rule 7.
//   - The root user is allowed by its own account without identity policies
//     (also as the caller side of a cross-account request); a role or key
//     policy that is absent from a case covers nobody.
//   - RCPs are applied to every caller, anonymous and service principals
//     included (AWS's data-perimeter RCPs exempt services by condition).
//
// # Messages
//
// Result.Message is the documented base form. Explanation.Message adds
// ": <policy ARN>" to an explicit deny by a policy that has an ARN, as AWS's
// newer messages do
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied-authorization-id.html).
//
// Not modelled: ACLs, S3 Block Public Access, S3 Object Ownership, the root
// user's inability to call AssumeRole, service-linked roles' exemption from
// SCPs (callers must leave SCPs out), and permissions of the management
// account (leave SCPs out).
package authz
