package workspaces

import (
	"cmp"
	"context"
	"slices"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/page"
	"github.com/tranche-dev/tranche/pkg/store"
)

// myWorkspaces returns the live workspaces the user belongs to, by id, with
// the memberships.
func myWorkspaces(ctx context.Context, db *store.DB, clerkID string) ([]*store.Workspace, map[string]*store.Membership, error) {
	ms, err := db.MembershipsOf(ctx, clerkID)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, 0, len(ms))
	byWS := map[string]*store.Membership{}
	for i := range ms {
		ids = append(ids, ms[i].Workspace)
		byWS[ms[i].Workspace] = &ms[i]
	}
	found, err := db.Workspaces(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	out := make([]*store.Workspace, 0, len(found))
	for _, id := range ids {
		if w, ok := found[id]; ok {
			out = append(out, w)
		}
	}
	slices.SortFunc(out, func(a, b *store.Workspace) int { return cmp.Compare(a.Number, b.Number) })
	return out, byWS, nil
}

// company is a workspace as CompanyFilters reads it (filters, ordering,
// search), by the names of the companies list's fields.
type companyItem struct{ w *store.Workspace }

func (c companyItem) Value(path string) filter.Value {
	w := c.w
	switch path {
	case "id", "workspace_id":
		return filter.Int(w.Number)
	case "name", "workspace_name":
		return filter.Str(w.Name)
	case "type":
		return filter.Str(w.Type)
	case "country":
		return filter.Str(w.Country)
	case "member_count":
		return filter.Int(w.MemberCount)
	case "is_mfa_enabled":
		return filter.Bool(w.IsMFAEnabled)
	case "created_at":
		return filter.Time(w.CreatedAt.Time)
	case "updated_at":
		return filter.Time(w.UpdatedAt.Time)
	}
	return filter.Null()
}

// companiesSpec is GET /api/accounts/companies/ in the listing pipeline:
// the caller's companies (read per request: a handful of memberships, not
// a workspace's data) with CompanyFilters, ordering, search by name and
// limit/offset pagination.
func companiesSpec(db *store.DB) listing.Spec[companyItem, companyRow] {
	return listing.Spec[companyItem, companyRow]{
		Set:   filter.CompanyFilters,
		Pages: listing.Offsets(page.Offsets),
		Open: func(ctx context.Context, p *auth.Principal) (*listing.Source[companyItem], error) {
			all, _, err := myWorkspaces(ctx, db, p.UserID)
			if err != nil {
				return nil, err
			}
			rows := make([]companyItem, len(all))
			for i, w := range all {
				rows[i] = companyItem{w}
			}
			return &listing.Source[companyItem]{Table: listing.Table[companyItem]{
				Key: "companies", Memo: listing.NoMemo, Rows: func() []companyItem { return rows },
			}}, nil
		},
		Render: func(shown []companyItem) []companyRow {
			out := make([]companyRow, len(shown))
			for i, c := range shown {
				out[i] = newCompanyRow(c.w)
			}
			return out
		},
	}
}
