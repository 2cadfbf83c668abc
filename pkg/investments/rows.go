package investments

import (
	"context"
	"net/http"
	"reflect"
	"strings"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/filter/py"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// row is one investment as the filters see it: the stored investment, its
// offering and, once joined, its investor graph.
type row struct {
	inv *model.Investment
	off *model.Offering     // nil if the offering is gone
	g   model.InvestorGraph // zero until joined
}

var investmentFields = store.FieldsOf(reflect.TypeOf(model.Investment{}))

func strOrNull(s *string) filter.Value {
	if s == nil {
		return filter.Null()
	}
	return filter.Str(*s)
}

// Value reads the row at a django path of InvestmentFilters (filters,
// ordering, search, values).
func (r *row) Value(path string) filter.Value {
	switch path {
	case "offering":
		return filter.Int(r.inv.Offering)
	case "investor":
		return filter.Int(r.inv.Investor)
	case "investmentapproval__is_approved":
		if r.inv.IsApproved == nil {
			return filter.Null()
		}
		return filter.Bool(*r.inv.IsApproved)
	case "watchlistentity__has_hits":
		vs := make([]filter.Value, len(r.inv.WatchlistEntitySet))
		for i, w := range r.inv.WatchlistEntitySet {
			vs[i] = filter.Bool(w.HasHits)
		}
		return filter.List(vs...)
	case "offering__name", "offering__slug":
		if r.off == nil {
			return filter.Null()
		}
		if path == "offering__name" {
			return filter.Str(r.off.Name)
		}
		return filter.Str(r.off.Slug)
	}
	if rest, ok := strings.CutPrefix(path, "investor__"); ok {
		return r.investorValue(rest)
	}
	return investmentFields.Value(r.inv, path)
}

func (r *row) investorValue(path string) filter.Value {
	g := r.g
	if g.Investor == nil {
		return filter.Null()
	}
	switch path {
	case "type":
		return filter.Str(g.Investor.Type)
	case "user":
		return filter.Int(g.Investor.User)
	case "entity":
		if g.Investor.Entity == nil {
			return filter.Null()
		}
		return filter.Int(*g.Investor.Entity)
	}
	if f, ok := strings.CutPrefix(path, "user__entity__entityperson__"); ok {
		// The user's personal entity is the investor's individual_entity.
		return entityValue(g.IndividualEntity, f)
	}
	if f, ok := strings.CutPrefix(path, "user__"); ok {
		if g.User == nil {
			return filter.Null()
		}
		switch f {
		case "email":
			return filter.Str(g.User.Email)
		case "first_name":
			return filter.Str(g.User.FirstName)
		case "last_name":
			return filter.Str(g.User.LastName)
		}
		return filter.Null()
	}
	if f, ok := strings.CutPrefix(path, "entity__"); ok {
		return entityValue(g.Entity, f)
	}
	return filter.Null()
}

func entityValue(e *model.Entity, f string) filter.Value {
	if e == nil {
		return filter.Null()
	}
	switch f {
	case "email":
		return strOrNull(e.Email)
	case "kyc_status":
		return strOrNull(e.KYCStatus)
	case "first_name":
		return strOrNull(e.FirstName)
	case "last_name":
		return strOrNull(e.LastName)
	}
	return filter.Null()
}

// visible checks foreign-key filter ids: they must name rows of the
// workspace that the principal may see.
func visible(db *store.DB, p *auth.Principal) filter.Visible {
	sc := p.StoreScope()
	return func(ctx context.Context, path string, ids []int64) (map[int64]bool, error) {
		out := map[int64]bool{}
		switch path {
		case "offering":
			offs, err := db.OfferingsByID(ctx, p.Workspace, ids)
			if err != nil {
				return nil, err
			}
			for id, o := range offs {
				out[id] = p.SeesOffering(o.ID, o.Issuer)
			}
			return out, nil
		case "investor":
			return db.InvestorsVisible(ctx, p.Workspace, sc, ids)
		case "investor__user":
			users, err := db.UsersByID(ctx, p.Workspace, ids)
			for id := range users {
				out[id] = true
			}
			return out, err
		case "investor__entity":
			return db.EntitiesExist(ctx, p.Workspace, ids)
		}
		return out, nil
	}
}

// parse reads the request's query string with InvestmentFilters.
func parse(ctx context.Context, db *store.DB, p *auth.Principal, r *http.Request) (*filter.Query, error) {
	return filter.Parse(ctx, filter.InvestmentFilters, py.ParseQuery(r.URL.RawQuery), visible(db, p))
}

// joinOfferings attaches each row's offering (one BatchGet of the distinct
// offerings).
func joinOfferings(ctx context.Context, db *store.DB, p *auth.Principal, rows []*row) error {
	ids := make([]int64, 0, 8)
	seen := map[int64]bool{}
	for _, r := range rows {
		if !seen[r.inv.Offering] {
			seen[r.inv.Offering] = true
			ids = append(ids, r.inv.Offering)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	offs, err := db.OfferingsByID(ctx, p.Workspace, ids)
	if err != nil {
		return err
	}
	for _, r := range rows {
		r.off = offs[r.inv.Offering]
	}
	return nil
}

// matchesDetail reports whether the investment satisfies the query's
// filters and search, as DRF's get_object filters the queryset first.
func matchesDetail(ctx context.Context, db *store.DB, p *auth.Principal, q *filter.Query, inv *model.Investment, g model.InvestorGraph) (bool, error) {
	if len(q.Conds) == 0 && len(q.Search) == 0 {
		return true, nil
	}
	rw := &row{inv: inv, g: g}
	if err := joinOfferings(ctx, db, p, []*row{rw}); err != nil {
		return false, err
	}
	return q.Match(rw), nil
}
