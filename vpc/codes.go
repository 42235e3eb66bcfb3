package vpc

// Explanation codes. The names come from AWS's Reachability Analyzer
// explanation-codes page (https://docs.aws.amazon.com/vpc/latest/reachability/explanation-codes.html)
// where marked [doc], from public field reports of real analyses where marked
// [report]; moat's own codes start with MOAT_.
const (
	CodeBadState           = "BAD_STATE"            // [doc] component not in a functional state
	CodeBadStateAttachment = "BAD_STATE_ATTACHMENT" // [doc] attachment between components not functional
	CodeBadStateRoute      = "BAD_STATE_ROUTE"      // [doc] route not functional (blackhole)
	CodeSGRulesMismatch    = "ENI_SG_RULES_MISMATCH"
	CodeACLRestriction     = "SUBNET_ACL_RESTRICTION"
	CodeNoRoute            = "NO_ROUTE_TO_DESTINATION"
	CodeIGWPrivateIP       = "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"
	CodeSourceDestCheck    = "ENI_SOURCE_DEST_CHECK_RESTRICTION"
	// moat's own: an ENI without a public IPv4 address sends to the internet
	// through an internet gateway (AWS's code for this case was not found in
	// the material read).
	CodeNoPublicIP = "MOAT_NO_PUBLIC_IP"
	// moat's own: the path uses a component moat does not model yet
	// (transit gateway, VPN gateway, ...).
	CodeUnsupported = "MOAT_UNMODELED_COMPONENT"
)
