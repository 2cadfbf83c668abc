package filter

import (
	"strconv"
	"strings"
	"time"
)

// Match reports whether row satisfies every condition and every search
// term of q.
func (q *Query) Match(row Row) bool {
	return q.MatchFilters(row) && q.MatchSearch(row)
}

// MatchFilters reports whether row satisfies every condition.
func (q *Query) MatchFilters(row Row) bool {
	for i := range q.Conds {
		if !q.Conds[i].Match(row) {
			return false
		}
	}
	return true
}

// MatchSearch reports whether every search term is contained, ignoring
// case, in at least one of the Set's search fields.
func (q *Query) MatchSearch(row Row) bool {
	if len(q.Search) == 0 || q.Set == nil || len(q.Set.Search) == 0 {
		return true
	}
	return MatchTexts(UpperTerms(q.Search), SearchTexts(q.Set, row))
}

// SearchTexts reads the row's search fields as the search compares them
// (UPPER(col::text) of each non-null value, a list per field), so a caller
// searching the same rows many times can read them once.
func SearchTexts(s *Set, row Row) [][]string {
	texts := make([][]string, len(s.Search))
	for i, p := range s.Search {
		texts[i] = upperTexts(row.Value(p), nil)
	}
	return texts
}

// UpperTerms upper-cases search terms for MatchTexts.
func UpperTerms(terms []string) []string {
	out := make([]string, len(terms))
	for i, t := range terms {
		out[i] = strings.ToUpper(t)
	}
	return out
}

// MatchTexts reports whether every (upper-cased) term is contained in some
// text of some field.
func MatchTexts(upperTerms []string, texts [][]string) bool {
	for _, t := range upperTerms {
		found := false
	fields:
		for _, ts := range texts {
			for _, s := range ts {
				if strings.Contains(s, t) {
					found = true
					break fields
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// upperTexts is UPPER(col::text) for each non-null value, as PostgreSQL
// evaluates icontains.
func upperTexts(v Value, dst []string) []string {
	switch v.kind {
	case NullValue:
	case ListValue:
		for _, e := range v.list {
			dst = upperTexts(e, dst)
		}
	default:
		dst = append(dst, strings.ToUpper(v.String()))
	}
	return dst
}

// Key names c's meaning (path, lookup, negation, operands) for caching
// what it selects: two conditions with one key select the same rows.
func (c *Cond) Key() string {
	var b strings.Builder
	b.WriteString(c.Path)
	b.WriteByte('\x00')
	b.WriteString(strconv.Itoa(int(c.Lookup)))
	if c.Negate {
		b.WriteByte('!')
	}
	for _, a := range c.Args {
		b.WriteByte('\x00')
		b.WriteByte('0' + byte(a.kind))
		b.WriteString(a.String())
	}
	return b.String()
}

// Match reports whether row satisfies c. NULL never satisfies a comparison
// (only isnull=true), so an Exclude keeps rows whose value is NULL, as
// Django's exclude() does.
func (c *Cond) Match(row Row) bool {
	return c.matchValue(row.Value(c.Path)) != c.Negate
}

func (c *Cond) matchValue(v Value) bool {
	if c.Lookup == IsNull {
		want, _ := c.Args[0].Bool()
		return isNull(v) == want
	}
	if v.kind == ListValue { // a join: any related row may match
		for _, e := range v.list {
			if c.matchValue(e) {
				return true
			}
		}
		return false
	}
	if v.IsNull() {
		return false
	}
	switch c.Lookup {
	case In:
		for _, a := range c.Args {
			if cmp, ok := compare(v, a); ok && cmp == 0 {
				return true
			}
		}
		return false
	case Contains, StartsWith, IContains, IStartsWith, IEndsWith:
		s, ok := v.Str()
		if !ok {
			s = v.String() // a non-text column, cast to text
		}
		a, _ := c.Args[0].Str()
		switch c.Lookup {
		case Contains:
			return strings.Contains(s, a)
		case StartsWith:
			return strings.HasPrefix(s, a)
		case IContains:
			return strings.Contains(strings.ToUpper(s), c.upper)
		case IStartsWith:
			return strings.HasPrefix(strings.ToUpper(s), c.upper)
		case IEndsWith:
			return strings.HasSuffix(strings.ToUpper(s), c.upper)
		}
	case DateGte, DateLte:
		t, ok := v.Time()
		if !ok {
			return false
		}
		day, _ := c.Args[0].Time()
		if c.Lookup == DateGte {
			return !t.Before(day) // the UTC date is on or after day
		}
		return t.Before(day.Add(24 * time.Hour))
	}
	cmp, ok := compare(v, c.Args[0])
	if !ok {
		return false
	}
	switch c.Lookup {
	case Exact:
		return cmp == 0
	case Gt:
		return cmp > 0
	case Gte:
		return cmp >= 0
	case Lt:
		return cmp < 0
	case Lte:
		return cmp <= 0
	}
	return false
}

// isNull is "col IS NULL" after the join: an empty relation, or a related
// row whose value is NULL.
func isNull(v Value) bool {
	switch v.kind {
	case NullValue:
		return true
	case ListValue:
		if len(v.list) == 0 {
			return true
		}
		for _, e := range v.list {
			if isNull(e) {
				return true
			}
		}
	}
	return false
}
