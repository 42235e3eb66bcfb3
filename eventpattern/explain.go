package eventpattern

import "strconv"

// Explanation says why a pattern matches an event or not: the result for
// each branch (each combination of the pattern's $or alternatives; a pattern
// without $or has one), matched when any branch is.
type Explanation struct {
	Matched  bool
	Branches []BranchResult
}

// BranchResult lists the fields of one branch that the event fails. A branch
// whose fields each hold on their own can still fail on array consistency;
// Failed then has one entry with an empty Path.
type BranchResult struct {
	Matched bool
	Failed  []FieldResult
}

// FieldResult is a field of the pattern the event does not satisfy, with the
// event's values at that path (strings quoted, as JSON) and the reason.
type FieldResult struct {
	Path   string
	Values []string
	Reason string
}

// Explain matches one event against p and reports, per branch, which fields
// fail. It is meant for people (moat events test-pattern); rule evaluation at
// volume uses a Set.
func (p *Pattern) Explain(event []byte) (Explanation, error) {
	s := NewSet()
	s.Add("p", p)
	st := &matchState{}
	st.reset(s.index())
	if err := st.sc.scan(event); err != nil {
		return Explanation{}, err
	}
	var ex Explanation
	for b := range st.idx.branches {
		r := st.explainBranch(int32(b))
		ex.Matched = ex.Matched || r.Matched
		ex.Branches = append(ex.Branches, r)
	}
	return ex, nil
}

func (st *matchState) explainBranch(b int32) BranchResult {
	br, slots := st.idx.branches[b], st.idx.fieldSlots[b]
	var r BranchResult
	for fi := range br.fields {
		f, slot := &br.fields[fi], slots[fi]
		if st.pathSeen[slot] != st.epoch {
			if !f.allowsAbsent() {
				r.Failed = append(r.Failed, FieldResult{Path: f.path, Reason: "the event has no value at this path"})
			}
			continue
		}
		var vals []string
		holds := false
		for i := st.slotFirst[slot]; i >= 0; i = st.leaves[i].next {
			holds = holds || st.leafHolds(f, i)
			vals = append(vals, st.leafText(i))
		}
		if !holds {
			reason := "no value matches"
			if f.allowsAbsent() {
				reason = "the pattern requires the field to be absent"
			}
			// values were collected last to first
			for i, j := 0, len(vals)-1; i < j; i, j = i+1, j-1 {
				vals[i], vals[j] = vals[j], vals[i]
			}
			r.Failed = append(r.Failed, FieldResult{Path: f.path, Values: vals, Reason: reason})
		}
	}
	if len(r.Failed) == 0 {
		r.Matched = st.verify(b)
		if !r.Matched {
			r.Failed = append(r.Failed, FieldResult{Reason: "the values come from different elements of the same array (array consistency)"})
		}
	}
	return r
}

func (st *matchState) leafText(i int32) string {
	l := &st.leaves[i]
	if l.v.kind == kString {
		return strconv.Quote(string(st.arena[l.off : l.off+l.n]))
	}
	return l.v.text
}
