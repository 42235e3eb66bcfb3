package detect

import (
	"net/netip"
	"strings"
	"time"
)

// BaselineOptions tune the per-principal model behind the
// …/AnomalousBehavior findings. Zero fields take the defaults.
type BaselineOptions struct {
	// Learning is how long after a principal's first call moat only learns
	// (default 7 days). Nothing about a principal is anomalous before.
	Learning time.Duration
	// MinEvents is how many calls a principal must have made before its
	// baseline counts as learnt (default 20).
	MinEvents int
	// RateFactor and RateMin flag a burst of one API: more calls in one hour
	// than RateFactor × the busiest hour seen while learning, and at least
	// RateMin (defaults 10 and 20).
	RateFactor int
	RateMin    int
}

// The model (see the package doc): for each principal (an IAM user, a role
// for all its sessions, root) moat learns the APIs it calls, the networks it
// calls from (/24 for IPv4, /48 for IPv6, the service name for AWS-internal
// callers), the user-agent families it uses (the first product token, e.g.
// "aws-cli", "Boto3", "console.amazonaws.com") and, for APIs of a tactic
// family, the busiest hour. After the learning period, a call of a family's
// API is anomalous when the principal never called that API before and the
// call comes from a network or user-agent family it never used, or when that
// API's calls in the current hour exceed the rate bound. The model keeps
// learning afterwards; one finding per (principal, family) aggregates repeats.
type baseline struct {
	opts     BaselineOptions
	profiles map[string]*profile
	agentFam map[string]string // user agent → family, to avoid lower-casing every record
}

type profile struct {
	first    time.Time
	events   int
	apis     map[string]struct{}
	nets     map[netKey]struct{}
	agents   map[string]struct{}
	rates    map[string]*apiRate
	learning bool
}

type apiRate struct {
	hour    int64 // unix hour of count
	count   int
	maxLrnd int // busiest hour while learning
}

const (
	maxProfiles = 200000
	maxAPIs     = 4096
	maxNets     = 1024
	maxAgents   = 256
)

func (b *baseline) init(o BaselineOptions) {
	if o.Learning <= 0 {
		o.Learning = 7 * 24 * time.Hour
	}
	if o.MinEvents <= 0 {
		o.MinEvents = 20
	}
	if o.RateFactor <= 0 {
		o.RateFactor = 10
	}
	if o.RateMin <= 0 {
		o.RateMin = 20
	}
	b.opts = o
	b.profiles = map[string]*profile{}
	b.agentFam = map[string]string{}
}

// baselineKey is the principal a baseline belongs to: role sessions share
// their role's baseline.
func baselineKey(r *Record) string {
	u := &r.UserIdentity
	if u.Type == "AssumedRole" && u.SessionContext.SessionIssuer.ARN != "" {
		return u.SessionContext.SessionIssuer.ARN
	}
	return r.Principal()
}

// netKey is a caller's network: the /24 or /48 of its address, or, for
// callers without one (AWS services), the sourceIPAddress text.
type netKey struct {
	p    netip.Prefix
	name string
}

func networkKey(r *Record, ip netip.Addr) netKey {
	if !ip.IsValid() {
		return netKey{name: r.SourceIPAddress}
	}
	bits := 24
	if ip.Is6() {
		bits = 48
	}
	p, _ := ip.Prefix(bits)
	return netKey{p: p}
}

func (b *baseline) family(ua string) string {
	if f, ok := b.agentFam[ua]; ok {
		return f
	}
	f := agentFamily(ua)
	if len(b.agentFam) < maxAgents*16 {
		b.agentFam[ua] = f
	}
	return f
}

// agentFamily is the first product token of a user agent, without version.
func agentFamily(ua string) string {
	ua = strings.TrimLeft(ua, "[ ")
	if i := strings.IndexAny(ua, "/ ,"); i >= 0 {
		ua = ua[:i]
	}
	if len(ua) > 64 {
		ua = ua[:64]
	}
	return strings.ToLower(ua)
}

// apiName strips the API-version suffix Lambda puts on event names
// (UpdateFunctionCode20150331v2).
func apiName(name string) string {
	n := len(name)
	i := n
	for i > 0 && (name[i-1] >= '0' && name[i-1] <= '9' || name[i-1] == 'v') {
		i--
	}
	if n-i >= 8 && i > 0 {
		return name[:i]
	}
	return name
}

func (b *baseline) observe(d *Detector, r *Record, ip netip.Addr) {
	if r.EventName == "" || r.EventTime.IsZero() || r.UserIdentity.Type == "AWSService" || r.UserIdentity.InvokedBy != "" {
		return
	}
	key := baselineKey(r)
	if key == "" {
		return
	}
	p := b.profiles[key]
	if p == nil {
		if len(b.profiles) >= maxProfiles {
			return
		}
		p = &profile{first: r.EventTime, apis: map[string]struct{}{}, nets: map[netKey]struct{}{},
			agents: map[string]struct{}{}, rates: map[string]*apiRate{}, learning: true}
		b.profiles[key] = p
	}
	if r.EventTime.Before(p.first) {
		p.first = r.EventTime
	}
	p.events++
	if p.learning && p.events >= b.opts.MinEvents && r.EventTime.Sub(p.first) >= b.opts.Learning {
		p.learning = false
	}
	api := apiName(r.EventName)
	fam := tacticFamily[api]
	net, agent := networkKey(r, ip), b.family(r.UserAgent)
	_, knownAPI := p.apis[api]
	_, knownNet := p.nets[net]
	_, knownAgent := p.agents[agent]
	var burst bool
	if fam != "" {
		burst = b.rate(p, api, r.EventTime)
	}
	if !p.learning && fam != "" && ((!knownAPI && (!knownNet || !knownAgent)) || burst) {
		if !(ip.IsValid() && d.trusted(ip)) {
			d.raiseAnomaly(r, fam, key, !knownAPI, !knownNet, !knownAgent, burst)
		}
	}
	addBounded(p.apis, api, maxAPIs)
	if len(p.nets) < maxNets {
		p.nets[net] = struct{}{}
	}
	addBounded(p.agents, agent, maxAgents)
}

func (b *baseline) rate(p *profile, api string, t time.Time) bool {
	hr := t.Unix() / 3600
	ar := p.rates[api]
	if ar == nil {
		if len(p.rates) >= maxAPIs {
			return false
		}
		ar = &apiRate{hour: hr}
		p.rates[api] = ar
	}
	if hr != ar.hour {
		ar.hour, ar.count = hr, 0
	}
	ar.count++
	if p.learning {
		ar.maxLrnd = max(ar.maxLrnd, ar.count)
		return false
	}
	return ar.count >= b.opts.RateMin && ar.count > b.opts.RateFactor*max(ar.maxLrnd, 1)
}

func addBounded(m map[string]struct{}, k string, limit int) {
	if len(m) < limit {
		m[k] = struct{}{}
	}
}

func (d *Detector) raiseAnomaly(r *Record, fam, principal string, newAPI, newNet, newAgent, burst bool) {
	h := d.apiHit(r, fam+":IAMUser/AnomalousBehavior", principal, userName(r))
	var why []string
	if newAPI {
		why = append(why, "API never called before by this principal")
	}
	if newNet {
		why = append(why, "network of "+r.SourceIPAddress+" not seen before")
	}
	if newAgent {
		why = append(why, "new user agent family "+agentFamily(r.UserAgent))
	}
	if burst {
		why = append(why, "call rate above the learnt hourly maximum")
	}
	h.desc = "APIs commonly used in " + fam + " tactics were invoked by " + principal + " in a way not seen while learning its baseline: " + strings.Join(why, "; ") + "."
	h.info["anomalousApi"] = apiName(r.EventName)
	d.raise(h)
}

// tacticFamily maps APIs to the AnomalousBehavior family they are typical of.
// The examples GuardDuty names for each family (finding-types-iam) are all
// here; the rest are moat's choice from the same tactics.
var tacticFamily = func() map[string]string {
	m := map[string]string{}
	add := func(fam string, apis ...string) {
		for _, a := range apis {
			m[a] = fam
		}
	}
	add("CredentialAccess", "GetPasswordData", "GetSecretValue", "BatchGetSecretValue", "GenerateDbAuthToken",
		"GetParameters", "GetParameter", "GetParametersByPath", "GetAuthorizationToken", "CreateLoginProfile", "UpdateLoginProfile")
	add("DefenseEvasion", "DeleteFlowLogs", "DisableAlarmActions", "StopLogging", "DeleteTrail", "UpdateTrail",
		"PutEventSelectors", "DeleteDetector", "UpdateDetector", "DeleteResolverQueryLogConfig",
		"DisassociateResolverQueryLogConfig", "StopConfigurationRecorder", "DeleteConfigurationRecorder",
		"DeleteLogGroup", "DeleteLogStream", "LeaveOrganization", "DisableSecurityHub")
	add("Discovery", "DescribeInstances", "GetRolePolicy", "ListAccessKeys", "ListUsers", "ListRoles", "ListBuckets",
		"ListPolicies", "GetAccountAuthorizationDetails", "DescribeSecurityGroups", "ListSecrets", "DescribeParameters",
		"DescribeDBInstances", "ListAttachedUserPolicies", "ListAttachedRolePolicies", "GetBucketPolicy", "DescribeInstanceAttribute")
	add("Exfiltration", "PutBucketReplication", "CreateSnapshot", "RestoreDBInstanceFromDBSnapshot",
		"ModifySnapshotAttribute", "ModifyImageAttribute", "ModifyDBSnapshotAttribute", "CopySnapshot", "CreateDBSnapshot")
	add("Impact", "DeleteSecurityGroup", "UpdateUser", "PutBucketPolicy", "DeleteBucket", "TerminateInstances",
		"DeleteDBInstance", "DeleteDBCluster", "PutBucketLifecycle", "PutBucketLifecycleConfiguration", "ScheduleKeyDeletion")
	add("InitialAccess", "GetFederationToken", "StartSession", "GetSessionToken", "SendSSHPublicKey", "SendSerialConsoleSSHPublicKey")
	add("Persistence", "CreateAccessKey", "ImportKeyPair", "ModifyInstanceAttribute", "CreateUser", "CreateRole",
		"UpdateAssumeRolePolicy", "AddPermission", "UpdateFunctionCode", "UpdateFunctionConfiguration",
		"CreateTrustAnchor", "CreateFunction", "PublishLayerVersion")
	add("PrivilegeEscalation", "AssociateIamInstanceProfile", "AddUserToGroup", "PutUserPolicy", "AttachUserPolicy",
		"AttachRolePolicy", "PutRolePolicy", "AttachGroupPolicy", "PutGroupPolicy", "CreatePolicyVersion",
		"SetDefaultPolicyVersion", "PassRole")
	return m
}()
