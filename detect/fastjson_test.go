package detect

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/moatdev/moat/detect/detecttest"
)

// agree decodes data with encoding/json (parseRecord) and with ctDecoder and
// reports a difference in success or in the decoded record.
func agree(t testing.TB, data []byte) {
	t.Helper()
	var a, b Record
	errA := parseRecord(data, &a)
	dec := &ctDecoder{intern: map[string]string{}}
	errB := decodeRecordFast(dec, data, &b)
	if (errA == nil) != (errB == nil) {
		t.Fatalf("encoding/json error %v, fast decoder error %v, input %q", errA, errB, data)
	}
	if errA != nil {
		return
	}
	a.Raw, b.Raw = nil, nil
	if len(a.Resources) == 0 && len(b.Resources) == 0 {
		a.Resources, b.Resources = nil, nil
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("records differ for %q:\nencoding/json %+v\nfast          %+v", data, a, b)
	}
}

func TestFastDecoderAgrees(t *testing.T) {
	t.Parallel()
	cases := []string{
		`{}`, `null`, `{"eventName":null}`, `{"eventName":"a\"b\u00e9\n"}`, `{"readOnly":"false"}`, `{"readOnly":true}`,
		`{"requestParameters":{"a":[1,2.5e3,-0.1,true,false,null,"x"]},"responseElements":null}`,
		`{"userIdentity":{"type":"AssumedRole","sessionContext":{"sessionIssuer":{"arn":"r"},"attributes":{"mfaAuthenticated":"true"},"ec2RoleDelivery":"2.0"},"extra":{}}}`,
		`{"resources":[{"ARN":"a","accountId":"1","type":"t","x":1},{}]}`, `{"resources":null}`,
		`{"eventTime":"2024-02-29T23:59:59Z"}`, `{"eventTime":"2024-02-29T23:59:59.123+01:00"}`, `{"@timestamp":"2020-09-14T00:44:23.000Z"}`,
		// errors both must report
		`{"eventName":5}`, `{"userIdentity":"x"}`, `{"userIdentity":{"type":[]}}`, `{"resources":{}}`, `[1]`, `"s"`, `5`,
		`{"eventName":"a"`, `{"a":tru}`, `{"a":01}`, `{"a":1.}`, `{"a":"\x"}`, `{"a":"` + "\x01" + `"}`, `{"a" 1}`, `{"a":1,}`,
		`{"eventTime":"2024-02-30T00:00:00Z"}`, `{"eventTime":"soon"}`, `{"readOnly":"maybe"}`, `{"readOnly":1}`, ``, `{} {}`,
		`{"eventName":5,"b":}`,
	}
	for _, c := range cases {
		agree(t, []byte(c))
	}
	var buf bytes.Buffer
	if err := detecttest.WriteCloudTrail(&buf, 1, time.Now(), 300, true); err != nil {
		t.Fatal(err)
	}
	var doc struct{ Records []json.RawMessage }
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	for _, r := range doc.Records {
		agree(t, r)
	}
	n := len(doc.Records)
	// Every record of the real datasets, when present.
	root := filepath.Join("..", "..", "shared", "datasets", "detection")
	files, _ := filepath.Glob(filepath.Join(root, "*", "*.json"))
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		js := newJSONStream(bytes.NewReader(data))
		for {
			rec, err := js.next()
			if err != nil {
				break
			}
			agree(t, rec)
			n++
		}
	}
	if n < 300 {
		t.Fatalf("compared only %d records", n)
	}
}

func FuzzFastDecoder(f *testing.F) {
	f.Add([]byte(`{"eventName":"StopLogging","userIdentity":{"type":"Root","sessionContext":{"attributes":{}}},"resources":[{"ARN":"a"}],"readOnly":false}`))
	f.Add([]byte(`{"eventTime":"2024-01-01T00:00:00Z","requestParameters":{"x":[1,{"y":null}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !utf8.Valid(data) || bytes.Contains(data, []byte(`\`)) {
			return // the documented differences: invalid UTF-8, escaped member names
		}
		lower := bytes.ToLower(data)
		for _, k := range []string{"eventversion", "eventtime", "eventsource", "eventname", "awsregion", "sourceipaddress", "useragent", "errorcode", "errormessage",
			"requestparameters", "responseelements", "additionaleventdata", "requestid", "eventid", "eventtype", "eventcategory", "recipientaccountid",
			"vpcendpointid", "readonly", "useridentity", "resources", "type", "principalid", "arn", "accountid", "accesskeyid", "username", "invokedby",
			"sessioncontext", "sessionissuer", "attributes", "creationdate", "mfaauthenticated", "ec2roledelivery", "@timestamp"} {
			if bytes.Count(lower, []byte(`"`+k+`"`)) != strings.Count(strings.ToLower(canonicalKeys(data)), `"`+k+`"`) {
				return // a member name that differs from a field only by case
			}
		}
		agree(t, data)
	})
}

// canonicalKeys keeps only the exact-case spellings of the field names, so
// that FuzzFastDecoder can skip inputs using other spellings.
func canonicalKeys(data []byte) string {
	var b strings.Builder
	for _, k := range []string{"eventVersion", "eventTime", "eventSource", "eventName", "awsRegion", "sourceIPAddress", "userAgent", "errorCode", "errorMessage",
		"requestParameters", "responseElements", "additionalEventData", "requestID", "eventID", "eventType", "eventCategory", "recipientAccountId",
		"vpcEndpointId", "readOnly", "userIdentity", "resources", "type", "principalId", "arn", "accountId", "accessKeyId", "userName", "invokedBy",
		"sessionContext", "sessionIssuer", "attributes", "creationDate", "mfaAuthenticated", "ec2RoleDelivery", "@timestamp", "ARN"} {
		for i := 0; i < bytes.Count(data, []byte(`"`+k+`"`)); i++ {
			b.WriteString(`"` + k + `"`)
		}
	}
	return b.String()
}
