package policy

import (
	"sort"
	"strings"
)

// CallerKind says what kind of principal made a request.
type CallerKind uint8

// Caller kinds (iam-cases-schema.md rule 3).
const (
	Anonymous CallerKind = iota
	Root
	User
	Role
	AssumedRole
	FederatedUser
	ServicePrincipal
	WebIdentity
)

var callerKindNames = [...]string{"Anonymous", "Root", "User", "Role", "AssumedRole", "FederatedUser", "ServicePrincipal", "WebIdentity"}

// String returns the kind's name.
func (k CallerKind) String() string {
	if int(k) < len(callerKindNames) {
		return callerKindNames[k]
	}
	return "CallerKind(" + itoa(int(k)) + ")"
}

// Caller is the principal of a request, as Principal / NotPrincipal see it.
type Caller struct {
	Kind CallerKind
	// ARN: user/root ARN, session ARN (arn:aws:sts::A:assumed-role/R/S),
	// federated-user ARN, role ARN; service name for ServicePrincipal; provider
	// ARN or IdP name for WebIdentity; "" for Anonymous.
	ARN                    string
	Account                string // 12 digits, "" when none
	RoleARN                string // AssumedRole: arn:aws:iam::A:role/PATH/R
	SourceUserARN          string // FederatedUser: IAM user who called GetFederationToken, when known
	HasPermissionsBoundary bool   // NotPrincipal+Deny always applies to principals with a boundary
}

// Context holds a request's condition keys. Key names are case-insensitive.
// The zero value is an empty context ready to use.
// A Context is not safe for concurrent writes; reading it from several
// Evaluate calls at once is safe.
type Context struct {
	m map[string]ctxValue
}

type ctxValue struct {
	values []string
	multi  bool
}

// NewContext returns an empty context.
func NewContext() *Context { return &Context{m: make(map[string]ctxValue)} }

// Set sets a single-valued key.
func (c *Context) Set(key string, value string) {
	if c.m == nil {
		c.m = make(map[string]ctxValue)
	}
	c.m[strings.ToLower(key)] = ctxValue{values: []string{value}}
}

// SetMulti sets a multivalued key (aws:TagKeys, aws:CalledVia, ...); values may be empty.
func (c *Context) SetMulti(key string, values []string) {
	v := make([]string, len(values))
	copy(v, values)
	if c.m == nil {
		c.m = make(map[string]ctxValue)
	}
	c.m[strings.ToLower(key)] = ctxValue{values: v, multi: true}
}

// Get returns a key's values, whether it is multivalued and whether it is present.
func (c *Context) Get(key string) (values []string, multi bool, ok bool) {
	if c == nil {
		return nil, false, false
	}
	v, ok := c.m[strings.ToLower(key)]
	return v.values, v.multi, ok
}

// get looks up an already lower-cased key without allocating.
func (c *Context) get(lower string) (ctxValue, bool) {
	if c == nil {
		return ctxValue{}, false
	}
	v, ok := c.m[lower]
	return v, ok
}

// Keys returns the keys set, lower-cased (as they are compared), sorted.
func (c *Context) Keys() []string {
	if c == nil {
		return nil
	}
	keys := make([]string, 0, len(c.m))
	for k := range c.m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Len returns the number of keys set.
func (c *Context) Len() int {
	if c == nil {
		return 0
	}
	return len(c.m)
}

// Request is one authorization request as a single policy sees it.
type Request struct {
	Action   string   // "s3:GetObject", any case
	Resource string   // ARN, or "*" for actions without resource types
	Caller   *Caller  // used only for Principal / NotPrincipal
	Context  *Context // may be nil (no keys)
}

// Grant is a bitmask saying how applicable Allow statements' Principal names the caller.
type Grant uint16

// Grant bits.
const (
	GrantCaller     Grant = 1 << iota // the caller's own ARN (user, session, federated-user, root ARN)
	GrantRole                         // the role ARN of an AssumedRole caller
	GrantSourceUser                   // the IAM user that created a FederatedUser session
	GrantAccount                      // the caller's account ("123456789012" or arn:aws:iam::123456789012:root)
	GrantAnyone                       // "*" / {"AWS":"*"} (and Allow+NotPrincipal not naming the caller)
	GrantService                      // a Service principal equal to the caller's
	GrantFederated                    // a Federated principal equal to the caller's provider
)

// Result is what one policy says about one request.
type Result struct {
	Allow, Deny         bool
	AllowStmt, DenyStmt int   // first applicable Allow / Deny statement index, -1 if none
	Grants              Grant // union over applicable Allow statements (0 for policies without Principal)
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	neg := i < 0
	if neg {
		i = -i
	}
	for {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
		if i == 0 {
			break
		}
	}
	if neg {
		n--
		b[n] = '-'
	}
	return string(b[n:])
}
