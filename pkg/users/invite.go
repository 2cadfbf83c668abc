package users

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Mailer sends e-mail; *mail.Sender is one.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) (string, error)
}

// Resend limits: a resend at most once a minute, and at most MaxSends
// e-mails per invitation in all (the first included). Past either: 429.
const (
	ResendGap = time.Minute
	MaxSends  = 5
)

// LoginTokenTTL is how long an impersonation login token may be used.
const LoginTokenTTL = 5 * time.Minute

// invitable are the types POST /api/invitations/ invites (internal team
// members go through /api/invitations/internal/ with a role).
var invitable = []model.Choice{{Value: TypeInvestor, Label: "Investor"}, {Value: TypeIssuer, Label: "Issuer"}, {Value: TypeUser, Label: "User"}}

type inviteForm struct {
	Email, Type, FirstName, LastName string
	Group                            auth.Group
}

// readInvite reads {email, type, first_name, last_name} (internal=false)
// or {email, auth_group, first_name, last_name} (internal=true).
func readInvite(w http.ResponseWriter, r *http.Request, internal bool) (*inviteForm, error) {
	var raw map[string]json.RawMessage
	if err := httpapi.Decode(w, r, &raw); err != nil {
		return nil, err
	}
	f := model.NewForm(raw, false)
	in := &inviteForm{}
	if e, _ := f.Email("email", model.Str{Required: true, MaxLen: 254}); e != nil {
		in.Email = *e
	}
	if s, _ := f.String("first_name", model.Str{MaxLen: 150, AllowBlank: true}); s != nil {
		in.FirstName = *s
	}
	if s, _ := f.String("last_name", model.Str{MaxLen: 150, AllowBlank: true}); s != nil {
		in.LastName = *s
	}
	if internal {
		in.Type = TypeInternal
		if id, _ := f.Int("auth_group", model.Int{Required: true}); id != nil {
			g, ok := auth.GroupByID(int(*id))
			switch {
			case !ok:
				f.Errors["auth_group"] = []string{fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", *id)}
			case g.Name == store.RoleOwner:
				f.Errors["auth_group"] = []string{"Owners cannot be invited; they are created through onboarding."}
			default:
				in.Group = g
			}
		}
	} else if t, _ := f.String("type", model.Str{Required: true, Choices: invitable}); t != nil {
		in.Type = *t
	}
	return in, apierr.Fields(f.Errors)
}

// handleInvite is POST /api/invitations/ (add_user) and POST
// /api/invitations/internal/ (add_invitation; an ADMIN role needs
// add_admin_invitation, as seed 004's). Both write a seed 004 invitation
// item with the seed 001 attributes and e-mail the invitee an accept link.
// A user invitation creates the invitee's user record with it (an issuer
// is a third-party issuer user from then on); an internal one becomes a
// membership with the role when the invitee signs in (seed 004's
// acceptance), and the member's user record is linked at their first
// seed 001 read.
func handleInvite(s Service, m Mailer, internal bool) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		perm := "add_user"
		if internal {
			perm = "add_invitation"
		}
		if p.Workspace == "" || !p.HasPermission(perm) {
			return apierr.Forbid()
		}
		in, err := readInvite(w, r, internal)
		if err != nil {
			return err
		}
		if internal && in.Group.Name == store.RoleAdmin && !p.HasPermission("add_admin_invitation") {
			return apierr.Forbid()
		}
		ctx := r.Context()
		ws, err := s.DB.Workspace(ctx, p.Workspace)
		if err != nil {
			return err
		}
		if internal {
			if id, err := s.DB.IdentityByEmail(ctx, in.Email); err == nil {
				if _, err := s.DB.Membership(ctx, p.Workspace, id.ClerkID); err == nil {
					return apierr.Field("email", "This user is already a member of this workspace.")
				} else if !errors.Is(err, dynamo.ErrNotFound) {
					return err
				}
			} else if !errors.Is(err, dynamo.ErrNotFound) {
				return err
			}
		}
		n := store.NewUserInvitation{Email: in.Email, UserType: in.Type, FirstName: in.FirstName, LastName: in.LastName,
			InvitedBy: p.UserID, Issuer: in.Type == TypeIssuer}
		if internal {
			n.Role, n.AuthGroup = in.Group.Name, in.Group.ID
		}
		inv, err := s.DB.CreateUserInvitation(ctx, p.Workspace, n)
		switch {
		case errors.Is(err, store.ErrDuplicateInvitation):
			return apierr.Field("email", "A pending invitation for this email address already exists.")
		case errors.Is(err, store.ErrBusy):
			return apierr.ConflictError("The user was created concurrently; try again.")
		case err != nil:
			return err
		}
		if _, err := m.Send(ctx, invitationMail(r, ws.Name, inv, false)); err != nil {
			// Without the e-mail the invitation would block a retry as a
			// duplicate: take it back (the user record, if created, stays:
			// it is a user of the workspace either way).
			if derr := s.DB.DeleteInvitation(ctx, &inv.Invitation); derr != nil {
				err = errors.Join(err, derr)
			}
			return err
		}
		return httpapi.JSON(w, http.StatusCreated, newInvitation(inv))
	}
}

func invitationMail(r *http.Request, wsName string, inv *store.UserInvitation, again bool) mail.Message {
	link := httpapi.BaseURL(r)
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

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// handleResend is POST /api/invitations/{id}/resend/: the same invitation,
// a new e-mail. 400 once accepted or revoked; 429 within ResendGap of the
// last send or after MaxSends e-mails. The permission is the invite's:
// add_invitation for an internal invitation, add_user otherwise.
func handleResend(s Service, m Mailer, gap time.Duration) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if p.Workspace == "" || !p.HasPermission("add_invitation") {
			return apierr.Forbid()
		}
		id := strings.ToLower(r.PathValue("id"))
		if !uuidRE.MatchString(id) {
			return apierr.NotFoundError()
		}
		ctx := r.Context()
		inv, err := s.DB.UserInvitation(ctx, p.Workspace, id)
		if err != nil {
			return notFound(err)
		}
		if inv.Role == "" && !p.HasPermission("add_user") {
			return apierr.Forbid()
		}
		if inv.Status != store.InvitationPending {
			return apierr.NonField("This invitation is " + inv.Status + " and cannot be resent.")
		}
		now := time.Now()
		switch err := s.DB.ClaimResend(ctx, p.Workspace, id, gap, MaxSends, now); {
		case errors.Is(err, store.ErrResendTooSoon):
			wait := time.Until(time.Unix(inv.LastSent, 0).Add(gap))
			if inv.SentCount >= MaxSends || wait < time.Second {
				wait = time.Hour
			}
			return apierr.ThrottledError(wait)
		case errors.Is(err, store.ErrStale):
			return apierr.NonField("This invitation is no longer pending and cannot be resent.")
		case err != nil:
			return err
		}
		ws, err := s.DB.Workspace(ctx, p.Workspace)
		if err != nil {
			return err
		}
		if _, err := m.Send(ctx, invitationMail(r, ws.Name, inv, true)); err != nil {
			if uerr := s.DB.UnclaimResend(ctx, p.Workspace, id, inv.LastSent); uerr != nil {
				err = errors.Join(err, uerr)
			}
			return err
		}
		inv.SentCount, inv.LastSent = max(inv.SentCount, 1)+1, now.Unix()
		return httpapi.JSON(w, http.StatusOK, newInvitation(inv))
	}
}

// LoginToken is the answer to POST /api/invitations/login-token/.
type LoginToken = model.LoginToken

// handleLoginToken is POST /api/invitations/login-token/ {user, group}:
// OWNER and ADMIN only. The user must be the workspace's; the group id is
// stored as given (pkg/groups validates it after its merge).
func handleLoginToken(s Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if p.Workspace == "" || p.UserID == "" || (p.Role != store.RoleOwner && p.Role != store.RoleAdmin) {
			return apierr.Forbid()
		}
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		user, group, err := readLoginToken(raw)
		if err != nil {
			return err
		}
		ctx := r.Context()
		if _, err := s.DB.UserForWrite(ctx, p.Workspace, user); errors.Is(err, dynamo.ErrNotFound) {
			return apierr.Field("user", fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", user))
		} else if err != nil {
			return err
		}
		// The token acts for the user within one group it belongs to.
		if _, err := s.DB.UserGroupMember(ctx, p.Workspace, group, user); errors.Is(err, store.ErrNotMember) {
			if _, gerr := s.DB.UserGroup(ctx, p.Workspace, group); errors.Is(gerr, dynamo.ErrNotFound) {
				return apierr.Field("group", fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", group))
			} else if gerr != nil {
				return gerr
			}
			return apierr.Field("user", "The user is not a member of this group.")
		} else if err != nil {
			return err
		}
		secret, err := newSecret()
		if err != nil {
			return err
		}
		exp := time.Now().Add(LoginTokenTTL)
		if _, err := s.DB.MintLoginToken(ctx, p.Workspace, secret, user, group, p.Actor(), exp); err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		return httpapi.JSON(w, http.StatusCreated, LoginToken{Token: secret, User: user, UserUUID: model.UserUUID(p.Workspace, user),
			Group: group, ExpiresAt: model.NewTime(exp)})
	}
}

// readLoginToken validates POST /api/invitations/login-token/'s body:
// {user, group}, both positive ids.
func readLoginToken(raw map[string]json.RawMessage) (user, group int64, err error) {
	f := model.NewForm(raw, false)
	one := int64(1)
	u, _ := f.Int("user", model.Int{Required: true, Min: &one})
	g, _ := f.Int("group", model.Int{Required: true, Min: &one})
	if err := apierr.Fields(f.Errors); err != nil {
		return 0, 0, err
	}
	return *u, *g, nil
}

// readExchange validates POST /api/invitations/login-token/exchange/'s
// body: {token}, at most 100 characters.
func readExchange(raw map[string]json.RawMessage) (string, error) {
	f := model.NewForm(raw, false)
	secret, _ := f.String("token", model.Str{Required: true, MaxLen: 100})
	if err := apierr.Fields(f.Errors); err != nil {
		return "", err
	}
	return *secret, nil
}

func newSecret() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return "tlt_" + base64.RawURLEncoding.EncodeToString(b[:]), nil
}

// Exchange is the answer to POST /api/invitations/login-token/exchange/:
// who the holder now acts as. The client opens that user's view of the
// group with it (the seed 001 frontend's "log in as").
type Exchange = model.LoginTokenExchange

// handleExchange is POST /api/invitations/login-token/exchange/ {token}:
// spends the token once (a conditional write), records the use in the
// user's audit trail, and answers the impersonated user. The caller must
// be signed in to the token's workspace with OWNER or ADMIN; unknown,
// expired, used or another workspace's tokens are all one 400.
func handleExchange(s Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if p.Workspace == "" || p.UserID == "" || (p.Role != store.RoleOwner && p.Role != store.RoleAdmin) {
			return apierr.Forbid()
		}
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		secret, err := readExchange(raw)
		if err != nil {
			return err
		}
		invalid := apierr.Field("token", "Invalid, expired or already used token.")
		if !strings.HasPrefix(secret, "tlt_") {
			return invalid
		}
		ctx := r.Context()
		tok, err := s.DB.PeekLoginToken(ctx, secret)
		if errors.Is(err, store.ErrTokenInvalid) || (err == nil && tok.Workspace != p.Workspace) {
			return invalid
		}
		if err != nil {
			return err
		}
		tok, err = s.DB.UseLoginToken(ctx, secret, p.Actor(), time.Now())
		if errors.Is(err, store.ErrTokenInvalid) {
			return invalid
		}
		if err != nil {
			return err
		}
		v, fa, err := s.Open(ctx, p.Workspace)
		if err != nil {
			return err
		}
		defer v.Close()
		u := v.User(tok.User)
		if u == nil {
			return invalid // the user was removed since the mint
		}
		w.Header().Set("Cache-Control", "no-store")
		return httpapi.JSON(w, http.StatusOK, Exchange{User: newUser(p.Workspace, u, fa.TypeOf(u)), Workspace: p.Workspace, Group: tok.Group, ImpersonatedBy: tok.MintedBy})
	}
}
