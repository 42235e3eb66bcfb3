package cases

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/moatdev/moat/authz"
	"github.com/moatdev/moat/policy"
)

// ManagedPolicy is one entry of the managed-policies file (iam-cases-schema.md §1.2).
type ManagedPolicy struct {
	ARN       string          `json:"arn"`
	VersionID string          `json:"versionId"`
	Document  json.RawMessage `json:"document"`
}

// Managed maps AWS managed policy names to their documents.
type Managed map[string]ManagedPolicy

// ReadManaged reads a managed-policies file: one JSON object keyed by policy
// name, each value with "arn", "versionId" and "document" (a JSON object).
func ReadManaged(in io.Reader) (Managed, error) {
	var m Managed
	dec := json.NewDecoder(in)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("managed policies: %w", err)
	}
	for name, p := range m {
		if len(p.Document) == 0 || p.Document[0] != '{' {
			return nil, fmt.Errorf("managed policies: %s.document: must be a JSON object", name)
		}
	}
	return m, nil
}

func (r *Reader) decodePolicies(raw json.RawMessage, out *authz.Policies, kind authz.ResourceKind) error {
	m, err := object(raw, "policies")
	if err != nil {
		return err
	}
	if out.Identity, err = r.list(m["identity"], "policies.identity", policy.Identity, false); err != nil {
		return err
	}
	if v, ok := m["resource"]; ok && !isNull(v) {
		pk := policy.Resource
		if kind == authz.RoleTrust {
			pk = policy.Trust
		}
		p, err := r.policy(v, "policies.resource", pk)
		if err != nil {
			return err
		}
		out.Resource = &p
	}
	if out.PermissionsBoundary, err = r.list(m["permissionBoundary"], "policies.permissionBoundary", policy.PermissionsBoundary, true); err != nil {
		return err
	}
	if out.Session, err = r.list(m["session"], "policies.session", policy.Session, true); err != nil {
		return err
	}
	out.HasSession = len(out.Session) > 0
	if out.SCPs, err = r.levels(m["scps"], "policies.scps", policy.SCP); err != nil {
		return err
	}
	if out.RCPs, err = r.levels(m["rcps"], "policies.rcps", policy.RCP); err != nil {
		return err
	}
	out.VPCEndpoint, err = r.list(m["vpcEndpoint"], "policies.vpcEndpoint", policy.EndpointPolicy, true)
	return err
}

// list reads an array of <policy>; single says a lone <policy> is accepted too.
func (r *Reader) list(raw json.RawMessage, path string, kind policy.Kind, single bool) ([]authz.Policy, error) {
	var items []json.RawMessage
	var err error
	isArray := true
	if single {
		items, isArray, err = oneOrMany(raw, path)
	} else {
		items, err = array(raw, path)
	}
	if err != nil {
		return nil, err
	}
	out := make([]authz.Policy, 0, len(items))
	for i, item := range items {
		p := path
		if isArray {
			p = path + "[" + strconv.Itoa(i) + "]"
		}
		pol, err := r.policy(item, p, kind)
		if err != nil {
			return nil, err
		}
		out = append(out, pol)
	}
	return out, nil
}

// levels reads [{"target": ..., "policies": [<policy>, ...]}, ...].
func (r *Reader) levels(raw json.RawMessage, path string, kind policy.Kind) ([]authz.Level, error) {
	items, err := array(raw, path)
	if err != nil {
		return nil, err
	}
	out := make([]authz.Level, 0, len(items))
	for i, item := range items {
		p := path + "[" + strconv.Itoa(i) + "]"
		m, err := object(item, p)
		if err != nil {
			return nil, err
		}
		if m == nil {
			return nil, fmt.Errorf("%s: must be a JSON object", p)
		}
		var l authz.Level
		if t, ok := m["target"]; ok && !isNull(t) {
			if l.Target, ok = stringValue(t); !ok {
				return nil, fmt.Errorf("%s.target: must be a string", p)
			}
		}
		if l.Policies, err = r.list(m["policies"], p+".policies", kind, false); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

// maxCached bounds the compiled policies kept per policy kind.
const maxCached = 1 << 16

// policy turns one <policy> value (iam-cases-schema.md §1.1) into a compiled
// Policy, through the per-run cache.
func (r *Reader) policy(raw json.RawMessage, path string, kind policy.Kind) (authz.Policy, error) {
	if int(kind) >= len(r.cache) {
		return authz.Policy{}, fmt.Errorf("%s: unknown policy kind %d", path, kind)
	}
	cache := r.cache[kind]
	if cache == nil {
		cache = make(map[string]compiled)
		r.cache[kind] = cache
	}
	c, ok := cache[string(raw)]
	if !ok {
		if len(cache) >= maxCached {
			clear(cache) // bound memory on inputs whose policies never repeat
		}
		c = r.build(raw, kind)
		cache[string(raw)] = c
	}
	if c.msg != "" {
		return authz.Policy{}, errors.New(join(path, c.path) + ": " + c.msg)
	}
	return c.pol, nil
}

func join(base, rel string) string {
	switch {
	case rel == "":
		return base
	case base == "":
		return rel
	case rel[0] == '[':
		return base + rel
	}
	return base + "." + rel
}

// build recognises the form of a <policy> value and compiles its document.
// raw is a view of the reader's line buffer: documents are copied before
// parsing so that nothing cached refers to a buffer the next line reuses.
func (r *Reader) build(raw json.RawMessage, kind policy.Kind) compiled {
	raw = bytes.Clone(raw)
	m, err := object(raw, "")
	if err != nil || m == nil {
		return compiled{msg: "must be a policy: a document object, {\"name\", \"policy\"} or {\"managedPolicy\"}"}
	}
	if _, ok := m["Statement"]; ok {
		return compileDoc(raw, kind, "", true)
	}
	var name string
	if v, ok := m["name"]; ok && !isNull(v) {
		if name, ok = stringValue(v); !ok {
			return compiled{path: "name", msg: "must be a string"}
		}
	}
	if v, ok := m["managedPolicy"]; ok {
		mp, ok := stringValue(v)
		if !ok {
			return compiled{path: "managedPolicy", msg: "must be a string"}
		}
		entry, ok := r.managed[mp]
		validate := true
		if !ok {
			// AWS's own documents; RCPFullAWSAccess is the one Allow an RCP may hold.
			entry, ok = builtinManaged[mp]
			validate = false
		}
		if !ok {
			return compiled{path: "managedPolicy", msg: "unknown managed policy " + strconv.Quote(mp) + managedHint(r.managed)}
		}
		c := compileDoc(entry.Document, kind, "", validate)
		if c.msg != "" {
			c.path, c.msg = "managedPolicy", mp+": "+join("document", c.path)+": "+c.msg
		}
		if name == "" {
			name = mp
		}
		c.pol.Name, c.pol.ARN = name, entry.ARN
		return c
	}
	if doc, ok := m["policy"]; ok {
		if len(doc) == 0 || doc[0] != '{' {
			return compiled{path: "policy", msg: "must be a policy document object"}
		}
		c := compileDoc(doc, kind, "policy", true)
		c.pol.Name = name
		return c
	}
	return compiled{msg: "must be a policy: a document with \"Statement\", {\"name\", \"policy\"} or {\"managedPolicy\"}"}
}

// builtinManaged holds the AWS-managed Organizations policies, which the IAM
// managed-policies file (built from IAM's list) does not carry; a name found
// in the file wins. Documents as AWS publishes them
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html,
// .../orgs_manage_policies_rcps.html). moat goes beyond iam-cases-schema.md here.
var builtinManaged = Managed{
	"FullAWSAccess": {
		ARN:       "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess",
		VersionID: "v1",
		Document:  []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`),
	},
	"RCPFullAWSAccess": {
		ARN:       "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess",
		VersionID: "v1",
		Document:  []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`),
	},
}

func managedHint(m Managed) string {
	if m == nil {
		return " (no managed-policies file given: use --managed-policies FILE)"
	}
	return ""
}

// compileDoc parses, validates (unless told not to) and compiles one
// document; prefix is its path relative to the <policy> value.
func compileDoc(doc []byte, kind policy.Kind, prefix string, validate bool) compiled {
	p, err := policy.Parse(doc)
	if err != nil {
		return docError(err, prefix)
	}
	for _, f := range findings(p, kind, validate) {
		if f.Severity == policy.SeverityError {
			return compiled{path: join(prefix, f.Path), msg: f.Message}
		}
	}
	c, err := policy.Compile(p, kind)
	if err != nil {
		return docError(err, prefix)
	}
	return compiled{pol: authz.Policy{Compiled: c}}
}

func findings(p *policy.Policy, kind policy.Kind, validate bool) []policy.Finding {
	if !validate {
		return nil
	}
	return policy.Validate(p, kind)
}

func docError(err error, prefix string) compiled {
	var pe *policy.Error
	if errors.As(err, &pe) {
		msg := pe.Message
		if msg == "" {
			msg = err.Error()
		}
		if pe.Path == "" && pe.Line > 0 {
			msg = fmt.Sprintf("%s (document line %d, column %d)", msg, pe.Line, pe.Column)
		}
		return compiled{path: join(prefix, pe.Path), msg: msg}
	}
	return compiled{path: prefix, msg: err.Error()}
}
