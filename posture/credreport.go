package posture

import (
	"bytes"
	"encoding/base64"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// RootUser is the user column of the root row of the credential report.
const RootUser = "<root_account>"

// Credential is one row of the IAM credential report
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html).
// Times are zero when the report says N/A, no_information or not_supported.
type Credential struct {
	Line                int // line in the CSV, for messages
	User, Arn           string
	UserCreationTime    time.Time
	PasswordEnabled     bool
	PasswordLastUsed    time.Time
	PasswordLastChanged time.Time
	MFAActive           bool
	AccessKey           [2]KeyInfo
	CertActive          [2]bool
}

// KeyInfo is one access key's columns.
type KeyInfo struct {
	Active       bool
	LastRotated  time.Time
	LastUsedDate time.Time
}

// IsRoot reports whether this is the root user's row.
func (c *Credential) IsRoot() bool { return c.User == RootUser }

var requiredColumns = []string{
	"user", "arn", "user_creation_time", "password_enabled", "password_last_used", "password_last_changed",
	"mfa_active", "access_key_1_active", "access_key_1_last_rotated", "access_key_1_last_used_date",
	"access_key_2_active", "access_key_2_last_rotated", "access_key_2_last_used_date",
}

// ParseCredentialReport reads the credential report: the CSV itself, or the
// JSON `aws iam get-credential-report` prints ({"Content": base64 CSV, ...}).
// Columns are found by their header names, so their order does not matter.
func ParseCredentialReport(file string, data []byte) ([]Credential, error) {
	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		var env struct {
			Content      string `json:"Content"`
			ReportFormat string `json:"ReportFormat"`
		}
		if err := decodeJSON(file, data, &env); err != nil {
			return nil, err
		}
		if env.Content == "" {
			return nil, &InputError{File: file, Field: "Content", Message: "get-credential-report output without Content"}
		}
		dec, err := base64.StdEncoding.DecodeString(env.Content)
		if err != nil {
			return nil, &InputError{File: file, Field: "Content", Message: "Content is not base64: " + err.Error(), Err: err}
		}
		data = dec
		file += " (Content)"
	}
	r := csv.NewReader(bytes.NewReader(data))
	r.ReuseRecord = false
	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &InputError{File: file, Line: 1, Column: 1, Message: "empty credential report"}
		}
		return nil, csvError(file, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	for _, c := range requiredColumns {
		if _, ok := col[c]; !ok {
			return nil, &InputError{File: file, Line: 1, Column: 1, Field: c, Message: "missing column (is this an IAM credential report?)"}
		}
	}
	var out []Credential
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvError(file, err)
		}
		line, _ := r.FieldPos(0)
		c, err := parseCredential(file, line, rec, col)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func csvError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &InputError{File: file, Line: pe.Line, Column: pe.Column, Message: pe.Err.Error(), Err: err}
	}
	return &InputError{File: file, Message: err.Error(), Err: err}
}

func parseCredential(file string, line int, rec []string, col map[string]int) (Credential, error) {
	c := Credential{Line: line}
	var perr error
	get := func(name string) string { return strings.TrimSpace(rec[col[name]]) }
	boolv := func(name string) bool {
		switch v := get(name); v {
		case "true":
			return true
		case "false", "not_supported", "N/A", "":
			return false
		default:
			if perr == nil {
				perr = &InputError{File: file, Line: line, Column: col[name] + 1, Field: name, Message: fmt.Sprintf("expected true or false, got %q", v)}
			}
			return false
		}
	}
	timev := func(name string) time.Time {
		v := get(name)
		switch v {
		case "N/A", "no_information", "not_supported", "":
			return time.Time{}
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil && perr == nil {
			perr = &InputError{File: file, Line: line, Column: col[name] + 1, Field: name, Message: fmt.Sprintf("expected an ISO 8601 time such as 2026-01-02T03:04:05+00:00, got %q", v), Err: err}
		}
		return t
	}
	c.User, c.Arn = get("user"), get("arn")
	if c.User == "" {
		return c, &InputError{File: file, Line: line, Column: col["user"] + 1, Field: "user", Message: "empty user name"}
	}
	c.UserCreationTime = timev("user_creation_time")
	c.PasswordEnabled = boolv("password_enabled")
	c.PasswordLastUsed = timev("password_last_used")
	c.PasswordLastChanged = timev("password_last_changed")
	c.MFAActive = boolv("mfa_active")
	for i := range 2 {
		p := fmt.Sprintf("access_key_%d_", i+1)
		c.AccessKey[i] = KeyInfo{Active: boolv(p + "active"), LastRotated: timev(p + "last_rotated"), LastUsedDate: timev(p + "last_used_date")}
		if j, ok := col[fmt.Sprintf("cert_%d_active", i+1)]; ok {
			c.CertActive[i] = strings.TrimSpace(rec[j]) == "true"
		}
	}
	return c, perr
}
