package detect

// SigmaRule is a compiled Sigma rule for CloudTrail.
type SigmaRule struct {
	Title, ID, Author, Level string
}

func (d *Detector) sigma(r *Record) {}
