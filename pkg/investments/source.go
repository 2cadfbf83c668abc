package investments

import (
	"context"
	"net/http"
	"time"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/filter/py"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/page"
	"github.com/tranche-dev/tranche/pkg/readmodel"
	"github.com/tranche-dev/tranche/pkg/store"
)

// open returns the investments the principal may see, from the
// workspace's read model: each row joined with its offering and investor
// graph, built once per state of the workspace.
func open(ctx context.Context, db *store.DB, p *auth.Principal) (*listing.Source[*row], error) {
	return listing.FromReadModel(ctx, db, p, "investments", func(v *readmodel.View, sc store.Scope) []*row {
		var out []*row
		for _, inv := range v.Investments() {
			if (sc.Offering != 0 && inv.Offering != sc.Offering) || (sc.Issuer != 0 && inv.Issuer != sc.Issuer) {
				continue
			}
			out = append(out, &row{inv: inv, off: v.Offering(inv.Offering), g: v.Graph(inv.Investor)})
		}
		return out
	}, func(v *readmodel.View) filter.Visible { return visibleIn(v, p) })
}

// visibleIn checks foreign-key filter ids against the read model: they
// must name rows of the workspace that the principal may see.
func visibleIn(v *readmodel.View, p *auth.Principal) filter.Visible {
	sc := p.StoreScope()
	return func(_ context.Context, path string, ids []int64) (map[int64]bool, error) {
		out := make(map[int64]bool, len(ids))
		for _, id := range ids {
			switch path {
			case "offering":
				if o := v.Offering(id); o != nil {
					out[id] = p.SeesOffering(o.ID, o.Issuer)
				}
			case "investor":
				if v.Investor(id) != nil && v.InvestorInScope(id, sc.Offering, sc.Issuer) {
					out[id] = true
				}
			case "investor__user":
				if v.User(id) != nil {
					out[id] = true
				}
			case "investor__entity":
				if v.Entity(id) != nil {
					out[id] = true
				}
			}
		}
		return out, nil
	}
}

// listSpec is GET /api/investments/ in the listing pipeline.
func listSpec(db *store.DB) listing.Spec[*row, model.InvestmentView] {
	return listing.Spec[*row, model.InvestmentView]{
		Set:   filter.InvestmentFilters,
		Pages: page.Numbers,
		Open: func(ctx context.Context, p *auth.Principal) (*listing.Source[*row], error) {
			return open(ctx, db, p)
		},
		Render: func(shown []*row) []model.InvestmentView {
			out := make([]model.InvestmentView, len(shown))
			for i, r := range shown {
				out[i] = r.inv.View(r.g.InInvestment())
			}
			return out
		},
	}
}

// openQuery opens the principal's investments and parses the request's
// filters over them (values and summary).
func openQuery(ctx context.Context, db *store.DB, p *auth.Principal, r *http.Request) (*listing.Source[*row], *filter.Query, error) {
	src, err := open(ctx, db, p)
	if err != nil {
		return nil, nil, err
	}
	q, err := filter.Parse(ctx, filter.InvestmentFilters, py.ParseQuery(r.URL.RawQuery), src.Visible)
	if err != nil {
		src.Close()
		return nil, nil, err
	}
	return src, q, nil
}

// handleValues serves GET /api/investments/values/?field=a,b over the
// filtered and searched investments of the read model.
func handleValues(db *store.DB) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		fields, err := ValueFields(py.ParseQuery(r.URL.RawQuery), func(f string) bool { _, ok := valueFields[f]; return ok })
		if err != nil {
			return err
		}
		ctx, stats := store.WithStats(r.Context())
		src, q, err := openQuery(ctx, db, p, r)
		if err != nil {
			return err
		}
		defer src.Close()
		rows, vals := DistinctOf(src.Table, q, fields,
			func(r *row, f string) any { return valueFields[f](r) },
			func(r *row, f string) filter.Value { return r.Value(f) })
		w.Header().Set(store.PlanHeader, stats.Plan(rows))
		return httpapi.JSON(w, http.StatusOK, ValuesEnvelope{Success: true, Data: ValuesBody{Values: vals, Count: len(vals)}})
	}
}

// handleSummary serves GET /api/investments/summary/ from the read
// model: the matching investments summed (unfiltered: every investment in
// the key's scope, the all-time lines cached until the next write), and
// the *_today lines from each investment's times against today's range of
// instants in its offering's zone.
func handleSummary(db *store.DB) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		ctx, stats := store.WithStats(r.Context())
		src, q, err := openQuery(ctx, db, p, r)
		if err != nil {
			return err
		}
		defer src.Close()
		var (
			rows  []*row
			total [3]acc
		)
		if len(q.Conds) == 0 && len(q.Search) == 0 {
			rows = src.All()
			total = *src.Memo.Memo(src.Key+"|summary", func() any { t := allTime(rows); return &t }).(*[3]acc)
		} else {
			rows = listing.SelectOrdered(src.Table, q, nil)
			total = *src.Memo.Scratch(src.Key+"|summary:"+listing.QueryKey(q), func() any { t := allTime(rows); return &t }).(*[3]acc)
		}
		t := todayOf(rows, summaryNow())
		s := summary{
			Committed: total[0].line(), CommittedToday: t.committed.line(),
			Received: total[1].line(), ReceivedToday: t.received.line(),
			Invested: total[2].line(), InvestedToday: t.invested.line(),
		}
		w.Header().Set(store.PlanHeader, stats.Plan(len(rows)))
		return httpapi.JSON(w, http.StatusOK, s)
	}
}

// allTime sums the rows into the committed, received and invested lines.
func allTime(rows []*row) [3]acc {
	var all [3]acc
	for _, r := range rows {
		b := model.Buckets(r.inv)
		for i := range b {
			if b[i] {
				all[i].add(r.inv)
			}
		}
	}
	return all
}

// todayOf sums the *_today lines: an investment counts when its
// created_at / received_at / invested_at falls in [local midnight, next
// local midnight) of today in its offering's zone — the same instants as
// "its local date is today", compared without converting each time.
func todayOf(rows []*row, at time.Time) today {
	type window struct{ from, to time.Time }
	windows := map[string]window{}
	in := func(t *model.Time, w window) bool {
		return t != nil && !t.Before(w.from) && t.Before(w.to)
	}
	var t today
	for _, r := range rows {
		tz := ""
		if r.off != nil {
			tz = r.off.DefaultTimezone
		}
		w, ok := windows[tz]
		if !ok {
			loc := zone(tz)
			y, m, d := at.In(loc).Date()
			w = window{time.Date(y, m, d, 0, 0, 0, 0, loc), time.Date(y, m, d+1, 0, 0, 0, 0, loc)}
			windows[tz] = w
		}
		b := model.Buckets(r.inv)
		if b[0] && in(&r.inv.CreatedAt, w) {
			t.committed.add(r.inv)
		}
		if b[1] && in(r.inv.ReceivedAt, w) {
			t.received.add(r.inv)
		}
		if b[2] && in(r.inv.InvestedAt, w) {
			t.invested.add(r.inv)
		}
	}
	return t
}
