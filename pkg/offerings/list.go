package offerings

import (
	"context"
	"net/http"
	"reflect"
	"slices"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/filter/py"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/page"
	"github.com/tranche-dev/tranche/pkg/readmodel"
	"github.com/tranche-dev/tranche/pkg/store"
)

var offeringFields = store.FieldsOf(reflect.TypeOf(model.Offering{}))

// row is an offering as OfferingFilters reads it, with its issuer once
// joined (issuer__archived).
type row struct {
	o      *model.Offering
	issuer *model.Issuer
}

func (r *row) Value(path string) filter.Value {
	if path == "issuer__archived" {
		if r.issuer == nil {
			return filter.Null()
		}
		return filter.Bool(r.issuer.Archived)
	}
	return offeringFields.Value(r.o, path)
}

// parse reads OfferingFilters; issuer ids must name issuers of the
// workspace the principal may see.
func parse(ctx context.Context, db *store.DB, p *auth.Principal, r *http.Request) (*filter.Query, error) {
	visible := func(ctx context.Context, path string, ids []int64) (map[int64]bool, error) {
		out := map[int64]bool{}
		if path != "issuer" {
			return out, nil
		}
		issuers, err := db.IssuersByID(ctx, p.Workspace, ids)
		if err != nil {
			return nil, err
		}
		own := int64(0) // the issuer of an offering key's offering
		if p.Scope == auth.ScopeOffering {
			o, err := db.OfferingsByID(ctx, p.Workspace, []int64{p.ScopeID})
			if err != nil {
				return nil, err
			}
			if o[p.ScopeID] != nil {
				own = o[p.ScopeID].Issuer
			}
		}
		for id := range issuers {
			out[id] = seesIssuer(p, own, id)
		}
		return out, nil
	}
	return filter.Parse(ctx, filter.OfferingFilters, py.ParseQuery(r.URL.RawQuery), visible)
}

// seesIssuer reports whether the principal's scope covers the issuer; own
// is the issuer of an offering key's offering.
func seesIssuer(p *auth.Principal, own, issuer int64) bool {
	switch p.Scope {
	case auth.ScopeIssuer:
		return issuer == p.ScopeID
	case auth.ScopeOffering:
		return issuer == own
	}
	return true
}

// matching filters offerings with q, joining issuers when a condition
// reads them.
func matching(ctx context.Context, db *store.DB, p *auth.Principal, q *filter.Query, offs []model.Offering) ([]*row, error) {
	rows := make([]*row, len(offs))
	var issuerIDs []int64
	for i := range offs {
		rows[i] = &row{o: &offs[i]}
		issuerIDs = append(issuerIDs, offs[i].Issuer)
	}
	if slices.ContainsFunc(q.Conds, func(c filter.Cond) bool { return c.Path == "issuer__archived" }) && len(rows) > 0 {
		issuers, err := db.IssuersByID(ctx, p.Workspace, issuerIDs)
		if err != nil {
			return nil, err
		}
		for _, r := range rows {
			r.issuer = issuers[r.o.Issuer]
		}
	}
	return slices.DeleteFunc(rows, func(r *row) bool { return !q.Match(r) }), nil
}

// listSpec is GET /api/offerings/ with OfferingFilters, ordering, search
// and page numbers, over the workspace's read model: an offering key sees
// its offering, an issuer key its issuer's.
func listSpec(db *store.DB) listing.Spec[*row, *model.Offering] {
	return listing.Spec[*row, *model.Offering]{
		Set:   filter.OfferingFilters,
		Pages: page.Numbers,
		Open: func(ctx context.Context, p *auth.Principal) (*listing.Source[*row], error) {
			return listing.FromReadModel(ctx, db, p, "offerings", func(v *readmodel.View, sc store.Scope) []*row {
				var out []*row
				for _, o := range v.Offerings() {
					if (sc.Offering != 0 && o.ID != sc.Offering) || (sc.Issuer != 0 && o.Issuer != sc.Issuer) {
						continue
					}
					out = append(out, &row{o: o, issuer: v.Issuer(o.Issuer)})
				}
				return out
			}, func(v *readmodel.View) filter.Visible {
				// Issuer ids must name issuers the principal may see.
				return func(_ context.Context, path string, ids []int64) (map[int64]bool, error) {
					out := map[int64]bool{}
					if path != "issuer" {
						return out, nil
					}
					own := int64(0)
					if o := v.Offering(p.ScopeID); p.Scope == auth.ScopeOffering && o != nil {
						own = o.Issuer
					}
					for _, id := range ids {
						if v.Issuer(id) != nil {
							out[id] = seesIssuer(p, own, id)
						}
					}
					return out, nil
				}
			})
		},
		Render: func(shown []*row) []*model.Offering {
			out := make([]*model.Offering, len(shown))
			for i, r := range shown {
				out[i] = r.o
			}
			return out
		},
	}
}

// matchesDetail applies the list's filters to one offering (detail route).
func matchesDetail(ctx context.Context, db *store.DB, p *auth.Principal, q *filter.Query, o *model.Offering) (bool, error) {
	if len(q.Conds) == 0 && len(q.Search) == 0 {
		return true, nil
	}
	rows, err := matching(ctx, db, p, q, []model.Offering{*o})
	return len(rows) == 1, err
}
