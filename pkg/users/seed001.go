package users

import (
	"context"
	"errors"
	"net/http"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/page"
	"github.com/tranche-dev/tranche/pkg/readmodel"
	"github.com/tranche-dev/tranche/pkg/store"
)

// TypeAll is the {type} of /api/user-types/{type}/users/ that lists every user
// (the seed's "Get users"); ?type= narrows it like the other types.
const TypeAll = "all"

// Filters001 is the seed 001 users list's FilterSet (declared in
// pkg/filter, where the OpenAPI document reads it).
var Filters001 = filter.UserFilters001

// User is a seed 001 user (model.SeedUser).
type User = model.SeedUser

func newUser(ws string, u *model.User, typ string) User {
	return User{ID: u.ID, UUID: model.UserUUID(ws, u.ID), Email: u.Email, FirstName: u.FirstName, LastName: u.LastName,
		Type: typ, DateJoined: u.DateJoined, LastLogin: u.LastLogin, ThirdPartyIssuerEmail: u.ThirdPartyIssuerEmail}
}

// urow is a user as Filters001 reads it.
type urow struct {
	u   *model.User
	typ string
}

func (r *urow) Value(path string) filter.Value {
	switch path {
	case "id":
		return filter.Int(r.u.ID)
	case "type":
		return filter.Str(r.typ)
	case "email":
		return filter.Str(r.u.Email)
	case "first_name":
		return filter.Str(r.u.FirstName)
	case "last_name":
		return filter.Str(r.u.LastName)
	case "date_joined":
		return filter.Time(r.u.DateJoined.Time)
	}
	return filter.Null()
}

// Service holds the seed 001 user rules, usable without HTTP.
type Service struct{ DB *store.DB }

// Open opens the workspace's read model and the facts of its users'
// types. Callers close the view. It writes nothing: members get their
// user records at sign-in (store.LinkMemberUsers).
func (s Service) Open(ctx context.Context, ws string) (*readmodel.View, *Facts, error) {
	v, err := readmodel.Of(s.DB).Open(ctx, ws)
	if err != nil {
		return nil, nil, err
	}
	f, err := LoadFacts(ctx, s.DB, ws, v)
	if err != nil {
		v.Close()
		return nil, nil, err
	}
	return v, f, nil
}

// Rows are the workspace's users of a type (TypeAll: every user).
func Rows(v *readmodel.View, f *Facts, typ string) []*urow {
	var out []*urow
	for _, u := range v.Users() {
		t := f.TypeOf(u)
		if typ == TypeAll || t == typ {
			out = append(out, &urow{u: u, typ: t})
		}
	}
	return out
}

// mayView is view_user for session callers (the seed 001 routes are jwt).
func mayView(p *auth.Principal) error { return p.Require("view_user") }

// pathType reads {type}: one of TypeChoices or TypeAll; anything else
// names no collection, 404.
func pathType(r *http.Request) (string, error) {
	t := r.PathValue("type")
	if t != TypeAll && !ValidType(t) {
		return "", apierr.NotFoundError()
	}
	return t, nil
}

// typedList is GET /api/user-types/{type}/users/: the seed 001 users list.
func typedList(s Service) func(w http.ResponseWriter, r *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		typ, err := pathType(r)
		if err != nil {
			return err
		}
		return listing.Handler(list001Spec(s, typ))(w, r)
	}
}

func list001Spec(s Service, typ string) listing.Spec[*urow, User] {
	var ws string
	return listing.Spec[*urow, User]{
		Set:   Filters001,
		Pages: page.Numbers,
		Open: func(ctx context.Context, p *auth.Principal) (*listing.Source[*urow], error) {
			if err := mayView(p); err != nil {
				return nil, err
			}
			ws = p.Workspace
			v, f, err := s.Open(ctx, p.Workspace)
			if err != nil {
				return nil, err
			}
			return &listing.Source[*urow]{
				Table: listing.Table[*urow]{Key: "users001/" + typ, Memo: listing.NoMemo, Rows: func() []*urow { return Rows(v, f, typ) }},
				Close: v.Close,
			}, nil
		},
		Render: func(shown []*urow) []User {
			out := make([]User, len(shown))
			for i, rw := range shown {
				out[i] = newUser(ws, rw.u, rw.typ)
			}
			return out
		},
	}
}

// notFound maps a missing object to DRF's 404.
func notFound(err error) error {
	if errors.Is(err, dynamo.ErrNotFound) {
		return apierr.NotFoundError()
	}
	return err
}
