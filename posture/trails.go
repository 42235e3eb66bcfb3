package posture

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Trails is what the CloudTrail exports say: describe-trails, and per trail
// get-trail-status and get-event-selectors.
type Trails struct {
	List []Trail
	// Seen records which outputs were given.
	HaveStatus, HaveSelectors bool
}

// Trail is one trail with its status and event selectors when supplied.
type Trail struct {
	Name                       string `json:"Name"`
	TrailARN                   string `json:"TrailARN"`
	HomeRegion                 string `json:"HomeRegion"`
	S3BucketName               string `json:"S3BucketName"`
	IsMultiRegionTrail         bool   `json:"IsMultiRegionTrail"`
	IncludeGlobalServiceEvents bool   `json:"IncludeGlobalServiceEvents"`
	LogFileValidationEnabled   bool   `json:"LogFileValidationEnabled"`
	CloudWatchLogsLogGroupArn  string `json:"CloudWatchLogsLogGroupArn"`
	KmsKeyId                   string `json:"KmsKeyId"`
	IsOrganizationTrail        bool   `json:"IsOrganizationTrail"`

	Status    *TrailStatus    `json:"-"`
	Selectors *EventSelectors `json:"-"`
}

// TrailStatus is get-trail-status output.
type TrailStatus struct {
	IsLogging                        *bool    `json:"IsLogging"`
	LatestDeliveryTime               flexTime `json:"LatestDeliveryTime"`
	LatestCloudWatchLogsDeliveryTime flexTime `json:"LatestCloudWatchLogsDeliveryTime"`
	LatestDeliveryError              string   `json:"LatestDeliveryError"`
	// Name or TrailARN: not printed by AWS; moat accepts them (added with jq,
	// say) to bind a status to its trail explicitly.
	Name     string `json:"Name"`
	TrailARN string `json:"TrailARN"`
}

// EventSelectors is get-event-selectors output.
type EventSelectors struct {
	TrailARN       string `json:"TrailARN"`
	EventSelectors []struct {
		ReadWriteType           string `json:"ReadWriteType"`
		IncludeManagementEvents *bool  `json:"IncludeManagementEvents"`
		DataResources           []struct {
			Type   string   `json:"Type"`
			Values []string `json:"Values"`
		} `json:"DataResources"`
	} `json:"EventSelectors"`
	AdvancedEventSelectors []struct {
		Name           string          `json:"Name"`
		FieldSelectors []FieldSelector `json:"FieldSelectors"`
	} `json:"AdvancedEventSelectors"`
}

// FieldSelector is one field of an advanced event selector.
type FieldSelector struct {
	Field         string   `json:"Field"`
	Equals        []string `json:"Equals"`
	NotEquals     []string `json:"NotEquals"`
	StartsWith    []string `json:"StartsWith"`
	NotStartsWith []string `json:"NotStartsWith"`
}

// flexTime accepts the ISO 8601 string the AWS CLI v2 prints and the epoch
// seconds (a number) that CLI v1 and raw API responses carry.
type flexTime struct{ time.Time }

func (t *flexTime) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999-07:00"} {
			if p, err := time.Parse(layout, s); err == nil {
				t.Time = p
				return nil
			}
		}
		return fmt.Errorf("time %q is not ISO 8601", s)
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("time %s is neither ISO 8601 nor epoch seconds", b)
	}
	sec := int64(f)
	t.Time = time.Unix(sec, int64((f-float64(sec))*1e9)).UTC()
	return nil
}

// ParseTrails reads one file holding one or more CloudTrail outputs: a
// stream of JSON values (what `(aws cloudtrail describe-trails; aws
// cloudtrail get-trail-status --name A; aws cloudtrail get-event-selectors
// --trail-name A) > trails.json` writes) or a JSON array of them.
// get-event-selectors names its trail (TrailARN). get-trail-status does not,
// so a status binds to its Name/TrailARN member if one was added, otherwise
// to the trails of describe-trails in order (the first status to the first
// trail, ...). It merges into t, so several files may be given.
func (t *Trails) ParseTrails(file string, data []byte) error {
	docs, err := jsonStream(file, data)
	if err != nil {
		return err
	}
	var statuses []TrailStatus
	var selectors []EventSelectors
	for i, doc := range docs {
		var probe map[string]json.RawMessage
		if err := json.Unmarshal(doc.raw, &probe); err != nil {
			return &InputError{File: file, Line: doc.line, Column: doc.col, Message: fmt.Sprintf("document %d is not a JSON object", i+1)}
		}
		switch {
		case probe["trailList"] != nil:
			var dt struct {
				TrailList []Trail `json:"trailList"`
			}
			if err := json.Unmarshal(doc.raw, &dt); err != nil {
				return docError(file, doc, err)
			}
			t.List = append(t.List, dt.TrailList...)
		case probe["IsLogging"] != nil:
			var s TrailStatus
			if err := json.Unmarshal(doc.raw, &s); err != nil {
				return docError(file, doc, err)
			}
			statuses = append(statuses, s)
		case probe["EventSelectors"] != nil || probe["AdvancedEventSelectors"] != nil:
			var s EventSelectors
			if err := json.Unmarshal(doc.raw, &s); err != nil {
				return docError(file, doc, err)
			}
			selectors = append(selectors, s)
		default:
			return &InputError{File: file, Line: doc.line, Column: doc.col,
				Message: "not describe-trails (trailList), get-trail-status (IsLogging) or get-event-selectors (EventSelectors) output"}
		}
	}
	return t.bind(file, statuses, selectors)
}

func (t *Trails) bind(file string, statuses []TrailStatus, selectors []EventSelectors) error {
	next := 0
	for i := range statuses {
		s := statuses[i]
		t.HaveStatus = true
		if tr := t.find(s.Name, s.TrailARN); tr != nil {
			tr.Status = &s
			continue
		}
		if s.Name != "" || s.TrailARN != "" {
			return &InputError{File: file, Field: "Name", Message: fmt.Sprintf("get-trail-status for %q matches no trail of describe-trails", s.Name+s.TrailARN)}
		}
		for next < len(t.List) && t.List[next].Status != nil {
			next++
		}
		if next >= len(t.List) {
			return &InputError{File: file, Message: fmt.Sprintf("%d get-trail-status outputs but only %d trails in describe-trails", len(statuses), len(t.List))}
		}
		t.List[next].Status = &s
	}
	for i := range selectors {
		s := selectors[i]
		t.HaveSelectors = true
		tr := t.find("", s.TrailARN)
		if tr == nil {
			return &InputError{File: file, Field: "TrailARN", Message: fmt.Sprintf("get-event-selectors for %q matches no trail of describe-trails", s.TrailARN)}
		}
		tr.Selectors = &s
	}
	return nil
}

func (t *Trails) find(name, arn string) *Trail {
	for i := range t.List {
		tr := &t.List[i]
		if (arn != "" && tr.TrailARN == arn) || (name != "" && (tr.Name == name || tr.TrailARN == name)) {
			return tr
		}
	}
	return nil
}

type jsonDoc struct {
	raw       json.RawMessage
	line, col int
	off       int64
}

func jsonStream(file string, data []byte) ([]jsonDoc, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &InputError{File: file, Line: 1, Column: 1, Message: "empty file"}
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var docs []jsonDoc
	for {
		start := dec.InputOffset()
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if errors.Is(err, io.ErrUnexpectedEOF) {
				err = errTruncated
			}
			return nil, jsonInputError(file, data, err)
		}
		// skip leading whitespace for the position
		s := start
		for s < int64(len(data)) && (data[s] == ' ' || data[s] == '\n' || data[s] == '\r' || data[s] == '\t') {
			s++
		}
		l, c := lineCol(data, s)
		if len(raw) > 0 && raw[0] == '[' {
			var arr []json.RawMessage
			if err := json.Unmarshal(raw, &arr); err != nil {
				return nil, jsonInputError(file, data, err)
			}
			for _, a := range arr {
				docs = append(docs, jsonDoc{raw: a, line: l, col: c, off: s})
			}
			continue
		}
		docs = append(docs, jsonDoc{raw: raw, line: l, col: c, off: s})
	}
	return docs, nil
}

func docError(file string, doc jsonDoc, err error) error {
	ie := jsonInputError(file, doc.raw, err).(*InputError)
	ie.File = file
	if ie.Line == 0 { // error from a nested decoder (a time, say): point at the document
		ie.Line, ie.Column = 1, 1
	}
	// positions inside the document are relative to it: shift by its start line
	if ie.Line > 0 {
		if ie.Line == 1 {
			ie.Column += doc.col - 1
		}
		ie.Line += doc.line - 1
	}
	return ie
}
