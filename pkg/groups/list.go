package groups

import (
	"context"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/page"
	"github.com/tranche-dev/tranche/pkg/store"
)

var groupOrdering = []string{"id", "name", "member_count", "created_at", "updated_at"}

// ListFilters is GET /api/user-groups/: ordering and page numbers, no
// filters (the seed lists the groups; search is its own route).
var ListFilters = &filter.Set{
	Ordering:        groupOrdering,
	DefaultOrdering: []string{"id"},
}

var textLookups = []filter.Lookup{filter.Exact, filter.IContains, filter.IStartsWith, filter.IEndsWith}

// flagChoices are the registry's flags as a filter's choices.
func flagChoices() []filter.Choice {
	out := make([]filter.Choice, len(Flags))
	for i, f := range Flags {
		out[i] = filter.Choice{Value: f.Name, Label: f.Name}
	}
	return out
}

// SearchFilters is GET /api/user-groups/search/: django-filter over name,
// description, lead user, shell state, member count, enabled feature flag
// and creation time, with search over name and description.
var SearchFilters = &filter.Set{
	Fields: []filter.Field{
		{Name: "id", Kind: filter.IntegerField, Lookups: []filter.Lookup{filter.Exact, filter.In}},
		{Name: "name", Kind: filter.StringField, Lookups: textLookups},
		{Name: "description", Kind: filter.StringField, Lookups: []filter.Lookup{filter.IContains}},
		{Name: "lead_user", Kind: filter.IntegerField, Lookups: []filter.Lookup{filter.Exact, filter.In, filter.IsNull}},
		{Name: "is_shell", Kind: filter.BoolField, Lookups: []filter.Lookup{filter.Exact}},
		{Name: "member_count", Kind: filter.IntegerField, Lookups: []filter.Lookup{filter.Exact, filter.Gte, filter.Lte}},
		{Name: "feature_flag", Kind: filter.ChoiceField, Lookups: []filter.Lookup{filter.Exact}, Choices: flagChoices()},
		{Name: "created_at", Kind: filter.DateTimeField, Lookups: []filter.Lookup{filter.Gte, filter.Lte}},
	},
	Ordering:        groupOrdering,
	DefaultOrdering: []string{"id"},
	Search:          []string{"name", "description"},
}

// row is a group as the filter sets read it.
type row struct{ g *store.UserGroup }

func (r *row) Value(path string) filter.Value {
	g := r.g
	switch path {
	case "id":
		return filter.Int(g.ID)
	case "name":
		return filter.Str(g.Name)
	case "description":
		return filter.Str(g.Description)
	case "lead_user":
		if g.LeadUser == nil {
			return filter.Null()
		}
		return filter.Int(*g.LeadUser)
	case "is_shell":
		return filter.Bool(g.LeadUser == nil)
	case "member_count":
		return filter.Int(g.MemberCount)
	case "feature_flag":
		var on []filter.Value
		for _, f := range Flags { // registry order: deterministic
			if g.FeatureFlags[f.Name] {
				on = append(on, filter.Str(f.Name))
			}
		}
		return filter.List(on...)
	case "created_at":
		return filter.Time(g.CreatedAt.Time)
	case "updated_at":
		return filter.Time(g.UpdatedAt.Time)
	}
	return filter.Null()
}

// groupsSpec is a list of the workspace's groups (one Query of its group
// partition per request) with set's filters, page numbers.
func groupsSpec(svc *Service, set *filter.Set, key string) listing.Spec[*row, model.UserGroupView] {
	var ws string
	return listing.Spec[*row, model.UserGroupView]{
		Set:   set,
		Pages: page.Numbers,
		Open: func(ctx context.Context, p *auth.Principal) (*listing.Source[*row], error) {
			gs, err := svc.Groups(ctx, p)
			if err != nil {
				return nil, err
			}
			ws = p.Workspace
			rows := make([]*row, len(gs))
			for i := range gs {
				rows[i] = &row{g: &gs[i]}
			}
			return &listing.Source[*row]{Table: listing.Table[*row]{Key: key, Memo: listing.NoMemo,
				Rows: func() []*row { return rows }}}, nil
		},
		Render: func(shown []*row) []model.UserGroupView {
			out := make([]model.UserGroupView, len(shown))
			for i, r := range shown {
				out[i] = View(ws, r.g)
			}
			return out
		},
	}
}

// memberRow is a member as the members list reads it.
type memberRow struct{ m *model.UserGroupMemberView }

func (r *memberRow) Value(path string) filter.Value {
	switch path {
	case "user", filter.TieBreaker:
		return filter.Int(r.m.User)
	case "email":
		return filter.Str(r.m.Email)
	case "first_name":
		return filter.Str(r.m.FirstName)
	case "last_name":
		return filter.Str(r.m.LastName)
	case "role":
		return filter.Str(r.m.Role)
	case "joined_at":
		return filter.Time(r.m.JoinedAt.Time)
	}
	return filter.Null()
}

// MemberFilters is GET /api/user-groups/{id}/users/: by role, ordering,
// search over names and e-mail, page numbers. Without ordering the lead
// comes first, then user id order.
var MemberFilters = &filter.Set{
	Fields: []filter.Field{
		{Name: "role", Kind: filter.ChoiceField, Lookups: []filter.Lookup{filter.Exact}, Choices: filterRoleChoices()},
	},
	Ordering: []string{"user", "email", "first_name", "last_name", "role", "joined_at"},
	Search:   []string{"email", "first_name", "last_name"},
}

func filterRoleChoices() []filter.Choice {
	out := make([]filter.Choice, len(Roles))
	for i, r := range Roles {
		out[i] = filter.Choice{Value: r.Name, Label: r.Label}
	}
	return out
}

// handleMembers is GET /api/user-groups/{id}/users/.
func handleMembers(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		spec := listing.Spec[*memberRow, model.UserGroupMemberView]{
			Set:   MemberFilters,
			Pages: page.Numbers,
			Open: func(ctx context.Context, p *auth.Principal) (*listing.Source[*memberRow], error) {
				ms, err := svc.Members(ctx, p, id)
				if err != nil {
					return nil, err
				}
				rows := make([]*memberRow, len(ms))
				for i := range ms {
					rows[i] = &memberRow{m: &ms[i]}
				}
				return &listing.Source[*memberRow]{Table: listing.Table[*memberRow]{Key: "user-groups/members",
					Memo: listing.NoMemo, Rows: func() []*memberRow { return rows }}}, nil
			},
			Render: func(shown []*memberRow) []model.UserGroupMemberView {
				out := make([]model.UserGroupMemberView, len(shown))
				for i, m := range shown {
					out[i] = *m.m
				}
				return out
			},
		}
		return listing.Handler(spec)(w, r)
	}
}
