package sigv4

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha1" //nolint:gosec // S3's x-amz-checksum-sha1 trailer
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// MaxChunkSize bounds one aws-chunked chunk: a chunk is held in memory until
// its signature is checked, so that no unverified byte reaches the reader.
const MaxChunkSize = 16 << 20

// maxChunkLine bounds a chunk header or trailer line.
const maxChunkLine = 4096

var (
	// ErrMalformedChunk is wrapped by ChunkedReader for framing errors: a bad
	// chunk header, a missing CRLF, a missing trailer, a decoded length that
	// differs from X-Amz-Decoded-Content-Length (S3: IncompleteBody and
	// friends).
	ErrMalformedChunk = errors.New("sigv4: malformed aws-chunked body")
	// ErrChecksumMismatch is wrapped when an x-amz-checksum-* trailer differs
	// from the decoded data (S3: BadDigest).
	ErrChecksumMismatch = errors.New("sigv4: checksum mismatch")
	// ErrNotChunked is returned by NewChunkedReader for a payload hash that
	// is not an aws-chunked literal.
	ErrNotChunked = errors.New("sigv4: payload is not aws-chunked")
)

var crc64NVME = crc64.MakeTable(0x9a6c9329ac4bc9b5) // CRC-64/NVME, reflected

// checksums are the x-amz-checksum-* trailers moat checks.
var checksums = map[string]func() hash.Hash{
	"x-amz-checksum-crc32":     func() hash.Hash { return crc32.NewIEEE() },
	"x-amz-checksum-crc32c":    func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) },
	"x-amz-checksum-crc64nvme": func() hash.Hash { return crc64.New(crc64NVME) },
	"x-amz-checksum-sha1":      sha1.New,
	"x-amz-checksum-sha256":    sha256.New,
}

// ChunkedReader decodes an aws-chunked request body (Content-Encoding:
// aws-chunked) and returns the object bytes. For
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER) it checks every chunk
// signature, chained from the request signature, before releasing the
// chunk's bytes, and the trailer signature; for
// STREAMING-UNSIGNED-PAYLOAD-TRAILER it only decodes. In both trailer forms
// it checks the x-amz-checksum-* trailer named by X-Amz-Trailer (crc32,
// crc32c, crc64nvme, sha1, sha256) and, when the header is present, that the
// decoded length equals X-Amz-Decoded-Content-Length.
//
// Chunk signatures are recomputed with aws-sdk-go-v2's StreamSigner. The
// SDK has no trailer signer: the trailer string to sign
// ("AWS4-HMAC-SHA256-TRAILER", date, scope, previous signature, SHA-256 of
// the "name:value\n" trailer lines) is built here from AWS's S3 streaming
// documentation and has no published vector to check it against.
//
// Read errors: *Error of kind SignatureMismatch for a chunk or trailer
// signature, errors wrapping ErrMalformedChunk or ErrChecksumMismatch, or the
// underlying reader's error. Checksum and length errors come at the end, after
// the data was read: discard what was read unless Read ended in io.EOF. A
// ChunkedReader is not safe for concurrent use.
type ChunkedReader struct {
	src    *bufio.Reader
	auth   *Auth
	secret string
	signed bool // chunk signatures present
	trail  bool // trailer present

	stream  *v4.StreamSigner
	prevSig string // hex of the last verified signature

	chunk bytes.Buffer
	buf   []byte // current verified chunk (c.chunk's bytes)
	off   int
	err   error // sticky; io.EOF after a complete, verified body

	trailerName string // from X-Amz-Trailer
	sum         hash.Hash
	decoded     int64
	wantDecoded int64 // -1: unknown
	trailers    http.Header
}

// NewChunkedReader returns a reader over body, the raw aws-chunked bytes of
// r, which Verify accepted with a (whose PayloadHash says which form it is)
// and creds.
func NewChunkedReader(r *http.Request, body io.Reader, a *Auth, creds Credentials) (*ChunkedReader, error) {
	c := &ChunkedReader{src: bufio.NewReaderSize(body, 64<<10), auth: a, secret: creds.SecretAccessKey,
		prevSig: a.Signature, wantDecoded: -1}
	switch a.PayloadHash {
	case StreamingPayload:
		c.signed = true
	case StreamingPayloadTrailer:
		c.signed, c.trail = true, true
	case StreamingUnsignedPayloadTrailer:
		c.trail = true
	default:
		return nil, fmt.Errorf("%w: X-Amz-Content-Sha256 is %q", ErrNotChunked, a.PayloadHash)
	}
	if v := r.Header.Get("X-Amz-Decoded-Content-Length"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("%w: X-Amz-Decoded-Content-Length %q", ErrMalformedChunk, v)
		}
		c.wantDecoded = n
	}
	if c.trail {
		c.trailerName = strings.ToLower(strings.TrimSpace(r.Header.Get("X-Amz-Trailer")))
		if newSum, ok := checksums[c.trailerName]; ok {
			c.sum = newSum()
		}
	}
	if c.signed {
		seed, err := hex.DecodeString(a.Signature)
		if err != nil {
			return nil, newError(SignatureMismatch, msgMismatch)
		}
		c.stream = v4.NewStreamSigner(aws.Credentials{AccessKeyID: a.AccessKeyID, SecretAccessKey: creds.SecretAccessKey},
			a.Service, a.Region, seed)
	}
	return c, nil
}

// Read returns verified object bytes.
func (c *ChunkedReader) Read(p []byte) (int, error) {
	for c.off == len(c.buf) {
		if c.err != nil {
			return 0, c.err
		}
		c.err = c.next()
		if c.err != nil {
			c.buf, c.off = c.buf[:0], 0 // release nothing from a failed chunk
		}
	}
	n := copy(p, c.buf[c.off:])
	c.off += n
	return n, nil
}

// Trailer returns the trailing headers once Read has returned io.EOF.
func (c *ChunkedReader) Trailer() http.Header { return c.trailers }

// next reads, checks and buffers one chunk; after the last one it returns
// io.EOF or the reason the body is not acceptable.
func (c *ChunkedReader) next() error {
	line, err := c.line()
	if err != nil {
		return err
	}
	sizeHex, ext, _ := strings.Cut(line, ";")
	size, err := strconv.ParseInt(strings.TrimSpace(sizeHex), 16, 64)
	if err != nil || size < 0 || size > MaxChunkSize {
		return fmt.Errorf("%w: chunk header %q", ErrMalformedChunk, line)
	}
	sig, hasSig := strings.CutPrefix(ext, "chunk-signature=")
	if c.signed != hasSig {
		return fmt.Errorf("%w: chunk header %q", ErrMalformedChunk, line)
	}
	c.buf, c.off = c.buf[:0], 0
	if size > 0 || !c.trail {
		// Grow with the bytes that arrive, not with the size announced.
		c.chunk.Reset()
		if _, err := io.CopyN(&c.chunk, c.src, size); err != nil {
			return fmt.Errorf("%w: chunk data: %w", ErrMalformedChunk, noEOF(err))
		}
		c.buf = c.chunk.Bytes()
		if crlf, err := c.line(); err != nil || crlf != "" {
			return fmt.Errorf("%w: chunk data not followed by CRLF", ErrMalformedChunk)
		}
	}
	if c.signed {
		if err := c.checkChunk(sig); err != nil {
			return err
		}
	}
	c.decoded += size
	if c.sum != nil {
		c.sum.Write(c.buf)
	}
	if size > 0 {
		return nil
	}
	return c.finish()
}

func (c *ChunkedReader) checkChunk(sig string) error {
	want, err := c.stream.GetSignature(context.Background(), nil, c.buf, c.auth.Time)
	if err != nil {
		return err
	}
	got, err := hex.DecodeString(sig)
	if err != nil || strings.ContainsAny(sig, "ABCDEF") || subtle.ConstantTimeCompare(got, want) != 1 {
		return newError(SignatureMismatch, msgMismatch)
	}
	c.prevSig = sig
	return nil
}

// finish reads the trailer (if any) and runs the end-of-body checks.
func (c *ChunkedReader) finish() error {
	if c.trail {
		if err := c.readTrailers(); err != nil {
			return err
		}
	}
	if c.wantDecoded >= 0 && c.decoded != c.wantDecoded {
		return fmt.Errorf("%w: decoded %d bytes, X-Amz-Decoded-Content-Length is %d", ErrMalformedChunk, c.decoded, c.wantDecoded)
	}
	if c.sum != nil {
		got := base64.StdEncoding.EncodeToString(c.sum.Sum(nil))
		if got != c.trailers.Get(c.trailerName) {
			algo := strings.ToUpper(strings.TrimPrefix(c.trailerName, "x-amz-checksum-"))
			return fmt.Errorf("%w: The %s you specified did not match the calculated checksum.", ErrChecksumMismatch, algo)
		}
	}
	return io.EOF
}

func (c *ChunkedReader) readTrailers() error {
	c.trailers = http.Header{}
	var canonical bytes.Buffer
	var trailerSig string
	for {
		line, err := c.line()
		if err != nil {
			return err
		}
		if line == "" {
			break
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			return fmt.Errorf("%w: trailer line %q", ErrMalformedChunk, line)
		}
		name, value = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(value)
		if name == "x-amz-trailer-signature" {
			trailerSig = value
			continue
		}
		c.trailers.Add(name, value)
		canonical.WriteString(name + ":" + value + "\n")
	}
	if c.trailerName != "" && c.trailers.Get(c.trailerName) == "" {
		return fmt.Errorf("%w: trailer %q announced in X-Amz-Trailer is missing", ErrMalformedChunk, c.trailerName)
	}
	if c.signed && !signatureEqual(c.trailerSignature(canonical.Bytes()), trailerSig) {
		return newError(SignatureMismatch, msgMismatch)
	}
	return nil
}

// trailerSignature computes the x-amz-trailer-signature AWS documents for
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER.
func (c *ChunkedReader) trailerSignature(canonical []byte) string {
	a := c.auth
	sum := sha256.Sum256(canonical)
	sts := "AWS4-HMAC-SHA256-TRAILER\n" + a.Time.UTC().Format(timeFormat) + "\n" + a.Scope() + "\n" +
		c.prevSig + "\n" + hex.EncodeToString(sum[:])
	key := hmacSHA256([]byte("AWS4"+c.secret), a.Date)
	for _, s := range [...]string{a.Region, a.Service, scopeTerminator} {
		key = hmacSHA256(key, s)
	}
	return hex.EncodeToString(hmacSHA256(key, sts))
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}

// line reads one CRLF-terminated line without the CRLF.
func (c *ChunkedReader) line() (string, error) {
	b, err := c.src.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) || len(b) > maxChunkLine {
		return "", fmt.Errorf("%w: line too long", ErrMalformedChunk)
	}
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrMalformedChunk, noEOF(err))
	}
	s, ok := strings.CutSuffix(string(b), "\r\n")
	if !ok {
		return "", fmt.Errorf("%w: line %q does not end in CRLF", ErrMalformedChunk, b)
	}
	return s, nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
