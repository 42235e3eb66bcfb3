// Package server is moat's AWS-compatible endpoint: one listener, one request
// pipeline for every service (route → authenticate → decode → authorize →
// execute → encode, with a durable CloudTrail record of every outcome), over
// the embedded store.
package server

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/moatdev/moat/internal/bus"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/cloudtrail"
	"github.com/moatdev/moat/internal/service/events"
	"github.com/moatdev/moat/internal/service/guardduty"
	"github.com/moatdev/moat/internal/service/iam"
	"github.com/moatdev/moat/internal/service/logs"
	"github.com/moatdev/moat/internal/service/organizations"
	"github.com/moatdev/moat/internal/service/s3"
	"github.com/moatdev/moat/internal/service/securityhub"
	"github.com/moatdev/moat/internal/service/sns"
	"github.com/moatdev/moat/internal/service/sts"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/internal/store/sqlite"
	"github.com/moatdev/moat/internal/trail"
	"github.com/moatdev/moat/policy"
	"github.com/moatdev/moat/sigv4"
)

const healthPath = "/_moat/health"

// Config is how moat serve is run.
type Config struct {
	// Addr is the listen address, "127.0.0.1:4566".
	Addr string
	// DataDir holds the database, the root credentials file and the TLS
	// certificate. Created with mode 0700 when missing.
	DataDir string
	// AccountID is the management account's id on first start; "" picks a
	// random one. On later starts it must match or be empty.
	AccountID string
	// Region is the region of requests that name none (unsigned requests).
	Region string
	// InsecureAllowUnsigned accepts unsigned requests as the management
	// account's root user.
	InsecureAllowUnsigned bool
	// TLS serves HTTPS with a self-signed certificate kept in DataDir.
	TLS bool
	// Explain logs every authorization decision with its trace: the
	// statements that matched, by policy and position.
	Explain bool
	// SyncNormal trades durability on power loss for speed (SQLite
	// synchronous=NORMAL); a process crash still loses nothing.
	SyncNormal bool
	// Log receives structured logs; nil discards them.
	Log *slog.Logger
	// Stdout receives the one-time welcome text; nil discards it.
	Stdout io.Writer
	// Clock is the server's clock; nil is time.Now.
	Clock func() time.Time
	// TrailDir stands for the S3 buckets trails deliver to: a trail's files
	// go to <TrailDir>/<bucket>/<prefix>/AWSLogs/... Default <DataDir>/trails.
	TrailDir string
	// TrailInterval is how often pending records are delivered (default 5
	// minutes, as CloudTrail), TrailMaxRecords how many trigger a delivery
	// sooner (default 1000), TrailDigestInterval how often digest files are
	// written (default one hour).
	TrailInterval       time.Duration
	TrailMaxRecords     int
	TrailDigestInterval time.Duration
	// SMTP ("host:port") sends SNS e-mail through that server; without it
	// e-mail goes to <DataDir>/sns/mailbox.
	SMTP string
	// PollInterval is how often EventBridge and the GuardDuty detectors read
	// new CloudTrail records (default one second).
	PollInterval time.Duration
	// Services are served beside the built-in ones (for programs that
	// embed moat, and tests); a name already served is replaced.
	Services []*service.Service
}

// Server is a running moat endpoint's state. Create it with Open, serve with
// Serve, and Close it when Serve has returned.
type Server struct {
	cfg        Config
	log        *slog.Logger
	clock      func() time.Time
	db         store.Store
	deps       *service.Deps
	verifier   *sigv4.Verifier
	trail      *trail.Writer
	digestKey  *trail.DigestKey
	sns        *sns.Deliverer
	bus        *bus.Bus
	management string

	policies policyCache  // compiled policies per principal
	sessions sessionCache // compiled session policies per role session
	scps     scpCache     // compiled SCP levels per account

	services map[string]*registered // by signing name
	targets  map[string]*registered // by X-Amz-Target prefix
	versions map[string]*registered // by query API version
	// resourcePolicies caches compiled resource-based policies by document.
	resourcePoliciesMu sync.Mutex
	resourcePolicies   map[resourcePolicyKey]*policy.Compiled
}

type registered struct {
	*service.Service
	codec protocol.Codec
}

// Open opens (or creates) the data directory and prepares every service.
func Open(cfg Config) (*Server, error) {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Stdout == nil {
		cfg.Stdout = io.Discard
	}
	if cfg.AccountID != "" && !identity.ValidAccountID(cfg.AccountID) {
		return nil, fmt.Errorf("account id %q: must be 12 digits", cfg.AccountID)
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	var opts []sqlite.Option
	if cfg.SyncNormal {
		opts = append(opts, sqlite.WithSynchronousNormal())
	}
	db, err := sqlite.Open(filepath.Join(cfg.DataDir, "moat.db"), opts...)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Log, clock: cfg.Clock, db: db}
	if err := s.bootstrap(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.ensureRootPassword(context.Background()); err != nil {
		db.Close()
		return nil, err
	}
	s.bus = bus.New(db)
	s.trail = trail.NewWriter(db, trail.WithOnCommit(func([]store.Event) { s.bus.Notify() }))
	dir := identity.NewDirectory(db)
	s.deps = &service.Deps{Store: db, Directory: dir, Log: cfg.Log, Clock: cfg.Clock, OnPolicyChange: s.policiesChanged}
	s.verifier = &sigv4.Verifier{Lookup: dir, Now: cfg.Clock}
	if s.cfg.TrailDir == "" {
		s.cfg.TrailDir = filepath.Join(cfg.DataDir, "trails")
	}
	if s.digestKey, err = trail.LoadOrCreateDigestKey(filepath.Join(cfg.DataDir, "cloudtrail", "digest-key.pem")); err != nil {
		db.Close()
		return nil, fmt.Errorf("cloudtrail digest key: %w", err)
	}
	if s.sns, err = sns.NewDeliverer(filepath.Join(cfg.DataDir, "sns"), db, s.endpointURL(), s.log, s.clock); err != nil {
		db.Close()
		return nil, fmt.Errorf("sns signing key: %w", err)
	}
	s.sns.SMTP = cfg.SMTP
	s.register(iam.New(), sts.New(), cloudtrail.New(s.digestKey), organizations.New(), guardduty.New(cfg.DataDir), securityhub.New(),
		events.New(events.Targets{Publish: s.publishAsEvents, Automate: s.automate}), logs.New(), sns.New(s.sns))
	for _, build := range plugged {
		s.register(build(s))
	}
	s.register(cfg.Services...)
	if cfg.InsecureAllowUnsigned {
		s.log.Warn("unsigned requests are accepted and act as the root user of the management account (--insecure-allow-unsigned)", "account", s.management)
	}
	return s, nil
}

// plugged builds the services that register themselves from a file of their
// own in this package (svc_<name>.go), so that adding a service touches no
// shared line.
var plugged []func(*Server) *service.Service

// plug adds a service to every server; call it from an init function.
func plug(build func(*Server) *service.Service) { plugged = append(plugged, build) }

func (s *Server) register(svcs ...*service.Service) {
	if s.services == nil {
		s.services = map[string]*registered{}
		s.targets = map[string]*registered{}
		s.versions = map[string]*registered{}
	}
	for _, svc := range svcs {
		r := &registered{Service: svc, codec: protocol.New(svc.Meta)}
		s.services[svc.Meta.Name] = r
		if p := svc.Meta.TargetPrefix; p != "" {
			// Both the model's full prefix and its last part are sent by
			// real clients (botocore and aws-sdk-go-v2 respectively).
			s.targets[p] = r
			s.targets[p[strings.LastIndexByte(p, '.')+1:]] = r
		}
		if svc.Meta.Protocol == "query" || svc.Meta.Protocol == "ec2" {
			s.versions[svc.Meta.APIVersion] = r
		}
	}
}

// ManagementAccount is the id of the account created on first start.
func (s *Server) ManagementAccount() string { return s.management }

// TrailStats says how many records the CloudTrail writer made durable, in
// how many commits (group commit at work).
func (s *Server) TrailStats() trail.WriterStats { return s.trail.Stats() }

// Bus is the event bus CloudTrail records are published on.
func (s *Server) Bus() *bus.Bus { return s.bus }

// Serve answers requests on ln until ctx is done, then shuts down
// gracefully: it stops accepting, lets in-flight requests finish (up to 30
// seconds) and returns. Call Close afterwards.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 30 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	if s.cfg.TLS {
		cert, err := loadOrCreateCert(s.cfg.DataDir)
		if err != nil {
			return err
		}
		ln = tls.NewListener(ln, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})
	}
	dctx, stopDelivery := context.WithCancel(context.WithoutCancel(ctx))
	delivered := make(chan struct{})
	go func() {
		defer close(delivered)
		s.deliverer().Run(dctx)
	}()
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		// The detectors poll the log once a second rather than waking at
		// every commit of the request path.
		if err := guardduty.Watch(dctx, s.db.(guardduty.Store), s.cfg.DataDir, s.pollInterval(), s.log); err != nil {
			s.log.Error("guardduty detectors stopped", "err", err)
		}
	}()
	go s.sns.Run(dctx)
	controlsDone := make(chan struct{})
	go func() {
		defer close(controlsDone)
		s.watchControls(dctx)
	}()
	routed := make(chan struct{})
	go func() {
		defer close(routed)
		if err := events.Run(dctx, s.db.(events.Store), events.Targets{Publish: s.publishAsEvents, Automate: s.automate}, s.pollInterval(), s.clock, s.log); err != nil {
			s.log.Error("eventbridge delivery stopped", "err", err)
		}
	}()
	defer func() {
		stopDelivery() // after the last request: its records are delivered too
		<-delivered
		<-watched
		<-routed
		<-controlsDone
	}()
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down: waiting for in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

func (s *Server) pollInterval() time.Duration {
	if s.cfg.PollInterval > 0 {
		return s.cfg.PollInterval
	}
	return time.Second
}

// publishAsEvents publishes to an SNS topic for an EventBridge rule.
func (s *Server) publishAsEvents(ctx context.Context, topicARN, ruleARN, account, message string) error {
	return sns.PublishFromService(ctx, s.db, s.sns, topicARN, "events.amazonaws.com", ruleARN, account, message)
}

// deliverer writes the trails' log and digest files.
func (s *Server) deliverer() *trail.Deliverer {
	return &trail.Deliverer{
		DB: s.db.(trail.Store), Dir: s.cfg.TrailDir, Interval: s.cfg.TrailInterval, MaxRecords: s.cfg.TrailMaxRecords,
		DigestInterval: s.cfg.TrailDigestInterval, Key: s.digestKey, Clock: s.clock, Log: s.log,
		OrgOf: s.orgOf, Put: s.putTrailFile,
	}
}

// putTrailFile stores a delivered CloudTrail file in the trail's bucket when
// moat's S3 has that bucket, as CloudTrail writes to S3: only if the bucket
// policy lets cloudtrail.amazonaws.com put the object (with the trail as
// aws:SourceArn, as AWS's recommended policy checks).
func (s *Server) putTrailFile(ctx context.Context, trailARN, bucket, key string, data []byte) error {
	b, err := s3.Bucket(ctx, s.db, bucket)
	if errors.Is(err, s3.ErrNoSuchBucket) {
		return trail.ErrNoBucket
	}
	if err != nil {
		return err
	}
	account := ""
	if parts := strings.SplitN(trailARN, ":", 6); len(parts) == 6 {
		account = parts[4]
	}
	pc := policy.NewContext()
	pc.Set("aws:SourceArn", trailARN)
	pc.Set("aws:SourceAccount", account)
	pc.Set("s3:x-amz-acl", "bucket-owner-full-control")
	allowed := false
	if b.Policy != "" {
		if allowed, err = identity.ServiceAllowed(b.Policy, policy.Resource, "cloudtrail.amazonaws.com", "s3:PutObject", "arn:aws:s3:::"+bucket+"/"+key, b.Account, pc); err != nil {
			return err
		}
	}
	if !allowed {
		return fmt.Errorf("AccessDenied: the policy of bucket %s does not let cloudtrail.amazonaws.com put %s", bucket, key)
	}
	return s3.Deliver(ctx, s.db, s.cfg.DataDir, bucket, key, data, "application/x-gzip")
}

// Close flushes the trail and closes the store.
func (s *Server) Close() error {
	return errors.Join(s.trail.Close(), s.db.Close())
}

func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"status":"ok"}`+"\n")
}
