package sns

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"net/smtp"
	"net/url"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/moatdev/moat/internal/store"
)

// TableDeadLetter keeps what could not be delivered after the retries.
const TableDeadLetter = "sns.deadletter"

// Paths moat serves for SNS messages' links (unauthenticated, as AWS's are).
const (
	CertPath        = "/_moat/sns/SimpleNotificationService.pem"
	ConfirmPath     = "/_moat/sns/confirm"
	UnsubscribePath = "/_moat/sns/unsubscribe"
)

// retryDelays are the waits before each new attempt of an HTTP delivery
// (SNS's default HTTP delivery policy retries 3 times; moat's delays are
// shorter, said in RATIONALE.md).
var retryDelays = []time.Duration{200 * time.Millisecond, time.Second, 5 * time.Second}

// Deliverer sends SNS's HTTP messages: SubscriptionConfirmation when an
// http(s) endpoint subscribes, Notification for each Publish, both signed
// (SignatureVersion 1, SHA1withRSA) with a key whose certificate moat
// serves at CertPath. Deliveries are retried and then kept in a dead-letter
// table; the queue is in memory, so a restart drops what was not yet sent.
type Deliverer struct {
	Store   store.Store
	BaseURL string // moat's endpoint, for SigningCertURL, SubscribeURL, UnsubscribeURL
	// Mailbox is where e-mail subscriptions' messages are written, one
	// .eml file per message under <Mailbox>/<address>/, unless SMTP is set.
	Mailbox string
	// SMTP, "host:port", sends e-mail through that server instead
	// (plain SMTP without authentication: a local relay or test server).
	SMTP   string
	Client *http.Client
	Log    *slog.Logger
	Clock  func() time.Time

	key     *rsa.PrivateKey
	CertPEM []byte
	queue   chan job
}

type job struct {
	endpoint, kind, topic, sub, id string
	body                           []byte
	email                          *emailMessage // email and email-json subscriptions
}

// emailMessage is an e-mail SNS sends: written to the mailbox directory
// (moat has no SMTP client yet).
type emailMessage struct{ to, subject, body string }

// NewDeliverer loads (or creates, mode 0600) the signing key and its
// self-signed certificate in dir.
func NewDeliverer(dir string, st store.Store, baseURL string, log *slog.Logger, clock func() time.Time) (*Deliverer, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	keyPath, certPath := filepath.Join(dir, "signing-key.pem"), filepath.Join(dir, "signing-cert.pem")
	kb, err := os.ReadFile(keyPath)
	var key *rsa.PrivateKey
	if errors.Is(err, os.ErrNotExist) {
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, err
		}
		tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: "sns.amazonaws.com", Organization: []string{"moat"}},
			NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().AddDate(10, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
		if err != nil {
			return nil, err
		}
		if err := os.WriteFile(keyPath, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
			return nil, err
		}
		if err := os.WriteFile(certPath, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	} else {
		blk, _ := pem.Decode(kb)
		if blk == nil {
			return nil, fmt.Errorf("sns: %s: no PEM block", keyPath)
		}
		if key, err = x509.ParsePKCS1PrivateKey(blk.Bytes); err != nil {
			return nil, fmt.Errorf("sns: %s: %w", keyPath, err)
		}
	}
	cert, err := os.ReadFile(certPath)
	if err != nil {
		return nil, err
	}
	return &Deliverer{Store: st, BaseURL: baseURL, Mailbox: filepath.Join(dir, "mailbox"), Client: &http.Client{Timeout: 15 * time.Second}, Log: log, Clock: clock,
		key: key, CertPEM: cert, queue: make(chan job, 4096)}, nil
}

// Run sends queued messages until ctx is done.
func (d *Deliverer) Run(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-d.queue:
			go d.send(ctx, j)
		}
	}
}

func (d *Deliverer) enqueue(j job) {
	select {
	case d.queue <- j:
	default:
		d.deadLetter(j, "delivery queue full")
	}
}

func (d *Deliverer) send(ctx context.Context, j job) {
	if j.email != nil {
		if err := d.mail(j); err != nil {
			d.deadLetter(j, err.Error())
		}
		return
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.endpoint, bytes.NewReader(j.body))
		if err != nil {
			d.deadLetter(j, err.Error())
			return
		}
		req.Header.Set("Content-Type", "text/plain; charset=UTF-8")
		req.Header.Set("User-Agent", "Amazon Simple Notification Service Agent")
		req.Header.Set("x-amz-sns-message-type", j.kind)
		req.Header.Set("x-amz-sns-message-id", j.id)
		req.Header.Set("x-amz-sns-topic-arn", j.topic)
		if j.sub != "" {
			req.Header.Set("x-amz-sns-subscription-arn", j.sub)
		}
		resp, err := d.Client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode >= 200 && resp.StatusCode < 300 {
				return
			}
			err = fmt.Errorf("endpoint answered %s", resp.Status)
		}
		if attempt >= len(retryDelays) || ctx.Err() != nil {
			d.deadLetter(j, err.Error())
			return
		}
		select {
		case <-ctx.Done():
			d.deadLetter(j, "shut down before delivery")
			return
		case <-time.After(retryDelays[attempt]):
		}
	}
}

func (d *Deliverer) deadLetter(j job, reason string) {
	d.Log.Warn("sns: message not delivered", "topic", j.topic, "endpoint", j.endpoint, "type", j.kind, "reason", reason)
	b, _ := json.Marshal(map[string]string{"topic": j.topic, "endpoint": j.endpoint, "type": j.kind, "messageId": j.id, "reason": reason, "body": string(j.body)})
	_ = d.Store.Update(context.Background(), func(tx store.Tx) error {
		return tx.Put(TableDeadLetter, d.Clock().UTC().Format(time.RFC3339Nano)+"/"+j.id, b)
	})
}

// message is SNS's HTTP message body.
type message struct {
	Type             string
	MessageId        string
	Token            string `json:",omitempty"`
	TopicArn         string
	Subject          string `json:",omitempty"`
	Message          string
	SubscribeURL     string `json:",omitempty"`
	Timestamp        string
	SignatureVersion string
	Signature        string
	SigningCertURL   string
	UnsubscribeURL   string `json:",omitempty"`
	// MessageAttributes are not part of the signed string (SNS's rule).
	MessageAttributes map[string]Attribute `json:",omitempty"`
}

// sign fills Signature (SignatureVersion 1) over SNS's canonical string.
func (d *Deliverer) sign(m *message) {
	var b bytes.Buffer
	add := func(k, v string) { b.WriteString(k + "\n" + v + "\n") }
	add("Message", m.Message)
	add("MessageId", m.MessageId)
	if m.Type == "Notification" {
		if m.Subject != "" {
			add("Subject", m.Subject)
		}
		add("Timestamp", m.Timestamp)
		add("TopicArn", m.TopicArn)
		add("Type", m.Type)
	} else {
		add("SubscribeURL", m.SubscribeURL)
		add("Timestamp", m.Timestamp)
		add("Token", m.Token)
		add("TopicArn", m.TopicArn)
		add("Type", m.Type)
	}
	sum := sha1.Sum(b.Bytes())
	sig, err := rsa.SignPKCS1v15(rand.Reader, d.key, crypto.SHA1, sum[:])
	if err != nil {
		d.Log.Error("sns: signing", "err", err)
		return
	}
	m.SignatureVersion, m.Signature, m.SigningCertURL = "1", base64.StdEncoding.EncodeToString(sig), d.BaseURL+CertPath
}

// mail writes an e-mail message to the mailbox directory, one
// <address>/<time>-<message id>.eml file per message.
func (d *Deliverer) mail(j job) error {
	msg := "From: AWS Notifications <no-reply@sns.amazonaws.com>\r\nTo: " + j.email.to + "\r\nSubject: " + j.email.subject +
		"\r\nDate: " + d.Clock().UTC().Format(time.RFC1123Z) + "\r\nMessage-ID: <" + j.id + "@sns.moat.invalid>\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n" + j.email.body + "\r\n"
	if d.SMTP != "" {
		return smtp.SendMail(d.SMTP, nil, "no-reply@sns.amazonaws.com", []string{j.email.to}, []byte(msg))
	}
	if d.Mailbox == "" {
		return errors.New("no mailbox directory")
	}
	dir := filepath.Join(d.Mailbox, j.email.to)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, d.Clock().UTC().Format("20060102T150405.000000000Z")+"-"+j.id+".eml"), []byte(msg), 0o600)
}

// Confirm sends the SubscriptionConfirmation of a new subscription.
func (d *Deliverer) Confirm(t *topic, s *subscription) {
	if s.Protocol == "email" || s.Protocol == "email-json" {
		id := uuid.NewString()
		link := d.BaseURL + ConfirmPath + "?Action=ConfirmSubscription&TopicArn=" + url.QueryEscape(t.ARN) + "&Token=" + s.Token
		body := "You have chosen to subscribe to the topic:\r\n" + t.ARN + "\r\n\r\nTo confirm this subscription, click or visit the link below:\r\n" + link + "\r\n"
		name := t.DisplayName
		if name == "" {
			name = "AWS Notification"
		}
		d.enqueue(job{endpoint: s.Endpoint, kind: "SubscriptionConfirmation", topic: t.ARN, id: id, email: &emailMessage{to: s.Endpoint, subject: name + " - Subscription Confirmation", body: body}})
		return
	}
	m := message{Type: "SubscriptionConfirmation", MessageId: uuid.NewString(), Token: s.Token, TopicArn: t.ARN,
		Message:      "You have chosen to subscribe to the topic " + t.ARN + ".\nTo confirm the subscription, visit the SubscribeURL included in this message.",
		SubscribeURL: d.BaseURL + ConfirmPath + "?Action=ConfirmSubscription&TopicArn=" + url.QueryEscape(t.ARN) + "&Token=" + s.Token,
		Timestamp:    d.Clock().UTC().Format("2006-01-02T15:04:05.000Z")}
	d.sign(&m)
	b, _ := json.Marshal(&m)
	d.enqueue(job{endpoint: s.Endpoint, kind: m.Type, topic: t.ARN, id: m.MessageId, body: b})
}

// Attribute is a message attribute as SNS's HTTP messages carry it.
type Attribute struct{ Type, Value string }

// Publish sends a Notification to every confirmed subscription of t.
func (d *Deliverer) Publish(ctx context.Context, t *topic, subject, msg string, attrs map[string]Attribute) (string, error) {
	var subs []subscription
	err := d.Store.View(ctx, func(tx store.Tx) error {
		return tx.Scan(TableSubs, t.ARN+":", "", 0, func(_ string, b []byte) error {
			var s subscription
			if err := json.Unmarshal(b, &s); err != nil {
				return err
			}
			if s.Confirmed {
				subs = append(subs, s)
			}
			return nil
		})
	})
	if err != nil {
		return "", err
	}
	id := uuid.NewString()
	for _, s := range subs {
		if s.Protocol == "email" || s.Protocol == "email-json" {
			subj := subject
			if subj == "" {
				subj = "AWS Notification Message"
			}
			body := msg
			if s.Protocol == "email-json" {
				b, _ := json.Marshal(map[string]string{"Type": "Notification", "MessageId": id, "TopicArn": t.ARN, "Subject": subject, "Message": msg,
					"Timestamp": d.Clock().UTC().Format("2006-01-02T15:04:05.000Z")})
				body = string(b)
			}
			d.enqueue(job{endpoint: s.Endpoint, kind: "Notification", topic: t.ARN, sub: s.ARN, id: id, email: &emailMessage{to: s.Endpoint, subject: subj, body: body}})
			continue
		}
		m := message{Type: "Notification", MessageId: id, TopicArn: t.ARN, Subject: subject, Message: msg, MessageAttributes: attrs,
			Timestamp:      d.Clock().UTC().Format("2006-01-02T15:04:05.000Z"),
			UnsubscribeURL: d.BaseURL + UnsubscribePath + "?Action=Unsubscribe&SubscriptionArn=" + url.QueryEscape(s.ARN)}
		d.sign(&m)
		b, _ := json.Marshal(&m)
		d.enqueue(job{endpoint: s.Endpoint, kind: m.Type, topic: t.ARN, sub: s.ARN, id: id, body: b})
	}
	return id, nil
}

func newToken() string {
	b := make([]byte, 64)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
