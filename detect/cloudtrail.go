package detect

import (
	"bytes"
	"encoding/json"
	"net/netip"
	"strings"
	"time"
)

// ctState is the CloudTrail detectors' memory.
type ctState struct {
	failedByUser map[string]*window
	failedByIP   map[string]*window
	lastLogin    map[string]loginSeen           // user ARN → last successful console sign-in
	instAddrs    map[string]map[netip.Addr]bool // instance id → known addresses
	humanIPs     map[netip.Addr]bool            // addresses used by people (users, root, federated)
	pendingExfil map[netip.Addr][]pendingCall   // instance-session calls from an address not yet known to be a person's
}

type loginSeen struct {
	at  time.Time
	loc Location
	ip  netip.Addr
}

type pendingCall struct {
	rec  Record
	inst string
}

const maxTracked = 100000 // bound for the per-address maps

func (s *ctState) init() {
	s.failedByUser, s.failedByIP = map[string]*window{}, map[string]*window{}
	s.lastLogin = map[string]loginSeen{}
	s.instAddrs = map[string]map[netip.Addr]bool{}
	s.humanIPs = map[netip.Addr]bool{}
	s.pendingExfil = map[netip.Addr][]pendingCall{}
}

func (s *ctState) expire(cut time.Time) {
	expireWindows(s.failedByUser, cut)
	expireWindows(s.failedByIP, cut)
}

func (s *ctState) addInstanceAddr(id string, a netip.Addr) {
	id = strings.ToLower(id)
	m := s.instAddrs[id]
	if m == nil {
		if len(s.instAddrs) >= maxTracked {
			return
		}
		m = map[netip.Addr]bool{}
		s.instAddrs[id] = m
	}
	if len(m) < 64 {
		m[a.Unmap()] = true
	}
}

// CloudTrail runs the CloudTrail detectors on one record and returns the
// findings it raised or updated. Records should arrive in roughly time order
// (delivery files are); windows are measured in event time.
func (d *Detector) CloudTrail(r *Record) []*Finding {
	d.out = d.out[:0]
	d.tick(r.EventTime)
	if r.EventType == "AwsCloudTrailInsight" {
		return d.out
	}
	ip, ipErr := netip.ParseAddr(r.SourceIPAddress)
	if ipErr == nil {
		ip = ip.Unmap()
	}
	d.base.observe(d, r, ip)
	if ip.IsValid() && d.trusted(ip) {
		return d.out
	}
	d.rootUsage(r)
	d.loggingDisabled(r)
	d.passwordPolicy(r)
	d.consoleLogin(r, ip)
	d.instanceExfil(r, ip)
	d.threatCaller(r, ip)
	d.penTest(r)
	d.s3Policy(r)
	d.snapshotPublic(r)
	d.sigma(r)
	return d.out
}

// apiHit builds the common parts of a CloudTrail finding.
func (d *Detector) apiHit(r *Record, typ, key, subject string) hit {
	ip, _ := netip.ParseAddr(r.SourceIPAddress)
	callerType := "Remote IP"
	if !ip.IsValid() {
		callerType = "AWS Service"
	}
	service := r.EventSource
	return hit{
		typ: typ, key: key, at: r.EventTime, account: r.AccountID(), region: r.AWSRegion, subject: subject,
		role: "TARGET",
		resource: FindingResource{ResourceType: "AccessKey", AccessKeyDetails: &AccessKeyDetails{
			AccessKeyID: r.UserIdentity.AccessKeyID, PrincipalID: r.UserIdentity.PrincipalID,
			UserName: userName(r), UserType: r.UserIdentity.Type}},
		action: Action{ActionType: "AWS_API_CALL", AWSAPICallAction: &AWSAPICallAction{
			API: r.EventName, ServiceName: service, CallerType: callerType, ErrorCode: r.ErrorCode,
			UserAgent: r.UserAgent, RemoteIPDetails: d.remoteIP(ip)}},
		info: map[string]string{"eventID": r.EventID},
	}
}

func userName(r *Record) string {
	u := &r.UserIdentity
	switch {
	case u.UserName != "":
		return u.UserName
	case u.Type == "Root":
		return "Root"
	case u.SessionContext.SessionIssuer.UserName != "":
		return u.SessionContext.SessionIssuer.UserName
	}
	if i := strings.LastIndexByte(u.ARN, '/'); i >= 0 {
		return u.ARN[i+1:]
	}
	return u.PrincipalID
}

// rootUsage: any request made with the account's root credentials, except
// calls AWS services make on root's behalf (invokedBy) and failed sign-ins.
func (d *Detector) rootUsage(r *Record) {
	if r.UserIdentity.Type != "Root" || r.UserIdentity.InvokedBy != "" {
		return
	}
	if r.EventName == "ConsoleLogin" && r.Failed() {
		return
	}
	d.raise(d.apiHit(r, TypeRootCredentialUsage, "root", r.EventName))
}

// loggingDisabled: StopLogging, DeleteTrail, and PutEventSelectors that stop
// management events. UpdateTrail is not flagged: none of its parameters
// stops logging (a changed bucket or region scope still logs), so moat
// leaves it to Sigma's "CloudTrail Important Change" rule.
func (d *Detector) loggingDisabled(r *Record) {
	if r.EventSource != "cloudtrail.amazonaws.com" || r.ErrorCode != "" {
		return
	}
	switch r.EventName {
	case "StopLogging", "DeleteTrail":
	case "PutEventSelectors":
		if !stopsManagementEvents(r.RequestParameters) {
			return
		}
	default:
		return
	}
	trail := rawString(r.RequestParameters, "name")
	if trail == "" {
		trail = rawString(r.RequestParameters, "trailName")
	}
	h := d.apiHit(r, TypeCloudTrailLoggingDisabled, trail, trail)
	h.info["trail"] = trail
	d.raise(h)
}

// stopsManagementEvents reports whether PutEventSelectors parameters leave
// the trail without management events: basic selectors that all exclude them,
// or advanced selectors none of which selects eventCategory Management.
func stopsManagementEvents(params json.RawMessage) bool {
	var p struct {
		EventSelectors []struct {
			IncludeManagementEvents *bool `json:"includeManagementEvents"`
		} `json:"eventSelectors"`
		AdvancedEventSelectors []struct {
			FieldSelectors []struct {
				Field  string   `json:"field"`
				Equals []string `json:"equals"`
			} `json:"fieldSelectors"`
		} `json:"advancedEventSelectors"`
	}
	if json.Unmarshal(params, &p) != nil {
		return false
	}
	if len(p.AdvancedEventSelectors) > 0 {
		for _, s := range p.AdvancedEventSelectors {
			for _, f := range s.FieldSelectors {
				if f.Field == "eventCategory" && contains(f.Equals, "Management") {
					return false
				}
			}
		}
		return true
	}
	if len(p.EventSelectors) == 0 {
		return false
	}
	for _, s := range p.EventSelectors {
		if s.IncludeManagementEvents == nil || *s.IncludeManagementEvents { // AWS's default is true
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// passwordPolicy: DeleteAccountPasswordPolicy and UpdateAccountPasswordPolicy.
// GuardDuty's severity varies (Low to High) with the change; moat rates a
// deleted policy, or one under 8 characters without complexity, Medium and
// anything else Low (moat's choice: AWS does not publish the scale).
func (d *Detector) passwordPolicy(r *Record) {
	if r.EventSource != "iam.amazonaws.com" || r.ErrorCode != "" {
		return
	}
	h := d.apiHit(r, TypePasswordPolicyChange, "password-policy", "")
	switch r.EventName {
	case "DeleteAccountPasswordPolicy":
		h.severity = SeverityMedium
	case "UpdateAccountPasswordPolicy":
		var p struct {
			MinimumPasswordLength int  `json:"minimumPasswordLength"`
			RequireSymbols        bool `json:"requireSymbols"`
			RequireNumbers        bool `json:"requireNumbers"`
			RequireUppercase      bool `json:"requireUppercaseCharacters"`
			RequireLowercase      bool `json:"requireLowercaseCharacters"`
		}
		_ = json.Unmarshal(r.RequestParameters, &p)
		if p.MinimumPasswordLength < 8 && !p.RequireSymbols && !p.RequireNumbers && !p.RequireUppercase {
			h.severity = SeverityMedium
		}
	default:
		return
	}
	d.raise(h)
}

// consoleLogin: brute force and sign-in without MFA (moat's), and
// ConsoleLoginSuccess.B (impossible travel, with GeoIP).
func (d *Detector) consoleLogin(r *Record, ip netip.Addr) {
	if r.EventName != "ConsoleLogin" || r.EventSource != "signin.amazonaws.com" {
		return
	}
	user := r.Principal()
	if r.Failed() {
		d.consoleFailure(r, user)
		return
	}
	if r.UserIdentity.Type == "IAMUser" || r.UserIdentity.Type == "Root" {
		if strings.EqualFold(rawString(r.AdditionalEventData, "MFAUsed"), "No") {
			h := d.apiHit(r, TypeMoatConsoleLoginWithoutMFA, user, user)
			d.raise(h)
		}
	}
	loc, ok := d.geo(ip)
	if !ok || !loc.HasCoords {
		return
	}
	prev, seen := d.ct.lastLogin[user]
	if len(d.ct.lastLogin) < maxTracked || seen {
		d.ct.lastLogin[user] = loginSeen{at: r.EventTime, loc: loc, ip: ip}
	}
	if !seen || prev.ip == ip {
		return
	}
	km := distanceKm(prev.loc, loc)
	hours := r.EventTime.Sub(prev.at).Hours()
	if hours < 0 {
		hours = -hours
	}
	if km < 500 || km/max(hours, 1.0/60) < d.th.ImpossibleKmPerHr {
		return
	}
	h := d.apiHit(r, TypeConsoleLoginSuccessB, user, user)
	h.info["previousIp"] = prev.ip.String()
	h.info["previousCountry"] = prev.loc.CountryCode
	d.raise(h)
}

func (d *Detector) consoleFailure(r *Record, user string) {
	name := r.UserIdentity.UserName
	t := r.EventTime
	if name != "" && name != "HIDDEN_DUE_TO_SECURITY_REASONS" {
		w := d.ct.failedByUser[user]
		if w == nil {
			w = &window{}
			d.ct.failedByUser[user] = w
		}
		if n := w.add(r.EventID+r.SourceIPAddress+t.String(), t, d.th.Window, d.th.ConsoleFailures); n >= d.th.ConsoleFailures {
			h := d.apiHit(r, TypeMoatConsoleBruteForce, "user:"+user, user)
			h.info["failuresInWindow"] = itoa(n)
			d.raise(h)
		}
	}
	if r.SourceIPAddress == "" {
		return
	}
	w := d.ct.failedByIP[r.SourceIPAddress]
	if w == nil {
		w = &window{}
		d.ct.failedByIP[r.SourceIPAddress] = w
	}
	if n := w.add(r.EventID+user+t.String(), t, d.th.Window, d.th.ConsoleFailures); n >= d.th.ConsoleFailures {
		h := d.apiHit(r, TypeMoatConsoleBruteForce, "ip:"+r.SourceIPAddress, r.SourceIPAddress)
		h.info["failuresInWindow"] = itoa(n)
		d.raise(h)
	}
}

// instanceSession returns the instance id when the record was made with an
// EC2 instance role's credentials (assumed-role session named after the instance).
func instanceSession(r *Record) string {
	if r.UserIdentity.Type != "AssumedRole" {
		return ""
	}
	arn := r.UserIdentity.ARN
	i := strings.LastIndexByte(arn, '/')
	if i < 0 || !strings.Contains(arn, ":assumed-role/") {
		return ""
	}
	if s := arn[i+1:]; isInstanceID(s) {
		return strings.ToLower(s)
	}
	return ""
}

func isInstanceID(s string) bool {
	if !strings.HasPrefix(s, "i-") || (len(s) != 10 && len(s) != 19) {
		return false
	}
	for _, c := range s[2:] {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

func isPerson(t string) bool {
	switch t {
	case "IAMUser", "Root", "FederatedUser", "SAMLUser", "WebIdentityUser", "IdentityCenterUser":
		return true
	}
	return false
}

func isPublic(a netip.Addr) bool {
	return a.IsValid() && a.IsGlobalUnicast() && !a.IsPrivate() && !a.IsLoopback() && !a.IsLinkLocalUnicast()
}

// instanceExfil: an instance role's credentials used from a public address
// that is not the instance's. Offline, moat knows an instance's addresses
// only from Options.InstanceAddresses and flow logs; without them it flags
// use from an address that people (IAM users, root, federated users) also
// call from, in either order — an instance does not share its address with
// someone's laptop. Calls through a VPC endpoint are the instance's own.
func (d *Detector) instanceExfil(r *Record, ip netip.Addr) {
	if !isPublic(ip) {
		return
	}
	if isPerson(r.UserIdentity.Type) {
		if !d.ct.humanIPs[ip] && len(d.ct.humanIPs) < maxTracked {
			d.ct.humanIPs[ip] = true
		}
		if pend := d.ct.pendingExfil[ip]; len(pend) > 0 {
			delete(d.ct.pendingExfil, ip)
			for i := range pend {
				d.raiseExfil(&pend[i].rec, pend[i].inst, ip)
			}
		}
		return
	}
	inst := instanceSession(r)
	if inst == "" || r.VPCEndpointID != "" {
		return
	}
	if known := d.ct.instAddrs[inst]; len(known) > 0 {
		if !known[ip] {
			d.raiseExfil(r, inst, ip)
		}
		return
	}
	if d.ct.humanIPs[ip] {
		d.raiseExfil(r, inst, ip)
		return
	}
	if p := d.ct.pendingExfil[ip]; len(p) < 4 && len(d.ct.pendingExfil) < maxTracked {
		c := *r
		c.Raw = nil
		c.RequestParameters, c.ResponseElements, c.AdditionalEventData = nil, nil, nil
		d.ct.pendingExfil[ip] = append(p, pendingCall{rec: c, inst: inst})
	}
}

func (d *Detector) raiseExfil(r *Record, inst string, ip netip.Addr) {
	h := d.apiHit(r, TypeInstanceCredExfilOutside, r.UserIdentity.ARN, inst)
	h.info["instanceId"] = inst
	d.raise(h)
}

// threatCaller: calls from an address on a custom threat list. Read-type
// calls (Get/List/Describe) are Recon, others UnauthorizedAccess; S3 object
// calls are UnauthorizedAccess:S3.
func (d *Detector) threatCaller(r *Record, ip netip.Addr) {
	l := d.threat(ip)
	if l == nil || l.Kind != ThreatCustom {
		return
	}
	typ := TypeUnauthMaliciousIPCustom
	switch {
	case r.EventSource == "s3.amazonaws.com" && r.EventCategory == "Data":
		typ = TypeS3MaliciousIPCustom
	case isReadAPI(r.EventName):
		typ = TypeReconMaliciousIPCustom
	}
	h := d.apiHit(r, typ, r.Principal()+"\x00"+ip.String(), r.EventName)
	h.info["threatListName"] = l.Name
	d.raise(h)
}

func isReadAPI(name string) bool {
	for _, p := range [...]string{"Get", "List", "Describe", "Head", "Lookup", "Search", "Scan", "Query"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// penTest: the user agent names a penetration-testing distribution.
func (d *Detector) penTest(r *Record) {
	var typ string
	switch pentestDistro(r.UserAgent) {
	case 'k':
		typ = TypePenTestKali
	case 'p':
		typ = TypePenTestParrot
	case 'P':
		typ = TypePenTestPentoo
	default:
		return
	}
	d.raise(d.apiHit(r, typ, r.Principal(), r.EventName))
}

// pentestDistro finds "kali", "parrot" or "pentoo" (any case) in a user
// agent in one pass: 'k', 'p' or 'P' for the first found, 0 for none.
func pentestDistro(ua string) byte {
	for i := 0; i+4 <= len(ua); i++ {
		switch ua[i] | 0x20 {
		case 'k':
			if strings.EqualFold(ua[i:i+4], "kali") {
				return 'k'
			}
		case 'p':
			if i+6 <= len(ua) {
				if strings.EqualFold(ua[i:i+6], "parrot") {
					return 'p'
				}
				if strings.EqualFold(ua[i:i+6], "pentoo") {
					return 'P'
				}
			}
		}
	}
	return 0
}

// s3Policy: bucket made public by policy or ACL, Block Public Access turned
// off for a bucket or the account, server access logging turned off.
func (d *Detector) s3Policy(r *Record) {
	if r.EventSource != "s3.amazonaws.com" || r.ErrorCode != "" {
		return
	}
	bucket := rawString(r.RequestParameters, "bucketName")
	switch r.EventName {
	case "PutBucketPolicy":
		if policyAllowsEveryone(r.RequestParameters) {
			d.raise(d.bucketHit(r, TypeBucketAnonymousAccess, bucket))
		}
	case "PutBucketAcl":
		p := r.RequestParameters
		switch {
		case bytes.Contains(p, []byte("/groups/global/AllUsers")) || bytes.Contains(p, []byte(`"public-read`)):
			d.raise(d.bucketHit(r, TypeBucketAnonymousAccess, bucket))
		case bytes.Contains(p, []byte("/groups/global/AuthenticatedUsers")) || bytes.Contains(p, []byte(`"authenticated-read"`)):
			d.raise(d.bucketHit(r, TypeBucketPublicAccess, bucket))
		}
	case "PutBucketPublicAccessBlock":
		if bytes.Contains(r.RequestParameters, []byte("false")) {
			d.raise(d.bucketHit(r, TypeBucketBPADisabled, bucket))
		}
	case "DeleteBucketPublicAccessBlock":
		d.raise(d.bucketHit(r, TypeBucketBPADisabled, bucket))
	case "PutAccountPublicAccessBlock", "DeleteAccountPublicAccessBlock":
		if r.EventName == "DeleteAccountPublicAccessBlock" || bytes.Contains(r.RequestParameters, []byte("false")) {
			d.raise(d.apiHit(r, TypeAccountBPADisabled, "account", r.AccountID()))
		}
	case "PutBucketLogging":
		if !bytes.Contains(r.RequestParameters, []byte("LoggingEnabled")) {
			d.raise(d.bucketHit(r, TypeS3AccessLoggingDisabled, bucket))
		}
	}
}

func (d *Detector) bucketHit(r *Record, typ, bucket string) hit {
	h := d.apiHit(r, typ, bucket, bucket)
	ak := h.resource.AccessKeyDetails
	h.resource = FindingResource{ResourceType: "S3Bucket", AccessKeyDetails: ak,
		S3BucketDetails: []S3BucketDetail{{ARN: "arn:aws:s3:::" + bucket, Name: bucket, Type: "Destination"}}}
	return h
}

// policyAllowsEveryone reports whether a PutBucketPolicy's policy has an
// unconditional Allow for Principal "*" (or {"AWS": "*"}).
func policyAllowsEveryone(params json.RawMessage) bool {
	var p struct {
		BucketPolicy json.RawMessage `json:"bucketPolicy"`
	}
	if json.Unmarshal(params, &p) != nil || len(p.BucketPolicy) == 0 {
		return false
	}
	doc := []byte(p.BucketPolicy)
	var s string
	if json.Unmarshal(doc, &s) == nil { // some records carry the policy as a string
		doc = []byte(s)
	}
	var pol struct {
		Statement json.RawMessage `json:"Statement"`
	}
	if json.Unmarshal(doc, &pol) != nil {
		return false
	}
	type stmt struct {
		Effect    string          `json:"Effect"`
		Principal json.RawMessage `json:"Principal"`
		Condition json.RawMessage `json:"Condition"`
	}
	var stmts []stmt
	if json.Unmarshal(pol.Statement, &stmts) != nil {
		var one stmt
		if json.Unmarshal(pol.Statement, &one) != nil {
			return false
		}
		stmts = []stmt{one}
	}
	for _, st := range stmts {
		if st.Effect != "Allow" || (len(st.Condition) > 0 && !isNull(st.Condition) && string(st.Condition) != "{}") {
			continue
		}
		pr := bytes.ReplaceAll(st.Principal, []byte(" "), nil)
		if string(pr) == `"*"` || bytes.Contains(pr, []byte(`"AWS":"*"`)) || bytes.Contains(pr, []byte(`"AWS":["*"]`)) {
			return true
		}
	}
	return false
}

// snapshotPublic (moat's): an EBS snapshot, AMI or RDS snapshot shared with
// "all" — everyone.
func (d *Detector) snapshotPublic(r *Record) {
	if r.ErrorCode != "" {
		return
	}
	var what string
	switch r.EventName {
	case "ModifySnapshotAttribute":
		what = rawString(r.RequestParameters, "snapshotId")
	case "ModifyImageAttribute":
		what = rawString(r.RequestParameters, "imageId")
	case "ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute":
		what = rawString(r.RequestParameters, "dBSnapshotIdentifier")
		if what == "" {
			what = rawString(r.RequestParameters, "dBClusterSnapshotIdentifier")
		}
	default:
		return
	}
	if !addsGroupAll(r.RequestParameters) {
		return
	}
	h := d.apiHit(r, TypeMoatSnapshotPublic, what, what)
	h.info["resource"] = what
	d.raise(h)
}

// addsGroupAll finds {"group":"all"} under an "add" member (EC2) or "all" in
// valuesToAdd (RDS).
func addsGroupAll(params json.RawMessage) bool {
	var p struct {
		CreateVolumePermission struct {
			Add struct {
				Items []struct {
					Group string `json:"group"`
				} `json:"items"`
			} `json:"add"`
		} `json:"createVolumePermission"`
		LaunchPermission struct {
			Add struct {
				Items []struct {
					Group string `json:"group"`
				} `json:"items"`
			} `json:"add"`
		} `json:"launchPermission"`
		ValuesToAdd []string `json:"valuesToAdd"`
	}
	if json.Unmarshal(params, &p) != nil {
		return false
	}
	for _, it := range p.CreateVolumePermission.Add.Items {
		if it.Group == "all" {
			return true
		}
	}
	for _, it := range p.LaunchPermission.Add.Items {
		if it.Group == "all" {
			return true
		}
	}
	return contains(p.ValuesToAdd, "all")
}

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
