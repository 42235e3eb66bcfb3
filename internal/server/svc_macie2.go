package server

import (
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/macie2"
)

func init() { plug(func(s *Server) *service.Service { return macie2.New(s.cfg.DataDir) }) }
