package detect

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"strings"
	"testing"
)

type readResult struct {
	names []string // eventName of each record read
	errs  []*Error
}

func readAllCT(t *testing.T, input []byte) readResult {
	t.Helper()
	r := NewCloudTrailReader(bytes.NewReader(input), "in.json")
	var res readResult
	for i := 0; i < 10000; i++ {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			return res
		}
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not a *detect.Error", err)
			}
			res.errs = append(res.errs, e)
			continue
		}
		res.names = append(res.names, rec.EventName)
	}
	t.Fatal("reader does not terminate")
	return res
}

func gz(t *testing.T, s string) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write([]byte(s))
	w.Close()
	return b.Bytes()
}

func TestCloudTrailReaderShapes(t *testing.T) {
	t.Parallel()
	a := `{"eventName":"A","eventTime":"2024-01-01T00:00:00Z","userIdentity":{"type":"IAMUser"}}`
	b := `{"eventName":"B","@timestamp":"2024-01-01T00:00:01.000Z","readOnly":"true"}`
	cases := []struct {
		name  string
		input []byte
	}{
		{"delivery file", []byte(`{"Records":[` + a + `,` + b + `]}`)},
		{"delivery file pretty", []byte("{\n \"Records\" : [\n  " + a + ",\n  " + b + "\n ]\n}\n")},
		{"delivery file with other members", []byte(`{"Records":[` + a + `,` + b + `],"x":{"y":[1,2]}}`)},
		{"array", []byte(`[` + a + `,` + b + `]`)},
		{"json lines", []byte(a + "\n" + b + "\n")},
		{"json lines crlf, no final newline", []byte(a + "\r\n" + b)},
		{"concatenated objects", []byte(a + b)},
		{"gzip delivery file", gz(t, `{"Records":[`+a+`,`+b+`]}`)},
		{"two delivery documents", []byte(`{"Records":[` + a + `]}` + "\n" + `{"Records":[` + b + `]}`)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := readAllCT(t, tc.input)
			if len(res.errs) > 0 || strings.Join(res.names, ",") != "A,B" {
				t.Fatalf("names %v errors %v", res.names, res.errs)
			}
		})
	}
}

func TestCloudTrailRecordFields(t *testing.T) {
	t.Parallel()
	var rec Record
	err := parseRecord([]byte(`{"eventVersion":"1.11","eventTime":"2024-02-03T04:05:06Z","readOnly":false,
		"userIdentity":{"type":"AssumedRole","arn":"arn:aws:sts::1:assumed-role/r/i-0123456789abcdef0","sessionContext":{"sessionIssuer":{"arn":"arn:aws:iam::1:role/r"},"ec2RoleDelivery":"2.0"}},
		"responseElements":null,"unknownFutureField":{"a":1},"recipientAccountId":"1"}`), &rec)
	if err != nil {
		t.Fatal(err)
	}
	if rec.EventTime.Format("2006-01-02T15:04:05Z") != "2024-02-03T04:05:06Z" || rec.ReadOnly == nil || *rec.ReadOnly ||
		rec.ResponseElements != nil || instanceSession(&rec) != "i-0123456789abcdef0" || baselineKey(&rec) != "arn:aws:iam::1:role/r" ||
		rec.UserIdentity.SessionContext.EC2RoleDelivery != "2.0" {
		t.Fatalf("%+v", rec)
	}
}

func TestCloudTrailReaderErrors(t *testing.T) {
	t.Parallel()
	good := func(n string) string { return `{"eventName":"` + n + `"}` }
	cases := []struct {
		name  string
		input string
		names string   // records that must survive
		errs  []string // substrings, one per error, in order
	}{
		{"bad JSON inside a record", "[" + good("A") + ",\n{\"eventName\": tru},\n" + good("C") + "]", "A,C",
			[]string{"in.json:2:15: record 2: invalid JSON: invalid literal (expecting true)"}},
		{"wrong type", "{\"Records\":[\n" + good("A") + ",\n{\"eventName\": 5}]}", "A",
			[]string{"in.json:3:15: record 2: eventName: expected string, got number"}},
		{"record that is not an object", "[" + good("A") + ",\n42,\n" + good("C") + "]", "A,C",
			[]string{"in.json:2:1: record 2: expected a JSON object, got number"}},
		{"bad eventTime", good("A") + "\n{\"eventName\":\"B\",\"eventTime\":\"yesterday\"}\n" + good("C"), "A,C",
			[]string{`in.json:2:1: record 2: eventTime: not an ISO 8601 UTC time: "yesterday"`}},
		{"bad readOnly", `{"readOnly":"maybe"}`, "",
			[]string{`record 1: readOnly: expected true or false`}},
		{"garbage line between JSON lines", good("A") + "\nnot json at all\n" + good("C"), "A,C",
			[]string{`in.json:2:1: unexpected 'n' outside a record`}},
		{"truncated array", "[" + good("A") + ",\n" + good("B") + ",\n{\"eventName\":\"C\",\"userIden", "A,B",
			[]string{"in.json:3:1: record 3: unexpected end of input inside a record (truncated file?)"}},
		{"unclosed records array", `{"Records":[` + good("A"), "A",
			[]string{"the records array is not closed"}},
		{"empty input", "", "", nil},
		{"only whitespace", " \n\t\n", "", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := readAllCT(t, []byte(tc.input))
			if got := strings.Join(res.names, ","); got != tc.names {
				t.Errorf("records %q, want %q", got, tc.names)
			}
			if len(res.errs) != len(tc.errs) {
				t.Fatalf("errors %v, want %d", res.errs, len(tc.errs))
			}
			for i, want := range tc.errs {
				if !strings.Contains(res.errs[i].Error(), want) {
					t.Errorf("error %q does not contain %q", res.errs[i], want)
				}
			}
		})
	}
}

func TestCloudTrailReaderTruncatedGzip(t *testing.T) {
	t.Parallel()
	var recs []string
	for i := 0; i < 2000; i++ {
		recs = append(recs, `{"eventName":"E","eventID":"`+strings.Repeat("x", 40)+`"}`)
	}
	full := gz(t, `{"Records":[`+strings.Join(recs, ",")+`]}`)
	res := readAllCT(t, full[:len(full)/2])
	if len(res.names) == 0 || len(res.names) >= 2000 {
		t.Fatalf("read %d records from half a file", len(res.names))
	}
	if len(res.errs) != 1 || !strings.Contains(res.errs[0].Error(), "unexpected EOF") && !strings.Contains(res.errs[0].Error(), "truncated") {
		t.Fatalf("errors %v", res.errs)
	}
}

func TestCloudTrailReaderBadGzip(t *testing.T) {
	t.Parallel()
	res := readAllCT(t, []byte{0x1f, 0x8b, 0, 0})
	if len(res.errs) != 1 || !strings.Contains(res.errs[0].Error(), "gzip") {
		t.Fatalf("errors %v", res.errs)
	}
}

func TestFlowLogReaderErrors(t *testing.T) {
	t.Parallel()
	input := "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n" +
		"2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n" +
		"2 123456789010 eni-1 172.31.16.139 not-an-ip 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK\n" +
		"2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 70000 6 20 4249 1418530010 1418530070 ACCEPT OK\n" +
		"2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 20\n" +
		"2 123456789010 eni-1 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 MAYBE OK\n" +
		"2 123456789010 eni-1 - - - - - - - 1431280876 1431280934 - NODATA\n"
	r, err := NewFlowLogReader(strings.NewReader(input), "f.log", "")
	if err != nil {
		t.Fatal(err)
	}
	var good int
	var errs []string
	for {
		rec, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		good++
		if rec.LogStatus == "NODATA" && (rec.SrcAddr.IsValid() || rec.DstPort != -1) {
			t.Errorf("NODATA record has flow fields: %+v", rec)
		}
	}
	want := []string{
		`f.log:3:36: dstaddr: expected an IP address, got "not-an-ip"`,
		`f.log:4:55: dstport: expected a port 0-65535, got "70000"`,
		`f.log:5:`,
		`f.log:6:90: action: expected one of ACCEPT, REJECT, -, got "MAYBE"`,
	}
	if good != 2 || len(errs) != len(want) {
		t.Fatalf("good %d errors %q", good, errs)
	}
	for i := range want {
		if !strings.HasPrefix(errs[i], want[i]) {
			t.Errorf("error %q, want prefix %q", errs[i], want[i])
		}
	}
}

func TestFlowFormats(t *testing.T) {
	t.Parallel()
	names, err := ParseFlowFormat("${version} ${vpc-id} ${flow-direction} ${traffic-path} ${ecs-cluster-name}")
	if err != nil || strings.Join(names, " ") != "version vpc-id flow-direction traffic-path ecs-cluster-name" {
		t.Fatalf("%v %v", names, err)
	}
	if _, err := ParseFlowFormat("${version} src addr!"); err == nil {
		t.Fatal("bad field name accepted")
	}
	// v5 fields, with an unknown newer field skipped.
	in := "5 egress 8 ingress-x\n"
	r, _ := NewFlowLogReader(strings.NewReader(in), "v5", "${version} ${flow-direction} ${traffic-path} ${reject-reason}")
	rec, err := r.Next()
	if err != nil || rec.Version != 5 || rec.FlowDirection != "egress" || rec.TrafficPath != "8" {
		t.Fatalf("%+v %v", rec, err)
	}
}

func TestDNSReaderErrors(t *testing.T) {
	t.Parallel()
	in := `{"query_timestamp":"2021-02-04T17:51:55Z","query_name":"a.example.com.","srcaddr":"10.0.0.1"}` + "\n" +
		`{"query_timestamp":"then","query_name":"b.example.com."}` + "\n" +
		`{"query_timestamp":"2021-02-04T17:51:56Z"}` + "\n" +
		`{"query_timestamp":"2021-02-04T17:51:57Z","query_name":"c.example.com.","answers":{}}` + "\n" +
		`{"query_timestamp":"2021-02-04T17:51:58Z","query_name":"d.example.com."}`
	r := NewDNSReader(strings.NewReader(in), "q.log")
	var names, errs []string
	for {
		q, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		names = append(names, q.QueryName)
	}
	if strings.Join(names, " ") != "a.example.com. d.example.com." || len(errs) != 3 {
		t.Fatalf("names %v errors %q", names, errs)
	}
	for i, want := range []string{"q.log:2:1: record 2: query_timestamp", "q.log:3:1: record 3: query_name: missing", "q.log:4:"} {
		if !strings.HasPrefix(errs[i], want) {
			t.Errorf("error %q, want prefix %q", errs[i], want)
		}
	}
}

func TestRecordCloneOwnsItsBytes(t *testing.T) {
	t.Parallel()
	in := `[{"eventName":"A","requestParameters":{"a":1},"responseElements":{"b":2},"additionalEventData":{"MFAUsed":"No"},"resources":[{"ARN":"x"}]},` +
		`{"eventName":"B","requestParameters":{"a":9},"responseElements":{"b":8},"additionalEventData":{"MFAUsed":"Yes"},"resources":[{"ARN":"y"}]}]`
	r := NewCloudTrailReader(strings.NewReader(in), "c")
	first, err := r.Next()
	if err != nil {
		t.Fatal(err)
	}
	kept := first.Clone()
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	if string(kept.RequestParameters) != `{"a":1}` || string(kept.ResponseElements) != `{"b":2}` ||
		string(kept.AdditionalEventData) != `{"MFAUsed":"No"}` || kept.Resources[0].ARN != "x" || !strings.Contains(string(kept.Raw), `"A"`) {
		t.Fatalf("clone changed after the next read: %s %s %s %+v", kept.RequestParameters, kept.ResponseElements, kept.AdditionalEventData, kept.Resources)
	}
}

func TestFlowLogReaderLongLine(t *testing.T) {
	t.Parallel()
	good := "2 1 eni-1 10.0.0.1 10.0.0.2 1 22 6 1 40 1700000000 1700000060 ACCEPT OK\n"
	r, _ := NewFlowLogReader(strings.NewReader(good+strings.Repeat("x", 200000)+"\n"+good), "long.log", "")
	var good2 int
	var errs []string
	for {
		_, err := r.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, err.Error())
			continue
		}
		good2++
	}
	if good2 != 2 || len(errs) != 1 || !strings.HasPrefix(errs[0], "long.log:2:1: line longer than") {
		t.Fatalf("records %d errors %q", good2, errs)
	}
}
