package users

import (
	"context"
	"strings"

	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/readmodel"
	"github.com/tranche-dev/tranche/pkg/store"
)

// The user types of seed 001: one enum, derived from what the user is in
// the workspace, never stored. The first that applies wins.
const (
	// TypeInternal is a member of the workspace team: the user's e-mail
	// is the e-mail of a Clerk identity with a membership (any role).
	TypeInternal = "internal"
	// TypeIssuer is a third-party issuer user (thirdpartyissueruser_email
	// set: the users seed 000's /api/users/ lists).
	TypeIssuer = "issuer"
	// TypeInvestor owns at least one investor.
	TypeInvestor = "investor"
	// TypeUser is any other user (e.g. invited, no investor yet).
	TypeUser = "user"
)

// TypeChoices are the types in the order the OpenAPI document lists them.
// (declared in pkg/filter, the list's FilterSet, as the constants above).
var TypeChoices = filter.UserTypes

// ValidType reports whether t is one of TypeChoices.
func ValidType(t string) bool {
	for _, c := range TypeChoices {
		if c.Value == t {
			return true
		}
	}
	return false
}

// Facts are what a user's type is derived from: the workspace's members by
// lower-cased e-mail and the investors of each user.
type Facts struct {
	Members   map[string]*store.Membership
	Investors map[int64][]*model.Investor
}

// LoadFacts reads the workspace's members (one Query, one BatchGet of
// their identities) and indexes the view's investors by user.
func LoadFacts(ctx context.Context, db *store.DB, ws string, v *readmodel.View) (*Facts, error) {
	ms, err := db.Members(ctx, ws)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(ms))
	for i := range ms {
		ids[i] = ms[i].ClerkID
	}
	idents, err := db.Identities(ctx, ids)
	if err != nil {
		return nil, err
	}
	f := &Facts{Members: map[string]*store.Membership{}, Investors: map[int64][]*model.Investor{}}
	for i := range ms {
		if id := idents[ms[i].ClerkID]; id != nil && id.Email != "" && id.IsActive {
			f.Members[strings.ToLower(id.Email)] = &ms[i]
		}
	}
	if v != nil {
		for _, inv := range v.Investors() {
			f.Investors[inv.User] = append(f.Investors[inv.User], inv)
		}
	}
	return f, nil
}

// Membership is the user's membership of the workspace, or nil.
func (f *Facts) Membership(u *model.User) *store.Membership {
	return f.Members[strings.ToLower(u.Email)]
}

// TypeOf derives the user's type.
func (f *Facts) TypeOf(u *model.User) string {
	switch {
	case f.Membership(u) != nil:
		return TypeInternal
	case u.ThirdPartyIssuerEmail != nil:
		return TypeIssuer
	case len(f.Investors[u.ID]) > 0:
		return TypeInvestor
	}
	return TypeUser
}
