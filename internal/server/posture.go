package server

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"

	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/moatdev/moat/asff"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/service/s3"
	"github.com/moatdev/moat/internal/service/securityhub"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/trail"
	"github.com/moatdev/moat/posture"
)

// Security Hub's controls on moat's live state: for every account with
// Security Hub and its standards enabled, moat exports the account the way
// `moat posture` reads a real one (authorization details, credential
// report, password policy, trails), evaluates every control, and imports
// the control findings. It re-evaluates whenever the event log has grown
// since the last evaluation (a write may have changed what a control
// reads), at most once per poll interval.

type internalKey struct{}

// internalRead reports whether a request is one of moat's own in-process
// reads (a context value no client can set).
func internalRead(r *http.Request) bool { return r.Context().Value(internalKey{}) != nil }

// inProcess is an http.RoundTripper that answers through the server itself.
type inProcess struct{ s *Server }

func (t inProcess) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.WithContext(context.WithValue(r.Context(), internalKey{}, true))
	r.RemoteAddr = "securityhub.amazonaws.com"
	w := httptest.NewRecorder()
	t.s.ServeHTTP(w, r)
	return w.Result(), nil
}

// evalSessions keeps the evaluator's root sessions, one per data directory
// and account, reused until they near expiry (evaluations do not pile up
// sessions).
var evalSessions = struct {
	sync.Mutex
	m map[string]aws.Credentials
}{m: map[string]aws.Credentials{}}

// rootSession gives moat's evaluator a short session of an account's root
// user (never handed out, never recorded).
func (s *Server) rootSession(ctx context.Context, account string) (aws.Credentials, error) {
	now := s.clock().UTC().Truncate(time.Second)
	key := s.cfg.DataDir + "/" + account
	evalSessions.Lock()
	c, ok := evalSessions.m[key]
	evalSessions.Unlock()
	if ok && c.Expires.After(now.Add(5*time.Minute)) {
		return c, nil
	}
	sess := &identity.Session{AccessKeyID: identity.NewID("ASIA", 16), SecretAccessKey: identity.NewSecret(), SessionToken: identity.NewSessionToken(),
		Issued: now, Expires: now.Add(15 * time.Minute), Account: account}
	err := s.db.Update(ctx, func(tx store.Tx) error {
		return tx.Insert(identity.TableSessions, sess.AccessKeyID, identity.Encode(sess))
	})
	if err != nil {
		return aws.Credentials{}, err
	}
	c = aws.Credentials{AccessKeyID: sess.AccessKeyID, SecretAccessKey: sess.SecretAccessKey, SessionToken: sess.SessionToken, CanExpire: true, Expires: sess.Expires}
	evalSessions.Lock()
	evalSessions.m[key] = c
	evalSessions.Unlock()
	return c, nil
}

// liveAccount exports an account's state for the posture engine.
func (s *Server) liveAccount(ctx context.Context, account, region string) (*posture.Account, error) {
	creds, err := s.rootSession(ctx, account)
	if err != nil {
		return nil, err
	}
	cfg := aws.Config{Region: region, Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) { return creds, nil }),
		HTTPClient: &http.Client{Transport: inProcess{s}}, BaseEndpoint: aws.String(s.endpointURL()), RetryMaxAttempts: 1}
	ic := iam.NewFromConfig(cfg)
	a := &posture.Account{AccountID: account, Region: region, Now: s.clock().UTC()}

	details := map[string]any{}
	var users, groups, roles, policies []any
	p := iam.NewGetAccountAuthorizationDetailsPaginator(ic, &iam.GetAccountAuthorizationDetailsInput{})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, err
		}
		for _, x := range page.UserDetailList {
			users = append(users, x)
		}
		for _, x := range page.GroupDetailList {
			groups = append(groups, x)
		}
		for _, x := range page.RoleDetailList {
			roles = append(roles, x)
		}
		for _, x := range page.Policies {
			policies = append(policies, x)
		}
	}
	details["UserDetailList"], details["GroupDetailList"], details["RoleDetailList"], details["Policies"] = nonNilList(users), nonNilList(groups), nonNilList(roles), nonNilList(policies)
	b, _ := json.Marshal(details)
	if a.Auth, err = posture.ParseAuthDetails("live authorization details", b); err != nil {
		return nil, err
	}
	if _, err := ic.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{}); err == nil {
		if rep, err := ic.GetCredentialReport(ctx, &iam.GetCredentialReportInput{}); err == nil {
			if a.Credentials, err = posture.ParseCredentialReport("live credential report", rep.Content); err != nil {
				return nil, err
			}
		}
	}
	var noPolicy *types.NoSuchEntityException
	if pp, err := ic.GetAccountPasswordPolicy(ctx, &iam.GetAccountPasswordPolicyInput{}); err == nil {
		b, _ := json.Marshal(map[string]any{"PasswordPolicy": pp.PasswordPolicy})
		if a.PasswordPolicy, err = posture.ParsePasswordPolicy("live password policy", b); err != nil {
			return nil, err
		}
	} else if errors.As(err, &noPolicy) {
		a.PasswordPolicy = &posture.PasswordPolicy{} // none set: the controls that need one fail
	} else {
		return nil, err
	}
	ct := cloudtrail.NewFromConfig(cfg)
	trails, err := ct.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	if err != nil {
		return nil, err
	}
	a.Trails = &posture.Trails{}
	b, _ = json.Marshal(map[string]any{"trailList": trails.TrailList})
	if err := a.Trails.ParseTrails("live describe-trails", b); err != nil {
		return nil, err
	}
	for _, t := range trails.TrailList {
		st, err := ct.GetTrailStatus(ctx, &cloudtrail.GetTrailStatusInput{Name: t.TrailARN})
		if err != nil {
			return nil, err
		}
		b, _ := json.Marshal(st)
		if err := a.Trails.ParseTrails("live get-trail-status "+aws.ToString(t.Name), withTrailARN(b, aws.ToString(t.TrailARN))); err != nil {
			return nil, err
		}
		sel, err := ct.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: t.TrailARN})
		if err != nil {
			return nil, err
		}
		b, _ = json.Marshal(sel)
		if err := a.Trails.ParseTrails("live get-event-selectors "+aws.ToString(t.Name), b); err != nil {
			return nil, err
		}
	}
	if a.S3, err = s.liveBuckets(ctx, account, region); err != nil {
		return nil, err
	}
	if a.EC2, err = liveEC2(ctx, ec2.NewFromConfig(cfg)); err != nil {
		return nil, err
	}
	return a, nil
}

// liveEC2 exports the region's network state as `aws ec2 describe-*`
// would, for the EC2 controls. Outputs moat's EC2 does not serve (flow
// logs, volumes, EBS default encryption) stay absent: their controls have
// no data.
func liveEC2(ctx context.Context, c *ec2.Client) (*posture.EC2State, error) {
	st := &posture.EC2State{}
	add := func(name string, out any, err error) error {
		if err != nil {
			return err
		}
		b, err := json.Marshal(out)
		if err != nil {
			return err
		}
		return st.Add("live "+name, b)
	}
	sgs, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
	if err := add("describe-security-groups", sgs, err); err != nil {
		return nil, err
	}
	acls, err := c.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{})
	if err := add("describe-network-acls", acls, err); err != nil {
		return nil, err
	}
	inst, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{})
	if err := add("describe-instances", inst, err); err != nil {
		return nil, err
	}
	vpcs, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if err := add("describe-vpcs", vpcs, err); err != nil {
		return nil, err
	}
	rts, err := c.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{})
	if err := add("describe-route-tables", rts, err); err != nil {
		return nil, err
	}
	subnets, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	if err := add("describe-subnets", subnets, err); err != nil {
		return nil, err
	}
	addrs, err := c.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{})
	if err := add("describe-addresses", addrs, err); err != nil {
		return nil, err
	}
	return st, nil
}

// liveBuckets reads the account's buckets of the region for the S3
// controls, from the store as S3 serves them. Account-level Block Public
// Access is not served (RATIONALE.md), so S3.1 has no data.
func (s *Server) liveBuckets(ctx context.Context, account, region string) (*posture.S3State, error) {
	bs, err := s3.Buckets(ctx, s.db, account)
	if err != nil {
		return nil, err
	}
	st := &posture.S3State{Buckets: []posture.Bucket{}}
	for _, b := range bs {
		if b.Region != region {
			continue
		}
		pb := posture.Bucket{Name: b.Name, Policy: b.Policy, Encryption: b.Encryption, Versioning: b.Versioning, MFADelete: b.MFADelete, Grants: map[string][]string{}}
		if p := b.BlockPublicAccess; p != nil {
			pb.PublicAccessBlock = &posture.PublicAccessBlock{BlockPublicAcls: deref(p.BlockPublicAcls), IgnorePublicAcls: deref(p.IgnorePublicAcls),
				BlockPublicPolicy: deref(p.BlockPublicPolicy), RestrictPublicBuckets: deref(p.RestrictPublicBuckets)}
		}
		if b.LoggingTarget != "" {
			pb.LoggingTarget = b.LoggingTarget
		}
		for uri, perms := range b.ACLGrants {
			pb.Grants[uri] = perms
		}
		st.Buckets = append(st.Buckets, pb)
	}
	return st, nil
}

func deref(b *bool) bool { return b != nil && *b }

func nonNilList(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}

// withTrailARN adds the trail's ARN to a get-trail-status document (the CLI
// output has none; posture takes it when a stream names it).
func withTrailARN(b []byte, arn string) []byte {
	var m map[string]any
	if json.Unmarshal(b, &m) != nil {
		return b
	}
	m["TrailARN"] = arn
	out, _ := json.Marshal(m)
	return out
}

// evaluateControls runs every control for each account whose Security Hub
// has standards enabled, when the log has grown since the last run.
func (s *Server) evaluateControls(ctx context.Context, last *int64) {
	latest, err := trail.LatestSeq(ctx, s.db.(store.EventLog))
	if err != nil || latest == *last {
		return
	}
	hubs, err := securityhub.HubsWithStandards(ctx, s.db)
	if err != nil {
		s.log.Warn("security hub: reading hubs", "err", err)
		return
	}
	for _, h := range hubs {
		acct, err := s.liveAccount(ctx, h.Account, h.Region)
		if err != nil {
			s.log.Warn("security hub: exporting the account", "account", h.Account, "err", err)
			continue
		}
		rep := posture.Evaluate(acct)
		findings := rep.Findings()
		enabled, err := securityhub.EnabledControls(ctx, s.db, h.Account, h.Region)
		if err != nil {
			s.log.Warn("security hub: reading control status", "account", h.Account, "err", err)
			continue
		}
		for i := range findings {
			// A control disabled in every enabled standard has its findings
			// archived, as Security Hub does.
			if id, ok := strings.CutPrefix(findings[i].GeneratorId, "security-control/"); ok && !enabled[id] {
				findings[i].RecordState = "ARCHIVED"
			}
		}
		err = s.db.Update(ctx, func(tx store.Tx) error {
			_, err := securityhub.Import(tx, h.Account, h.Region, &asff.ImportResult{Findings: findings})
			return err
		})
		if err != nil {
			s.log.Warn("security hub: importing control findings", "account", h.Account, "err", err)
		}
	}
	*last = latest
}

// watchControls re-evaluates controls until ctx is done.
func (s *Server) watchControls(ctx context.Context) {
	tick := time.NewTicker(s.pollInterval())
	defer tick.Stop()
	var last int64 = -1
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			s.evaluateControls(ctx, &last)
		}
	}
}
