package users

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// The seed 000 user writes (POST and PATCH /api/users/) as the users
// service's: an issuer user's e-mail is unique in the workspace, its
// password is kept only as a bcrypt hash, and only third-party issuer
// users are edited through this API. The handlers decode and render;
// store.ErrEmailTaken and store.ErrStale reach httpapi.WriteError, which
// renders them (DRF's unique error on "email", 409).

// users is the user aggregate: the only storage these writes touch.
// Service keeps the whole store because its read side (Open, View,
// Graph) reads across aggregates.
func (s Service) users() store.UserStore { return s.DB.UserStore }

// CreateIssuerUser creates a third-party issuer user. A taken e-mail is
// refused before an id is drawn, so the refusal leaves even the id counter
// as it was; the transaction's uniqueness condition still decides a race.
func (s Service) CreateIssuerUser(ctx context.Context, ws, email, password string) (*model.User, error) {
	if _, err := s.users().UserIDByEmail(ctx, ws, email); err == nil {
		return nil, store.ErrEmailTaken
	} else if !errors.Is(err, dynamo.ErrNotFound) {
		return nil, err
	}
	hash, err := hashPassword(password)
	if err != nil {
		return nil, err
	}
	u := &model.User{Email: email, ThirdPartyIssuerEmail: &email, DateJoined: model.NewTime(time.Now()), PasswordHash: hash, IsActive: true}
	if err := s.users().CreateUser(ctx, ws, u); err != nil {
		return nil, err
	}
	return u, nil
}

// UpdateIssuerUser changes a third-party issuer user's e-mail and/or
// password (nil: unchanged), retried when another write came first. Any
// other user is a 404 here: investors' users are not this API's to edit.
func (s Service) UpdateIssuerUser(ctx context.Context, ws string, id int64, email, password *string) (*model.User, error) {
	var hash string
	if password != nil {
		var err error
		if hash, err = hashPassword(*password); err != nil {
			return nil, err
		}
	}
	var out *model.User
	err := store.Retry(ctx, func() error {
		u, err := s.users().UserForWrite(ctx, ws, id)
		if err != nil {
			return err
		}
		if u.ThirdPartyIssuerEmail == nil {
			return apierr.NotFoundError()
		}
		old, oldEmail := u.Version, u.Email
		if email != nil && !strings.EqualFold(*email, oldEmail) {
			if other, err := s.users().UserIDByEmail(ctx, ws, *email); err == nil && other != id {
				return store.ErrEmailTaken
			} else if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
				return err
			}
		}
		if email != nil {
			e := *email
			u.Email, u.ThirdPartyIssuerEmail = e, &e
		}
		if hash != "" {
			u.PasswordHash = hash
		}
		out = u
		return s.users().UpdateUser(ctx, ws, u, old, oldEmail)
	})
	return out, err
}
