// Package sns serves Amazon SNS (query protocol): topics with their access
// policy, HTTP/HTTPS subscriptions with AWS's confirmation handshake, and
// Publish, delivering AWS's signed SubscriptionConfirmation and Notification
// messages (Deliverer). EventBridge rules publish to topics through
// PublishFromService, which checks the topic policy for the service
// principal as AWS does.
//
// Not served yet: email, SQS, Lambda and mobile endpoints, FIFO topics,
// message filtering, data protection policies.
package sns

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/mail"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/moatdev/moat/internal/awserr"
	"github.com/moatdev/moat/internal/identity"
	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
	"github.com/moatdev/moat/policy"
)

// Tables.
const (
	TableTopics = "sns.topics" // topic ARN → topic
	TableSubs   = "sns.subs"   // subscription ARN → subscription
)

// SNS's errors (query protocol, as the API reference names them).
var (
	notFound       = awserr.Def{Code: "NotFound", Status: http.StatusNotFound}
	invalidParam   = awserr.Def{Code: "InvalidParameter", Status: http.StatusBadRequest}
	authzError     = awserr.Def{Code: "AuthorizationError", Status: http.StatusForbidden}
	topicNameRE    = regexp.MustCompile(`^[A-Za-z0-9_-]{1,256}$`)
	maxMessageSize = 256 * 1024
)

// New returns the SNS service; d delivers what Publish and Subscribe send.
func New(d *Deliverer) *service.Service {
	topicRes := func(_ context.Context, c *service.Call, arn string) (string, error) { return arn, nil }
	topicPolicy := func(ctx context.Context, c *service.Call, arn string) (string, string, error) {
		t, err := loadTopic(ctx, c.Deps.Store, arn)
		if err != nil {
			return "", "", err
		}
		return t.Policy, t.Account, nil
	}
	return &service.Service{
		Meta: protocol.Service{Name: "sns", Protocol: "query", APIVersion: "2010-03-31",
			XMLNamespace: "http://sns.amazonaws.com/doc/2010-03-31/"},
		EventSource: "sns.amazonaws.com",
		Ops: service.Table(
			service.Op("CreateTopic", "sns:CreateTopic", createTopic, service.Resource(func(_ context.Context, c *service.Call, in *CreateTopicInput) (string, error) {
				return topicARN(c.Region, c.Account(), in.Name), nil
			})),
			service.Op("DeleteTopic", "sns:DeleteTopic", deleteTopic, service.Resource(func(ctx context.Context, c *service.Call, in *TopicInput) (string, error) {
				return topicRes(ctx, c, in.TopicArn)
			})),
			service.Op("ListTopics", "sns:ListTopics", listTopics, service.ReadOnly[NextTokenInput]()),
			service.Op("GetTopicAttributes", "sns:GetTopicAttributes", getTopicAttributes, service.ReadOnly[TopicInput](),
				service.Resource(func(ctx context.Context, c *service.Call, in *TopicInput) (string, error) {
					return topicRes(ctx, c, in.TopicArn)
				}),
				service.ResourcePolicy(func(ctx context.Context, c *service.Call, in *TopicInput) (string, string, error) {
					return topicPolicy(ctx, c, in.TopicArn)
				})),
			service.Op("SetTopicAttributes", "sns:SetTopicAttributes", setTopicAttributes,
				service.Resource(func(ctx context.Context, c *service.Call, in *SetTopicAttributesInput) (string, error) {
					return topicRes(ctx, c, in.TopicArn)
				}),
				service.ResourcePolicy(func(ctx context.Context, c *service.Call, in *SetTopicAttributesInput) (string, string, error) {
					return topicPolicy(ctx, c, in.TopicArn)
				})),
			service.Op("Subscribe", "sns:Subscribe", func(ctx context.Context, c *service.Call, in *SubscribeInput) (*SubscribeOutput, error) {
				return subscribe(ctx, c, d, in)
			}, service.Resource(func(ctx context.Context, c *service.Call, in *SubscribeInput) (string, error) {
				return topicRes(ctx, c, in.TopicArn)
			}),
				service.ResourcePolicy(func(ctx context.Context, c *service.Call, in *SubscribeInput) (string, string, error) {
					return topicPolicy(ctx, c, in.TopicArn)
				})),
			// ConfirmSubscription is authorized by its token, as in AWS.
			service.Op("ConfirmSubscription", "sns:ConfirmSubscription", confirmSubscription, service.AuthenticationOnly[ConfirmInput]()),
			service.Op("Unsubscribe", "sns:Unsubscribe", unsubscribe, service.Resource(func(_ context.Context, _ *service.Call, in *UnsubscribeInput) (string, error) {
				return in.SubscriptionArn, nil
			})),
			service.Op("ListSubscriptionsByTopic", "sns:ListSubscriptionsByTopic", listSubscriptionsByTopic, service.ReadOnly[ListSubsInput](),
				service.Resource(func(ctx context.Context, c *service.Call, in *ListSubsInput) (string, error) {
					return topicRes(ctx, c, in.TopicArn)
				}),
				service.ResourcePolicy(func(ctx context.Context, c *service.Call, in *ListSubsInput) (string, string, error) {
					return topicPolicy(ctx, c, in.TopicArn)
				})),
			service.Op("Publish", "sns:Publish", func(ctx context.Context, c *service.Call, in *PublishInput) (*PublishOutput, error) {
				return publish(ctx, c, d, in)
			}, service.Resource(func(ctx context.Context, c *service.Call, in *PublishInput) (string, error) {
				return topicRes(ctx, c, in.arn())
			}),
				service.ResourcePolicy(func(ctx context.Context, c *service.Call, in *PublishInput) (string, string, error) {
					return topicPolicy(ctx, c, in.arn())
				})),
		),
	}
}

func topicARN(region, account, name string) string {
	return "arn:aws:sns:" + region + ":" + account + ":" + name
}

// topic is a stored topic.
type topic struct {
	ARN, Name, Account, Region string
	DisplayName                string
	Policy                     string
	Created                    time.Time
}

// defaultPolicy is the access policy SNS gives a new topic: the owner
// account may do everything (SNS Developer Guide).
func defaultPolicy(arn, account string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{"AWS":"*"},` +
		`"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],` +
		`"Resource":"` + arn + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + account + `"}}}]}`
}

func loadTopic(ctx context.Context, st store.Store, arn string) (*topic, error) {
	var t topic
	err := st.View(ctx, func(tx store.Tx) error {
		b, err := tx.Get(TableTopics, arn)
		if errors.Is(err, store.ErrNotFound) {
			return notFound.New("Topic does not exist")
		}
		if err != nil {
			return err
		}
		return json.Unmarshal(b, &t)
	})
	return &t, err
}

// CreateTopicInput is SNS's CreateTopic request.
type CreateTopicInput struct {
	Name       string `aws:",required"`
	Attributes map[string]string
}

// CreateTopicOutput is SNS's CreateTopic response.
type CreateTopicOutput struct{ TopicArn string }

func createTopic(ctx context.Context, c *service.Call, in *CreateTopicInput) (*CreateTopicOutput, error) {
	if !topicNameRE.MatchString(in.Name) {
		return nil, invalidParam.New("Invalid parameter: Topic Name")
	}
	t := topic{ARN: topicARN(c.Region, c.Account(), in.Name), Name: in.Name, Account: c.Account(), Region: c.Region, Created: c.Now.UTC()}
	t.Policy = defaultPolicy(t.ARN, t.Account)
	for k, v := range in.Attributes {
		if err := setAttr(&t, k, v); err != nil {
			return nil, err
		}
	}
	err := c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.Get(TableTopics, t.ARN); err == nil {
			return nil // CreateTopic is idempotent
		}
		b, _ := json.Marshal(&t)
		return tx.Put(TableTopics, t.ARN, b)
	})
	if err != nil {
		return nil, err
	}
	return &CreateTopicOutput{TopicArn: t.ARN}, nil
}

func setAttr(t *topic, name, value string) error {
	switch name {
	case "DisplayName":
		t.DisplayName = value
	case "Policy":
		p, err := policy.Parse([]byte(value))
		if err == nil {
			_, err = policy.Compile(p, policy.Resource)
		}
		if err != nil {
			return invalidParam.New("Invalid parameter: Policy Error: %v", err)
		}
		t.Policy = value
	case "DeliveryPolicy", "KmsMasterKeyId", "TracingConfig", "SignatureVersion":
		// accepted and not applied (RATIONALE.md)
	default:
		return invalidParam.New("Invalid parameter: AttributeName")
	}
	return nil
}

// TopicInput names a topic.
type TopicInput struct {
	TopicArn string `aws:",required"`
}

func deleteTopic(ctx context.Context, c *service.Call, in *TopicInput) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		if err := tx.Delete(TableTopics, in.TopicArn); err != nil && !errors.Is(err, store.ErrNotFound) {
			return err // deleting a missing topic succeeds, as in SNS
		}
		var subs []string
		err := tx.Scan(TableSubs, in.TopicArn+":", "", 0, func(k string, _ []byte) error { subs = append(subs, k); return nil })
		if err != nil {
			return err
		}
		for _, k := range subs {
			if err := tx.Delete(TableSubs, k); err != nil {
				return err
			}
		}
		return nil
	})
}

// NextTokenInput pages a list.
type NextTokenInput struct{ NextToken *string }

// TopicEntry is SNS's Topic shape.
type TopicEntry struct{ TopicArn string }

// ListTopicsOutput is SNS's ListTopics response.
type ListTopicsOutput struct {
	Topics    []TopicEntry
	NextToken *string `aws:",omitempty"`
}

func listTopics(ctx context.Context, c *service.Call, _ *NextTokenInput) (*ListTopicsOutput, error) {
	out := &ListTopicsOutput{Topics: []TopicEntry{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		return tx.Scan(TableTopics, "arn:aws:sns:"+c.Region+":"+c.Account()+":", "", 0, func(k string, _ []byte) error {
			out.Topics = append(out.Topics, TopicEntry{TopicArn: k})
			return nil
		})
	})
	return out, err
}

// AttributesOutput is SNS's GetTopicAttributes response.
type AttributesOutput struct{ Attributes map[string]string }

func getTopicAttributes(ctx context.Context, c *service.Call, in *TopicInput) (*AttributesOutput, error) {
	t, err := loadTopic(ctx, c.Deps.Store, in.TopicArn)
	if err != nil {
		return nil, err
	}
	counts := map[string]int{}
	err = c.Deps.Store.View(ctx, func(tx store.Tx) error {
		return tx.Scan(TableSubs, t.ARN+":", "", 0, func(_ string, b []byte) error {
			var s subscription
			if err := json.Unmarshal(b, &s); err != nil {
				return err
			}
			if s.Confirmed {
				counts["confirmed"]++
			} else {
				counts["pending"]++
			}
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	return &AttributesOutput{Attributes: map[string]string{"TopicArn": t.ARN, "Owner": t.Account, "Policy": t.Policy, "DisplayName": t.DisplayName,
		"SubscriptionsConfirmed": strconv.Itoa(counts["confirmed"]), "SubscriptionsPending": strconv.Itoa(counts["pending"]), "SubscriptionsDeleted": "0"}}, nil
}

// SetTopicAttributesInput is SNS's SetTopicAttributes request.
type SetTopicAttributesInput struct {
	TopicArn       string `aws:",required"`
	AttributeName  string `aws:",required"`
	AttributeValue *string
}

func setTopicAttributes(ctx context.Context, c *service.Call, in *SetTopicAttributesInput) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		b, err := tx.Get(TableTopics, in.TopicArn)
		if errors.Is(err, store.ErrNotFound) {
			return notFound.New("Topic does not exist")
		}
		if err != nil {
			return err
		}
		var t topic
		if err := json.Unmarshal(b, &t); err != nil {
			return err
		}
		v := ""
		if in.AttributeValue != nil {
			v = *in.AttributeValue
		}
		if err := setAttr(&t, in.AttributeName, v); err != nil {
			return err
		}
		nb, _ := json.Marshal(&t)
		return tx.Put(TableTopics, t.ARN, nb)
	})
}

// subscription is a stored subscription; its key is ARN (topic ARN + ":" + id).
type subscription struct {
	ARN, TopicARN, Protocol, Endpoint, Owner string
	Token                                    string
	Confirmed                                bool
}

// SubscribeInput is SNS's Subscribe request.
type SubscribeInput struct {
	TopicArn              string `aws:",required"`
	Protocol              string `aws:",required"`
	Endpoint              *string
	ReturnSubscriptionArn *bool
}

// SubscribeOutput is SNS's Subscribe response.
type SubscribeOutput struct{ SubscriptionArn string }

func subscribe(ctx context.Context, c *service.Call, d *Deliverer, in *SubscribeInput) (*SubscribeOutput, error) {
	switch in.Protocol {
	case "http", "https":
		u, err := url.Parse(deref(in.Endpoint))
		if err != nil || u.Scheme != in.Protocol || u.Host == "" {
			return nil, invalidParam.New("Invalid parameter: Endpoint must match the specified protocol")
		}
	case "email", "email-json":
		if a, err := mail.ParseAddress(deref(in.Endpoint)); err != nil || a.Address != deref(in.Endpoint) {
			return nil, invalidParam.New("Invalid parameter: Email address")
		}
	default:
		return nil, invalidParam.New("Invalid parameter: Amazon SNS does not support this protocol string: %s (moat delivers http, https, email and email-json)", in.Protocol)
	}
	t, err := loadTopic(ctx, c.Deps.Store, in.TopicArn)
	if err != nil {
		return nil, err
	}
	s := subscription{ARN: t.ARN + ":" + uuid.NewString(), TopicARN: t.ARN, Protocol: in.Protocol, Endpoint: *in.Endpoint, Owner: c.Account(), Token: newToken()}
	err = c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		var existing *subscription
		err := tx.Scan(TableSubs, t.ARN+":", "", 0, func(_ string, b []byte) error {
			var o subscription
			if err := json.Unmarshal(b, &o); err != nil {
				return err
			}
			if o.Protocol == s.Protocol && o.Endpoint == s.Endpoint {
				existing = &o
			}
			return nil
		})
		if err != nil {
			return err
		}
		if existing != nil {
			s = *existing // subscribing again returns the same subscription
			return nil
		}
		b, _ := json.Marshal(&s)
		return tx.Put(TableSubs, s.ARN, b)
	})
	if err != nil {
		return nil, err
	}
	if s.Confirmed {
		return &SubscribeOutput{SubscriptionArn: s.ARN}, nil
	}
	d.Confirm(t, &s)
	if in.ReturnSubscriptionArn != nil && *in.ReturnSubscriptionArn {
		return &SubscribeOutput{SubscriptionArn: s.ARN}, nil
	}
	return &SubscribeOutput{SubscriptionArn: "pending confirmation"}, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ConfirmInput is SNS's ConfirmSubscription request.
type ConfirmInput struct {
	TopicArn                  string `aws:",required"`
	Token                     string `aws:",required"`
	AuthenticateOnUnsubscribe *string
}

// ConfirmOutput is SNS's ConfirmSubscription response.
type ConfirmOutput struct{ SubscriptionArn string }

func confirmSubscription(ctx context.Context, c *service.Call, in *ConfirmInput) (*ConfirmOutput, error) {
	arn, err := ConfirmToken(ctx, c.Deps.Store, in.TopicArn, in.Token)
	if err != nil {
		return nil, err
	}
	return &ConfirmOutput{SubscriptionArn: arn}, nil
}

// ConfirmToken confirms the subscription a token was sent for (the API
// call, and the SubscribeURL the confirmation message carries).
func ConfirmToken(ctx context.Context, st store.Store, topicArn, token string) (string, error) {
	var arn string
	err := st.Update(ctx, func(tx store.Tx) error {
		var found *subscription
		err := tx.Scan(TableSubs, topicArn+":", "", 0, func(_ string, b []byte) error {
			var s subscription
			if err := json.Unmarshal(b, &s); err != nil {
				return err
			}
			if s.Token == token {
				found = &s
			}
			return nil
		})
		if err != nil {
			return err
		}
		if found == nil {
			return invalidParam.New("Invalid token")
		}
		found.Confirmed, arn = true, found.ARN
		b, _ := json.Marshal(found)
		return tx.Put(TableSubs, found.ARN, b)
	})
	return arn, err
}

// UnsubscribeInput is SNS's Unsubscribe request.
type UnsubscribeInput struct {
	SubscriptionArn string `aws:",required"`
}

func unsubscribe(ctx context.Context, c *service.Call, in *UnsubscribeInput) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.Delete(TableSubs, in.SubscriptionArn)
		if errors.Is(err, store.ErrNotFound) {
			return notFound.New("Subscription does not exist")
		}
		return err
	})
}

// ListSubsInput is SNS's ListSubscriptionsByTopic request.
type ListSubsInput struct {
	TopicArn  string `aws:",required"`
	NextToken *string
}

// SubscriptionEntry is SNS's Subscription shape.
type SubscriptionEntry struct{ SubscriptionArn, Owner, Protocol, Endpoint, TopicArn string }

// ListSubsOutput is SNS's ListSubscriptionsByTopic response.
type ListSubsOutput struct {
	Subscriptions []SubscriptionEntry
	NextToken     *string `aws:",omitempty"`
}

func listSubscriptionsByTopic(ctx context.Context, c *service.Call, in *ListSubsInput) (*ListSubsOutput, error) {
	if _, err := loadTopic(ctx, c.Deps.Store, in.TopicArn); err != nil {
		return nil, err
	}
	out := &ListSubsOutput{Subscriptions: []SubscriptionEntry{}}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		return tx.Scan(TableSubs, in.TopicArn+":", "", 0, func(_ string, b []byte) error {
			var s subscription
			if err := json.Unmarshal(b, &s); err != nil {
				return err
			}
			arn := s.ARN
			if !s.Confirmed {
				arn = "PendingConfirmation"
			}
			out.Subscriptions = append(out.Subscriptions, SubscriptionEntry{SubscriptionArn: arn, Owner: s.Owner, Protocol: s.Protocol, Endpoint: s.Endpoint, TopicArn: s.TopicARN})
			return nil
		})
	})
	sort.Slice(out.Subscriptions, func(i, j int) bool { return out.Subscriptions[i].Endpoint < out.Subscriptions[j].Endpoint })
	return out, err
}

// PublishInput is SNS's Publish request.
type PublishInput struct {
	TopicArn          *string
	TargetArn         *string
	Message           string `aws:",required"`
	Subject           *string
	MessageAttributes map[string]MessageAttributeValue
}

// MessageAttributeValue is SNS's MessageAttributeValue shape.
type MessageAttributeValue struct {
	DataType    string
	StringValue *string
	BinaryValue []byte
}

// PublishOutput is SNS's Publish response.
type PublishOutput struct{ MessageId string }

func (in *PublishInput) arn() string {
	if a := deref(in.TopicArn); a != "" {
		return a
	}
	return deref(in.TargetArn)
}

func publish(ctx context.Context, c *service.Call, d *Deliverer, in *PublishInput) (*PublishOutput, error) {
	arn := in.arn()
	if arn == "" {
		return nil, invalidParam.New("Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter")
	}
	if len(in.Message) > maxMessageSize {
		return nil, invalidParam.New("Invalid parameter: Message too long")
	}
	if s := deref(in.Subject); len(s) > 100 {
		return nil, invalidParam.New("Invalid parameter: Subject")
	}
	if len(in.MessageAttributes) > 10 {
		return nil, invalidParam.New("Invalid parameter: MessageAttributes Reason: Number of message attributes [%d] exceeds the allowed maximum [10].", len(in.MessageAttributes))
	}
	attrs := map[string]Attribute{}
	for name, a := range in.MessageAttributes {
		base, _, _ := strings.Cut(a.DataType, ".")
		switch {
		case base == "String" || base == "Number":
			if a.StringValue == nil {
				return nil, invalidParam.New("Invalid parameter: MessageAttributes Reason: The message attribute '%s' must contain non-empty message attribute value for message attribute type '%s'.", name, a.DataType)
			}
			attrs[name] = Attribute{Type: a.DataType, Value: *a.StringValue}
		case base == "Binary":
			attrs[name] = Attribute{Type: a.DataType, Value: base64.StdEncoding.EncodeToString(a.BinaryValue)}
		default:
			return nil, invalidParam.New("Invalid parameter: MessageAttributes Reason: The message attribute '%s' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.", name)
		}
	}
	t, err := loadTopic(ctx, c.Deps.Store, arn)
	if err != nil {
		return nil, err
	}
	id, err := d.Publish(ctx, t, deref(in.Subject), in.Message, attrs)
	if err != nil {
		return nil, err
	}
	return &PublishOutput{MessageId: id}, nil
}

// PublishFromService publishes for an AWS service principal (EventBridge:
// "events.amazonaws.com"), after checking, as SNS does, that the topic
// policy lets that service publish. sourceARN is the rule's ARN
// (aws:SourceArn).
func PublishFromService(ctx context.Context, st store.Store, d *Deliverer, topicArn, servicePrincipal, sourceARN, sourceAccount, message string) error {
	t, err := loadTopic(ctx, st, topicArn)
	if err != nil {
		return err
	}
	cx := policy.NewContext()
	cx.Set("aws:SourceArn", sourceARN)
	cx.Set("aws:SourceAccount", sourceAccount)
	allowed, err := identity.ServiceAllowed(t.Policy, policy.Resource, servicePrincipal, "sns:Publish", t.ARN, t.Account, cx)
	if err != nil {
		return err
	}
	if !allowed {
		return authzError.New("The topic policy of %s does not allow %s to publish", t.ARN, servicePrincipal)
	}
	_, err = d.Publish(ctx, t, "", message, nil)
	return err
}

// UnsubscribeLink removes a subscription for its UnsubscribeURL.
func UnsubscribeLink(ctx context.Context, st store.Store, arn string) error {
	return st.Update(ctx, func(tx store.Tx) error { return tx.Delete(TableSubs, arn) })
}
