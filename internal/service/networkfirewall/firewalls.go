package networkfirewall

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"

	"github.com/google/uuid"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

var (
	vpcRE    = regexp.MustCompile(`^vpc-[0-9a-f]+$`)
	subnetRE = regexp.MustCompile(`^subnet-[0-9a-f]+$`)
)

// SubnetMapping is a subnet the firewall has an endpoint in.
type SubnetMapping struct {
	SubnetId      string
	IPAddressType *string
}

// LoggingConfiguration is where a firewall's logs go (recorded).
type LoggingConfiguration struct {
	LogDestinationConfigs []LogDestinationConfig
}

// LogDestinationConfig is one log type's destination.
type LogDestinationConfig struct {
	LogType            string
	LogDestinationType string
	LogDestination     map[string]string
}

// firewallRecord is a stored firewall.
type firewallRecord struct {
	Name, ID, Account, Region      string
	PolicyArn                      string
	VpcId                          string
	SubnetMappings                 []SubnetMapping
	DeleteProtection               bool
	SubnetChangeProtection         bool
	FirewallPolicyChangeProtection bool
	Description                    *string
	Tags                           []Tag
	Token                          string
	Encryption                     *EncryptionConfiguration
	Logging                        LoggingConfiguration
	// Zones is the Availability Zone moat gave each subnet (subnet → AZ).
	Zones map[string]string
}

// assignZones gives each new subnet the first zone letter not in use.
func (f *firewallRecord) assignZones() {
	if f.Zones == nil {
		f.Zones = map[string]string{}
	}
	used := map[string]bool{}
	for _, m := range f.SubnetMappings {
		if z, ok := f.Zones[m.SubnetId]; ok {
			used[z] = true
		}
	}
	for _, m := range f.SubnetMappings {
		if _, ok := f.Zones[m.SubnetId]; ok {
			continue
		}
		for i := 0; ; i++ {
			if z := availabilityZone(f.Region, i); !used[z] {
				f.Zones[m.SubnetId], used[z] = z, true
				break
			}
		}
	}
	for s := range f.Zones {
		found := false
		for _, m := range f.SubnetMappings {
			found = found || m.SubnetId == s
		}
		if !found {
			delete(f.Zones, s)
		}
	}
}

func (f *firewallRecord) arn() string { return arnOf(f.Region, f.Account, "firewall", f.Name) }

func firewallKey(c *service.Call, name string) string { return keyPrefix(c) + name }

// Firewall is the API's Firewall.
type Firewall struct {
	FirewallName                   string
	FirewallArn                    string
	FirewallPolicyArn              string
	VpcId                          string
	SubnetMappings                 []SubnetMapping
	DeleteProtection               bool
	SubnetChangeProtection         bool
	FirewallPolicyChangeProtection bool
	Description                    *string
	FirewallId                     string
	Tags                           []Tag
	EncryptionConfiguration        *EncryptionConfiguration
}

// FirewallStatus is the API's FirewallStatus.
type FirewallStatus struct {
	Status                        string
	ConfigurationSyncStateSummary string
	SyncStates                    map[string]SyncState
}

// SyncState is one Availability Zone's endpoint and configuration state.
type SyncState struct {
	Attachment *Attachment
	Config     map[string]PerObjectStatus
}

// Attachment is a firewall endpoint in a subnet.
type Attachment struct {
	SubnetId   string
	EndpointId string
	Status     string
}

// PerObjectStatus is the sync state of the policy or a rule group.
type PerObjectStatus struct {
	SyncStatus  string
	UpdateToken string
}

func (f *firewallRecord) firewall() *Firewall {
	tags := f.Tags
	if tags == nil {
		tags = []Tag{}
	}
	return &Firewall{FirewallName: f.Name, FirewallArn: f.arn(), FirewallPolicyArn: f.PolicyArn, VpcId: f.VpcId, SubnetMappings: f.SubnetMappings,
		DeleteProtection: f.DeleteProtection, SubnetChangeProtection: f.SubnetChangeProtection, FirewallPolicyChangeProtection: f.FirewallPolicyChangeProtection,
		Description: f.Description, FirewallId: f.ID, Tags: tags, EncryptionConfiguration: f.Encryption}
}

// availabilityZone is the i-th zone of a region: moat does not read the
// subnets' zones, so each subnet gets the first free letter (a, b, c...).
func availabilityZone(region string, i int) string { return fmt.Sprintf("%s%c", region, 'a'+i%26) }

func endpointID(firewallID, subnet string) string {
	h := sha256.Sum256([]byte(firewallID + "/" + subnet))
	return "vpce-" + hex.EncodeToString(h[:])[:17]
}

// status is the firewall's status: READY at once (moat provisions nothing),
// each endpoint READY and each object of its policy IN_SYNC.
func (f *firewallRecord) status(tx store.Tx, c *service.Call, status string) (*FirewallStatus, error) {
	config := map[string]PerObjectStatus{}
	if _, p, err := loadPolicy(tx, c, f.PolicyArn, nil); err == nil {
		config[p.arn()] = PerObjectStatus{SyncStatus: "IN_SYNC", UpdateToken: p.Token}
		refs := []string{}
		for _, r := range p.Policy.StatelessRuleGroupReferences {
			refs = append(refs, r.ResourceArn)
		}
		for _, r := range p.Policy.StatefulRuleGroupReferences {
			refs = append(refs, r.ResourceArn)
		}
		for _, arn := range refs {
			if _, g, err := (&RuleGroupRef{RuleGroupArn: &arn}).load(tx, c); err == nil {
				config[arn] = PerObjectStatus{SyncStatus: "IN_SYNC", UpdateToken: g.Token}
			}
		}
	} else if !notFound.Is(err) {
		return nil, err
	}
	st := &FirewallStatus{Status: status, ConfigurationSyncStateSummary: "IN_SYNC", SyncStates: map[string]SyncState{}}
	for i, m := range f.SubnetMappings {
		az, ok := f.Zones[m.SubnetId]
		if !ok {
			az = availabilityZone(f.Region, i)
		}
		st.SyncStates[az] = SyncState{
			Attachment: &Attachment{SubnetId: m.SubnetId, EndpointId: endpointID(f.ID, m.SubnetId), Status: map[string]string{"READY": "READY", "DELETING": "DELETING"}[status]},
			Config:     config,
		}
	}
	return st, nil
}

func firewallOps() []*service.Operation {
	res := func(c *service.Call, arn, name *string) (string, error) {
		if arn != nil {
			return *arn, nil
		}
		if name == nil {
			return "", invalidRequest.New("FirewallArn or FirewallName: one of them is required")
		}
		return arnOf(c.Region, c.Account(), "firewall", *name), nil
	}
	return []*service.Operation{
		service.Op("CreateFirewall", "network-firewall:CreateFirewall", createFirewall,
			service.Resource(func(_ context.Context, c *service.Call, in *CreateFirewallInput) (string, error) {
				return arnOf(c.Region, c.Account(), "firewall", in.FirewallName), nil
			})),
		service.Op("DescribeFirewall", "network-firewall:DescribeFirewall", describeFirewall, service.ReadOnly[FirewallRef](),
			service.Resource(func(_ context.Context, c *service.Call, in *FirewallRef) (string, error) {
				return res(c, in.FirewallArn, in.FirewallName)
			})),
		service.Op("DeleteFirewall", "network-firewall:DeleteFirewall", deleteFirewall,
			service.Resource(func(_ context.Context, c *service.Call, in *FirewallRef) (string, error) {
				return res(c, in.FirewallArn, in.FirewallName)
			})),
		service.Op("ListFirewalls", "network-firewall:ListFirewalls", listFirewalls, service.ReadOnly[ListFirewallsInput]()),
		service.Op("UpdateFirewallDeleteProtection", "network-firewall:UpdateFirewallDeleteProtection", updateDeleteProtection,
			service.Resource(func(_ context.Context, c *service.Call, in *UpdateFirewallDeleteProtectionInput) (string, error) {
				return res(c, in.FirewallArn, in.FirewallName)
			})),
		service.Op("AssociateFirewallPolicy", "network-firewall:AssociateFirewallPolicy", associatePolicy,
			service.Resource(func(_ context.Context, c *service.Call, in *AssociateFirewallPolicyInput) (string, error) {
				return res(c, in.FirewallArn, in.FirewallName)
			})),
		service.Op("UpdateLoggingConfiguration", "network-firewall:UpdateLoggingConfiguration", updateLogging,
			service.Resource(func(_ context.Context, c *service.Call, in *UpdateLoggingConfigurationInput) (string, error) {
				return res(c, in.FirewallArn, in.FirewallName)
			})),
		service.Op("DescribeLoggingConfiguration", "network-firewall:DescribeLoggingConfiguration", describeLogging, service.ReadOnly[FirewallRef](),
			service.Resource(func(_ context.Context, c *service.Call, in *FirewallRef) (string, error) {
				return res(c, in.FirewallArn, in.FirewallName)
			})),
	}
}

// CreateFirewallInput is the CreateFirewall request.
type CreateFirewallInput struct {
	FirewallName                   string `aws:",required"`
	FirewallPolicyArn              string `aws:",required"`
	VpcId                          string `aws:",required"`
	SubnetMappings                 []SubnetMapping
	DeleteProtection               bool
	SubnetChangeProtection         bool
	FirewallPolicyChangeProtection bool
	Description                    *string
	Tags                           []Tag
	EncryptionConfiguration        *EncryptionConfiguration
}

// FirewallOutput is the CreateFirewall and DeleteFirewall response.
type FirewallOutput struct {
	Firewall       *Firewall
	FirewallStatus *FirewallStatus
}

func checkSubnets(ms []SubnetMapping) error {
	if len(ms) == 0 {
		return invalidRequest.New("SubnetMappings: at least one subnet is required")
	}
	seen := map[string]bool{}
	for i, m := range ms {
		if !subnetRE.MatchString(m.SubnetId) || len(m.SubnetId) > 128 {
			return invalidRequest.New("SubnetMappings[%d].SubnetId: %q is not a subnet ID (subnet-...)", i, m.SubnetId)
		}
		if seen[m.SubnetId] {
			return invalidRequest.New("SubnetMappings[%d].SubnetId: %s is listed twice", i, m.SubnetId)
		}
		seen[m.SubnetId] = true
		if t := m.IPAddressType; t != nil && *t != "IPV4" && *t != "IPV6" && *t != "DUALSTACK" {
			return invalidRequest.New("SubnetMappings[%d].IPAddressType: %q is not IPV4, IPV6 or DUALSTACK", i, *t)
		}
	}
	return nil
}

func createFirewall(ctx context.Context, c *service.Call, in *CreateFirewallInput) (*FirewallOutput, error) {
	if err := checkName("FirewallName", in.FirewallName); err != nil {
		return nil, err
	}
	if !vpcRE.MatchString(in.VpcId) || len(in.VpcId) > 128 {
		return nil, invalidRequest.New("VpcId: %q is not a VPC ID (vpc-...)", in.VpcId)
	}
	if err := checkSubnets(in.SubnetMappings); err != nil {
		return nil, err
	}
	if err := checkDescription(in.Description); err != nil {
		return nil, err
	}
	if err := checkTags(in.Tags); err != nil {
		return nil, err
	}
	enc, err := defaultEncryption(in.EncryptionConfiguration)
	if err != nil {
		return nil, err
	}
	var out *FirewallOutput
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, _, err := loadPolicy(tx, c, in.FirewallPolicyArn, nil); err != nil {
			if notFound.Is(err) {
				return invalidRequest.New("FirewallPolicyArn: firewall policy %s does not exist", in.FirewallPolicyArn)
			}
			return err
		}
		key := firewallKey(c, in.FirewallName)
		if found, err := getJSON(tx, TableFirewalls, key, &firewallRecord{}); err != nil {
			return err
		} else if found {
			return invalidRequest.New("A firewall named %s already exists", in.FirewallName)
		}
		n := 0
		if err := tx.Scan(TableFirewalls, keyPrefix(c), "", 0, func(string, []byte) error { n++; return nil }); err != nil {
			return err
		}
		if n >= maxFirewalls {
			return limitExceeded.New("You can have at most %d firewalls per account and Region", maxFirewalls)
		}
		f := &firewallRecord{Name: in.FirewallName, ID: uuid.NewString(), Account: c.Account(), Region: c.Region, PolicyArn: in.FirewallPolicyArn,
			VpcId: in.VpcId, SubnetMappings: in.SubnetMappings, DeleteProtection: in.DeleteProtection, SubnetChangeProtection: in.SubnetChangeProtection,
			FirewallPolicyChangeProtection: in.FirewallPolicyChangeProtection, Description: in.Description, Tags: in.Tags, Token: newToken(), Encryption: enc,
			Logging: LoggingConfiguration{LogDestinationConfigs: []LogDestinationConfig{}}}
		f.assignZones()
		st, err := f.status(tx, c, "READY")
		if err != nil {
			return err
		}
		out = &FirewallOutput{Firewall: f.firewall(), FirewallStatus: st}
		return putJSON(tx, TableFirewalls, key, f)
	})
	return out, err
}

// FirewallRef names a firewall by ARN or name.
type FirewallRef struct {
	FirewallName *string
	FirewallArn  *string
}

func (r *FirewallRef) load(tx store.Tx, c *service.Call) (string, *firewallRecord, error) {
	var arn string
	switch {
	case r.FirewallArn != nil:
		arn = *r.FirewallArn
	case r.FirewallName != nil:
		arn = arnOf(c.Region, c.Account(), "firewall", *r.FirewallName)
	default:
		return "", nil, invalidRequest.New("FirewallArn or FirewallName: one of them is required")
	}
	p, ok := parseARN(arn)
	if !ok || p.Kind != "firewall" {
		return "", nil, invalidRequest.New("FirewallArn: %q is not a firewall ARN", arn)
	}
	if r.FirewallName != nil && *r.FirewallName != p.Name {
		return "", nil, invalidRequest.New("FirewallName %q does not match FirewallArn %q", *r.FirewallName, arn)
	}
	var f firewallRecord
	found := false
	key := firewallKey(c, p.Name)
	if p.Account == c.Account() && p.Region == c.Region {
		var err error
		if found, err = getJSON(tx, TableFirewalls, key, &f); err != nil {
			return "", nil, err
		}
	}
	if !found {
		return "", nil, notFound.New("Firewall %s not found", arn)
	}
	return key, &f, nil
}

// DescribeFirewallOutput is the DescribeFirewall response.
type DescribeFirewallOutput struct {
	UpdateToken    string
	Firewall       *Firewall
	FirewallStatus *FirewallStatus
}

func describeFirewall(ctx context.Context, c *service.Call, in *FirewallRef) (*DescribeFirewallOutput, error) {
	var out *DescribeFirewallOutput
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		_, f, err := in.load(tx, c)
		if err != nil {
			return err
		}
		st, err := f.status(tx, c, "READY")
		if err != nil {
			return err
		}
		out = &DescribeFirewallOutput{UpdateToken: f.Token, Firewall: f.firewall(), FirewallStatus: st}
		return nil
	})
	return out, err
}

func deleteFirewall(ctx context.Context, c *service.Call, in *FirewallRef) (*FirewallOutput, error) {
	var out *FirewallOutput
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		key, f, err := in.load(tx, c)
		if err != nil {
			return err
		}
		if f.DeleteProtection {
			return invalidOperation.New("Unable to delete firewall %s: delete protection is enabled (UpdateFirewallDeleteProtection turns it off)", f.arn())
		}
		st, err := f.status(tx, c, "DELETING")
		if err != nil {
			return err
		}
		out = &FirewallOutput{Firewall: f.firewall(), FirewallStatus: st}
		return tx.Delete(TableFirewalls, key)
	})
	return out, err
}

// ListFirewallsInput is the ListFirewalls request.
type ListFirewallsInput struct {
	NextToken  *string
	VpcIds     []string
	MaxResults *int32
}

// FirewallMetadata is one listed firewall.
type FirewallMetadata struct {
	FirewallName string
	FirewallArn  string
}

// ListFirewallsOutput is the ListFirewalls response.
type ListFirewallsOutput struct {
	NextToken *string
	Firewalls []FirewallMetadata
}

func listFirewalls(ctx context.Context, c *service.Call, in *ListFirewallsInput) (*ListFirewallsOutput, error) {
	out := &ListFirewallsOutput{Firewalls: []FirewallMetadata{}}
	vpcs := map[string]bool{}
	for _, v := range in.VpcIds {
		vpcs[v] = true
	}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		var err error
		out.NextToken, err = page(tx, TableFirewalls, keyPrefix(c), in.MaxResults, in.NextToken, func(_ string, v []byte) (bool, error) {
			var f firewallRecord
			if err := json.Unmarshal(v, &f); err != nil {
				return false, err
			}
			if len(vpcs) > 0 && !vpcs[f.VpcId] {
				return false, nil
			}
			out.Firewalls = append(out.Firewalls, FirewallMetadata{FirewallName: f.Name, FirewallArn: f.arn()})
			return true, nil
		})
		return err
	})
	return out, err
}

// UpdateFirewallDeleteProtectionInput is the UpdateFirewallDeleteProtection request.
type UpdateFirewallDeleteProtectionInput struct {
	UpdateToken *string
	FirewallRef
	DeleteProtection *bool `aws:",required"`
}

// UpdateFirewallDeleteProtectionOutput is its response.
type UpdateFirewallDeleteProtectionOutput struct {
	FirewallArn      string
	FirewallName     string
	DeleteProtection bool
	UpdateToken      string
}

// updateFirewall loads a firewall, checks the optional UpdateToken, lets
// change modify it and stores it with a new token, in one transaction.
func updateFirewall(ctx context.Context, c *service.Call, ref *FirewallRef, token *string, change func(tx store.Tx, f *firewallRecord) error) (*firewallRecord, error) {
	var out *firewallRecord
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		key, f, err := ref.load(tx, c)
		if err != nil {
			return err
		}
		if token != nil {
			if err := checkToken(*token, f.Token); err != nil {
				return err
			}
		}
		if err := change(tx, f); err != nil {
			return err
		}
		f.Token = newToken()
		out = f
		return putJSON(tx, TableFirewalls, key, f)
	})
	return out, err
}

func updateDeleteProtection(ctx context.Context, c *service.Call, in *UpdateFirewallDeleteProtectionInput) (*UpdateFirewallDeleteProtectionOutput, error) {
	f, err := updateFirewall(ctx, c, &in.FirewallRef, in.UpdateToken, func(_ store.Tx, f *firewallRecord) error {
		f.DeleteProtection = *in.DeleteProtection
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateFirewallDeleteProtectionOutput{FirewallArn: f.arn(), FirewallName: f.Name, DeleteProtection: f.DeleteProtection, UpdateToken: f.Token}, nil
}

// AssociateFirewallPolicyInput is the AssociateFirewallPolicy request.
type AssociateFirewallPolicyInput struct {
	UpdateToken *string
	FirewallRef
	FirewallPolicyArn string `aws:",required"`
}

// AssociateFirewallPolicyOutput is its response.
type AssociateFirewallPolicyOutput struct {
	FirewallArn       string
	FirewallName      string
	FirewallPolicyArn string
	UpdateToken       string
}

func associatePolicy(ctx context.Context, c *service.Call, in *AssociateFirewallPolicyInput) (*AssociateFirewallPolicyOutput, error) {
	f, err := updateFirewall(ctx, c, &in.FirewallRef, in.UpdateToken, func(tx store.Tx, f *firewallRecord) error {
		if f.FirewallPolicyChangeProtection {
			return invalidOperation.New("Unable to change the firewall policy of %s: firewall policy change protection is enabled", f.arn())
		}
		if _, _, err := loadPolicy(tx, c, in.FirewallPolicyArn, nil); err != nil {
			return err
		}
		f.PolicyArn = in.FirewallPolicyArn
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &AssociateFirewallPolicyOutput{FirewallArn: f.arn(), FirewallName: f.Name, FirewallPolicyArn: f.PolicyArn, UpdateToken: f.Token}, nil
}

// UpdateLoggingConfigurationInput is the UpdateLoggingConfiguration request.
type UpdateLoggingConfigurationInput struct {
	FirewallRef
	LoggingConfiguration *LoggingConfiguration
}

// LoggingOutput is the UpdateLoggingConfiguration response.
type LoggingOutput struct {
	FirewallArn          string
	FirewallName         string
	LoggingConfiguration *LoggingConfiguration
}

var logDestinationKey = map[string]string{"S3": "bucketName", "CloudWatchLogs": "logGroup", "KinesisDataFirehose": "deliveryStream"}

// checkLogging validates a logging configuration and that it differs from
// the current one by one change at most: Network Firewall adds, removes
// or changes one log destination per call.
func checkLogging(old, cur []LogDestinationConfig) error {
	byType := map[string]LogDestinationConfig{}
	for i, d := range cur {
		switch d.LogType {
		case "ALERT", "FLOW", "TLS":
		default:
			return invalidRequest.New("LoggingConfiguration.LogDestinationConfigs[%d].LogType: %q is not ALERT, FLOW or TLS", i, d.LogType)
		}
		k, ok := logDestinationKey[d.LogDestinationType]
		if !ok {
			return invalidRequest.New("LoggingConfiguration.LogDestinationConfigs[%d].LogDestinationType: %q is not S3, CloudWatchLogs or KinesisDataFirehose", i, d.LogDestinationType)
		}
		if d.LogDestination[k] == "" {
			return invalidRequest.New("LoggingConfiguration.LogDestinationConfigs[%d].LogDestination: %s requires the key %q", i, d.LogDestinationType, k)
		}
		if _, dup := byType[d.LogType]; dup {
			return invalidRequest.New("LoggingConfiguration.LogDestinationConfigs[%d]: log type %s has a destination already", i, d.LogType)
		}
		byType[d.LogType] = d
	}
	changes := 0
	seen := map[string]bool{}
	for _, o := range old {
		seen[o.LogType] = true
		n, ok := byType[o.LogType]
		switch {
		case !ok:
			changes++
		case n.LogDestinationType != o.LogDestinationType:
			return invalidRequest.New("LoggingConfiguration: the destination type of %s logs cannot change (remove the destination, then add the new one)", o.LogType)
		case !sameMap(n.LogDestination, o.LogDestination):
			changes++
		}
	}
	for t := range byType {
		if !seen[t] {
			changes++
		}
	}
	if changes > 1 {
		return invalidRequest.New("LoggingConfiguration: one log destination can be added, removed or changed per call (this call makes %d changes)", changes)
	}
	return nil
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func updateLogging(ctx context.Context, c *service.Call, in *UpdateLoggingConfigurationInput) (*LoggingOutput, error) {
	f, err := updateFirewall(ctx, c, &in.FirewallRef, nil, func(_ store.Tx, f *firewallRecord) error {
		cur := []LogDestinationConfig{}
		if in.LoggingConfiguration != nil && in.LoggingConfiguration.LogDestinationConfigs != nil {
			cur = in.LoggingConfiguration.LogDestinationConfigs
		}
		if err := checkLogging(f.Logging.LogDestinationConfigs, cur); err != nil {
			return err
		}
		sort.SliceStable(cur, func(i, j int) bool { return cur[i].LogType < cur[j].LogType })
		f.Logging.LogDestinationConfigs = cur
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &LoggingOutput{FirewallArn: f.arn(), FirewallName: f.Name, LoggingConfiguration: &f.Logging}, nil
}

// DescribeLoggingConfigurationOutput is its response.
type DescribeLoggingConfigurationOutput struct {
	FirewallArn          string
	LoggingConfiguration *LoggingConfiguration
}

func describeLogging(ctx context.Context, c *service.Call, in *FirewallRef) (*DescribeLoggingConfigurationOutput, error) {
	var out *DescribeLoggingConfigurationOutput
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		_, f, err := in.load(tx, c)
		if err != nil {
			return err
		}
		if f.Logging.LogDestinationConfigs == nil {
			f.Logging.LogDestinationConfigs = []LogDestinationConfig{}
		}
		out = &DescribeLoggingConfigurationOutput{FirewallArn: f.arn(), LoggingConfiguration: &f.Logging}
		return nil
	})
	return out, err
}
