package dataid

// A numRun is a run of digit groups joined by short separators ("4111 1111
// 1111 1111", "+82-10-1234-5678", "(555) 123-4567", "1990-01-31"). The
// scanner finds runs in one pass and hands each to the numeric identifiers,
// which pick contiguous groups that fit their shape; no regex runs on digits.
type numRun struct {
	start, end int // [start,end) of the digits, from the first group to the last
	n          int
	g          [maxGroups][2]int // digit groups [s,e)
	cum        [maxGroups + 1]int
}

const maxGroups = 24

func isSep(c byte) bool {
	return c == ' ' || c == '-' || c == '.' || c == '/' || c == '(' || c == ')'
}

// nextRun finds the first run at or after i; it returns false when none is left.
func nextRun(b []byte, i int, r *numRun) (int, bool) {
	for i < len(b) && !isDigit(b[i]) {
		i++
	}
	if i >= len(b) {
		return i, false
	}
	r.start, r.n, r.cum[0] = i, 0, 0
	for i < len(b) && r.n < maxGroups {
		gs := i
		for i < len(b) && isDigit(b[i]) {
			i++
		}
		r.g[r.n] = [2]int{gs, i}
		r.cum[r.n+1] = r.cum[r.n] + i - gs
		r.n++
		r.end = i
		// up to two separator bytes, then a digit, continue the run
		j := i
		for j < len(b) && j-i < 2 && isSep(b[j]) {
			j++
		}
		if j == i || j >= len(b) || !isDigit(b[j]) {
			break
		}
		i = j
	}
	return r.end, true
}

// digits counts the digits of groups i..j inclusive.
func (r *numRun) digits(i, j int) int { return r.cum[j+1] - r.cum[i] }

// bounds returns [s,e) of groups i..j.
func (r *numRun) bounds(i, j int) (int, int) { return r.g[i][0], r.g[j][1] }

// sep returns the separator text between group j and j+1.
func (r *numRun) sep(b []byte, j int) []byte { return b[r.g[j][1]:r.g[j+1][0]] }

// uniformSep reports whether groups i..j are joined by one and the same
// single-byte separator from seps (or are a single group).
func (r *numRun) uniformSep(b []byte, i, j int, seps string) bool {
	var first byte
	for k := i; k < j; k++ {
		s := r.sep(b, k)
		if len(s) != 1 || !containsByte(seps, s[0]) {
			return false
		}
		if k == i {
			first = s[0]
		} else if s[0] != first {
			return false
		}
	}
	return true
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

// groupLens reports whether groups i..j have exactly these lengths.
func (r *numRun) groupLens(i, j int, lens ...int) bool {
	if j-i+1 != len(lens) {
		return false
	}
	for k, l := range lens {
		if r.g[i+k][1]-r.g[i+k][0] != l {
			return false
		}
	}
	return true
}

// rangeIter walks every contiguous group range i..j (longest first for
// each i) whose digit count is within [lo,hi]. After accept, the walk goes
// on after j, so accepted ranges never overlap. It is a plain loop, not a
// callback, so the finders allocate nothing.
type rangeIter struct {
	r            *numRun
	lo, hi, i, j int
	last         int
}

func (r *numRun) ranges(lo, hi int) rangeIter {
	return rangeIter{r: r, lo: lo, hi: hi, i: 0, j: r.n - 1}
}

func (it *rangeIter) next() (int, int, bool) {
	for it.i < it.r.n {
		if it.j < it.i {
			it.i++
			it.j = it.r.n - 1
			continue
		}
		j := it.j
		it.j--
		if d := it.r.digits(it.i, j); d >= it.lo && d <= it.hi {
			it.last = j
			return it.i, j, true
		}
	}
	return 0, 0, false
}

func (it *rangeIter) accept() { it.i, it.j = it.last+1, it.r.n-1 }

// leftOK reports whether position s is not glued to a letter, digit or
// underscore on its left (nor to a decimal number such as "1.").
func leftOK(b []byte, s int) bool {
	if s > 0 && (isAlnum(b[s-1]) || b[s-1] == '_') {
		return false
	}
	return !(s > 1 && (b[s-1] == '.' || b[s-1] == ',') && isDigit(b[s-2]))
}

// rightOK is leftOK for the right edge at e.
func rightOK(b []byte, e int) bool {
	if e < len(b) && (isAlnum(b[e]) || b[e] == '_') {
		return false
	}
	return !(e+1 < len(b) && (b[e] == '.' || b[e] == ',') && isDigit(b[e+1]))
}

// edgeOK reports whether groups i..j of r stand apart: outer edges not glued
// to alphanumerics, inner edges (inside the run) only at a space or bracket,
// so "12-4111111111111111" is not a card but "id 12 4111111111111111" may be.
func (r *numRun) edgeOK(b []byte, i, j int) bool {
	s, e := r.bounds(i, j)
	if i == 0 && !leftOK(b, s) || j == r.n-1 && !rightOK(b, e) {
		return false
	}
	if i > 0 && !softSep(r.sep(b, i-1)) || j < r.n-1 && !softSep(r.sep(b, j)) {
		return false
	}
	return true
}

func softSep(s []byte) bool {
	for _, c := range s {
		if c == ' ' || c == '(' || c == ')' {
			return true
		}
	}
	return false
}
