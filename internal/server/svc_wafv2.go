package server

import (
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/wafv2"
)

func init() { plug(func(*Server) *service.Service { return wafv2.New() }) }
