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
)

// snsMessage is what an SNS HTTP endpoint receives.
type snsMessage struct {
	Type, MessageId, Token, TopicArn, Subject, Message, SubscribeURL, Timestamp string
	SignatureVersion, Signature, SigningCertURL, UnsubscribeURL                 string
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
	dir := t.TempDir()
	creds, err := os.ReadFile(filepath.Join(ts.Data, "credentials"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "credentials"), creds, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "config"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f := &flow{cliRun: cliRun{bin: v2, url: ts.URL, dir: dir, t: t}, t: t}
	const root = "moat-root"
	sub := newSubscriber(t)

	topic := str(f.ok(root, "sns", "create-topic", "--name", "root-alerts"), "TopicArn")
	if topic != "arn:aws:sns:us-east-1:"+ts.Account+":root-alerts" {
		t.Fatalf("create-topic: %s", topic)
	}
	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"owner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ts.Account + `:root"},"Action":"sns:*","Resource":"` + topic + `"},` +
		`{"Sid":"events","Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"sns:Publish","Resource":"` + topic + `"}]}`
	f.ok(root, "sns", "set-topic-attributes", "--topic-arn", topic, "--attribute-name", "Policy", "--attribute-value", policy)
	f.denied("InvalidParameter", "", root, "sns", "subscribe", "--topic-arn", topic, "--protocol", "email", "--notification-endpoint", "ops@example.com")
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
	if list := subs["Subscriptions"].([]any); len(list) != 1 || !strings.HasPrefix(str(list[0].(map[string]any), "SubscriptionArn"), topic+":") {
		t.Fatalf("after confirmation: %v", subs)
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
	f.ok(root, "sns", "publish", "--topic-arn", topic, "--subject", "drill", "--message", "this is a drill")
	waitFor(t, func() bool { return sub.find("Notification", "this is a drill") != nil })
	sub.find("Notification", "this is a drill").verify(t)
	f.denied("NotFound", "", root, "sns", "publish", "--topic-arn", "arn:aws:sns:us-east-1:"+ts.Account+":nope", "--message", "x")
}
