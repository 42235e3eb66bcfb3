package s3

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

// ListObjectsV2Input is S3's ListObjectsV2 request.
type ListObjectsV2Input struct {
	BucketInput
	Prefix            *string `aws:"prefix,location=querystring"`
	Delimiter         *string `aws:"delimiter,location=querystring"`
	MaxKeys           *int    `aws:"max-keys,location=querystring"`
	ContinuationToken *string `aws:"continuation-token,location=querystring"`
	StartAfter        *string `aws:"start-after,location=querystring"`
	EncodingType      *string `aws:"encoding-type,location=querystring"`
	FetchOwner        *bool   `aws:"fetch-owner,location=querystring"`
}

// ObjectEntry is one key of a listing.
type ObjectEntry struct {
	Key          string
	LastModified time.Time
	ETag         string
	Size         int64
	StorageClass string
	Owner        *Owner `aws:"Owner"`
}

// CommonPrefix is one rolled-up prefix of a listing with a delimiter.
type CommonPrefix struct {
	Prefix string
}

// ListObjectsV2Output is S3's ListObjectsV2 response.
type ListObjectsV2Output struct {
	XMLName               struct{}       `aws:"ListBucketResult"`
	Name                  string         `aws:"Name"`
	Prefix                string         `aws:"Prefix"`
	Delimiter             *string        `aws:"Delimiter"`
	MaxKeys               int            `aws:"MaxKeys"`
	KeyCount              int            `aws:"KeyCount"`
	IsTruncated           bool           `aws:"IsTruncated"`
	ContinuationToken     *string        `aws:"ContinuationToken"`
	NextContinuationToken *string        `aws:"NextContinuationToken"`
	StartAfter            *string        `aws:"StartAfter"`
	EncodingType          *string        `aws:"EncodingType"`
	Contents              []ObjectEntry  `aws:"Contents,flattened"`
	CommonPrefixes        []CommonPrefix `aws:"CommonPrefixes,flattened"`
}

// ListObjectsInput is S3's ListObjects (version 1) request.
type ListObjectsInput struct {
	BucketInput
	Prefix       *string `aws:"prefix,location=querystring"`
	Delimiter    *string `aws:"delimiter,location=querystring"`
	MaxKeys      *int    `aws:"max-keys,location=querystring"`
	Marker       *string `aws:"marker,location=querystring"`
	EncodingType *string `aws:"encoding-type,location=querystring"`
}

// ListObjectsOutput is S3's ListObjects response.
type ListObjectsOutput struct {
	XMLName        struct{}       `aws:"ListBucketResult"`
	Name           string         `aws:"Name"`
	Prefix         string         `aws:"Prefix"`
	Marker         string         `aws:"Marker"`
	NextMarker     *string        `aws:"NextMarker"`
	Delimiter      *string        `aws:"Delimiter"`
	MaxKeys        int            `aws:"MaxKeys"`
	IsTruncated    bool           `aws:"IsTruncated"`
	EncodingType   *string        `aws:"EncodingType"`
	Contents       []ObjectEntry  `aws:"Contents,flattened"`
	CommonPrefixes []CommonPrefix `aws:"CommonPrefixes,flattened"`
}

// listing is one page of keys and common prefixes.
type listing struct {
	entries  []ObjectEntry
	prefixes []CommonPrefix
	// last is where the next page starts after (a key, or a common prefix
	// followed by 0xff so that its keys are skipped).
	last      string
	truncated bool
}

var errPageFull = errors.New("page full")

// list reads up to max entries (keys and common prefixes) of bucket under
// prefix, after the key `after`, rolling keys up at delimiter.
func list(ctx context.Context, c *service.Call, bucketName, prefix, delimiter, after string, max int, owner bool) (*listing, error) {
	l := &listing{}
	err := c.Deps.Store.View(ctx, func(tx store.Tx) error {
		b, err := getBucket(tx, bucketName)
		if err != nil {
			return err
		}
		var o *Owner
		if owner {
			o = ownerOf(b.Account)
		}
		base := bucketName + "/"
		scanAfter := ""
		if after != "" {
			scanAfter = base + after
		}
		lastPrefix := ""
		if delimiter != "" && strings.HasSuffix(after, delimiter) {
			lastPrefix = after // a V1 marker naming a common prefix: its keys were listed
		}
		err = tx.Scan(TableObjects, base+prefix, scanAfter, 0, func(k string, raw []byte) error {
			key := k[len(base):]
			if delimiter != "" {
				if i := strings.Index(key[len(prefix):], delimiter); i >= 0 {
					cp := key[:len(prefix)+i+len(delimiter)]
					if cp == lastPrefix {
						return nil
					}
					if len(l.entries)+len(l.prefixes) == max {
						l.truncated = true
						return errPageFull
					}
					lastPrefix = cp
					l.prefixes = append(l.prefixes, CommonPrefix{Prefix: cp})
					l.last = cp + "\xff"
					return nil
				}
			}
			if len(l.entries)+len(l.prefixes) == max {
				l.truncated = true
				return errPageFull
			}
			var ob object
			if err := json.Unmarshal(raw, &ob); err != nil {
				return err
			}
			l.entries = append(l.entries, ObjectEntry{Key: ob.Key, LastModified: ob.LastModified, ETag: ob.ETag, Size: ob.Size,
				StorageClass: pick(ob.StorageClass, "STANDARD"), Owner: o})
			l.last = key
			return nil
		})
		if errors.Is(err, errPageFull) {
			return nil
		}
		return err
	})
	return l, err
}

func pick(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func maxKeys(p *int) (int, error) {
	if p == nil {
		return 1000, nil
	}
	if *p < 0 {
		return 0, errInvalidArgument.New("max-keys cannot be negative")
	}
	if *p > 1000 {
		return 1000, nil
	}
	return *p, nil
}

// encoder returns how keys are written: as they are, or URL-encoded when
// the client asked for encoding-type=url (the AWS CLI always does).
func encoder(t *string) (func(string) string, error) {
	if t == nil {
		return func(s string) string { return s }, nil
	}
	if *t != "url" {
		return nil, errInvalidArgument.New("Invalid Encoding Method specified in Request")
	}
	return url.QueryEscape, nil
}

func listObjectsV2(ctx context.Context, c *service.Call, in *ListObjectsV2Input) (*ListObjectsV2Output, error) {
	max, err := maxKeys(in.MaxKeys)
	if err != nil {
		return nil, err
	}
	enc, err := encoder(in.EncodingType)
	if err != nil {
		return nil, err
	}
	after := deref(in.StartAfter)
	if in.ContinuationToken != nil {
		raw, err := base64.RawURLEncoding.DecodeString(*in.ContinuationToken)
		if err != nil {
			return nil, errInvalidArgument.New("The continuation token provided is incorrect")
		}
		after = string(raw)
	}
	prefix, delim := deref(in.Prefix), deref(in.Delimiter)
	l, err := list(ctx, c, in.Bucket, prefix, delim, after, max, in.FetchOwner != nil && *in.FetchOwner)
	if err != nil {
		return nil, err
	}
	out := &ListObjectsV2Output{Name: in.Bucket, Prefix: enc(prefix), MaxKeys: max, KeyCount: len(l.entries) + len(l.prefixes),
		IsTruncated: l.truncated, ContinuationToken: in.ContinuationToken, EncodingType: in.EncodingType,
		Contents: encodeEntries(l.entries, enc), CommonPrefixes: encodePrefixes(l.prefixes, enc)}
	if in.Delimiter != nil {
		d := enc(delim)
		out.Delimiter = &d
	}
	if in.StartAfter != nil {
		sa := enc(*in.StartAfter)
		out.StartAfter = &sa
	}
	if l.truncated {
		tok := base64.RawURLEncoding.EncodeToString([]byte(l.last))
		out.NextContinuationToken = &tok
	}
	return out, nil
}

func listObjects(ctx context.Context, c *service.Call, in *ListObjectsInput) (*ListObjectsOutput, error) {
	max, err := maxKeys(in.MaxKeys)
	if err != nil {
		return nil, err
	}
	enc, err := encoder(in.EncodingType)
	if err != nil {
		return nil, err
	}
	prefix, delim, marker := deref(in.Prefix), deref(in.Delimiter), deref(in.Marker)
	l, err := list(ctx, c, in.Bucket, prefix, delim, marker, max, true)
	if err != nil {
		return nil, err
	}
	out := &ListObjectsOutput{Name: in.Bucket, Prefix: enc(prefix), Marker: enc(marker), MaxKeys: max, IsTruncated: l.truncated,
		EncodingType: in.EncodingType, Contents: encodeEntries(l.entries, enc), CommonPrefixes: encodePrefixes(l.prefixes, enc)}
	if in.Delimiter != nil {
		d := enc(delim)
		out.Delimiter = &d
		if l.truncated {
			// S3 returns NextMarker only with a delimiter: the last key or
			// common prefix of the page.
			nm := enc(strings.TrimSuffix(l.last, "\xff"))
			out.NextMarker = &nm
		}
	}
	return out, nil
}

func encodeEntries(es []ObjectEntry, enc func(string) string) []ObjectEntry {
	for i := range es {
		es[i].Key = enc(es[i].Key)
	}
	return es
}

func encodePrefixes(ps []CommonPrefix, enc func(string) string) []CommonPrefix {
	for i := range ps {
		ps[i].Prefix = enc(ps[i].Prefix)
	}
	return ps
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func xmlEscape(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&apos;")
	return r.Replace(s)
}
