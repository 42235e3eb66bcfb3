package server

import (
	"github.com/moatdev/moat/internal/service"
	"github.com/moatdev/moat/internal/service/ec2"
)

func init() { plug(func(*Server) *service.Service { return ec2.New() }) }
