package trail

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// LogFileKey is the S3 object key CloudTrail delivers a log file under
// (without the bucket's prefix):
//
//	AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/29/111122223333_CloudTrail_us-east-1_20261129T1205Z_<unique>.json.gz
//
// unique is CloudTrail's 16-character random string. For an organization
// trail the key starts with AWSLogs/<org id>/ (pass orgID, else "").
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/get-and-view-cloudtrail-log-files.html
func LogFileKey(orgID, account, region string, t time.Time, unique string) string {
	t = t.UTC()
	prefix := "AWSLogs/"
	if orgID != "" {
		prefix += orgID + "/"
	}
	return fmt.Sprintf("%s%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz",
		prefix, account, region, t.Format("2006/01/02"), account, region, t.Format("20060102T1504Z"), unique)
}

// WriteLogFile writes recs as one CloudTrail log file: gzip of
// {"Records":[...]}.
func WriteLogFile(w io.Writer, recs []*Record) error {
	zw := gzip.NewWriter(w)
	if _, err := io.WriteString(zw, `{"Records":[`); err != nil {
		return err
	}
	for i, r := range recs {
		b, err := Encode(r)
		if err != nil {
			return err
		}
		if i > 0 {
			b = append([]byte{','}, b...)
		}
		if _, err := zw.Write(b); err != nil {
			return err
		}
	}
	if _, err := io.WriteString(zw, `]}`); err != nil {
		return err
	}
	return zw.Close()
}

// ReadRecords reads CloudTrail records in the shapes they are found in:
// a delivered log file ({"Records":[...]}), a JSON array (CLI and tools
// exports), or JSON lines (one record per line, as log shippers write
// them); gzip-compressed or not.
func ReadRecords(r io.Reader) ([]*Record, error) {
	br := bufio.NewReader(r)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("trail: read records: %w", err)
		}
		defer zr.Close()
		br = bufio.NewReader(zr)
	}
	data, err := io.ReadAll(br)
	if err != nil {
		return nil, fmt.Errorf("trail: read records: %w", err)
	}
	raws, err := splitRecords(data)
	if err != nil {
		return nil, fmt.Errorf("trail: read records: %w", err)
	}
	out := make([]*Record, 0, len(raws))
	for i, raw := range raws {
		rec, err := Decode(raw)
		if err != nil {
			return nil, fmt.Errorf("trail: record %d: %w", i+1, err)
		}
		out = append(out, rec)
	}
	return out, nil
}

// splitRecords returns the raw records of data in any of the three shapes.
func splitRecords(data []byte) ([]json.RawMessage, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, nil
	}
	if data[0] == '[' {
		var recs []json.RawMessage
		return recs, json.Unmarshal(data, &recs)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var raws []json.RawMessage
	for {
		var raw json.RawMessage
		err := dec.Decode(&raw)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		raws = append(raws, raw)
	}
	if len(raws) == 1 {
		var file struct {
			Records *[]json.RawMessage `json:"Records"`
		}
		if err := json.Unmarshal(raws[0], &file); err == nil && file.Records != nil {
			return *file.Records, nil
		}
	}
	for i, raw := range raws {
		if len(raw) == 0 || raw[0] != '{' {
			return nil, fmt.Errorf("line record %d is not a JSON object", i+1)
		}
	}
	return raws, nil
}
