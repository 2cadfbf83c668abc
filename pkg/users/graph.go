package users

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/forms"
	"github.com/tranche-dev/tranche/pkg/groups"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// The data graph's types (package model, for the OpenAPI document).
type (
	Graph           = model.UserGraph
	GraphMembership = model.UserGraphMembership
	GraphInvestor   = model.UserGraphInvestor
	Invitation      = model.SeedInvitation
	ImpersonationAt = model.ImpersonationRecord
)

func newInvitation(inv *store.UserInvitation) Invitation {
	out := Invitation{ID: inv.ID, Email: inv.Email, Type: inv.UserType, Status: inv.Status, SentCount: inv.SentCount,
		CreatedAt: inv.CreatedAt, AcceptedAt: inv.AcceptedAt}
	if inv.AuthGroup != 0 {
		g := inv.AuthGroup
		out.AuthGroup = &g
	}
	if out.Type == "" {
		// A seed 004 invitation (a workspace role) is internal; a shell
		// invitation (pkg/groups: the invitee leads a group) is a user's.
		out.Type = TypeUser
		if inv.Role != "" {
			out.Type = TypeInternal
		}
	}
	if out.SentCount == 0 {
		out.SentCount = 1
	}
	return out
}

// GraphView is the data graph as GET /api/users/{id}/all/ renders it: the
// user's own parts (model.UserGraph) and the parts other packages own:
// the user's groups with its role in each (pkg/groups) and its form
// implementations with their answers (pkg/forms). model cannot name
// those packages' types, so the whole view is declared here.
type GraphView struct {
	User                model.SeedUser              `json:"user"`
	Membership          *GraphMembership            `json:"membership"`
	Investors           []GraphInvestor             `json:"investors"`
	Groups              []groups.Membership         `json:"groups"`
	FormImplementations []*forms.ImplementationView `json:"form_implementations"`
	Invitations         []Invitation                `json:"invitations"`
	ImpersonationAudit  []ImpersonationAt           `json:"impersonation_audit"`
}

// View assembles the whole data graph: Graph, then the user's groups and
// form implementations (one GSI1 Query each).
func (s Service) View(ctx context.Context, ws string, id int64) (*GraphView, error) {
	g, err := s.Graph(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	ms, err := groups.NewService(s.DB, nil).OfUser(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	ims, err := s.DB.ImplementationsOfUser(ctx, ws, id)
	if err != nil {
		return nil, err
	}
	v := &GraphView{User: g.User, Membership: g.Membership, Investors: g.Investors, Groups: ms,
		FormImplementations: make([]*forms.ImplementationView, 0, len(ims)),
		Invitations:         g.Invitations, ImpersonationAudit: g.ImpersonationAudit}
	if v.Groups == nil {
		v.Groups = []groups.Membership{}
	}
	for i := range ims {
		v.FormImplementations = append(v.FormImplementations, forms.ImplementationOf(ws, &ims[i]))
	}
	return v, nil
}

// Graph assembles the user's own parts of its data graph;
// dynamo.ErrNotFound when the workspace has no such user.
func (s Service) Graph(ctx context.Context, ws string, id int64) (*Graph, error) {
	v, f, err := s.Open(ctx, ws)
	if err != nil {
		return nil, err
	}
	defer v.Close()
	u := v.User(id)
	if u == nil {
		return nil, dynamo.ErrNotFound
	}
	g := &Graph{User: newUser(ws, u, f.TypeOf(u)), Investors: []GraphInvestor{}, Invitations: []Invitation{}, ImpersonationAudit: []ImpersonationAt{}}
	if m := f.Membership(u); m != nil {
		gm := &GraphMembership{Role: m.Role, CreatedAt: m.CreatedAt}
		if grp, ok := auth.GroupOfRole(m.Role); ok {
			gm.AuthGroup = grp.ID
		}
		g.Membership = gm
	}
	for _, inv := range f.Investors[u.ID] {
		gr := v.Graph(inv.ID)
		g.Investors = append(g.Investors, GraphInvestor{Investor: inv, Entity: gr.Entity, IndividualEntity: gr.IndividualEntity})
	}
	invs, err := s.DB.InvitationsOfEmail(ctx, ws, u.Email)
	if err != nil {
		return nil, err
	}
	for i := range invs {
		g.Invitations = append(g.Invitations, newInvitation(&invs[i]))
	}
	trail, err := s.DB.AuditTrail(ctx, ws, store.AuditUser, u.ID)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, err
	}
	for _, a := range trail {
		if strings.HasPrefix(a.Action, "impersonation_") {
			g.ImpersonationAudit = append(g.ImpersonationAudit, ImpersonationAt{Action: a.Action, Actor: a.Actor, Group: strings.TrimPrefix(a.To, "group:"), Detail: a.Detail, At: a.At})
		}
	}
	return g, nil
}

// handleGraph is GET /api/users/{id}/all/ (view_user).
func handleGraph(s Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if err := mayView(p); err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		g, err := s.View(r.Context(), p.Workspace, id)
		if err != nil {
			return notFound(err)
		}
		return httpapi.JSON(w, http.StatusOK, g)
	}
}

// profileForm reads the profile fields of a PATCH: first_name, last_name
// (each at most 150 characters, Django's AbstractUser). Unknown fields are
// ignored, as DRF does.
func profileForm(w http.ResponseWriter, r *http.Request) (first, last *string, err error) {
	var raw map[string]json.RawMessage
	if err := httpapi.Decode(w, r, &raw); err != nil {
		return nil, nil, err
	}
	f := model.NewForm(raw, true)
	first, _ = f.String("first_name", model.Str{MaxLen: 150, AllowBlank: true})
	last, _ = f.String("last_name", model.Str{MaxLen: 150, AllowBlank: true})
	return first, last, apierr.Fields(f.Errors)
}

// UpdateProfile sets the user's profile fields (nil: unchanged) with a
// versioned write, retried on a concurrent change.
func (s Service) UpdateProfile(ctx context.Context, ws string, id int64, first, last *string) (*model.User, error) {
	var out *model.User
	err := store.Retry(ctx, func() error {
		u, err := s.DB.UserForWrite(ctx, ws, id)
		if err != nil {
			return err
		}
		old := u.Version
		if first != nil {
			u.FirstName = *first
		}
		if last != nil {
			u.LastName = *last
		}
		out = u
		return s.DB.UpdateUser(ctx, ws, u, old, u.Email)
	})
	return out, err
}

// OwnUser is the signed-in Clerk user's user record in the workspace: the
// one matching the e-mail of their identity, created (with their names)
// when there is none yet. Members get theirs at sign-in; this covers a
// request that arrives before the sign-in bookkeeping did.
func (s Service) OwnUser(ctx context.Context, ws, clerkID string) (*model.User, error) {
	id, err := s.DB.Identity(ctx, clerkID)
	if err != nil {
		return nil, err
	}
	return s.DB.EnsureUser(ctx, ws, id.Email, id.FirstName, id.LastName)
}

// handleProfile is PATCH /api/users/{id}/profile/ (change_user): the
// user's profile fields; the answer is the seed 001 user.
func handleProfile(s Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if err := p.Require("change_user"); err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		first, last, err := profileForm(w, r)
		if err != nil {
			return err
		}
		return saveProfile(w, r, s, p.Workspace, id, first, last)
	}
}

func saveProfile(w http.ResponseWriter, r *http.Request, s Service, ws string, id int64, first, last *string) error {
	u, err := s.UpdateProfile(r.Context(), ws, id, first, last)
	if err != nil {
		return notFound(err)
	}
	v, f, err := s.Open(r.Context(), ws)
	if err != nil {
		return err
	}
	v.Close()
	return httpapi.JSON(w, http.StatusOK, newUser(ws, u, f.TypeOf(u)))
}

// handleMe is PATCH /api/users/me/: the caller's own profile fields, on
// the caller's user record in the active workspace (matched, or created,
// by the e-mail of their identity).
func handleMe(s Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if p.Workspace == "" || p.UserID == "" {
			return apierr.Forbid()
		}
		first, last, err := profileForm(w, r)
		if err != nil {
			return err
		}
		u, err := s.OwnUser(r.Context(), p.Workspace, p.UserID)
		if err != nil {
			return notFound(err)
		}
		return saveProfile(w, r, s, p.Workspace, u.ID, first, last)
	}
}
