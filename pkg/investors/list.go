package investors

import (
	"context"
	"net/http"
	"strings"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/filter/py"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/page"
	"github.com/tranche-dev/tranche/pkg/readmodel"
	"github.com/tranche-dev/tranche/pkg/store"
)

// row is an investor as InvestorFilters reads it; g.User and the entities
// are set once joined.
type row struct{ g model.InvestorGraph }

func strOrNull(s *string) filter.Value {
	if s == nil {
		return filter.Null()
	}
	return filter.Str(*s)
}

func (r *row) Value(path string) filter.Value {
	inv := r.g.Investor
	switch path {
	case "id":
		return filter.Int(inv.ID)
	case "type":
		return filter.Str(inv.Type)
	case "user":
		return filter.Int(inv.User)
	case "entity":
		if inv.Entity == nil {
			return filter.Null()
		}
		return filter.Int(*inv.Entity)
	case "user__email":
		if r.g.User == nil {
			return filter.Null()
		}
		return filter.Str(r.g.User.Email)
	case "user__thirdpartyissueruser__email":
		if r.g.User == nil {
			return filter.Null()
		}
		return strOrNull(r.g.User.ThirdPartyIssuerEmail)
	}
	if f, ok := strings.CutPrefix(path, "entity__"); ok {
		e := r.g.Entity
		if e == nil {
			return filter.Null()
		}
		switch f {
		case "email":
			return strOrNull(e.Email)
		case "first_name":
			return strOrNull(e.FirstName)
		case "last_name":
			return strOrNull(e.LastName)
		}
	}
	return filter.Null()
}

// open returns the investors the principal may see, from the workspace's
// read model: an offering or issuer key sees the investors with an
// investment in its scope.
func open(ctx context.Context, db *store.DB, p *auth.Principal) (*listing.Source[*row], error) {
	return listing.FromReadModel(ctx, db, p, "investors", func(v *readmodel.View, sc store.Scope) []*row {
		var out []*row
		for _, inv := range v.Investors() {
			if (sc.Offering != 0 || sc.Issuer != 0) && !v.InvestorInScope(inv.ID, sc.Offering, sc.Issuer) {
				continue
			}
			out = append(out, &row{g: v.Graph(inv.ID)})
		}
		return out
	}, func(v *readmodel.View) filter.Visible {
		// User ids must name users of the workspace.
		return usersVisible(func(id int64) bool { return v.User(id) != nil })
	})
}

// usersVisible is InvestorFilters' foreign-key check: user ids must name
// users of the workspace (exists says which do).
func usersVisible(exists func(int64) bool) filter.Visible {
	return func(_ context.Context, path string, ids []int64) (map[int64]bool, error) {
		out := map[int64]bool{}
		if path != "user" {
			return out, nil
		}
		for _, id := range ids {
			if exists(id) {
				out[id] = true
			}
		}
		return out, nil
	}
}

// listSpec is GET /api/investors/ with InvestorFilters, ordering, search
// and page numbers.
func listSpec(db *store.DB) listing.Spec[*row, model.InvestorView] {
	return listing.Spec[*row, model.InvestorView]{
		Set:   filter.InvestorFilters,
		Pages: page.Numbers,
		Open: func(ctx context.Context, p *auth.Principal) (*listing.Source[*row], error) {
			return open(ctx, db, p)
		},
		Render: func(shown []*row) []model.InvestorView {
			out := make([]model.InvestorView, len(shown))
			for i, r := range shown {
				out[i] = r.g.View()
			}
			return out
		},
	}
}

// parse reads InvestorFilters for the detail route; user ids must name
// users of the workspace.
func parse(ctx context.Context, db *store.DB, p *auth.Principal, r *http.Request) (*filter.Query, error) {
	visible := func(ctx context.Context, path string, ids []int64) (map[int64]bool, error) {
		out := map[int64]bool{}
		if path != "user" {
			return out, nil
		}
		users, err := db.UsersByID(ctx, p.Workspace, ids)
		for id := range users {
			out[id] = true
		}
		return out, err
	}
	return filter.Parse(ctx, filter.InvestorFilters, py.ParseQuery(r.URL.RawQuery), visible)
}

// matchesDetail applies the list's filters to one investor (detail route).
func matchesDetail(q *filter.Query, g model.InvestorGraph) bool {
	if len(q.Conds) == 0 && len(q.Search) == 0 {
		return true
	}
	return q.Match(&row{g: g})
}
