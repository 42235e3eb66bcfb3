package macie2

import (
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/store"
)

func (m *Service) jobOps() []*service.Operation     { return nil }
func findingOps() []*service.Operation              { return nil }
func cancelJobs(tx store.Tx, c *service.Call) error { return nil }
