package profiles

import (
	"bytes"
	"context"
	"net/http"
	"strconv"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/page"
	"github.com/tranche-dev/tranche/pkg/store"
)

// The seed shows no list envelope; Tranche's lists use DRF's
// PageNumberPagination envelope {count, next, previous, results}
// everywhere, and so do these (documented in the OpenAPI document).
// Profiles page by 20 like seed 000's lists; the reference lists by 300,
// so that one page holds every country.
var (
	profilePages   = page.Numbers
	referencePages = page.PageNumber{Size: 300, MaxSize: 1000}
)

func choices(vs []string) []filter.Choice {
	out := make([]filter.Choice, len(vs))
	for i, v := range vs {
		out[i] = filter.Choice{Value: v, Label: v}
	}
	return out
}

// ProfileFilters is GET /api/profiles: the seed's ?user_id=, and type,
// role and is_active, ordered by id (or ?ordering=).
var ProfileFilters = &filter.Set{
	Fields: []filter.Field{
		{Name: "user_id", Kind: filter.IntegerField, Lookups: []filter.Lookup{filter.Exact, filter.In}},
		{Name: "type", Kind: filter.ChoiceField, Lookups: []filter.Lookup{filter.Exact, filter.In}, Choices: choices(Types)},
		{Name: "role", Kind: filter.ChoiceField, Lookups: []filter.Lookup{filter.Exact, filter.In}, Choices: choices(Roles)},
		{Name: "is_active", Kind: filter.BoolField, Lookups: []filter.Lookup{filter.Exact}},
	},
	Ordering:        []string{"id", "user_id", "created_at", "updated_at"},
	DefaultOrdering: []string{"id"},
	Search:          []string{"first_name", "last_name", "entity_name"},
}

type profileRow struct{ p *store.ProfileRecord }

func (r profileRow) Value(path string) filter.Value {
	p := r.p
	switch path {
	case "id":
		return filter.Int(p.ID)
	case "user_id":
		return filter.Int(p.User)
	case "type":
		return filter.Str(p.Type)
	case "role":
		return filter.Str(p.Role)
	case "is_active":
		return filter.Bool(Complete(p))
	case "first_name":
		return filter.Str(p.FirstName)
	case "last_name":
		return filter.Str(p.LastName)
	case "entity_name":
		return filter.Str(p.EntityName)
	case "created_at":
		return filter.Time(p.CreatedAt.Time)
	case "updated_at":
		return filter.Time(p.UpdatedAt.Time)
	}
	return filter.Null()
}

// handleList is GET /api/profiles through the listing pipeline. A single
// ?user_id= is served by one Query of the user's index; otherwise the
// workspace's profile partition is read (a session sees only its own).
// W-9 states and bank accounts of the page are read in batches.
func handleList(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		c, err := callerOf(r.Context(), r, svc.identities(), auth.ScopeAccountsRead)
		if err != nil {
			return err
		}
		var user int64
		if v := r.URL.Query()["user_id"]; len(v) == 1 {
			if n, err := strconv.ParseInt(v[0], 10, 64); err == nil && n > 0 {
				user = n
			}
		}
		spec := listing.Spec[profileRow, View]{
			Set:   ProfileFilters,
			Pages: profilePages,
			Open: func(ctx context.Context, _ *auth.Principal) (*listing.Source[profileRow], error) {
				ps, err := svc.Rows(ctx, c, user)
				if err != nil {
					return nil, err
				}
				rows := make([]profileRow, len(ps))
				for i := range ps {
					rows[i] = profileRow{p: &ps[i]}
				}
				return &listing.Source[profileRow]{Table: listing.Table[profileRow]{
					Key: "profiles", Memo: listing.NoMemo, Rows: func() []profileRow { return rows },
				}}, nil
			},
		}
		var renderErr error
		spec.Render = func(shown []profileRow) []View {
			out, err := svc.renderPage(r.Context(), c.Workspace, shown)
			if err != nil {
				renderErr = err
			}
			return out
		}
		// The pipeline's Render cannot fail, but reading the page's W-9
		// states can: buffer the answer, so a failed read is an error
		// response, not a page with wrong documents.
		buf := &buffered{h: http.Header{}}
		if err := listing.Handler(spec)(buf, r); err != nil {
			return err
		}
		if renderErr != nil {
			return renderErr
		}
		for k, v := range buf.h {
			w.Header()[k] = v
		}
		w.WriteHeader(buf.code)
		_, err = w.Write(buf.body.Bytes())
		return err
	}
}

// renderPage renders the profiles shown with their W-9 states and bank
// accounts: two BatchGets for the page, whatever its size.
func (s *Service) renderPage(ctx context.Context, ws string, shown []profileRow) ([]View, error) {
	ids := make([]int64, len(shown))
	for i, r := range shown {
		ids[i] = r.p.ID
	}
	states, err := s.documents.W9States(ctx, ws, ids)
	if err != nil {
		return nil, err
	}
	banks, err := s.profiles.ActiveBankAccounts(ctx, ws, ids)
	if err != nil {
		return nil, err
	}
	out := make([]View, 0, len(shown))
	for _, r := range shown {
		out = append(out, render(r.p, states[r.p.ID], banks[r.p.ID]))
	}
	return out, nil
}

// Reference lists: the embedded data through the same pipeline.
type countryRow struct{ c *Country }

func (r countryRow) Value(path string) filter.Value {
	switch path {
	case "id":
		return filter.Int(r.c.ID)
	case "name":
		return filter.Str(r.c.Name)
	case "alpha_2":
		return filter.Str(r.c.Alpha2)
	case "alpha_3":
		return filter.Str(r.c.Alpha3)
	}
	return filter.Null()
}

type stateRow struct{ s *State }

func (r stateRow) Value(path string) filter.Value {
	switch path {
	case "id":
		return filter.Int(r.s.ID)
	case "name":
		return filter.Str(r.s.Name)
	case "abbreviation":
		return filter.Str(r.s.Abbr)
	case "country_id":
		return filter.Int(r.s.CountryID)
	case "type":
		return filter.Str(r.s.Type)
	}
	return filter.Null()
}

type qualRow struct{ q *Qualification }

func (r qualRow) Value(path string) filter.Value {
	switch path {
	case "id":
		return filter.Int(r.q.ID)
	case "name":
		return filter.Str(r.q.Name)
	case "applies_to":
		vs := make([]filter.Value, len(r.q.AppliesTo))
		for i, t := range r.q.AppliesTo {
			vs[i] = filter.Str(t)
		}
		return filter.List(vs...)
	}
	return filter.Null()
}

// CountryFilters, StateFilters and QualificationFilters are the reference
// lists' filters: search by name, a few exact filters.
var (
	CountryFilters = &filter.Set{
		Fields: []filter.Field{
			{Name: "alpha_2", Kind: filter.StringField, Lookups: []filter.Lookup{filter.Exact, filter.In}},
			{Name: "alpha_3", Kind: filter.StringField, Lookups: []filter.Lookup{filter.Exact, filter.In}},
		},
		Ordering: []string{"id", "name"}, DefaultOrdering: []string{"id"}, Search: []string{"name"},
	}
	StateFilters = &filter.Set{
		Fields: []filter.Field{
			{Name: "country_id", Kind: filter.IntegerField, Lookups: []filter.Lookup{filter.Exact}},
			{Name: "abbreviation", Kind: filter.StringField, Lookups: []filter.Lookup{filter.Exact, filter.In}},
		},
		Ordering: []string{"id", "name"}, DefaultOrdering: []string{"id"}, Search: []string{"name"},
	}
	QualificationFilters = &filter.Set{
		Fields: []filter.Field{
			{Name: "applies_to", Kind: filter.ChoiceField, Lookups: []filter.Lookup{filter.Exact}, Choices: choices(Types)},
		},
		Ordering: []string{"id"}, DefaultOrdering: []string{"id"}, Search: []string{"name"},
	}
)

func staticList[R filter.Row, V any](set *filter.Set, key string, rows []R, render func(R) V) httpapi.HandlerFunc {
	h := listing.Handler(listing.Spec[R, V]{
		Set: set, Pages: referencePages,
		Open: func(context.Context, *auth.Principal) (*listing.Source[R], error) {
			return &listing.Source[R]{Table: listing.Table[R]{Key: key, Memo: listing.NoMemo, Rows: func() []R { return rows }}}, nil
		},
		Render: func(shown []R) []V {
			out := make([]V, len(shown))
			for i, r := range shown {
				out[i] = render(r)
			}
			return out
		},
	})
	return h
}

// handleCountries is GET /api/countries.
func handleCountries() httpapi.HandlerFunc {
	rows := make([]countryRow, len(ref.Countries))
	for i := range ref.Countries {
		rows[i] = countryRow{&ref.Countries[i]}
	}
	return staticList(CountryFilters, "countries", rows, func(r countryRow) Country { return *r.c })
}

// handleStates is GET /api/states.
func handleStates() httpapi.HandlerFunc {
	rows := make([]stateRow, len(ref.States))
	for i := range ref.States {
		rows[i] = stateRow{&ref.States[i]}
	}
	return staticList(StateFilters, "states", rows, func(r stateRow) State { return *r.s })
}

// handleQualifications is GET /api/investor-qualifications.
func handleQualifications() httpapi.HandlerFunc {
	rows := make([]qualRow, len(Qualifications))
	for i := range Qualifications {
		rows[i] = qualRow{&Qualifications[i]}
	}
	return staticList(QualificationFilters, "qualifications", rows, func(r qualRow) Qualification { return *r.q })
}

// buffered is a ResponseWriter that keeps the answer for handleList.
type buffered struct {
	h    http.Header
	code int
	body bytes.Buffer
}

func (b *buffered) Header() http.Header { return b.h }
func (b *buffered) WriteHeader(code int) {
	if b.code == 0 {
		b.code = code
	}
}
func (b *buffered) Write(p []byte) (int, error) {
	if b.code == 0 {
		b.code = http.StatusOK
	}
	return b.body.Write(p)
}
