package server_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/moatdev/moat/internal/cli"
)

// snsMessage is what an SNS HTTP endpoint receives.
type snsMessage struct {
	Type, MessageId, Token, TopicArn, Subject, Message, SubscribeURL, Timestamp string
	SignatureVersion, Signature, SigningCertURL, UnsubscribeURL                 string
	MessageAttributes                                                           map[string]struct{ Type, Value string }
}

// verify checks the message's signature the way SNS's documentation tells
// subscribers to: the canonical string of the message's fields, SHA1withRSA,
// the certificate fetched from SigningCertURL.
func (m *snsMessage) verify(t *testing.T) {
	t.Helper()
	resp, err := http.Get(m.SigningCertURL)
	if err != nil {
		t.Fatal(err)
	}
	pemBytes, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	blk, _ := pem.Decode(pemBytes)
	if blk == nil {
		t.Fatalf("SigningCertURL %s gave no certificate", m.SigningCertURL)
	}
	cert, err := x509.ParseCertificate(blk.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	if m.Type == "Notification" {
		fields = []string{"Message", m.Message, "MessageId", m.MessageId}
		if m.Subject != "" {
			fields = append(fields, "Subject", m.Subject)
		}
		fields = append(fields, "Timestamp", m.Timestamp, "TopicArn", m.TopicArn, "Type", m.Type)
	} else {
		fields = []string{"Message", m.Message, "MessageId", m.MessageId, "SubscribeURL", m.SubscribeURL, "Timestamp", m.Timestamp, "Token", m.Token, "TopicArn", m.TopicArn, "Type", m.Type}
	}
	sum := sha1.Sum([]byte(strings.Join(fields, "\n") + "\n"))
	sig, _ := base64.StdEncoding.DecodeString(m.Signature)
	if m.SignatureVersion != "1" || rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA1, sum[:], sig) != nil {
		t.Fatalf("the %s message's signature does not verify", m.Type)
	}
}

// subscriber is an HTTP endpoint on loopback that keeps what SNS sends.
type subscriber struct {
	mu   sync.Mutex
	msgs []snsMessage
	srv  *httptest.Server
}

func newSubscriber(t *testing.T) *subscriber {
	s := &subscriber{}
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m snsMessage
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil || r.Header.Get("x-amz-sns-message-type") != m.Type {
			http.Error(w, "bad message", 400)
			return
		}
		s.mu.Lock()
		s.msgs = append(s.msgs, m)
		s.mu.Unlock()
	}))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *subscriber) find(typ, contains string) *snsMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.msgs {
		if s.msgs[i].Type == typ && strings.Contains(s.msgs[i].Message+s.msgs[i].Subject, contains) {
			m := s.msgs[i]
			return &m
		}
	}
	return nil
}

// The classic pipeline, end to end with the real AWS CLI: CloudTrail (root's
// console sign-in) → EventBridge rule → SNS topic whose policy lets
// EventBridge publish → an HTTP subscriber on loopback that confirmed its
// subscription; the notification arrives within seconds, signed, with the
// sign-in record inside.
func TestSNSRootSignInAlert(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, v2)
	const root = "moat-root"
	sub := newSubscriber(t)

	topic := str(f.ok(root, "sns", "create-topic", "--name", "root-alerts"), "TopicArn")
	if topic != "arn:aws:sns:us-east-1:"+ts.Account+":root-alerts" {
		t.Fatalf("create-topic: %s", topic)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"owner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ts.Account + `:root"},"Action":"sns:*","Resource":"` + topic + `"},` +
		`{"Sid":"events","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Resource":"` + topic + `"}]}`
	f.ok(root, "sns", "set-topic-attributes", "--topic-arn", topic, "--attribute-name", "Policy", "--attribute-value", policy)
	f.denied("InvalidParameter", "", root, "sns", "subscribe", "--topic-arn", topic, "--protocol", "sms", "--notification-endpoint", "+15555550100")
	f.denied("InvalidParameter", "", root, "sns", "subscribe", "--topic-arn", topic, "--protocol", "email", "--notification-endpoint", "not an address")

	// E-mail goes to the mailbox directory: the confirmation link, then the notification.
	f.ok(root, "sns", "subscribe", "--topic-arn", topic, "--protocol", "email", "--notification-endpoint", "ops@example.com")
	box := filepath.Join(ts.Data, "sns", "mailbox", "ops@example.com")
	var confirmMail string
	waitFor(t, func() bool {
		entries, _ := os.ReadDir(box)
		if len(entries) == 0 {
			return false
		}
		b, _ := os.ReadFile(filepath.Join(box, entries[0].Name()))
		confirmMail = string(b)
		return true
	})
	link := confirmMail[strings.Index(confirmMail, ts.URL+"/_moat/sns/confirm?"):]
	link = link[:strings.IndexAny(link, "\r\n")]
	if resp, err := http.Get(link); err != nil || resp.StatusCode != 200 {
		t.Fatalf("the e-mail's confirmation link %s: %v %v", link, resp, err)
	}
	if out := f.ok(root, "sns", "subscribe", "--topic-arn", topic, "--protocol", "http", "--notification-endpoint", sub.srv.URL+"/hook"); str(out, "SubscriptionArn") != "pending confirmation" {
		t.Fatalf("subscribe: %v", out)
	}
	var conf *snsMessage
	waitFor(t, func() bool { conf = sub.find("SubscriptionConfirmation", ""); return conf != nil })
	conf.verify(t)
	resp, err := http.Get(conf.SubscribeURL)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("visiting SubscribeURL: %v %v", resp, err)
	}
	resp.Body.Close()
	subs := f.ok(root, "sns", "list-subscriptions-by-topic", "--topic-arn", topic)
	list := subs["Subscriptions"].([]any)
	if len(list) != 2 {
		t.Fatalf("after confirmation: %v", subs)
	}
	for _, x := range list {
		if !strings.HasPrefix(str(x.(map[string]any), "SubscriptionArn"), topic+":") {
			t.Fatalf("a subscription is still pending: %v", subs)
		}
	}

	f.ok(root, "events", "put-rule", "--name", "root-signin", "--event-pattern",
		`{"detail-type":["AWS Console Sign In via CloudTrail"],"detail":{"userIdentity":{"type":["Root"]}}}`)
	f.ok(root, "events", "put-targets", "--rule", "root-signin", "--targets", "Id=alert,Arn="+topic)

	pw, _ := os.ReadFile(filepath.Join(ts.Data, "root-password"))
	resp, err = http.Post(ts.URL+"/_moat/signin", "application/json",
		strings.NewReader(`{"rootEmail":"root@`+ts.Account+`.moat.invalid","password":"`+strings.TrimSpace(string(pw))+`"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("root sign-in: %v %v", resp, err)
	}
	resp.Body.Close()
	var note *snsMessage
	waitFor(t, func() bool { note = sub.find("Notification", `"eventName":"ConsoleLogin"`); return note != nil })
	note.verify(t)
	if !strings.Contains(note.Message, `"type":"Root"`) || !strings.Contains(note.Message, `"detail-type":"AWS Console Sign In via CloudTrail"`) {
		t.Errorf("notification: %s", note.Message)
	}

	// Publishing directly, and SNS's errors.
	f.ok(root, "sns", "publish", "--topic-arn", topic, "--subject", "drill", "--message", "this is a drill",
		"--message-attributes", `{"env":{"DataType":"String","StringValue":"prod"}}`)
	waitFor(t, func() bool { return sub.find("Notification", "this is a drill") != nil })
	drill := sub.find("Notification", "this is a drill")
	drill.verify(t)
	if a := drill.MessageAttributes["env"]; a.Type != "String" || a.Value != "prod" {
		t.Errorf("message attributes: %+v", drill.MessageAttributes)
	}
	f.denied("InvalidParameter", "", root, "sns", "publish", "--topic-arn", topic, "--message", "x", "--message-attributes", `{"env":{"DataType":"Bogus","StringValue":"x"}}`)
	f.denied("NotFound", "", root, "sns", "publish", "--topic-arn", "arn:aws:sns:us-east-1:"+ts.Account+":nope", "--message", "x")
	waitFor(t, func() bool {
		entries, _ := os.ReadDir(box)
		for _, e := range entries {
			if b, _ := os.ReadFile(filepath.Join(box, e.Name())); strings.Contains(string(b), "Subject: drill") && strings.Contains(string(b), "this is a drill") {
				return true
			}
		}
		return false
	})
}

// What cannot be delivered is kept, never dropped: an endpoint that answers
// 500 gets its retries and then the message goes to the dead letters; a
// subscriber that never confirms receives nothing; a rule whose topic policy
// refuses EventBridge leaves the event there too. `moat dead-letters` lists
// them and `moat logs tail` shows a log group.
func TestDeliveryFailures(t *testing.T) {
	v2 := cliV2(t)
	t.Parallel()
	ts := start(t)
	f := newFlow(t, ts, v2)
	const root = "moat-root"

	var mu sync.Mutex
	var token string
	failing := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m snsMessage
		_ = json.NewDecoder(r.Body).Decode(&m)
		if m.Type == "SubscriptionConfirmation" {
			mu.Lock()
			token = m.Token
			mu.Unlock()
			return
		}
		http.Error(w, "down for maintenance", http.StatusInternalServerError)
	}))
	defer failing.Close()
	silent := newSubscriber(t) // never confirms

	topic := str(f.ok(root, "sns", "create-topic", "--name", "ops"), "TopicArn")
	f.ok(root, "sns", "subscribe", "--topic-arn", topic, "--protocol", "http", "--notification-endpoint", failing.URL)
	f.ok(root, "sns", "subscribe", "--topic-arn", topic, "--protocol", "http", "--notification-endpoint", silent.srv.URL)
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return token != "" })
	mu.Lock()
	tok := token
	mu.Unlock()
	f.denied("InvalidParameter", "", root, "sns", "confirm-subscription", "--topic-arn", topic, "--token", "not-the-token")
	f.ok(root, "sns", "confirm-subscription", "--topic-arn", topic, "--token", tok)
	attrs := f.ok(root, "sns", "get-topic-attributes", "--topic-arn", topic)["Attributes"].(map[string]any)
	if attrs["SubscriptionsConfirmed"] != "1" || attrs["SubscriptionsPending"] != "1" {
		t.Fatalf("topic attributes: %v", attrs)
	}
	f.ok(root, "sns", "publish", "--topic-arn", topic, "--message", "disk full")

	// A rule to a topic whose (default) policy does not let EventBridge publish.
	f.ok(root, "events", "put-rule", "--name", "to-ops", "--event-pattern", `{"source":["my.app"]}`)
	f.ok(root, "events", "put-targets", "--rule", "to-ops", "--targets", "Id=ops,Arn="+topic, "Id=log,Arn=arn:aws:logs:us-east-1:"+ts.Account+":log-group:/moat/app")
	f.ok(root, "events", "put-events", "--entries", `[{"Source":"my.app","DetailType":"d","Detail":"{\"k\":\"v\"}"}]`)

	deadLetters := func() string {
		var out, errb strings.Builder
		if code := cli.Run([]string{"dead-letters", "--data", ts.Data}, nil, &out, &errb); code != 0 {
			t.Fatalf("moat dead-letters: exit %d %s", code, errb.String())
		}
		return out.String()
	}
	waitFor := func(cond func() bool) { // the retries take about 6 seconds
		deadline := time.Now().Add(20 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("not within 20s; dead letters:\n%s", deadLetters())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	waitFor(func() bool {
		dl := deadLetters()
		return strings.Contains(dl, `"source":"sns"`) && strings.Contains(dl, "endpoint answered 500") &&
			strings.Contains(dl, `"source":"eventbridge"`) && strings.Contains(dl, "does not allow events.amazonaws.com to publish")
	})
	if silent.find("Notification", "") != nil {
		t.Errorf("a subscriber that never confirmed received a notification")
	}
	var out, errb strings.Builder
	if code := cli.Run([]string{"logs", "tail", "/moat/app", "--data", ts.Data}, nil, &out, &errb); code != 0 || !strings.Contains(out.String(), `"source":"my.app"`) {
		t.Errorf("moat logs tail: exit %d\n%s%s", code, out.String(), errb.String())
	}
}
