// Command moat is AWS's security plane as one binary. Everything it does lives
// in internal/cli; this file only hands over the process.
package main

import (
	"os"

	"github.com/moatdev/moat/internal/cli"
)

func main() { os.Exit(cli.Main(os.Args[1:])) }
