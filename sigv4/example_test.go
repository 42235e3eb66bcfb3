package sigv4_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/moatdev/moat/sigv4"
)

type keys map[string]sigv4.Credentials

func (k keys) Credentials(_ context.Context, id string) (sigv4.Credentials, error) {
	if c, ok := k[id]; ok {
		return c, nil
	}
	return sigv4.Credentials{}, sigv4.ErrUnknownAccessKey
}

// A request as the AWS S3 documentation signs it ("GET Object" example).
const wire = "GET /test.txt HTTP/1.1\r\n" +
	"Host: examplebucket.s3.amazonaws.com\r\n" +
	"Range: bytes=0-9\r\n" +
	"x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\r\n" +
	"x-amz-date: 20130524T000000Z\r\n" +
	"Authorization: AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request," +
	"SignedHeaders=host;range;x-amz-content-sha256;x-amz-date," +
	"Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41\r\n\r\n"

func Example() {
	r, _ := http.ReadRequest(bufio.NewReader(strings.NewReader(wire)))
	body, _ := io.ReadAll(r.Body)

	a, err := sigv4.Parse(r)
	if err != nil || a == nil {
		fmt.Println("malformed or anonymous:", err)
		return
	}
	v := &sigv4.Verifier{
		Lookup: keys{"AKIAIOSFODNN7EXAMPLE": {
			AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}},
		Now: func() time.Time { return time.Date(2013, 5, 24, 0, 5, 0, 0, time.UTC) },
	}
	creds, err := v.Verify(context.Background(), r, a, body)
	fmt.Println(creds.AccessKeyID, a.Service, a.Region, err)

	// Half an hour later the same request is refused.
	v.Now = func() time.Time { return time.Date(2013, 5, 24, 0, 30, 0, 0, time.UTC) }
	_, err = v.Verify(context.Background(), r, a, body)
	var e *sigv4.Error
	if errors.As(err, &e) {
		fmt.Println(e.Kind, e.Message)
	}
	// Output:
	// AKIAIOSFODNN7EXAMPLE s3 us-east-1 <nil>
	// SignatureExpired Signature expired: 20130524T000000Z is now earlier than 20130524T001500Z (20130524T003000Z - 15 min.)
}
