package ec2

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/vpc"
)

// TableNetworks holds one document per account and region: the network
// model (vpc.Network) and what the API keeps beside it (tags, association
// IDs, instance details, Reachability Analyzer paths and analyses).
const TableNetworks = "ec2.networks" // account/region → stateDoc

// state is one account's network in one region, loaded for one call.
type state struct {
	Net *vpc.Network
	// Tags by resource ID.
	Tags map[string]map[string]string
	// RtbAssoc and AclAssoc are the association IDs of explicit subnet
	// associations (subnet ID → rtbassoc-/aclassoc-); MainAssoc the main
	// route table association of each VPC (rtb ID → rtbassoc-).
	RtbAssoc, AclAssoc, MainAssoc map[string]string
	// Tenancy is a VPC's InstanceTenancy when not "default".
	Tenancy map[string]string
	// VpcAttrs are the VPC attributes set by ModifyVpcAttribute.
	VpcAttrs map[string]map[string]bool
	// Instances, ENIs and NATs keep what the API shows beyond the network
	// model (instance type, launch time, attachment IDs...).
	Instances map[string]*instanceMeta
	ENIs      map[string]*eniMeta
	NATs      map[string]*natMeta
	Peerings  map[string]time.Time
	Paths     map[string]*insightsPath
	Analyses  map[string]*insightsAnalysis
	// Created is the creation time of resources that show one.
	Created map[string]time.Time
	// FlowLogs are the flow log subscriptions by ID (flowlogs.go).
	FlowLogs map[string]*flowLog
	// IPAM holds IPAMs, scopes and pools (ipam.go); nil until CreateIpam.
	IPAM *ipamState
}

type instanceMeta struct {
	InstanceType, KeyName, ReservationID, AvailabilityZone string
	LaunchTime                                             time.Time
	HttpEndpoint, InstanceMetadataTags                     string
	IamInstanceProfileArn                                  string
	TerminatedAt                                           time.Time
}

type eniMeta struct {
	AttachmentID string
	AttachTime   time.Time
	// Auto is true for the public IP moat assigned at launch (not an EIP).
	Auto bool
}

type natMeta struct {
	CreateTime   time.Time
	AllocationID string
	ENI          string
}

// netDoc is vpc.Network without its ID function (JSON cannot hold a func).
type netDoc struct {
	VPCs             map[string]*vpc.VPC
	Subnets          map[string]*vpc.Subnet
	RouteTables      map[string]*vpc.RouteTable
	InternetGateways map[string]*vpc.InternetGateway
	NATGateways      map[string]*vpc.NATGateway
	Peerings         map[string]*vpc.PeeringConnection
	PrefixLists      map[string]*vpc.PrefixList
	SecurityGroups   map[string]*vpc.SecurityGroup
	NetworkACLs      map[string]*vpc.NetworkACL
	Interfaces       map[string]*vpc.NetworkInterface
	Instances        map[string]*vpc.Instance
	Addresses        map[string]*vpc.Address
	// Endpoints are kept without their compiled policy, recompiled from
	// PolicyDocument on decode.
	Endpoints map[string]*vpc.VPCEndpoint `json:",omitempty"`
}

type stateDoc struct {
	Net                           netDoc
	Tags                          map[string]map[string]string `json:",omitempty"`
	RtbAssoc, AclAssoc, MainAssoc map[string]string            `json:",omitempty"`
	Tenancy                       map[string]string            `json:",omitempty"`
	VpcAttrs                      map[string]map[string]bool   `json:",omitempty"`
	Instances                     map[string]*instanceMeta     `json:",omitempty"`
	ENIs                          map[string]*eniMeta          `json:",omitempty"`
	NATs                          map[string]*natMeta          `json:",omitempty"`
	Peerings                      map[string]time.Time         `json:",omitempty"`
	Paths                         map[string]*insightsPath     `json:",omitempty"`
	Analyses                      map[string]*insightsAnalysis `json:",omitempty"`
	Created                       map[string]time.Time         `json:",omitempty"`
	FlowLogs                      map[string]*flowLog          `json:",omitempty"`
	IPAM                          *ipamState                   `json:",omitempty"`
}

func stateKey(account, region string) string { return account + "/" + region }

// newID returns an AWS-looking ID: prefix, a dash and 17 hex digits.
func newID(prefix string) string {
	var b [9]byte
	_, _ = rand.Read(b[:])
	return prefix + "-" + hex.EncodeToString(b[:])[:17]
}

func emptyState(account string) *state {
	st := &state{Net: vpc.NewNetwork(account)}
	st.init()
	return st
}

func (st *state) init() {
	st.Net.NewID = newID
	if st.Tags == nil {
		st.Tags = map[string]map[string]string{}
	}
	if st.VpcAttrs == nil {
		st.VpcAttrs = map[string]map[string]bool{}
	}
	for _, m := range []*map[string]string{&st.RtbAssoc, &st.AclAssoc, &st.MainAssoc, &st.Tenancy} {
		if *m == nil {
			*m = map[string]string{}
		}
	}
	if st.Instances == nil {
		st.Instances = map[string]*instanceMeta{}
	}
	if st.ENIs == nil {
		st.ENIs = map[string]*eniMeta{}
	}
	if st.NATs == nil {
		st.NATs = map[string]*natMeta{}
	}
	if st.Peerings == nil {
		st.Peerings = map[string]time.Time{}
	}
	if st.Paths == nil {
		st.Paths = map[string]*insightsPath{}
	}
	if st.Analyses == nil {
		st.Analyses = map[string]*insightsAnalysis{}
	}
	if st.Created == nil {
		st.Created = map[string]time.Time{}
	}
	if st.FlowLogs == nil {
		st.FlowLogs = map[string]*flowLog{}
	}
}

func decodeState(account string, b []byte) (*state, error) {
	var d stateDoc
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("ec2: state of %s: %w", account, err)
	}
	n := vpc.NewNetwork(account)
	// Maps absent from the document stay the empty maps NewNetwork made.
	if d.Net.VPCs != nil {
		n.VPCs = d.Net.VPCs
	}
	if d.Net.Subnets != nil {
		n.Subnets = d.Net.Subnets
	}
	if d.Net.RouteTables != nil {
		n.RouteTables = d.Net.RouteTables
	}
	if d.Net.InternetGateways != nil {
		n.InternetGateways = d.Net.InternetGateways
	}
	if d.Net.NATGateways != nil {
		n.NATGateways = d.Net.NATGateways
	}
	if d.Net.Peerings != nil {
		n.Peerings = d.Net.Peerings
	}
	if d.Net.PrefixLists != nil {
		n.PrefixLists = d.Net.PrefixLists
	}
	if d.Net.SecurityGroups != nil {
		n.SecurityGroups = d.Net.SecurityGroups
	}
	if d.Net.NetworkACLs != nil {
		n.NetworkACLs = d.Net.NetworkACLs
	}
	if d.Net.Interfaces != nil {
		n.Interfaces = d.Net.Interfaces
	}
	if d.Net.Instances != nil {
		n.Instances = d.Net.Instances
	}
	if d.Net.Addresses != nil {
		n.Addresses = d.Net.Addresses
	}
	for id, e := range d.Net.Endpoints {
		if e.PolicyDocument != "" {
			c, err := vpc.CompileEndpointPolicy(e.PolicyDocument)
			if err != nil {
				return nil, fmt.Errorf("ec2: state of %s: endpoint %s: %w", account, id, err)
			}
			e.Policy = c
		}
		n.Endpoints[id] = e
	}
	st := &state{Net: n, Tags: d.Tags, Tenancy: d.Tenancy, VpcAttrs: d.VpcAttrs, RtbAssoc: d.RtbAssoc, AclAssoc: d.AclAssoc, MainAssoc: d.MainAssoc,
		Instances: d.Instances, ENIs: d.ENIs, NATs: d.NATs, Peerings: d.Peerings, Paths: d.Paths,
		Analyses: d.Analyses, Created: d.Created, FlowLogs: d.FlowLogs, IPAM: d.IPAM}
	st.init()
	return st, nil
}

func (st *state) encode() ([]byte, error) {
	n := st.Net
	d := stateDoc{Net: netDoc{VPCs: n.VPCs, Subnets: n.Subnets, RouteTables: n.RouteTables, InternetGateways: n.InternetGateways,
		NATGateways: n.NATGateways, Peerings: n.Peerings, PrefixLists: n.PrefixLists, SecurityGroups: n.SecurityGroups,
		NetworkACLs: n.NetworkACLs, Interfaces: n.Interfaces, Instances: n.Instances, Addresses: n.Addresses,
		Endpoints: endpointsDoc(n.Endpoints)},
		Tags: st.Tags, Tenancy: st.Tenancy, VpcAttrs: st.VpcAttrs, RtbAssoc: st.RtbAssoc, AclAssoc: st.AclAssoc, MainAssoc: st.MainAssoc, Instances: st.Instances,
		ENIs: st.ENIs, NATs: st.NATs, Peerings: st.Peerings, Paths: st.Paths, Analyses: st.Analyses, Created: st.Created, FlowLogs: st.FlowLogs, IPAM: st.IPAM}
	return json.Marshal(d)
}

func loadState(tx store.Tx, account, region string) (*state, error) {
	b, err := tx.Get(TableNetworks, stateKey(account, region))
	if errors.Is(err, store.ErrNotFound) {
		st := emptyState(account)
		st.addAWSPrefixLists(region)
		return st, nil
	}
	if err != nil {
		return nil, err
	}
	st, err := decodeState(account, b)
	if err != nil {
		return nil, err
	}
	st.addAWSPrefixLists(region)
	return st, nil
}

// update runs fn on the caller's network in one store transaction and
// saves it when fn succeeds; a failing fn changes nothing.
func update(ctx context.Context, c *service.Call, fn func(st *state) error) error {
	return c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		st, err := loadState(tx, c.Account(), c.Region)
		if err != nil {
			return err
		}
		if err := fn(st); err != nil {
			return ec2Err(err)
		}
		st.dropOrphanFlowLogs()
		b, err := st.encode()
		if err != nil {
			return err
		}
		return tx.Put(TableNetworks, stateKey(c.Account(), c.Region), b)
	})
}

// view runs fn on a snapshot of the caller's network. fn must not change
// the state: read-only calls share the decoded document (readCache).
func view(ctx context.Context, c *service.Call, fn func(st *state) error) error {
	return c.Deps.Store.View(ctx, func(tx store.Tx) error {
		key := stateKey(c.Account(), c.Region)
		b, err := tx.Get(TableNetworks, key)
		if errors.Is(err, store.ErrNotFound) {
			st := emptyState(c.Account())
			st.addAWSPrefixLists(c.Region)
			return ec2Err(fn(st))
		}
		if err != nil {
			return err
		}
		st, err := readCache.get(c.Account(), key, b)
		if err != nil {
			return err
		}
		return ec2Err(fn(st))
	})
}

// readCache keeps the last decoded document of each account and region for
// read-only calls: decoding is most of a Describe call's cost on a large
// network (BenchmarkAnalyzeStored1000ENIs), and comparing the stored bytes
// is cheap. Writers always decode a private copy.
var readCache = &stateCache{m: map[string]*cachedState{}}

type stateCache struct {
	mu sync.Mutex
	m  map[string]*cachedState
}

type cachedState struct {
	doc []byte
	st  *state
}

// maxCached bounds the cache (accounts × regions); beyond it the cache is
// emptied and refilled.
const maxCached = 256

func (c *stateCache) get(account, key string, doc []byte) (*state, error) {
	c.mu.Lock()
	e := c.m[key]
	c.mu.Unlock()
	if e != nil && bytes.Equal(e.doc, doc) {
		return e.st, nil
	}
	st, err := decodeState(account, doc)
	if err != nil {
		return nil, err
	}
	st.addAWSPrefixLists(key[strings.IndexByte(key, '/')+1:])
	c.mu.Lock()
	if len(c.m) >= maxCached {
		clear(c.m)
	}
	c.m[key] = &cachedState{doc: bytes.Clone(doc), st: st}
	c.mu.Unlock()
	return st, nil
}
