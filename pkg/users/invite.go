package users

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"time"

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

// readInvite reads {email, type, first_name, last_name} (internal=false)
// or {email, auth_group, first_name, last_name} (internal=true).
func readInvite(w http.ResponseWriter, r *http.Request, internal bool) (*Invitee, error) {
	var raw map[string]json.RawMessage
	if err := httpapi.Decode(w, r, &raw); err != nil {
		return nil, err
	}
	f := model.NewForm(raw, false)
	in := &Invitee{}
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
// /api/invitations/internal/ (add_invitation): the rules are
// Invitations.Invite's.
func handleInvite(svc *Invitations, internal bool) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		perm := "add_user"
		if internal {
			perm = "add_invitation"
		}
		if err := p.Require(perm); err != nil {
			return err
		}
		in, err := readInvite(w, r, internal)
		if err != nil {
			return err
		}
		inv, err := svc.Invite(r.Context(), p, in, *httpapi.BaseURL(r))
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusCreated, newInvitation(inv))
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// handleResend is POST /api/invitations/{id}/resend/ (add_invitation):
// the same invitation, a new e-mail (Invitations.Resend).
func handleResend(svc *Invitations) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if err := p.Require("add_invitation"); err != nil {
			return err
		}
		id := strings.ToLower(r.PathValue("id"))
		if !uuidRE.MatchString(id) {
			return apierr.NotFoundError()
		}
		inv, err := svc.Resend(r.Context(), p, id, *httpapi.BaseURL(r))
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, newInvitation(inv))
	}
}

// ownerOrAdmin is the login-token routes' preamble: a signed-in OWNER or
// ADMIN of the active workspace.
func ownerOrAdmin(r *http.Request) (*auth.Principal, error) {
	p, err := auth.Must(r)
	if err != nil {
		return nil, err
	}
	if p.Workspace == "" || p.UserID == "" || (p.Role != store.RoleOwner && p.Role != store.RoleAdmin) {
		return nil, apierr.Forbid()
	}
	return p, nil
}

// LoginToken is the answer to POST /api/invitations/login-token/.
type LoginToken = model.LoginToken

// handleLoginToken is POST /api/invitations/login-token/ {user, group}
// (Invitations.MintLoginToken).
func handleLoginToken(svc *Invitations) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := ownerOrAdmin(r)
		if err != nil {
			return err
		}
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		user, group, err := readLoginToken(raw)
		if err != nil {
			return err
		}
		tok, err := svc.MintLoginToken(r.Context(), p, user, group)
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		return httpapi.JSON(w, http.StatusCreated, tok)
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

// Exchange is the answer to POST /api/invitations/login-token/exchange/:
// who the holder now acts as. The client opens that user's view of the
// group with it (the seed 001 frontend's "log in as").
type Exchange = model.LoginTokenExchange

// handleExchange is POST /api/invitations/login-token/exchange/ {token}
// (Invitations.Exchange). The caller must be signed in to the token's
// workspace with OWNER or ADMIN.
func handleExchange(svc *Invitations) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := ownerOrAdmin(r)
		if err != nil {
			return err
		}
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		secret, err := readExchange(raw)
		if err != nil {
			return err
		}
		x, err := svc.Exchange(r.Context(), p, secret)
		if err != nil {
			return err
		}
		w.Header().Set("Cache-Control", "no-store")
		return httpapi.JSON(w, http.StatusOK, x)
	}
}
