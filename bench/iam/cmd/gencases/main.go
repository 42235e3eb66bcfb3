// Command gencases writes generated IAM decision cases as JSON Lines
// (iam-cases-schema.md) to stdout.
//
//	gencases -n 2000 -seed 1        # random cases, deterministic per seed
//	gencases -fixed small|heavy     # the fixed speed cases
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/moatdev/moat/bench/iam/gen"
)

func main() {
	n := flag.Int("n", 100, "number of cases")
	seed := flag.Uint64("seed", 1, "random seed")
	fixed := flag.String("fixed", "", "write one fixed case instead: small or heavy")
	flag.Parse()
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	switch *fixed {
	case "":
		g := gen.New(*seed)
		for i := 0; i < *n; i++ {
			if err := enc.Encode(g.Case(i)); err != nil {
				fmt.Fprintln(os.Stderr, "gencases:", err)
				os.Exit(1)
			}
		}
	case "small":
		must(enc.Encode(gen.Small()))
	case "heavy":
		must(enc.Encode(gen.Heavy()))
	default:
		fmt.Fprintf(os.Stderr, "gencases: unknown -fixed %q (small or heavy)\n", *fixed)
		os.Exit(2)
	}
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "gencases:", err)
		os.Exit(1)
	}
}
