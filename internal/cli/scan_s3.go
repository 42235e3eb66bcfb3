package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/feature/ec2/imds"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/moatdev/moat/dataid"
)

// s3Source is where `moat scan s3://…` reads buckets: moat serve's S3 (the
// default endpoint) or any S3 endpoint, with a named AWS profile.
type s3Source struct {
	endpoint, profile, region string
}

// scanS3 scans every object under s3://bucket/prefix, in key order. Paths
// are relative to the prefix (the scan root), archive members joined with
// '!' as for local files; an object larger than the file limit is read up
// to it and reported PARTIAL.
func (src s3Source) scan(ctx context.Context, s *dataid.Scanner, uri string, lim dataid.Limits, emit func(dataid.Result)) error {
	bucket, prefix, _ := strings.Cut(strings.TrimPrefix(uri, "s3://"), "/")
	if bucket == "" {
		return fmt.Errorf("%s: expected s3://BUCKET[/PREFIX]", uri)
	}
	opts := []func(*config.LoadOptions) error{config.WithRegion(src.region)}
	if src.endpoint != "" {
		// moat serve's credentials are never the instance role's.
		opts = append(opts, config.WithEC2IMDSClientEnableState(imds.ClientDisabled))
	}
	if src.profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(src.profile))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return fmt.Errorf("%s: %w", uri, err)
	}
	client := s3.NewFromConfig(cfg, func(o *s3.Options) {
		if src.endpoint != "" {
			o.BaseEndpoint = aws.String(src.endpoint)
			o.UsePathStyle = true
		}
	})
	max := lim.MaxFileSize
	if max <= 0 {
		max = 256 << 20
	}
	st := s.NewState()
	p := s3.NewListObjectsV2Paginator(client, &s3.ListObjectsV2Input{Bucket: aws.String(bucket), Prefix: aws.String(prefix)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", uri, err)
		}
		for _, o := range page.Contents {
			key := aws.ToString(o.Key)
			rel := strings.TrimPrefix(strings.TrimPrefix(key, prefix), "/")
			if rel == "" {
				rel = key[strings.LastIndexByte(key, '/')+1:]
			}
			got, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: o.Key})
			if err != nil {
				emit(dataid.Result{Path: rel, Status: dataid.StatusSkipped, Reason: dataid.ReasonPermissionDenied, Detail: err.Error()})
				continue
			}
			data, err := io.ReadAll(io.LimitReader(got.Body, max+1))
			got.Body.Close()
			if err != nil {
				emit(dataid.Result{Path: rel, Status: dataid.StatusSkipped, Reason: dataid.ReasonMalformed, Detail: err.Error()})
				continue
			}
			truncated := int64(len(data)) > max
			if truncated {
				data = data[:max]
			}
			first := true
			s.ScanDocument(st, rel, data, lim, func(r dataid.Result) {
				if truncated && first && r.Status == dataid.StatusComplete {
					r.Status, r.Reason, r.Detail = dataid.StatusPartial, dataid.ReasonSizeLimit, fmt.Sprintf("only the first %d bytes were scanned", max)
				}
				first = false
				emit(r)
			})
		}
	}
	return nil
}
