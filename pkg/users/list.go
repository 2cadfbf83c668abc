package users

import (
	"context"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/filter/py"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/page"
	"github.com/tranche-dev/tranche/pkg/readmodel"
	"github.com/tranche-dev/tranche/pkg/store"
)

// row is a user as UserFilters reads it.
type row struct{ u *model.User }

func (r *row) Value(path string) filter.Value {
	switch path {
	case "id":
		return filter.Int(r.u.ID)
	case "email":
		return filter.Str(r.u.Email)
	case "thirdpartyissueruser__email":
		if r.u.ThirdPartyIssuerEmail == nil {
			return filter.Null()
		}
		return filter.Str(*r.u.ThirdPartyIssuerEmail)
	}
	return filter.Null()
}

func parse(r *http.Request) (*filter.Query, error) {
	return filter.Parse(r.Context(), filter.UserFilters, py.ParseQuery(r.URL.RawQuery), nil)
}

// listSpec is GET /api/users/: the issuer's users (those with a
// third-party-issuer row) with UserFilters, ordering, search and page
// numbers, over the workspace's read model.
func listSpec(s Service) listing.Spec[*row, model.UserRef] {
	return listing.Spec[*row, model.UserRef]{
		Set:   filter.UserFilters,
		Pages: page.Numbers,
		Open: func(ctx context.Context, p *auth.Principal) (*listing.Source[*row], error) {
			return listing.FromReadModel(ctx, s.DB, p, "users", func(v *readmodel.View, _ store.Scope) []*row {
				var out []*row
				for _, u := range v.Users() {
					if u.ThirdPartyIssuerEmail != nil {
						out = append(out, &row{u: u})
					}
				}
				return out
			}, nil)
		},
		Render: func(shown []*row) []model.UserRef {
			out := make([]model.UserRef, len(shown))
			for i, rw := range shown {
				out[i] = model.UserRef{ID: rw.u.ID, Email: rw.u.Email}
			}
			return out
		},
	}
}

// matchesDetail applies the list's filters to one user (detail route).
func matchesDetail(q *filter.Query, u *model.User) bool { return q.Match(&row{u: u}) }
