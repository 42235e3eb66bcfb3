package securityhub

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/posture"
)

// A standard's controls (DescribeStandardsControls) and turning one off or
// on (UpdateStandardsControl). A control disabled in every enabled standard
// that has it is not evaluated: its findings are not imported and it does
// not count towards the score, as in Security Hub.

// TableControlStatus holds controls turned off: account/region/standards
// control ARN → controlStatus.
const TableControlStatus = "securityhub.controlstatus"

type controlStatus struct {
	Status, Reason string
	Updated        time.Time
}

func controlOps() []*service.Operation {
	return []*service.Operation{
		service.Op("DescribeStandardsControls", "securityhub:DescribeStandardsControls", describeStandardsControls, service.ReadOnly[DescribeStandardsControlsInput]()),
		service.Op("UpdateStandardsControl", "securityhub:UpdateStandardsControl", updateStandardsControl,
			service.Resource(func(_ context.Context, _ *service.Call, in *UpdateStandardsControlInput) (string, error) {
				return in.StandardsControlArn, nil
			})),
	}
}

// standardsControlARN is a control's ARN in a standard:
// arn:aws:securityhub:REGION:ACCOUNT:control/STANDARD/ID.
func standardsControlARN(region, account, std, id string) string {
	return "arn:aws:securityhub:" + region + ":" + account + ":control/" + std + "/" + id
}

// StandardsControl is Security Hub's StandardsControl shape.
type StandardsControl struct {
	StandardsControlArn    string
	ControlStatus          string
	DisabledReason         string `aws:",omitempty"`
	ControlStatusUpdatedAt time.Time
	ControlId              string
	Title                  string
	Description            string
	RemediationUrl         string `aws:",omitempty"`
	SeverityRating         string
	RelatedRequirements    []string
}

// DescribeStandardsControlsInput is Security Hub's DescribeStandardsControls request.
type DescribeStandardsControlsInput struct {
	StandardsSubscriptionArn string  `aws:"StandardsSubscriptionArn,location=uri"`
	MaxResults               *int    `aws:"MaxResults,location=querystring"`
	NextToken                *string `aws:"NextToken,location=querystring"`
}

// DescribeStandardsControlsOutput is Security Hub's DescribeStandardsControls response.
type DescribeStandardsControlsOutput struct {
	Controls  []StandardsControl
	NextToken *string `aws:",omitempty"`
}

// subscribedStandard checks a subscription ARN of the caller's hub.
func subscribedStandard(tx store.Tx, c *service.Call, arn string) (string, error) {
	prefix := "arn:aws:securityhub:" + c.Region + ":" + c.Account() + ":subscription/"
	std, ok := strings.CutPrefix(arn, prefix)
	h, err := loadHub(tx, c)
	if err != nil {
		return "", err
	}
	if !ok || !contains(h.Standards, std) {
		return "", errNotFound("Standards subscription " + arn + " not found")
	}
	return std, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func errNotFound(msg string) error { return resourceNotFound.New("%s", msg) }

func describeStandardsControls(ctx context.Context, c *service.Call, in *DescribeStandardsControlsInput) (*DescribeStandardsControlsOutput, error) {
	max := 100
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 100 {
			return nil, invalidInput.New("MaxResults must be between 1 and 100")
		}
		max = *in.MaxResults
	}
	out := &DescribeStandardsControlsOutput{Controls: []StandardsControl{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		std, err := subscribedStandard(tx, c, in.StandardsSubscriptionArn)
		if err != nil {
			return err
		}
		type entry struct {
			id string
			ct *posture.Control
		}
		var entries []entry
		for _, ct := range posture.Controls() {
			for _, r := range ct.Requirements {
				if r.Standard == std {
					entries = append(entries, entry{r.ID, ct})
				}
			}
		}
		sort.Slice(entries, func(i, j int) bool { return entries[i].id < entries[j].id })
		start := 0
		if in.NextToken != nil {
			for i, e := range entries {
				if e.id == *in.NextToken {
					start = i
				}
			}
		}
		for i := start; i < len(entries); i++ {
			if len(out.Controls) == max {
				tok := entries[i].id
				out.NextToken = &tok
				break
			}
			e := entries[i]
			arn := standardsControlARN(c.Region, c.Account(), std, e.id)
			sc := StandardsControl{StandardsControlArn: arn, ControlStatus: "ENABLED", ControlId: e.id, Title: e.ct.Title, Description: e.ct.Title,
				RemediationUrl: e.ct.RemediationURL, SeverityRating: e.ct.Severity, RelatedRequirements: []string{}}
			if st, ok, err := loadControlStatus(tx, c.Account(), c.Region, arn); err != nil {
				return err
			} else if ok {
				sc.ControlStatus, sc.DisabledReason, sc.ControlStatusUpdatedAt = st.Status, st.Reason, st.Updated
			}
			out.Controls = append(out.Controls, sc)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func loadControlStatus(tx store.Tx, account, region, arn string) (controlStatus, bool, error) {
	b, err := tx.Get(TableControlStatus, account+"/"+region+"/"+arn)
	if errors.Is(err, store.ErrNotFound) {
		return controlStatus{}, false, nil
	}
	if err != nil {
		return controlStatus{}, false, err
	}
	var st controlStatus
	return st, true, json.Unmarshal(b, &st)
}

// UpdateStandardsControlInput is Security Hub's UpdateStandardsControl request.
type UpdateStandardsControlInput struct {
	StandardsControlArn string  `aws:"StandardsControlArn,location=uri"`
	ControlStatus       *string `aws:"ControlStatus"`
	DisabledReason      *string `aws:"DisabledReason"`
}

func updateStandardsControl(ctx context.Context, c *service.Call, in *UpdateStandardsControlInput) (*struct{}, error) {
	status := "ENABLED"
	if in.ControlStatus != nil {
		status = *in.ControlStatus
	}
	reason := ""
	if in.DisabledReason != nil {
		reason = *in.DisabledReason
	}
	switch {
	case status != "ENABLED" && status != "DISABLED":
		return nil, invalidInput.New("ControlStatus must be ENABLED or DISABLED")
	case status == "DISABLED" && strings.TrimSpace(reason) == "":
		return nil, invalidInput.New("DisabledReason is required when ControlStatus is DISABLED")
	case status == "ENABLED" && reason != "":
		return nil, invalidInput.New("DisabledReason can only be provided when ControlStatus is DISABLED")
	}
	prefix := "arn:aws:securityhub:" + c.Region + ":" + c.Account() + ":control/"
	rest, ok := strings.CutPrefix(in.StandardsControlArn, prefix)
	i := strings.LastIndexByte(rest, '/')
	if !ok || i < 0 {
		return nil, invalidInput.New("Invalid StandardsControlArn %s", in.StandardsControlArn)
	}
	std, id := rest[:i], rest[i+1:]
	return nil, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		h, err := loadHub(tx, c)
		if err != nil {
			return err
		}
		if !contains(h.Standards, std) || !hasRequirement(std, id) {
			return errNotFound("Control " + in.StandardsControlArn + " not found")
		}
		key := c.Account() + "/" + c.Region + "/" + in.StandardsControlArn
		if status == "ENABLED" {
			if err := tx.Delete(TableControlStatus, key); err != nil && !errors.Is(err, store.ErrNotFound) {
				return err
			}
			return nil
		}
		b, _ := json.Marshal(controlStatus{Status: status, Reason: reason, Updated: c.Now.UTC()})
		return tx.Put(TableControlStatus, key, b)
	})
}

func hasRequirement(std, id string) bool {
	for _, ct := range posture.Controls() {
		for _, r := range ct.Requirements {
			if r.Standard == std && r.ID == id {
				return true
			}
		}
	}
	return false
}

// EnabledControls reports, for an account's hub in a region, whether each
// posture control is enabled in at least one of the hub's standards that
// has it: the controls Security Hub evaluates. Controls in no enabled
// standard are left out of the map.
func EnabledControls(ctx context.Context, st store.Store, account, region string) (map[string]bool, error) {
	out := map[string]bool{}
	err := st.View(ctx, func(tx store.Tx) error {
		b, err := tx.Get(TableHubs, hubKey(account, region))
		if err != nil {
			return err
		}
		var h hub
		if err := json.Unmarshal(b, &h); err != nil {
			return err
		}
		for _, ct := range posture.Controls() {
			for _, r := range ct.Requirements {
				if !contains(h.Standards, r.Standard) {
					continue
				}
				_, disabled, err := loadControlStatus(tx, account, region, standardsControlARN(region, account, r.Standard, r.ID))
				if err != nil {
					return err
				}
				out[ct.ID] = out[ct.ID] || !disabled
			}
		}
		return nil
	})
	return out, err
}
