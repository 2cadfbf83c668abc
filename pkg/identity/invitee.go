package identity

import (
	"context"
	"errors"

	"github.com/guregu/dynamo/v2"
)

// Known reports whether a Clerk user with this e-mail has an identity
// here (has signed up): an invitation's status tells the invitee whether
// to sign in or to sign up.
func (s *Service) Known(ctx context.Context, email string) (bool, error) {
	_, err := s.db.IdentityByEmail(ctx, email)
	if errors.Is(err, dynamo.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// MemberByEmail reports whether the person with this e-mail is already a
// member of the workspace: inviting them into it again is refused (seed
// 004's and seed 001's internal invitations alike).
func (s *Service) MemberByEmail(ctx context.Context, ws, email string) (bool, error) {
	id, err := s.db.IdentityByEmail(ctx, email)
	if errors.Is(err, dynamo.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, err = s.db.Membership(ctx, ws, id.ClerkID)
	if errors.Is(err, dynamo.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}
