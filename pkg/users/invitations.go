package users

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/identity"
	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Invitations is seed 001's invitation side of the users aggregate:
// inviting a user (investor, issuer, user) or a team member (a workspace
// role), resending, and the impersonation login tokens. It owns the rules
// (who may invite whom, one pending invitation per address, the resend
// limits, a token only for a member of the group it names, single use)
// and the e-mails; acceptance happens at sign-in (the identity service).
// It knows nothing of HTTP: tests call it directly. Handlers check only
// that the caller may use the route at all, before reading the body.
//
// Its storage is the users aggregate (user invitations, login tokens),
// the identity aggregate (the workspace's name, the invitation item seed
// 004 shares) and the groups a login token names; the exchange answers
// from the read model (Service.Open).
type Invitations struct {
	users      store.UserStore
	identities store.IdentityStore
	groups     store.GroupStore
	reads      Service
	ids        *identity.Service
	mail       Mailer
	gap        time.Duration // the least time between two e-mails of one invitation
	now        func() time.Time
}

// NewInvitations returns the invitation service over db, mailing with m;
// gap is the least time between two e-mails of an invitation (ResendGap).
func NewInvitations(db *store.DB, m Mailer, gap time.Duration) *Invitations {
	if db == nil {
		db = &store.DB{} // routes bound without a store (tests): nothing is usable, as with a nil *DB
	}
	return &Invitations{users: db.UserStore, identities: db.IdentityStore, groups: db.GroupStore, reads: Service{DB: db},
		ids: identity.NewService(db, nil), mail: m, gap: gap, now: time.Now}
}

// Invitee is a validated invitation request: a user of a type, or a team
// member (Type TypeInternal) with an auth group.
type Invitee struct {
	Email, Type, FirstName, LastName string
	Group                            auth.Group
}

// Invite writes a seed 004 invitation item with the seed 001 attributes
// and e-mails the invitee an accept link under base. A user invitation
// creates the invitee's user record with it (an issuer is a third-party
// issuer user from then on); an internal one becomes a membership with
// the role at sign-in. Inviting an ADMIN needs add_admin_invitation
// (403); a member of the workspace or an address with a pending
// invitation is a 400 on email. When the e-mail cannot be sent the
// invitation is taken back (the user record, if created, stays: it is a
// user of the workspace either way), so a retry is not a duplicate.
func (s *Invitations) Invite(ctx context.Context, p *auth.Principal, in *Invitee, base url.URL) (*store.UserInvitation, error) {
	internal := in.Type == TypeInternal
	if internal && in.Group.Name == store.RoleAdmin && !p.HasPermission("add_admin_invitation") {
		return nil, apierr.Forbid()
	}
	ws, err := s.identities.Workspace(ctx, p.Workspace)
	if err != nil {
		return nil, err
	}
	if internal {
		if member, err := s.ids.MemberByEmail(ctx, p.Workspace, in.Email); err != nil {
			return nil, err
		} else if member {
			return nil, apierr.Field("email", "This user is already a member of this workspace.")
		}
	}
	n := store.NewUserInvitation{Email: in.Email, UserType: in.Type, FirstName: in.FirstName, LastName: in.LastName,
		InvitedBy: p.UserID, Issuer: in.Type == TypeIssuer}
	if internal {
		n.Role, n.AuthGroup = in.Group.Name, in.Group.ID
	}
	inv, err := s.users.CreateUserInvitation(ctx, p.Workspace, n)
	switch {
	case errors.Is(err, store.ErrDuplicateInvitation):
		return nil, apierr.Field("email", "A pending invitation for this email address already exists.")
	case errors.Is(err, store.ErrBusy):
		return nil, apierr.ConflictError("The user was created concurrently; try again.")
	case err != nil:
		return nil, err
	}
	if _, err := s.mail.Send(ctx, invitationMail(base, ws.Name, inv, false)); err != nil {
		if derr := s.identities.DeleteInvitation(ctx, &inv.Invitation); derr != nil {
			err = errors.Join(err, derr)
		}
		return nil, err
	}
	return inv, nil
}

// Resend e-mails a pending invitation again (link under base): 400 once
// accepted or revoked; 429 within the gap of the last send or after
// MaxSends e-mails (the claim is a conditional write, so racing resends
// send one). A user invitation needs add_user beyond the route's
// add_invitation. When the e-mail fails the claim is undone.
func (s *Invitations) Resend(ctx context.Context, p *auth.Principal, id string, base url.URL) (*store.UserInvitation, error) {
	inv, err := s.users.UserInvitation(ctx, p.Workspace, id)
	if err != nil {
		return nil, notFound(err)
	}
	if inv.Role == "" && !p.HasPermission("add_user") {
		return nil, apierr.Forbid()
	}
	if inv.Status != store.InvitationPending {
		return nil, apierr.NonField("This invitation is " + inv.Status + " and cannot be resent.")
	}
	now := s.now()
	switch err := s.users.ClaimResend(ctx, p.Workspace, id, s.gap, MaxSends, now); {
	case errors.Is(err, store.ErrResendTooSoon):
		wait := time.Unix(inv.LastSent, 0).Add(s.gap).Sub(now)
		if inv.SentCount >= MaxSends || wait < time.Second {
			wait = time.Hour
		}
		return nil, apierr.ThrottledError(wait)
	case errors.Is(err, store.ErrStale):
		return nil, apierr.NonField("This invitation is no longer pending and cannot be resent.")
	case err != nil:
		return nil, err
	}
	ws, err := s.identities.Workspace(ctx, p.Workspace)
	if err != nil {
		return nil, err
	}
	if _, err := s.mail.Send(ctx, invitationMail(base, ws.Name, inv, true)); err != nil {
		if uerr := s.users.UnclaimResend(ctx, p.Workspace, id, inv.LastSent); uerr != nil {
			err = errors.Join(err, uerr)
		}
		return nil, err
	}
	inv.SentCount, inv.LastSent = max(inv.SentCount, 1)+1, now.Unix()
	return inv, nil
}

// invitationMail is the invitation's e-mail, with its accept link under
// base (…/invitations/<id>/accept/); again marks a resend.
func invitationMail(base url.URL, wsName string, inv *store.UserInvitation, again bool) mail.Message {
	link := base
	link.Path, link.RawQuery = "/invitations/"+inv.ID+"/accept/", ""
	as := inv.UserType
	if inv.Role != "" {
		as = strings.ToLower(inv.Role)
	}
	subject := "You are invited to join " + wsName + " on Tranche"
	if again {
		subject = "Reminder: " + subject
	}
	return mail.Message{
		To:      []string{inv.Email},
		Subject: subject,
		Text: fmt.Sprintf("You have been invited to join %s as %s.\n\nSign in with this e-mail address to accept: %s\n\nInvitation id: %s\n",
			wsName, as, link.String(), inv.ID),
	}
}

// MintLoginToken mints a single-use token, valid LoginTokenTTL, to act as
// user within group: the user must be the workspace's and a member of the
// group (field errors otherwise). Only the token's hash is stored; the
// mint is audited. The route admits OWNER and ADMIN only.
func (s *Invitations) MintLoginToken(ctx context.Context, p *auth.Principal, user, group int64) (*LoginToken, error) {
	if _, err := s.users.UserForWrite(ctx, p.Workspace, user); errors.Is(err, dynamo.ErrNotFound) {
		return nil, apierr.Field("user", fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", user))
	} else if err != nil {
		return nil, err
	}
	// The token acts for the user within one group it belongs to.
	if _, err := s.groups.UserGroupMember(ctx, p.Workspace, group, user); errors.Is(err, store.ErrNotMember) {
		if _, gerr := s.groups.UserGroup(ctx, p.Workspace, group); errors.Is(gerr, dynamo.ErrNotFound) {
			return nil, apierr.Field("group", fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", group))
		} else if gerr != nil {
			return nil, gerr
		}
		return nil, apierr.Field("user", "The user is not a member of this group.")
	} else if err != nil {
		return nil, err
	}
	secret, err := newSecret()
	if err != nil {
		return nil, err
	}
	exp := s.now().Add(LoginTokenTTL)
	if _, err := s.users.MintLoginToken(ctx, p.Workspace, secret, user, group, p.Actor(), exp); err != nil {
		return nil, err
	}
	return &LoginToken{Token: secret, User: user, UserUUID: model.UserUUID(p.Workspace, user), Group: group, ExpiresAt: model.NewTime(exp)}, nil
}

func newSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "tlt_" + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// Exchange spends a login token once (a conditional write), records the
// use in the user's audit trail, and returns who the holder now acts as.
// Unknown, expired, used and other workspaces' tokens are all one 400 on
// token, so a token's existence elsewhere reveals nothing.
func (s *Invitations) Exchange(ctx context.Context, p *auth.Principal, secret string) (*Exchange, error) {
	invalid := apierr.Field("token", "Invalid, expired or already used token.")
	if !strings.HasPrefix(secret, "tlt_") {
		return nil, invalid
	}
	tok, err := s.users.PeekLoginToken(ctx, secret)
	if errors.Is(err, store.ErrTokenInvalid) || (err == nil && tok.Workspace != p.Workspace) {
		return nil, invalid
	}
	if err != nil {
		return nil, err
	}
	tok, err = s.users.UseLoginToken(ctx, secret, p.Actor(), s.now())
	if errors.Is(err, store.ErrTokenInvalid) {
		return nil, invalid
	}
	if err != nil {
		return nil, err
	}
	v, fa, err := s.reads.Open(ctx, p.Workspace)
	if err != nil {
		return nil, err
	}
	defer v.Close()
	u := v.User(tok.User)
	if u == nil {
		return nil, invalid // the user was removed since the mint
	}
	return &Exchange{User: newUser(p.Workspace, u, fa.TypeOf(u)), Workspace: p.Workspace, Group: tok.Group, ImpersonatedBy: tok.MintedBy}, nil
}
