package server

import (
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/s3"
)

func init() { plug(func(s *Server) *service.Service { return s3.New(s.cfg.DataDir) }) }
