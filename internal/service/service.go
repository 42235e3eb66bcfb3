// Package service defines what an AWS service is to moat: a wire protocol and
// a table of operations, each declaring its IAM action, how to find the
// resource it acts on, and its handler. The server reads these tables to
// route, authenticate, decode, authorize, execute, encode and audit every
// call the same way; no service does any of that on its own.
package service

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/store"
)

// Service is one AWS service.
type Service struct {
	Meta protocol.Service
	// EventSource is the CloudTrail eventSource, "iam.amazonaws.com".
	EventSource string
	// Global services (IAM, Organizations) record their events in us-east-1
	// whatever region the client signed with, as CloudTrail does.
	Global bool
	// Ops by operation name.
	Ops map[string]*Operation
	// Router routes REST protocols; nil for query and json services.
	Router *protocol.Router
	// MaxBody, when set, is the largest request body the service takes
	// (S3's object uploads); 0 means the server's default for API calls.
	MaxBody int64
}

// Operation is one API operation, declared as data.
type Operation struct {
	Name string
	// Action is the IAM action that authorizes it, "iam:CreateUser".
	Action string
	// ReadOnly is CloudTrail's readOnly.
	ReadOnly bool
	// EventName is CloudTrail's eventName when it is not Name (S3 records
	// PutPublicAccessBlock as PutBucketPublicAccessBlock).
	EventName string
	// TrailParameters, when set, gives the record's requestParameters
	// (marshalled as JSON) in the shape CloudTrail writes them, where it
	// differs from the input struct (S3's bucketName, key, bucketPolicy).
	TrailParameters func(in any) any
	// DataEvent operations are CloudTrail data events (S3 object-level
	// calls): recorded with eventCategory Data and delivered only to trails
	// whose event selectors select them.
	DataEvent bool
	// Unsigned operations are accepted without a signature, as AWS accepts
	// AssumeRoleWithWebIdentity; they run as the anonymous principal.
	Unsigned bool
	// AuthenticationOnly operations need no permission and cannot be denied
	// by any policy (GetSessionToken, per the STS API reference).
	AuthenticationOnly bool
	// NewInput returns a pointer to a fresh input struct for the codec.
	NewInput func() any
	// Resource returns the ARN the call acts on, for authorization and the
	// CloudTrail record; "*" for operations without a resource type. It runs
	// after decoding and may read the store (an existing user's path).
	Resource func(ctx context.Context, c *Call, in any) (string, error)
	// Handle executes the call; the returned value is the output struct (or
	// nil for operations without output).
	Handle func(ctx context.Context, c *Call, in any) (any, error)
	// ResourcePolicy, when set, returns the resource-based policy of the
	// resource the call acts on (a role's trust policy for AssumeRole) and
	// the resource's account; "" when the resource has none.
	ResourcePolicy func(ctx context.Context, c *Call, in any) (doc, account string, err error)
	// Context, when set, adds the operation's condition keys from its input
	// (sts:ExternalId, sts:RoleSessionName...).
	Context func(in any, set func(key, value string))
	// MFA, when set, returns the MFA serial number and code the input
	// carries; the server verifies them before authorization (Call.MFA).
	MFA func(in any) (serial, code string)
	// ExtraActions, when set, names further IAM actions the same call needs
	// on the same resource (sts:TagSession, sts:SetSourceIdentity).
	ExtraActions func(in any) []string
	// Identify, when set, establishes who an unsigned call acts as from its
	// input (a web identity token) and the condition keys that come with
	// it; the server calls it before authorization.
	Identify func(ctx context.Context, c *Call, in any) (*identity.Principal, map[string]string, error)
}

// Call is what a handler knows about the request it serves.
type Call struct {
	RequestID string
	Principal *identity.Principal
	// Region is the region of the credential scope (or the default region).
	Region string
	Now    time.Time
	Deps   *Deps
	// Resource is what Operation.Resource returned.
	Resource string
	// MFA is true when the request carried a valid MFA code of the caller.
	MFA bool
	// Authorizer decides a further action the call needs, for the same
	// caller and request context, on another resource with that resource's
	// policy and account (S3's CopyObject reads its source; DeleteObjects
	// deletes key by key). The server sets it.
	Authorizer func(ctx context.Context, action, resource, resourcePolicy, resourceAccount string) error
}

// Account is the caller's account: where IAM state of this call lives.
func (c *Call) Account() string { return c.Principal.Account }

// Authorize decides a further action of the call (see Authorizer); it
// returns the AccessDenied error the caller gets, or nil when allowed.
// Without an Authorizer nothing is allowed.
func (c *Call) Authorize(ctx context.Context, action, resource, resourcePolicy, resourceAccount string) error {
	if c.Authorizer == nil {
		return errors.New("service: no authorizer for " + action)
	}
	return c.Authorizer(ctx, action, resource, resourcePolicy, resourceAccount)
}

// Deps are the shared parts services use.
type Deps struct {
	Store     store.Store
	Directory *identity.Directory
	Log       *slog.Logger
	// Clock is the server's clock; tests move it.
	Clock func() time.Time
	// OnPolicyChange is called after a write that changes what a principal
	// may do (policies, attachments), so compiled policies are rebuilt.
	OnPolicyChange func()
}

// PoliciesChanged reports a change of policies or attachments.
func (d *Deps) PoliciesChanged() {
	if d.OnPolicyChange != nil {
		d.OnPolicyChange()
	}
}

// Op declares an operation with typed input and output.
func Op[In, Out any](name, action string, h func(ctx context.Context, c *Call, in *In) (*Out, error), opts ...OpOption[In]) *Operation {
	o := &Operation{
		Name:     name,
		Action:   action,
		NewInput: func() any { return new(In) },
		Resource: func(context.Context, *Call, any) (string, error) { return "*", nil },
		Handle: func(ctx context.Context, c *Call, in any) (any, error) {
			out, err := h(ctx, c, in.(*In))
			if err != nil || out == nil {
				return nil, err
			}
			return out, nil
		},
	}
	for _, opt := range opts {
		opt(o)
	}
	return o
}

// OpOption changes a declared operation.
type OpOption[In any] func(*Operation)

// ReadOnly marks a read-only operation.
func ReadOnly[In any]() OpOption[In] { return func(o *Operation) { o.ReadOnly = true } }

// AuthenticationOnly marks an operation no policy controls.
func AuthenticationOnly[In any]() OpOption[In] {
	return func(o *Operation) { o.AuthenticationOnly = true }
}

// Unsigned marks an operation AWS accepts without a signature.
func Unsigned[In any]() OpOption[In] { return func(o *Operation) { o.Unsigned = true } }

// Resource sets how the operation finds its resource ARN.
func Resource[In any](f func(ctx context.Context, c *Call, in *In) (string, error)) OpOption[In] {
	return func(o *Operation) {
		o.Resource = func(ctx context.Context, c *Call, in any) (string, error) { return f(ctx, c, in.(*In)) }
	}
}

// ResourcePolicy sets how the operation finds its resource's policy.
func ResourcePolicy[In any](f func(ctx context.Context, c *Call, in *In) (doc, account string, err error)) OpOption[In] {
	return func(o *Operation) {
		o.ResourcePolicy = func(ctx context.Context, c *Call, in any) (string, string, error) { return f(ctx, c, in.(*In)) }
	}
}

// ContextKeys sets the operation's condition keys from its input.
func ContextKeys[In any](f func(in *In, set func(key, value string))) OpOption[In] {
	return func(o *Operation) {
		o.Context = func(in any, set func(key, value string)) { f(in.(*In), set) }
	}
}

// MFA sets how the operation finds an MFA serial number and code.
func MFA[In any](f func(in *In) (serial, code string)) OpOption[In] {
	return func(o *Operation) { o.MFA = func(in any) (string, string) { return f(in.(*In)) } }
}

// Table indexes operations by name; a duplicate name is a programming error.
func Table(ops ...*Operation) map[string]*Operation {
	m := make(map[string]*Operation, len(ops))
	for _, o := range ops {
		if _, dup := m[o.Name]; dup {
			panic("service: duplicate operation " + o.Name)
		}
		m[o.Name] = o
	}
	return m
}
