package server

import (
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/networkfirewall"
)

func init() { plug(func(*Server) *service.Service { return networkfirewall.New() }) }
