// Package cloudtrail serves the CloudTrail API (json 1.1): LookupEvents over
// the records moat writes for every call, and trails (their configuration;
// internal/trail's Deliverer writes their files).
package cloudtrail

import (
	"context"

	"github.com/moatdev/moat/internal/protocol"
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/trail"
)

// New returns the CloudTrail service. key signs digest files
// (ListPublicKeys returns its public half); nil: no digests.
func New(key *trail.DigestKey) *service.Service {
	return &service.Service{
		Meta: protocol.Service{
			Name: "cloudtrail", Protocol: "json", JSONVersion: "1.1",
			TargetPrefix: "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101",
		},
		EventSource: "cloudtrail.amazonaws.com",
		Ops: service.Table(append(trailOps(func() *trail.DigestKey { return key }),
			service.Op("LookupEvents", "cloudtrail:LookupEvents", lookupEvents, service.ReadOnly[trail.LookupInput]()))...,
		),
	}
}

func lookupEvents(ctx context.Context, c *service.Call, in *trail.LookupInput) (*trail.LookupOutput, error) {
	// LookupEvents is regional, as in AWS: IAM's events (recorded in
	// us-east-1) are found with a us-east-1 client.
	return trail.Lookup(ctx, c.Deps.Store, c.Account(), *in, c.Now, trail.InRegion(c.Region))
}
