package vpc

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"
)

var benchSizes = []int{10, 1000, 100000}

func BenchmarkCompile(b *testing.B) {
	for _, size := range benchSizes {
		n := genNetwork(size)
		b.Run(fmt.Sprintf("enis=%d", size), func(b *testing.B) {
			for b.Loop() {
				Compile(n)
			}
		})
	}
}

// BenchmarkReach: one path question between two random interfaces (any
// VPCs) on a random sensitive port, on a compiled network.
func BenchmarkReach(b *testing.B) {
	for _, size := range benchSizes {
		n := genNetwork(size)
		a := Compile(n)
		ids := make([]string, 0, len(n.Interfaces))
		for id := range n.Interfaces {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		r := rand.New(rand.NewPCG(7, 7))
		qs := make([]PathQuery, 256)
		for i := range qs {
			p := benchPorts[r.IntN(len(benchPorts))]
			qs[i] = PathQuery{Source: ids[r.IntN(len(ids))], Destination: ids[r.IntN(len(ids))], Protocol: "tcp", DestinationPorts: PortRange{p, p}}
		}
		b.Run(fmt.Sprintf("enis=%d", size), func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			c0, okCPU := processCPU()
			for b.Loop() {
				if _, err := a.Reach(qs[i%len(qs)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
			if c1, ok := processCPU(); ok && okCPU {
				b.ReportMetric(float64(c1-c0)/1e3/float64(b.N), "cpu-µs/op")
			}
		})
	}
}

// BenchmarkExposed: the full internet-exposure report (every interface,
// TCP and UDP, all ports).
func BenchmarkExposed(b *testing.B) {
	for _, size := range benchSizes {
		n := genNetwork(size)
		a := Compile(n)
		b.Run(fmt.Sprintf("enis=%d", size), func(b *testing.B) {
			var found int
			c0, okCPU := processCPU()
			for b.Loop() {
				found = len(a.Exposed())
			}
			if c1, ok := processCPU(); ok && okCPU {
				b.ReportMetric(float64(c1-c0)/1e9/float64(b.N), "cpu-s/op")
			}
			b.ReportMetric(float64(found), "exposures")
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			b.ReportMetric(float64(m.HeapInuse)/(1<<20), "heapMiB")
		})
	}
}
