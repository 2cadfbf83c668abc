// Package listing is the one pipeline every list route runs: authenticate,
// open the caller's rows, parse the query string with the resource's
// FilterSet, select (filter and search), order, paginate and render, with
// the X-Tranche-Plan header saying what the request read.
//
// It is generic over the row type. A route supplies a Spec: its FilterSet,
// its paginator (page numbers or limit/offset), how to open the caller's
// rows (a Source: every row the caller's scope may see, in id order, and
// the foreign-key visibility check), and how to render the rows shown.
//
// Orderings and search texts are derived once per state of the rows and
// cached in the Source's Memo (readmodel.View.Memo for the read model's
// routes): a warm request with no writes in between sorts nothing and
// reads each row's search text from the cache, so it costs its filters
// plus the page. Filtering the sorted rows gives the same order as
// sorting the filtered ones because every ordering ends with the unique
// id (filter.TieBreaker).
package listing

import (
	"context"
	"fmt"
	"math/bits"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/filter/py"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/page"
	"github.com/tranche-dev/tranche/pkg/readmodel"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Memo caches values derived from one state of a Source's rows: Memo for
// what every request needs (rows, orderings, search texts), Scratch for
// what a request's parameters select (one bitset per filter condition or
// search), kept apart so many distinct filters cannot evict the rows.
type Memo interface {
	Memo(key string, build func() any) any
	Scratch(key string, build func() any) any
}

// NoMemo derives everything afresh: for sources read per request.
var NoMemo Memo = noMemo{}

type noMemo struct{}

func (noMemo) Memo(_ string, build func() any) any    { return build() }
func (noMemo) Scratch(_ string, build func() any) any { return build() }

// Table is the rows one caller may see.
type Table[R filter.Row] struct {
	// Key names these rows in the Memo: the resource and the caller's
	// scope ("investments/offering:3").
	Key  string
	Memo Memo
	// Rows lists every row in scope in id order. It is called at most once
	// per state of the memo.
	Rows func() []R
}

// All returns every row in scope, in id order. The slice is shared: do
// not modify it.
func (t Table[R]) All() []R {
	return t.Memo.Memo(t.Key+"|rows", func() any { return t.Rows() }).([]R)
}

type sorted[R any] struct {
	rows []R
	idx  []int32 // rows[i] is All()[idx[i]]
}

func orderKey(terms []filter.Term) string {
	var b strings.Builder
	for _, t := range terms {
		if t.Desc {
			b.WriteByte('-')
		}
		b.WriteString(t.Path)
		b.WriteByte(',')
	}
	return b.String()
}

func (t Table[R]) sorted(terms []filter.Term) *sorted[R] {
	return t.Memo.Memo(t.Key+"|order:"+orderKey(terms), func() any {
		all := t.All()
		idx := filter.SortedIndex(all, terms)
		rows := make([]R, len(all))
		for i, j := range idx {
			rows[i] = all[j]
		}
		return &sorted[R]{rows: rows, idx: idx}
	}).(*sorted[R])
}

func (t Table[R]) texts(s *filter.Set) [][][]string {
	return t.Memo.Memo(t.Key+"|search", func() any {
		all := t.All()
		out := make([][][]string, len(all))
		for i, r := range all {
			out[i] = filter.SearchTexts(s, r)
		}
		return out
	}).([][][]string)
}

// Select returns the rows matching q's filters and search, in q's order.
// The result may be shared: do not modify it.
func Select[R filter.Row](t Table[R], q *filter.Query) []R {
	return SelectOrdered(t, q, q.Ordering)
}

// SelectOrdered is Select in the order terms give (the values endpoints
// order by their fields, summaries need none: pass nil for id order).
//
// Each condition and the search select a bitset over All(), memoized per
// state in Scratch: a warm request repeating a condition (a dashboard, an
// integration paging) tests one bit per row instead of reading the row's
// value, so its cost barely grows with the workspace; a new condition
// costs one pass over the rows, as it would without the cache.
func SelectOrdered[R filter.Row](t Table[R], q *filter.Query, terms []filter.Term) []R {
	var s *sorted[R]
	if len(terms) == 0 {
		all := t.All()
		s = &sorted[R]{rows: all}
	} else {
		s = t.sorted(terms)
	}
	search := len(q.Search) > 0 && q.Set != nil && len(q.Set.Search) > 0
	if len(q.Conds) == 0 && !search {
		return s.rows
	}
	var sets []bitset
	for i := range q.Conds {
		sets = append(sets, t.condBits(&q.Conds[i]))
	}
	if search {
		sets = append(sets, t.searchBits(q))
	}
	match := intersect(sets)
	out := make([]R, 0, match.count())
	for i, r := range s.rows {
		j := i
		if s.idx != nil {
			j = int(s.idx[i])
		}
		if match.has(j) {
			out = append(out, r)
		}
	}
	return out
}

// QueryKey names what q selects (its conditions and search, not its
// ordering) for caching a result derived from the selection in Scratch.
func QueryKey(q *filter.Query) string {
	var b strings.Builder
	for i := range q.Conds {
		b.WriteString(q.Conds[i].Key())
		b.WriteByte('\x01')
	}
	if len(q.Search) > 0 {
		b.WriteString("search:")
		b.WriteString(strings.Join(filter.UpperTerms(q.Search), "\x00"))
	}
	return b.String()
}

// bitset has bit j set when All()[j] is selected.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) set(j int)      { b[j>>6] |= 1 << (j & 63) }
func (b bitset) has(j int) bool { return b[j>>6]&(1<<(j&63)) != 0 }

func (b bitset) count() int {
	n := 0
	for _, w := range b {
		n += bits.OnesCount64(w)
	}
	return n
}

// intersect ANDs the sets; one set is returned as is (they are shared and
// never modified).
func intersect(sets []bitset) bitset {
	if len(sets) == 1 {
		return sets[0]
	}
	out := slices.Clone(sets[0])
	for _, s := range sets[1:] {
		for i := range out {
			out[i] &= s[i]
		}
	}
	return out
}

func (t Table[R]) condBits(c *filter.Cond) bitset {
	return t.Memo.Scratch(t.Key+"|cond:"+c.Key(), func() any {
		all := t.All()
		b := newBitset(len(all))
		for j, r := range all {
			if c.Match(r) {
				b.set(j)
			}
		}
		return b
	}).(bitset)
}

func (t Table[R]) searchBits(q *filter.Query) bitset {
	upper := filter.UpperTerms(q.Search)
	return t.Memo.Scratch(t.Key+"|search:"+strings.Join(upper, "\x00"), func() any {
		texts := t.texts(q.Set)
		b := newBitset(len(texts))
		for j, ts := range texts {
			if filter.MatchTexts(upper, ts) {
				b.set(j)
			}
		}
		return b
	}).(bitset)
}

// Source is what a list opens for one request.
type Source[R filter.Row] struct {
	Table[R]
	// Visible checks foreign-key filter ids (filter.Parse); nil: none.
	Visible filter.Visible
	// Close is called when the response is written; nil: nothing.
	Close func()
}

// FromReadModel opens the principal's workspace in the read model
// (package readmodel) as a Source: rows derives every row the scope may
// see from the view, cached per resource name and scope until the next
// change; visible, if set, builds the foreign-key check over the same view.
func FromReadModel[R filter.Row](ctx context.Context, db *store.DB, p *auth.Principal, name string,
	rows func(v *readmodel.View, sc store.Scope) []R, visible func(v *readmodel.View) filter.Visible) (*Source[R], error) {
	v, err := readmodel.Of(db).Open(ctx, p.Workspace)
	if err != nil {
		return nil, err
	}
	sc := p.StoreScope()
	src := &Source[R]{
		Table: Table[R]{Key: fmt.Sprintf("%s/o%d/i%d", name, sc.Offering, sc.Issuer), Memo: v, Rows: func() []R { return rows(v, sc) }},
		Close: v.Close,
	}
	if visible != nil {
		src.Visible = visible(v)
	}
	return src, nil
}

// Pages is a paginator: page.Numbers or Offsets(page.Offsets).
type Pages interface {
	Paginate(base *url.URL, query url.Values, count int) (page.Window, error)
}

// Offsets adapts LimitOffset pagination, which never fails.
type Offsets page.LimitOffset

// Paginate implements Pages.
func (o Offsets) Paginate(base *url.URL, query url.Values, count int) (page.Window, error) {
	return page.LimitOffset(o).Paginate(base, query, count), nil
}

// Spec is one list route.
type Spec[R filter.Row, V any] struct {
	Set   *filter.Set
	Pages Pages
	// Open returns the caller's rows. ctx carries the request's
	// store.Stats.
	Open func(ctx context.Context, p *auth.Principal) (*Source[R], error)
	// Render turns the rows shown into the response's results.
	Render func(shown []R) []V
}

// Handler serves the list: auth → open → parse → select → order →
// paginate → render.
func Handler[R filter.Row, V any](spec Spec[R, V]) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		ctx, stats := store.WithStats(r.Context())
		src, err := spec.Open(ctx, p)
		if err != nil {
			return err
		}
		if src.Close != nil {
			defer src.Close()
		}
		query := py.ParseQuery(r.URL.RawQuery)
		q, err := filter.Parse(ctx, spec.Set, query, src.Visible)
		if err != nil {
			return err
		}
		rows := Select(src.Table, q)
		win, err := spec.Pages.Paginate(httpapi.BaseURL(r), query, len(rows))
		if err != nil {
			return err
		}
		out := spec.Render(page.Slice(win, rows))
		w.Header().Set(store.PlanHeader, stats.Plan(len(rows)))
		return httpapi.JSON(w, http.StatusOK, page.NewEnvelope(win, out))
	}
}
