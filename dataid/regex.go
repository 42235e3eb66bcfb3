package dataid

import "regexp"

func mustRe(expr string) *regexp.Regexp { return regexp.MustCompile(expr) }
