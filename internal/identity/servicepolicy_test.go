package identity

import (
	"testing"

	"github.com/moatdev/moat/policy"
)

func TestServiceAllowed(t *testing.T) {
	topic := "arn:aws:sns:us-east-1:111122223333:alerts"
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Resource":"` + topic + `",
	  "Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}`
	ctx := func(acct string) *policy.Context {
		c := policy.NewContext()
		c.Set("aws:SourceAccount", acct)
		return c
	}
	for _, tc := range []struct {
		service, action string
		ctx             *policy.Context
		want            bool
	}{
		{"events.amazonaws.com", "sns:Publish", ctx("111122223333"), true},
		{"events.amazonaws.com", "sns:Publish", ctx("444455556666"), false}, // the condition
		{"lambda.amazonaws.com", "sns:Publish", ctx("111122223333"), false}, // another service
		{"events.amazonaws.com", "sns:Subscribe", ctx("111122223333"), false},
	} {
		got, err := ServiceAllowed(doc, policy.Resource, tc.service, tc.action, topic, "111122223333", tc.ctx)
		if err != nil || got != tc.want {
			t.Errorf("%s %s: %v %v, want %v", tc.service, tc.action, got, err, tc.want)
		}
	}
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	role := "arn:aws:iam::111122223333:role/janitor"
	if ok, err := ServiceAllowed(trust, policy.Trust, "events.amazonaws.com", "sts:AssumeRole", role, "111122223333", nil); !ok || err != nil {
		t.Errorf("trust for events: %v %v", ok, err)
	}
	if ok, _ := ServiceAllowed(trust, policy.Trust, "ec2.amazonaws.com", "sts:AssumeRole", role, "111122223333", nil); ok {
		t.Errorf("a role trusting events.amazonaws.com lets ec2.amazonaws.com assume it")
	}
	if _, err := ServiceAllowed(`{"Statement":[`, policy.Resource, "events.amazonaws.com", "sns:Publish", topic, "111122223333", nil); err == nil {
		t.Errorf("a malformed policy gives no error")
	}
}
