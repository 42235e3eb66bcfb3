package securityhub

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"strconv"
	"strings"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// Custom actions (action targets): a name and description under an id, at
// arn:aws:securityhub:REGION:ACCOUNT:action/custom/ID. Sending findings to
// one (the console's "Actions" menu, which emits the EventBridge event
// "Security Hub Findings - Custom Action") is not served yet: moat has no
// API for it and the bus event is left for the EventBridge work.

// maxActionTargets is the quota of custom actions per account per Region
// [unverified: AWS's quota page lists 50].
const maxActionTargets = 50

type actionTarget struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
}

func actionARN(region, account, id string) string {
	return "arn:aws:securityhub:" + region + ":" + account + ":action/custom/" + id
}

func actionKey(account, region, id string) string { return account + "/" + region + "/" + id }

var actionIDRE = regexp.MustCompile(`^[A-Za-z0-9]{1,20}$`)

func actionOps(hubARN func(context.Context, *service.Call) string) []*service.Operation {
	byARN := func(_ context.Context, _ *service.Call, arn string) (string, error) { return arn, nil }
	return []*service.Operation{
		service.Op("CreateActionTarget", "securityhub:CreateActionTarget", createActionTarget,
			service.Resource(func(ctx context.Context, c *service.Call, _ *CreateActionTargetInput) (string, error) {
				return hubARN(ctx, c), nil
			})),
		service.Op("DescribeActionTargets", "securityhub:DescribeActionTargets", describeActionTargets, service.ReadOnly[DescribeActionTargetsInput](),
			service.Resource(func(ctx context.Context, c *service.Call, _ *DescribeActionTargetsInput) (string, error) {
				return hubARN(ctx, c), nil
			})),
		service.Op("UpdateActionTarget", "securityhub:UpdateActionTarget", updateActionTarget,
			service.Resource(func(ctx context.Context, c *service.Call, in *UpdateActionTargetInput) (string, error) {
				return byARN(ctx, c, in.ActionTargetArn)
			})),
		service.Op("DeleteActionTarget", "securityhub:DeleteActionTarget", deleteActionTarget,
			service.Resource(func(ctx context.Context, c *service.Call, in *ActionTargetARNInput) (string, error) {
				return byARN(ctx, c, in.ActionTargetArn)
			})),
	}
}

// CreateActionTargetInput is Security Hub's CreateActionTarget request.
type CreateActionTargetInput struct {
	Name        *string `aws:"Name"`
	Description *string `aws:"Description"`
	ID          *string `aws:"Id"`
}

// ActionTargetARNOutput is CreateActionTarget's, UpdateActionTarget's and
// DeleteActionTarget's response.
type ActionTargetARNOutput struct {
	ActionTargetArn string `aws:"ActionTargetArn,omitempty"`
}

func checkActionName(name *string) error {
	if name == nil || strings.TrimSpace(*name) == "" {
		return invalidInput.New("Invalid parameter 'Name': it is required.")
	}
	if len([]rune(*name)) > 20 {
		return invalidInput.New("Invalid parameter 'Name': it must be at most 20 characters.")
	}
	return nil
}

func checkActionDescription(d *string) error {
	if d == nil || strings.TrimSpace(*d) == "" {
		return invalidInput.New("Invalid parameter 'Description': it is required.")
	}
	if len([]rune(*d)) > 256 {
		return invalidInput.New("Invalid parameter 'Description': it must be at most 256 characters.")
	}
	return nil
}

func createActionTarget(ctx context.Context, c *service.Call, in *CreateActionTargetInput) (*ActionTargetARNOutput, error) {
	if err := checkActionName(in.Name); err != nil {
		return nil, err
	}
	if err := checkActionDescription(in.Description); err != nil {
		return nil, err
	}
	if in.ID == nil || !actionIDRE.MatchString(*in.ID) {
		return nil, invalidInput.New("Invalid parameter 'Id': it must be 1 to 20 letters and digits.")
	}
	at := actionTarget{ID: *in.ID, Name: *in.Name, Description: *in.Description}
	arn := actionARN(c.Region, c.Account(), at.ID)
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if err := requireHub(tx, c); err != nil {
			return err
		}
		n := 0
		if err := tx.Scan(TableActionTargets, c.Account()+"/"+c.Region+"/", "", 0, func(string, []byte) error { n++; return nil }); err != nil {
			return err
		}
		if n >= maxActionTargets {
			return limitExceeded.New("The request was rejected because you have reached the limit of %d custom actions.", maxActionTargets)
		}
		b, _ := json.Marshal(&at)
		err := tx.Insert(TableActionTargets, actionKey(c.Account(), c.Region, at.ID), b)
		if errors.Is(err, store.ErrExists) {
			return resourceConflict.New("ActionTarget %s already exists.", arn)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &ActionTargetARNOutput{ActionTargetArn: arn}, nil
}

// loadAction reads the caller's action target with arn.
func loadAction(tx store.Tx, c *service.Call, arn string) (*actionTarget, error) {
	prefix := "arn:aws:securityhub:" + c.Region + ":" + c.Account() + ":action/custom/"
	id, ok := strings.CutPrefix(arn, prefix)
	if !ok || id == "" {
		return nil, resourceNotFound.New("ActionTarget %s not found.", arn)
	}
	b, err := tx.Get(TableActionTargets, actionKey(c.Account(), c.Region, id))
	if errors.Is(err, store.ErrNotFound) {
		return nil, resourceNotFound.New("ActionTarget %s not found.", arn)
	}
	if err != nil {
		return nil, err
	}
	var at actionTarget
	return &at, json.Unmarshal(b, &at)
}

// DescribeActionTargetsInput is Security Hub's DescribeActionTargets request.
type DescribeActionTargetsInput struct {
	ActionTargetArns []string `aws:"ActionTargetArns"`
	MaxResults       *int32   `aws:"MaxResults"`
	NextToken        *string  `aws:"NextToken"`
}

// ActionTarget is Security Hub's ActionTarget shape.
type ActionTarget struct {
	ActionTargetArn string
	Name            string
	Description     string
}

// DescribeActionTargetsOutput is Security Hub's DescribeActionTargets response.
type DescribeActionTargetsOutput struct {
	ActionTargets []ActionTarget
	NextToken     *string
}

func describeActionTargets(ctx context.Context, c *service.Call, in *DescribeActionTargetsInput) (*DescribeActionTargetsOutput, error) {
	start, limit, err := pageOf(in.MaxResults, in.NextToken)
	if err != nil {
		return nil, err
	}
	var all []actionTarget
	err = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		if err := requireHub(tx, c); err != nil {
			return err
		}
		if len(in.ActionTargetArns) > 0 {
			for _, arn := range in.ActionTargetArns {
				at, err := loadAction(tx, c, arn)
				if err != nil {
					return err
				}
				all = append(all, *at)
			}
			return nil
		}
		return tx.Scan(TableActionTargets, c.Account()+"/"+c.Region+"/", "", 0, func(_ string, b []byte) error {
			var at actionTarget
			if err := json.Unmarshal(b, &at); err != nil {
				return err
			}
			all = append(all, at)
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	out := &DescribeActionTargetsOutput{ActionTargets: []ActionTarget{}}
	for i := start; i < len(all) && i < start+limit; i++ {
		at := all[i]
		out.ActionTargets = append(out.ActionTargets, ActionTarget{ActionTargetArn: actionARN(c.Region, c.Account(), at.ID), Name: at.Name, Description: at.Description})
	}
	if start+limit < len(all) {
		t := strconv.Itoa(start + limit)
		out.NextToken = &t
	}
	return out, nil
}

// UpdateActionTargetInput is Security Hub's UpdateActionTarget request.
type UpdateActionTargetInput struct {
	ActionTargetArn string  `aws:"ActionTargetArn,location=uri"`
	Name            *string `aws:"Name"`
	Description     *string `aws:"Description"`
}

func updateActionTarget(ctx context.Context, c *service.Call, in *UpdateActionTargetInput) (*struct{}, error) {
	if in.Name != nil {
		if err := checkActionName(in.Name); err != nil {
			return nil, err
		}
	}
	if in.Description != nil {
		if err := checkActionDescription(in.Description); err != nil {
			return nil, err
		}
	}
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if err := requireHub(tx, c); err != nil {
			return err
		}
		at, err := loadAction(tx, c, in.ActionTargetArn)
		if err != nil {
			return err
		}
		if in.Name != nil {
			at.Name = *in.Name
		}
		if in.Description != nil {
			at.Description = *in.Description
		}
		b, _ := json.Marshal(at)
		return tx.Put(TableActionTargets, actionKey(c.Account(), c.Region, at.ID), b)
	})
}

// ActionTargetARNInput names an action target in the path.
type ActionTargetARNInput struct {
	ActionTargetArn string `aws:"ActionTargetArn,location=uri"`
}

func deleteActionTarget(ctx context.Context, c *service.Call, in *ActionTargetARNInput) (*ActionTargetARNOutput, error) {
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if err := requireHub(tx, c); err != nil {
			return err
		}
		at, err := loadAction(tx, c, in.ActionTargetArn)
		if err != nil {
			return err
		}
		return tx.Delete(TableActionTargets, actionKey(c.Account(), c.Region, at.ID))
	})
	if err != nil {
		return nil, err
	}
	return &ActionTargetARNOutput{ActionTargetArn: in.ActionTargetArn}, nil
}
