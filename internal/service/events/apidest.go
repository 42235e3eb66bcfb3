package events

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// API destinations: HTTP endpoints an EventBridge rule calls, with a
// connection's authorization (API key or basic; OAuth client credentials
// are not served). Calls are retried with backoff, then dead-lettered.

// Tables.
const (
	TableConnections     = "events.connections"     // account/region/name → connection
	TableAPIDestinations = "events.apidestinations" // account/region/name → destination
)

// apiRetryDelays are the waits before each new attempt of an API
// destination call (EventBridge retries for up to 24 hours with backoff;
// moat's schedule is shorter, said in RATIONALE.md).
var apiRetryDelays = []time.Duration{200 * time.Millisecond, time.Second, 5 * time.Second}

type connection struct {
	Name, ARN, AuthorizationType string
	APIKeyName, APIKeyValue      string `json:",omitempty"`
	Username, Password           string `json:",omitempty"`
	Created                      time.Time
}

type apiDestination struct {
	Name, ARN, ConnectionARN, Endpoint, Method string
	Created                                    time.Time
}

func apiDestOps() []*service.Operation {
	connRes := func(c *service.Call, name string) string {
		return "arn:aws:events:" + c.Region + ":" + c.Account() + ":connection/" + name
	}
	destRes := func(c *service.Call, name string) string {
		return "arn:aws:events:" + c.Region + ":" + c.Account() + ":api-destination/" + name
	}
	return []*service.Operation{
		service.Op("CreateConnection", "events:CreateConnection", createConnection, service.Resource(func(_ context.Context, c *service.Call, in *CreateConnectionInput) (string, error) {
			return connRes(c, in.Name), nil
		})),
		service.Op("DescribeConnection", "events:DescribeConnection", describeConnection, service.ReadOnly[NameInput](), service.Resource(func(_ context.Context, c *service.Call, in *NameInput) (string, error) {
			return connRes(c, in.Name), nil
		})),
		service.Op("DeleteConnection", "events:DeleteConnection", func(ctx context.Context, c *service.Call, in *NameInput) (*struct{}, error) {
			return deleteNamed(ctx, c, TableConnections, in.Name, "Connection")
		}, service.Resource(func(_ context.Context, c *service.Call, in *NameInput) (string, error) {
			return connRes(c, in.Name), nil
		})),
		service.Op("CreateApiDestination", "events:CreateApiDestination", createAPIDestination, service.Resource(func(_ context.Context, c *service.Call, in *CreateAPIDestinationInput) (string, error) {
			return destRes(c, in.Name), nil
		})),
		service.Op("DescribeApiDestination", "events:DescribeApiDestination", describeAPIDestination, service.ReadOnly[NameInput](), service.Resource(func(_ context.Context, c *service.Call, in *NameInput) (string, error) {
			return destRes(c, in.Name), nil
		})),
		service.Op("DeleteApiDestination", "events:DeleteApiDestination", func(ctx context.Context, c *service.Call, in *NameInput) (*struct{}, error) {
			return deleteNamed(ctx, c, TableAPIDestinations, in.Name, "ApiDestination")
		}, service.Resource(func(_ context.Context, c *service.Call, in *NameInput) (string, error) {
			return destRes(c, in.Name), nil
		})),
	}
}

// NameInput names a connection or API destination.
type NameInput struct {
	Name string `aws:",required"`
}

// CreateConnectionInput is EventBridge's CreateConnection request.
type CreateConnectionInput struct {
	Name              string `aws:",required"`
	AuthorizationType string `aws:",required"`
	Description       *string
	AuthParameters    struct {
		ApiKeyAuthParameters *struct {
			ApiKeyName  string
			ApiKeyValue string `aws:",sensitive"`
		}
		BasicAuthParameters *struct {
			Username string
			Password string `aws:",sensitive"`
		}
	}
}

// ConnectionOutput is the CreateConnection / DescribeConnection response
// (secrets are never returned).
type ConnectionOutput struct {
	ConnectionArn     string
	Name              string `aws:",omitempty"`
	ConnectionState   string
	AuthorizationType string `aws:",omitempty"`
	CreationTime      time.Time
}

func createConnection(ctx context.Context, c *service.Call, in *CreateConnectionInput) (*ConnectionOutput, error) {
	if !ruleNameRE.MatchString(in.Name) {
		return nil, validation.New("Connection name %q is not valid.", in.Name)
	}
	conn := connection{Name: in.Name, ARN: "arn:aws:events:" + c.Region + ":" + c.Account() + ":connection/" + in.Name + "/" + uuid.NewString(),
		AuthorizationType: in.AuthorizationType, Created: c.Now.UTC()}
	switch in.AuthorizationType {
	case "API_KEY":
		p := in.AuthParameters.ApiKeyAuthParameters
		if p == nil || p.ApiKeyName == "" || p.ApiKeyValue == "" {
			return nil, validation.New("ApiKeyAuthParameters with ApiKeyName and ApiKeyValue are required for AuthorizationType API_KEY.")
		}
		conn.APIKeyName, conn.APIKeyValue = p.ApiKeyName, p.ApiKeyValue
	case "BASIC":
		p := in.AuthParameters.BasicAuthParameters
		if p == nil || p.Username == "" || p.Password == "" {
			return nil, validation.New("BasicAuthParameters with Username and Password are required for AuthorizationType BASIC.")
		}
		conn.Username, conn.Password = p.Username, p.Password
	case "OAUTH_CLIENT_CREDENTIALS":
		return nil, validation.New("moat does not serve OAUTH_CLIENT_CREDENTIALS connections yet; use API_KEY or BASIC.")
	default:
		return nil, validation.New("1 validation error detected: Value '%s' at 'authorizationType' failed to satisfy constraint: Member must satisfy enum value set: [BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY]", in.AuthorizationType)
	}
	if err := insertNamed(ctx, c, TableConnections, in.Name, &conn, "Connection"); err != nil {
		return nil, err
	}
	return &ConnectionOutput{ConnectionArn: conn.ARN, ConnectionState: "AUTHORIZED", CreationTime: conn.Created}, nil
}

func describeConnection(ctx context.Context, c *service.Call, in *NameInput) (*ConnectionOutput, error) {
	var conn connection
	if err := getNamed(ctx, c, TableConnections, in.Name, &conn, "Connection"); err != nil {
		return nil, err
	}
	return &ConnectionOutput{ConnectionArn: conn.ARN, Name: conn.Name, ConnectionState: "AUTHORIZED", AuthorizationType: conn.AuthorizationType, CreationTime: conn.Created}, nil
}

// CreateAPIDestinationInput is EventBridge's CreateApiDestination request.
type CreateAPIDestinationInput struct {
	Name                         string `aws:",required"`
	ConnectionArn                string `aws:",required"`
	InvocationEndpoint           string `aws:",required"`
	HttpMethod                   string `aws:",required"`
	InvocationRateLimitPerSecond *int32
	Description                  *string
}

// APIDestinationOutput is the Create/DescribeApiDestination response.
type APIDestinationOutput struct {
	ApiDestinationArn   string
	Name                string `aws:",omitempty"`
	ApiDestinationState string
	ConnectionArn       string `aws:",omitempty"`
	InvocationEndpoint  string `aws:",omitempty"`
	HttpMethod          string `aws:",omitempty"`
	CreationTime        time.Time
}

func createAPIDestination(ctx context.Context, c *service.Call, in *CreateAPIDestinationInput) (*APIDestinationOutput, error) {
	if !ruleNameRE.MatchString(in.Name) {
		return nil, validation.New("ApiDestination name %q is not valid.", in.Name)
	}
	u, err := url.Parse(in.InvocationEndpoint)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, validation.New("InvocationEndpoint must be an HTTP(S) URL.")
	}
	switch in.HttpMethod {
	case "POST", "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "DELETE":
	default:
		return nil, validation.New("1 validation error detected: Value '%s' at 'httpMethod' failed to satisfy constraint: Member must satisfy enum value set: [HEAD, POST, PATCH, DELETE, PUT, GET, OPTIONS]", in.HttpMethod)
	}
	connName := in.ConnectionArn[strings.LastIndex(in.ConnectionArn, ":connection/")+len(":connection/"):]
	if i := strings.IndexByte(connName, '/'); i >= 0 {
		connName = connName[:i]
	}
	var conn connection
	if err := getNamed(ctx, c, TableConnections, connName, &conn, "Connection"); err != nil || conn.ARN != in.ConnectionArn {
		return nil, notFound.New("Connection %s does not exist.", in.ConnectionArn)
	}
	d := apiDestination{Name: in.Name, ARN: "arn:aws:events:" + c.Region + ":" + c.Account() + ":api-destination/" + in.Name + "/" + uuid.NewString(),
		ConnectionARN: in.ConnectionArn, Endpoint: in.InvocationEndpoint, Method: in.HttpMethod, Created: c.Now.UTC()}
	if err := insertNamed(ctx, c, TableAPIDestinations, in.Name, &d, "ApiDestination"); err != nil {
		return nil, err
	}
	return &APIDestinationOutput{ApiDestinationArn: d.ARN, ApiDestinationState: "ACTIVE", CreationTime: d.Created}, nil
}

func describeAPIDestination(ctx context.Context, c *service.Call, in *NameInput) (*APIDestinationOutput, error) {
	var d apiDestination
	if err := getNamed(ctx, c, TableAPIDestinations, in.Name, &d, "ApiDestination"); err != nil {
		return nil, err
	}
	return &APIDestinationOutput{ApiDestinationArn: d.ARN, Name: d.Name, ApiDestinationState: "ACTIVE", ConnectionArn: d.ConnectionARN,
		InvocationEndpoint: d.Endpoint, HttpMethod: d.Method, CreationTime: d.Created}, nil
}

func insertNamed(ctx context.Context, c *service.Call, table, name string, v any, kind string) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.Insert(table, c.Account()+"/"+c.Region+"/"+name, b)
		if errors.Is(err, store.ErrExists) {
			return alreadyExists.New("%s %s already exists.", kind, name)
		}
		return err
	})
}

func getNamed(ctx context.Context, c *service.Call, table, name string, v any, kind string) error {
	return c.Deps.Store.View(ctx, func(tx store.Tx) error {
		b, err := tx.Get(table, c.Account()+"/"+c.Region+"/"+name)
		if errors.Is(err, store.ErrNotFound) {
			return notFound.New("Failed to describe the %s(s). %s '%s' does not exist.", kind, kind, name)
		}
		if err != nil {
			return err
		}
		return json.Unmarshal(b, v)
	})
}

func deleteNamed(ctx context.Context, c *service.Call, table, name, kind string) (*struct{}, error) {
	return &struct{}{}, c.Deps.Store.Update(ctx, func(tx store.Tx) error {
		err := tx.Delete(table, c.Account()+"/"+c.Region+"/"+name)
		if errors.Is(err, store.ErrNotFound) {
			return notFound.New("%s '%s' does not exist.", kind, name)
		}
		return err
	})
}

// apiCall is an API destination delivery decided in a dispatch.
type apiCall struct{ dest, rule, account, region, msg string }

// callAPI sends one event to an API destination, retrying, in the
// background; a call that never succeeds is dead-lettered.
func callAPI(st store.Store, a apiCall, now time.Time) {
	var d apiDestination
	var conn connection
	name := a.dest[strings.LastIndex(a.dest, ":api-destination/")+len(":api-destination/"):]
	if i := strings.IndexByte(name, '/'); i >= 0 {
		name = name[:i]
	}
	err := st.View(context.Background(), func(tx store.Tx) error {
		b, err := tx.Get(TableAPIDestinations, a.account+"/"+a.region+"/"+name)
		if err != nil {
			return fmt.Errorf("api destination %s: %w", a.dest, err)
		}
		if err := json.Unmarshal(b, &d); err != nil {
			return err
		}
		cn := d.ConnectionARN[strings.LastIndex(d.ConnectionARN, ":connection/")+len(":connection/"):]
		if i := strings.IndexByte(cn, '/'); i >= 0 {
			cn = cn[:i]
		}
		b, err = tx.Get(TableConnections, a.account+"/"+a.region+"/"+cn)
		if err != nil {
			return fmt.Errorf("connection %s: %w", d.ConnectionARN, err)
		}
		return json.Unmarshal(b, &conn)
	})
	if err != nil {
		deadLetter(st, a.account, a.region, a.rule, a.dest, err.Error(), a.msg, now)
		return
	}
	go func() {
		client := &http.Client{Timeout: 5 * time.Second}
		var last error
		for attempt := 0; ; attempt++ {
			req, err := http.NewRequest(d.Method, d.Endpoint, bytes.NewReader([]byte(a.msg)))
			if err != nil {
				last = err
				break
			}
			req.Header.Set("Content-Type", "application/json; charset=utf-8")
			req.Header.Set("User-Agent", "Amazon/EventBridge/ApiDestinations")
			switch conn.AuthorizationType {
			case "API_KEY":
				req.Header.Set(conn.APIKeyName, conn.APIKeyValue)
			case "BASIC":
				req.SetBasicAuth(conn.Username, conn.Password)
			}
			resp, err := client.Do(req)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode < 300 {
					return
				}
				err = fmt.Errorf("endpoint answered %s", resp.Status)
				if resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != 429 && resp.StatusCode != 409 {
					last = err // EventBridge does not retry other 4xx answers
					break
				}
			}
			last = err
			if attempt >= len(apiRetryDelays) {
				break
			}
			time.Sleep(apiRetryDelays[attempt])
		}
		deadLetter(st, a.account, a.region, a.rule, a.dest, last.Error(), a.msg, now)
	}()
}

func deadLetter(st store.Store, account, region, rule, target, reason, event string, now time.Time) {
	dl, _ := json.Marshal(map[string]string{"rule": rule, "target": target, "reason": reason, "event": event})
	_ = st.Update(context.Background(), func(tx store.Tx) error {
		return tx.Put(TableDeadLetter, account+"/"+region+"/"+now.UTC().Format(time.RFC3339Nano)+"/"+uuid.NewString(), dl)
	})
}
