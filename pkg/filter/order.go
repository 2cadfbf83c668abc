package filter

import (
	"net/url"
	"slices"
	"strings"

	"github.com/tranche-dev/tranche/pkg/filter/py"
)

// TieBreaker is the path every Sort ends with, ascending, so equal rows
// come back in a stable, documented order.
const TieBreaker = "id"

// parseOrdering is DRF's OrderingFilter: split ?ordering= on commas, strip
// each term, keep the terms whose name (after one optional "-") is an
// ordering field, and fall back to the default when none is left.
func parseOrdering(s *Set, values url.Values) []Term {
	var terms []Term
	if vs := values["ordering"]; len(vs) > 0 && vs[len(vs)-1] != "" {
		for t := range strings.SplitSeq(vs[len(vs)-1], ",") {
			if t := parseTerm(py.Strip(t)); slices.Contains(s.Ordering, t.Path) {
				terms = append(terms, t)
			}
		}
	}
	if len(terms) == 0 {
		for _, t := range s.DefaultOrdering {
			terms = append(terms, parseTerm(t))
		}
	}
	return terms
}

func parseTerm(t string) Term {
	if rest, ok := strings.CutPrefix(t, "-"); ok {
		return Term{Path: rest, Desc: true}
	}
	return Term{Path: t}
}

// Sort orders rows by terms as PostgreSQL would: NULLs last ascending and
// first descending, strings bytewise, false before true, then by ascending
// TieBreaker. The sort is stable.
//
// Each row's values are read once, before sorting, not once per comparison:
// a Row's Value may be costly (reflection, joins) and a sort compares each
// row about log2(n) times.
func Sort[R Row](rows []R, terms []Term) {
	idx := SortedIndex(rows, terms)
	sorted := make([]R, len(rows))
	for i, j := range idx {
		sorted[i] = rows[j]
	}
	copy(rows, sorted)
}

// SortedIndex returns the permutation that Sort would apply: the indexes
// of rows in sorted order. rows is left as it is.
func SortedIndex[R Row](rows []R, terms []Term) []int32 {
	terms = withTieBreaker(terms)
	k := len(terms)
	keys := make([]Value, len(rows)*k)
	for i, r := range rows {
		for j, t := range terms {
			keys[i*k+j] = r.Value(t.Path)
		}
	}
	idx := make([]int32, len(rows))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(a, b int32) int {
		ka, kb := keys[int(a)*k:int(a)*k+k], keys[int(b)*k:int(b)*k+k]
		for j, t := range terms {
			if c := compareForOrder(ka[j], kb[j]); c != 0 {
				if t.Desc {
					return -c
				}
				return c
			}
		}
		return 0
	})
	return idx
}

func withTieBreaker(terms []Term) []Term {
	for _, t := range terms {
		if t.Path == TieBreaker {
			return terms // already decisive; a later "id" could not change the order
		}
	}
	return append(slices.Clip(terms), Term{Path: TieBreaker})
}

// compareRows compares a and b under terms; Sort uses it, and a handler
// merging pre-sorted pages can too.
func compareRows(a, b Row, terms []Term) int {
	for _, t := range terms {
		if c := compareForOrder(a.Value(t.Path), b.Value(t.Path)); c != 0 {
			if t.Desc {
				return -c
			}
			return c
		}
	}
	return 0
}

// Compare is compareRows for callers outside the package: the order Sort
// gives, TieBreaker included.
func Compare(a, b Row, terms []Term) int { return compareRows(a, b, withTieBreaker(terms)) }

// compareForOrder treats NULL as larger than everything, which yields
// PostgreSQL's NULLS LAST for ASC and NULLS FIRST for DESC. A multi-valued
// path orders by its first element; values of unrelated kinds order by kind.
func compareForOrder(x, y Value) int {
	x, y = first(x), first(y)
	switch {
	case x.IsNull() && y.IsNull():
		return 0
	case x.IsNull():
		return 1
	case y.IsNull():
		return -1
	}
	if c, ok := compare(x, y); ok {
		return c
	}
	return cmpInt(int64(x.kind), int64(y.kind))
}

func first(v Value) Value {
	if v.kind == ListValue {
		if len(v.list) == 0 {
			return Null()
		}
		return v.list[0]
	}
	return v
}
