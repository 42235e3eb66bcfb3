package events

import (
	"context"
	"encoding/json"
	"errors"
	"regexp"
	"time"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

var (
	busNameRE     = regexp.MustCompile(`^[/\.\-_A-Za-z0-9]{1,256}$`)
	alreadyExists = awserr.Def{Code: "ResourceAlreadyExistsException", Status: 400}
)

type bus struct {
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
}

func busARN(c *service.Call, name string) string {
	return "arn:aws:events:" + c.Region + ":" + c.Account() + ":event-bus/" + name
}

func busOps() []*service.Operation {
	res := func(c *service.Call, name string) (string, error) { return busARN(c, name), nil }
	return []*service.Operation{
		service.Op("CreateEventBus", "events:CreateEventBus", createEventBus, service.Resource(func(_ context.Context, c *service.Call, in *BusInput) (string, error) { return res(c, in.Name) })),
		service.Op("DescribeEventBus", "events:DescribeEventBus", describeEventBus, service.ReadOnly[DescribeBusInput](),
			service.Resource(func(_ context.Context, c *service.Call, in *DescribeBusInput) (string, error) {
				return res(c, deref(in.Name))
			})),
		service.Op("ListEventBuses", "events:ListEventBuses", listEventBuses, service.ReadOnly[ListBusesInput]()),
		service.Op("DeleteEventBus", "events:DeleteEventBus", deleteEventBus, service.Resource(func(_ context.Context, c *service.Call, in *BusInput) (string, error) { return res(c, in.Name) })),
	}
}

// BusInput names a bus.
type BusInput struct {
	Name string `aws:",required"`
}

// CreateEventBusOutput is EventBridge's CreateEventBus response.
type CreateEventBusOutput struct{ EventBusArn string }

func createEventBus(ctx context.Context, c *service.Call, in *BusInput) (*CreateEventBusOutput, error) {
	if !busNameRE.MatchString(in.Name) || in.Name == "default" {
		return nil, validation.New("Event bus name %q is not valid: use 1-256 letters, digits, '.', '-', '_' or '/', and not 'default'.", in.Name)
	}
	b, _ := json.Marshal(bus{Name: in.Name, Created: c.Now.UTC()})
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.Insert(TableBuses, c.Account()+"/"+c.Region+"/"+in.Name, b)
		if errors.Is(err, store.ErrExists) {
			return alreadyExists.New("Event bus %s already exists.", in.Name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return &CreateEventBusOutput{EventBusArn: busARN(c, in.Name)}, nil
}

// DescribeBusInput is EventBridge's DescribeEventBus request.
type DescribeBusInput struct{ Name *string }

// EventBus is EventBridge's EventBus shape.
type EventBus struct{ Name, Arn string }

func describeEventBus(ctx context.Context, c *service.Call, in *DescribeBusInput) (*EventBus, error) {
	var name string
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		var err error
		name, err = busName(tx, c.Account(), c.Region, in.Name)
		return err
	})
	if err != nil {
		return nil, err
	}
	return &EventBus{Name: name, Arn: busARN(c, name)}, nil
}

// ListBusesInput is EventBridge's ListEventBuses request.
type ListBusesInput struct {
	NamePrefix *string
	Limit      *int32
	NextToken  *string
}

// ListBusesOutput is EventBridge's ListEventBuses response.
type ListBusesOutput struct{ EventBuses []EventBus }

func listEventBuses(ctx context.Context, c *service.Call, in *ListBusesInput) (*ListBusesOutput, error) {
	out := &ListBusesOutput{EventBuses: []EventBus{{Name: "default", Arn: busARN(c, "default")}}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		return tx.Scan(TableBuses, c.Account()+"/"+c.Region+"/"+deref(in.NamePrefix), "", 0, func(_ string, b []byte) error {
			var x bus
			if err := json.Unmarshal(b, &x); err != nil {
				return err
			}
			out.EventBuses = append(out.EventBuses, EventBus{Name: x.Name, Arn: busARN(c, x.Name)})
			return nil
		})
	})
	return out, err
}

func deleteEventBus(ctx context.Context, c *service.Call, in *BusInput) (*struct{}, error) {
	if in.Name == "default" {
		return nil, validation.New("Cannot delete event bus default.")
	}
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		hasRules := false
		if err := tx.Scan(TableRules, ruleKey(c.Account(), c.Region, in.Name, ""), "", 1, func(string, []byte) error { hasRules = true; return nil }); err != nil {
			return err
		}
		if hasRules {
			return validation.New("Cannot delete event bus %s: it still has rules.", in.Name)
		}
		err := tx.Delete(TableBuses, c.Account()+"/"+c.Region+"/"+in.Name)
		if errors.Is(err, store.ErrNotFound) {
			return nil // deleting a missing bus succeeds, as in AWS
		}
		return err
	})
}
