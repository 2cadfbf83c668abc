package identity

import (
	"context"
	"errors"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/store"
)

// Change is one Clerk event, parsed and validated by pkg/webhooks: one of
// UserSync, UserDeletion, OrganisationSync, OrganisationDeletion,
// MembershipSync and MembershipDeletion. Deliver applies it at most once.
type Change interface {
	apply(ctx context.Context, s *Service) error
}

// UserSync is user.created or user.updated.
type UserSync struct{ User store.ClerkUser }

// UserDeletion is user.deleted.
type UserDeletion struct{ ClerkID string }

// OrganisationSync is organization.created or organization.updated.
// CreatedBy, when set, is the Clerk user who created the organisation.
type OrganisationSync struct {
	Organisation store.WorkspaceFields
	CreatedBy    string
}

// OrganisationDeletion is organization.deleted.
type OrganisationDeletion struct{ OrgID string }

// MembershipSync is organizationMembership.created or .updated: UserID
// joins (or changes role in) Organisation's workspace. Role is a
// workspace role (store.RoleOwner, RoleAdmin, RoleMember).
type MembershipSync struct {
	Organisation      store.WorkspaceFields
	UserID            string
	Role              string
	ClerkMembershipID string
}

// MembershipDeletion is organizationMembership.deleted.
type MembershipDeletion struct{ OrgID, UserID string }

func (c UserSync) apply(ctx context.Context, s *Service) error { return s.SyncUser(ctx, c.User) }

func (c UserDeletion) apply(ctx context.Context, s *Service) error {
	return s.DeleteUser(ctx, c.ClerkID)
}

func (c OrganisationSync) apply(ctx context.Context, s *Service) error {
	return s.SyncOrganisation(ctx, c.Organisation, c.CreatedBy)
}

func (c OrganisationDeletion) apply(ctx context.Context, s *Service) error {
	return s.DeleteOrganisation(ctx, c.OrgID)
}

func (c MembershipSync) apply(ctx context.Context, s *Service) error {
	return s.SyncMembership(ctx, c.Organisation, c.UserID, c.Role, c.ClerkMembershipID)
}

func (c MembershipDeletion) apply(ctx context.Context, s *Service) error {
	return s.DeleteMembership(ctx, c.OrgID, c.UserID)
}

// SyncUser creates or updates the identity of a Clerk user (events older
// than the stored one are ignored). An invitee who just signed up with a
// verified e-mail joins the workspaces that invited them at once, before
// their first session.
func (s *Service) SyncUser(ctx context.Context, u store.ClerkUser) error {
	id, err := s.db.SyncClerkUser(ctx, u)
	if err != nil {
		return err
	}
	if u.EmailVerified {
		_, err = s.db.AcceptInvitations(ctx, id.ClerkID, id.Email)
	}
	return err
}

// DeleteUser marks a deleted Clerk user inactive: their sessions are
// refused from then on (ErrInactive). A user never seen is no error.
func (s *Service) DeleteUser(ctx context.Context, clerkID string) error {
	return s.db.DeactivateIdentity(ctx, clerkID)
}

// SyncOrganisation creates or updates the workspace of a Clerk
// organisation (older events ignored); its creator, when named, is the
// workspace's OWNER (Clerk later reports them as an admin, which keeps
// them owner: store.PutMembership).
func (s *Service) SyncOrganisation(ctx context.Context, org store.WorkspaceFields, createdBy string) error {
	w, err := s.db.SyncClerkOrg(ctx, org)
	if err != nil {
		return err
	}
	if createdBy != "" {
		_, err = s.db.PutMembership(ctx, w.ID, createdBy, store.RoleOwner, "")
	}
	return err
}

// DeleteOrganisation marks the workspace of a Clerk organisation deleted:
// its items stay, no route reaches them. An unknown organisation is no
// error.
func (s *Service) DeleteOrganisation(ctx context.Context, orgID string) error {
	return s.db.DeleteClerkOrg(ctx, orgID)
}

// SyncMembership adds userID to the workspace of org with role, or changes
// their role (an OWNER reported as admin stays OWNER). Clerk does not
// order its deliveries: a membership arriving before its organisation
// creates the workspace from the organisation the event carries, when it
// carries a name; without one the workspace cannot be made and the
// delivery fails (dynamo.ErrNotFound), so that Svix retries it after the
// organisation's own event.
func (s *Service) SyncMembership(ctx context.Context, org store.WorkspaceFields, userID, role, clerkMembershipID string) error {
	ws, err := s.orgWorkspace(ctx, org)
	if err != nil {
		return err
	}
	_, err = s.db.PutMembership(ctx, ws, userID, role, clerkMembershipID)
	return err
}

func (s *Service) orgWorkspace(ctx context.Context, org store.WorkspaceFields) (string, error) {
	ws, err := s.db.WorkspaceByOrg(ctx, org.ClerkOrgID)
	if errors.Is(err, dynamo.ErrNotFound) && org.Name != "" {
		w, err := s.db.SyncClerkOrg(ctx, org)
		if err != nil {
			return "", err
		}
		return w.ID, nil
	}
	return ws, err
}

// DeleteMembership removes userID from the workspace of a Clerk
// organisation. A membership of an organisation never seen (or already
// deleted) is a no-op: there is nothing to remove, and creating the
// workspace only to leave it would be wrong.
func (s *Service) DeleteMembership(ctx context.Context, orgID, userID string) error {
	ws, err := s.db.WorkspaceByOrg(ctx, orgID)
	if errors.Is(err, dynamo.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.db.DeleteMembership(ctx, ws, userID)
}
