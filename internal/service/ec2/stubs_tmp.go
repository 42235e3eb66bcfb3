package ec2

import "github.com/moatdev/moat/internal/service"

type insightsPath struct{}
type insightsAnalysis struct{}

func instanceOps() []*service.Operation { return nil }
func insightsOps() []*service.Operation { return nil }
