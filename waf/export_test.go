package waf

// LabelledCorpusForTest exposes the corpus generator to the external test
// package (which can import waf/managed without an import cycle).
func LabelledCorpusForTest(seed uint64, n int) (reqs []*Request, families []string) {
	for _, l := range labelledCorpus(seed, n) {
		reqs = append(reqs, l.req)
		families = append(families, l.family)
	}
	return reqs, families
}

// ProcessCPUForTest and ReportCPUForTest expose the CPU-time helpers.
var (
	ProcessCPUForTest = processCPU
	ReportCPUForTest  = reportCPU
)
