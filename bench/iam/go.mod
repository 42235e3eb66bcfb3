module github.com/moatdev/moat/bench/iam

go 1.26.8

require github.com/moatdev/moat v0.0.0

replace github.com/moatdev/moat => ../..
