package securityhub

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strings"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/posture"
)

// Standards: the ones moat's posture engine evaluates. EnableSecurityHub
// enables the defaults (FSBP and CIS v3.0.0: AWS's defaults are FSBP and
// CIS v1.2.0, which moat does not have; said in RATIONALE.md).

var knownStandards = []string{posture.StandardFSBP, posture.StandardCIS300, posture.StandardCIS140}

func standardsARN(region, std string) string {
	return "arn:aws:securityhub:" + region + "::standards/" + std
}

func standardOf(arn string) (string, bool) {
	i := strings.Index(arn, "standards/")
	if i < 0 {
		return "", false
	}
	std := arn[i+len("standards/"):]
	return std, slices.Contains(knownStandards, std)
}

func standardsOps() []*service.Operation {
	return append([]*service.Operation{
		service.Op("DescribeStandards", "securityhub:DescribeStandards", describeStandards, service.ReadOnly[struct{}]()),
		service.Op("GetEnabledStandards", "securityhub:GetEnabledStandards", getEnabledStandards, service.ReadOnly[GetEnabledStandardsInput]()),
		service.Op("BatchEnableStandards", "securityhub:BatchEnableStandards", batchEnableStandards),
		service.Op("BatchDisableStandards", "securityhub:BatchDisableStandards", batchDisableStandards),
	}, controlOps()...)
}

// Standard is Security Hub's Standard shape.
type Standard struct {
	StandardsArn     string
	Name             string
	EnabledByDefault bool
}

// DescribeStandardsOutput is Security Hub's DescribeStandards response.
type DescribeStandardsOutput struct{ Standards []Standard }

func describeStandards(_ context.Context, c *service.Call, _ *struct{}) (*DescribeStandardsOutput, error) {
	out := &DescribeStandardsOutput{}
	for _, std := range knownStandards {
		out.Standards = append(out.Standards, Standard{StandardsArn: standardsARN(c.Region, std), Name: posture.StandardNames[std], EnabledByDefault: std != posture.StandardCIS140})
	}
	return out, nil
}

// StandardsSubscription is Security Hub's StandardsSubscription shape.
type StandardsSubscription struct {
	StandardsSubscriptionArn string
	StandardsArn             string
	StandardsStatus          string
}

// GetEnabledStandardsInput is Security Hub's GetEnabledStandards request.
type GetEnabledStandardsInput struct {
	StandardsSubscriptionArns []string
}

// EnabledStandardsOutput is the response of GetEnabledStandards and Batch{En,Dis}ableStandards.
type EnabledStandardsOutput struct {
	StandardsSubscriptions []StandardsSubscription
}

func subscription(c *service.Call, std, status string) StandardsSubscription {
	return StandardsSubscription{StandardsSubscriptionArn: "arn:aws:securityhub:" + c.Region + ":" + c.Account() + ":subscription/" + std,
		StandardsArn: standardsARN(c.Region, std), StandardsStatus: status}
}

func loadHub(tx store.Tx, c *service.Call) (*hub, error) {
	b, err := tx.Get(TableHubs, hubKey(c.Account(), c.Region))
	if errors.Is(err, store.ErrNotFound) {
		return nil, notSubscribed(c)
	}
	if err != nil {
		return nil, err
	}
	var h hub
	return &h, json.Unmarshal(b, &h)
}

func getEnabledStandards(ctx context.Context, c *service.Call, _ *GetEnabledStandardsInput) (*EnabledStandardsOutput, error) {
	out := &EnabledStandardsOutput{StandardsSubscriptions: []StandardsSubscription{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		h, err := loadHub(tx, c)
		if err != nil {
			return err
		}
		for _, std := range h.Standards {
			out.StandardsSubscriptions = append(out.StandardsSubscriptions, subscription(c, std, "READY"))
		}
		return nil
	})
	return out, err
}

// StandardsSubscriptionRequest is Security Hub's StandardsSubscriptionRequest shape.
type StandardsSubscriptionRequest struct{ StandardsArn string }

// BatchEnableStandardsInput is Security Hub's BatchEnableStandards request.
type BatchEnableStandardsInput struct {
	StandardsSubscriptionRequests []StandardsSubscriptionRequest `aws:",required"`
}

func batchEnableStandards(ctx context.Context, c *service.Call, in *BatchEnableStandardsInput) (*EnabledStandardsOutput, error) {
	out := &EnabledStandardsOutput{StandardsSubscriptions: []StandardsSubscription{}}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		h, err := loadHub(tx, c)
		if err != nil {
			return err
		}
		for _, r := range in.StandardsSubscriptionRequests {
			std, ok := standardOf(r.StandardsArn)
			if !ok {
				return invalidInput.New("The standard %s is not supported (moat evaluates %s).", r.StandardsArn, strings.Join(knownStandards, ", "))
			}
			if !slices.Contains(h.Standards, std) {
				h.Standards = append(h.Standards, std)
			}
			out.StandardsSubscriptions = append(out.StandardsSubscriptions, subscription(c, std, "PENDING"))
		}
		return saveHub(tx, c, h)
	})
	return out, err
}

// BatchDisableStandardsInput is Security Hub's BatchDisableStandards request.
type BatchDisableStandardsInput struct {
	StandardsSubscriptionArns []string `aws:",required"`
}

func batchDisableStandards(ctx context.Context, c *service.Call, in *BatchDisableStandardsInput) (*EnabledStandardsOutput, error) {
	out := &EnabledStandardsOutput{StandardsSubscriptions: []StandardsSubscription{}}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		h, err := loadHub(tx, c)
		if err != nil {
			return err
		}
		for _, arn := range in.StandardsSubscriptionArns {
			std := arn[strings.LastIndex(arn, ":subscription/")+len(":subscription/"):]
			h.Standards = slices.DeleteFunc(h.Standards, func(s string) bool { return s == std })
			out.StandardsSubscriptions = append(out.StandardsSubscriptions, subscription(c, std, "DELETING"))
		}
		return saveHub(tx, c, h)
	})
	return out, err
}

func saveHub(tx store.Tx, c *service.Call, h *hub) error {
	b, err := json.Marshal(h)
	if err != nil {
		return err
	}
	return tx.Put(TableHubs, hubKey(c.Account(), c.Region), b)
}

// Hub names an account's Security Hub in a region.
type Hub struct{ Account, Region string }

// HubsWithStandards lists the hubs that have at least one standard enabled.
func HubsWithStandards(ctx context.Context, st store.Store) ([]Hub, error) {
	var out []Hub
	err := st.View(ctx, func(tx store.Tx) error {
		return tx.Scan(TableHubs, "", "", 0, func(k string, b []byte) error {
			var h hub
			if err := json.Unmarshal(b, &h); err != nil {
				return err
			}
			if len(h.Standards) > 0 {
				acct, region, _ := strings.Cut(k, "/")
				out = append(out, Hub{Account: acct, Region: region})
			}
			return nil
		})
	})
	return out, err
}
