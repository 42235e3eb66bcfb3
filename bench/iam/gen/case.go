package gen

// Case is one line of a case file (iam-cases-schema.md §1). Features is an
// extra member (readers ignore it) naming the notable constructs the case
// uses, so disagreements can be grouped by cause.
type Case struct {
	ID       string   `json:"id"`
	Features []string `json:"features,omitempty"`
	Request  Request  `json:"request"`
	Policies Policies `json:"policies"`
}

// Request is the request member of a case.
type Request struct {
	Principal       string         `json:"principal"`
	Action          string         `json:"action"`
	Resource        string         `json:"resource"`
	ResourceAccount string         `json:"resourceAccount"`
	Context         map[string]any `json:"context"`
}

// Policies is the policies member of a case. Each policy is a document
// (Doc), a {"name","policy"} object or a {"managedPolicy"} reference.
type Policies struct {
	Identity           []any   `json:"identity,omitempty"`
	Resource           any     `json:"resource,omitempty"`
	PermissionBoundary any     `json:"permissionBoundary,omitempty"`
	Session            any     `json:"session,omitempty"`
	SCPs               []Level `json:"scps,omitempty"`
	RCPs               []Level `json:"rcps,omitempty"`
	VPCEndpoint        []any   `json:"vpcEndpoint,omitempty"`
}

// Level is one Organizations level with its SCPs or RCPs.
type Level struct {
	Target   string `json:"target"`
	Policies []any  `json:"policies"`
}

// Doc is a policy document; Stmt one statement.
type (
	Doc  = map[string]any
	Stmt = map[string]any
)

// Named wraps a document with a name.
type Named struct {
	Name   string `json:"name"`
	Policy Doc    `json:"policy"`
}

// Managed references an AWS managed policy by name.
type Managed struct {
	ManagedPolicy string `json:"managedPolicy"`
}

func doc(stmts ...Stmt) Doc {
	return Doc{"Version": "2012-10-17", "Statement": stmts}
}
