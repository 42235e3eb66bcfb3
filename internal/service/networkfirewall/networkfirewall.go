package networkfirewall

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Tables. Keys start with account/region, so state is per account and region.
const (
	TableRuleGroups = "networkfirewall.rulegroups" // account/region/TYPE/name → ruleGroupRecord
	TablePolicies   = "networkfirewall.policies"   // account/region/name → policyRecord
	TableFirewalls  = "networkfirewall.firewalls"  // account/region/name → firewallRecord
)

// Network Firewall's errors (API reference, "Errors"; botocore's model
// network-firewall/2020-11-12 lists which operation answers which).
var (
	invalidRequest   = awserr.Def{Code: "InvalidRequestException", Status: http.StatusBadRequest}
	invalidOperation = awserr.Def{Code: "InvalidOperationException", Status: http.StatusBadRequest}
	invalidToken     = awserr.Def{Code: "InvalidTokenException", Status: http.StatusBadRequest}
	notFound         = awserr.Def{Code: "ResourceNotFoundException", Status: http.StatusBadRequest}
	limitExceeded    = awserr.Def{Code: "LimitExceededException", Status: http.StatusBadRequest}
)

// Quotas (Network Firewall developer guide, "AWS Network Firewall quotas").
const (
	maxFirewalls          = 5
	maxPolicies           = 20
	maxStatefulGroups     = 50
	maxStatelessGroups    = 50
	maxGroupCapacity      = 30000
	maxPolicyStateful     = 30000 // stateful rules per firewall policy
	maxPolicyStateless    = 30000 // stateless capacity per firewall policy (the console's limit)
	maxRulesStringBytes   = 2000000
	maxSuricataRuleLength = 8192
	maxStatefulRefs       = 20
	maxStatelessRefs      = 20
	maxIPSetReferences    = 5 // per stateful rule group
)

var (
	nameRE  = regexp.MustCompile(`^[a-zA-Z0-9-]{1,128}$`)
	tokenRE = regexp.MustCompile(`^([0-9a-f]{8})-([0-9a-f]{4}-){3}([0-9a-f]{12})$`)
)

// New returns the Network Firewall service (json 1.0).
func New() *service.Service {
	var ops []*service.Operation
	ops = append(ops, ruleGroupOps()...)
	ops = append(ops, policyOps()...)
	ops = append(ops, firewallOps()...)
	ops = append(ops, firewallUpdateOps()...)
	ops = append(ops, tagOps()...)
	ops = append(ops, resourcePolicyOps()...)
	return &service.Service{
		Meta:        protocol.Service{Name: "network-firewall", Protocol: "json", JSONVersion: "1.0", TargetPrefix: "NetworkFirewall_20201112", APIVersion: "2020-11-12"},
		EventSource: "network-firewall.amazonaws.com",
		Ops:         service.Table(ops...),
	}
}

// Tag is the API's Tag.
type Tag struct {
	Key   string
	Value string
}

// EncryptionConfiguration is the API's EncryptionConfiguration (recorded).
type EncryptionConfiguration struct {
	KeyId *string
	Type  string
}

func defaultEncryption(e *EncryptionConfiguration) (*EncryptionConfiguration, error) {
	if e == nil {
		return &EncryptionConfiguration{Type: "AWS_OWNED_KMS_KEY"}, nil
	}
	switch e.Type {
	case "AWS_OWNED_KMS_KEY", "CUSTOMER_KMS":
	default:
		return nil, invalidRequest.New("EncryptionConfiguration.Type: %q is not AWS_OWNED_KMS_KEY or CUSTOMER_KMS", e.Type)
	}
	return e, nil
}

func arnOf(region, account, kind, name string) string {
	return "arn:aws:network-firewall:" + region + ":" + account + ":" + kind + "/" + name
}

// parsedARN is a Network Firewall ARN.
type parsedARN struct {
	Region, Account, Kind, Name string
}

// parseARN reads arn:aws:network-firewall:REGION:ACCOUNT:KIND/NAME.
func parseARN(s string) (parsedARN, bool) {
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" || parts[2] != "network-firewall" {
		return parsedARN{}, false
	}
	kind, name, ok := strings.Cut(parts[5], "/")
	if !ok || name == "" {
		return parsedARN{}, false
	}
	return parsedARN{Region: parts[3], Account: parts[4], Kind: kind, Name: name}, true
}

func checkName(field, name string) error {
	if !nameRE.MatchString(name) {
		return invalidRequest.New("%s: %q must be 1-128 characters of letters, digits and hyphens", field, name)
	}
	return nil
}

func checkDescription(d *string) error {
	if d != nil && (len(*d) > 512 || strings.ContainsAny(*d, "\n\r")) {
		return invalidRequest.New("Description: at most 512 characters on one line")
	}
	return nil
}

func checkTags(tags []Tag) error {
	if len(tags) > 200 {
		return invalidRequest.New("Tags: at most 200 tags")
	}
	seen := map[string]bool{}
	for i, t := range tags {
		if len(t.Key) < 1 || len(t.Key) > 128 {
			return invalidRequest.New("Tags[%d].Key: 1-128 characters", i)
		}
		if len(t.Value) > 256 {
			return invalidRequest.New("Tags[%d].Value: at most 256 characters", i)
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return invalidRequest.New("Tags[%d].Key: the aws: prefix is reserved for AWS use", i)
		}
		if seen[t.Key] {
			return invalidRequest.New("Tags: duplicate key %q", t.Key)
		}
		seen[t.Key] = true
	}
	return nil
}

// checkToken compares a caller's UpdateToken with the current one.
func checkToken(given, current string) error {
	if !tokenRE.MatchString(given) || given != current {
		return invalidToken.New("Update token is invalid or stale: describe the resource again to get the current UpdateToken")
	}
	return nil
}

func newToken() string { return uuid.NewString() }

// keyPrefix is the caller's part of every table.
func keyPrefix(c *service.Call) string { return c.Account() + "/" + c.Region + "/" }

func getJSON(tx store.Tx, table, key string, v any) (bool, error) {
	b, err := tx.Get(table, key)
	if errors.Is(err, store.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal(b, v)
}

func putJSON(tx store.Tx, table, key string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return tx.Put(table, key, b)
}

// page lists keys of table under prefix for MaxResults/NextToken: the token
// is the last key of the previous page (base64, as the API's token pattern
// allows). max <= 0 lists everything.
func page(tx store.Tx, table, prefix string, max *int32, next *string, keep func(key string, value []byte) (bool, error)) (*string, error) {
	after := ""
	if next != nil {
		b, err := base64.StdEncoding.DecodeString(*next)
		if err != nil || !strings.HasPrefix(string(b), prefix) {
			return nil, invalidRequest.New("NextToken: not a token this operation returned")
		}
		after = string(b)
	}
	limit := 0
	if max != nil {
		if *max < 1 || *max > 100 {
			return nil, invalidRequest.New("MaxResults: %d is outside 1-100", *max)
		}
		limit = int(*max)
	}
	n := 0
	var last string
	errFull := errors.New("full")
	err := tx.Scan(table, prefix, after, 0, func(key string, value []byte) error {
		if limit > 0 && n == limit {
			return errFull
		}
		ok, err := keep(key, value)
		if err != nil {
			return err
		}
		if ok {
			n++
			last = key
		}
		return nil
	})
	if errors.Is(err, errFull) {
		tok := base64.StdEncoding.EncodeToString([]byte(last))
		return &tok, nil
	}
	return nil, err
}

// epoch is how the API's timestamps go out (the json codec writes epoch seconds).
func timePtr(t time.Time) *time.Time { return &t }
