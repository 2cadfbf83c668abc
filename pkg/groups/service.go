package groups

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// The workspace permissions (seed 004 codenames) the routes need.
const (
	PermRead   = "view_user"
	PermManage = "change_user"
)

// MaxCreateMembers bounds the members a create or shell request may name:
// a group and its members are one transaction (each member is a write and
// a check on its user record), and a transaction holds 100 items.
const MaxCreateMembers = 40

// Mailer sends e-mail; *mail.Sender is one.
type Mailer interface {
	Send(ctx context.Context, m mail.Message) (string, error)
}

// Service holds the rules of user groups.
//
// Its storage is the group aggregate, the users that groups name (a
// shell invitation creates its invitee's user record) and the identity
// aggregate for the workspace a shell invitation names.
type Service struct {
	groups     store.GroupStore
	users      store.UserStore
	identities store.IdentityStore
	mail       Mailer
	now        func() time.Time
}

// NewService returns the service over db's aggregates; m sends shell
// invitations.
func NewService(db *store.DB, m Mailer) *Service {
	if db == nil {
		db = &store.DB{} // routes bound without a store (tests): nothing is usable, as with a nil *DB
	}
	return &Service{groups: db.GroupStore, users: db.UserStore, identities: db.IdentityStore, mail: m, now: time.Now}
}

func need(p *auth.Principal, perm string) error { return p.Require(perm) }

// Membership is one group of a user with the user's role and signatory
// mark in it.
type Membership struct {
	Group       model.UserGroupView `json:"group"`
	Role        string              `json:"role"`
	IsLead      bool                `json:"is_lead"`
	IsSignatory bool                `json:"is_signatory"`
}

// OfUser returns the groups of user record userID of workspace ws with
// the user's role in each (for the user's full data graph). It checks no
// permission: the caller has.
func (s *Service) OfUser(ctx context.Context, ws string, userID int64) ([]Membership, error) {
	ms, err := s.groups.GroupsOfUser(ctx, ws, userID)
	if err != nil {
		return nil, err
	}
	out := make([]Membership, len(ms))
	for i, m := range ms {
		out[i] = Membership{Group: View(ws, &m.Group), Role: m.Member.Role,
			IsLead: m.Group.LeadUser != nil && *m.Group.LeadUser == userID, IsSignatory: m.Member.Signatory}
	}
	return out, nil
}

// View renders a group.
func View(ws string, g *store.UserGroup) model.UserGroupView {
	flags := make(map[string]bool, len(Flags))
	for _, f := range Flags {
		flags[f.Name] = g.FeatureFlags[f.Name]
	}
	v := model.UserGroupView{ID: g.ID, Name: g.Name, Description: g.Description, LeadUser: g.LeadUser,
		IsShell: g.LeadUser == nil, FeatureFlags: flags, MemberCount: g.MemberCount,
		CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt}
	if g.LeadUUID != "" {
		u := g.LeadUUID
		v.LeadUserUUID = &u
	}
	return v
}

// Groups returns every group of the caller's workspace (PermRead).
func (s *Service) Groups(ctx context.Context, p *auth.Principal) ([]store.UserGroup, error) {
	if err := need(p, PermRead); err != nil {
		return nil, err
	}
	return s.groups.UserGroups(ctx, p.Workspace)
}

// Group returns a group of the caller's workspace with perm; another
// workspace's group is dynamo.ErrNotFound (404).
func (s *Service) Group(ctx context.Context, p *auth.Principal, id int64, perm string) (*store.UserGroup, error) {
	if err := need(p, perm); err != nil {
		return nil, err
	}
	return s.groups.UserGroup(ctx, p.Workspace, id)
}

// ByLead returns the group whose lead user has the UUID (404 for none).
func (s *Service) ByLead(ctx context.Context, p *auth.Principal, uuid string) (*store.UserGroup, error) {
	if err := need(p, PermRead); err != nil {
		return nil, err
	}
	return s.groups.UserGroupByLead(ctx, p.Workspace, uuid)
}

// Members returns a group's members with their user records, lead first
// then in user id order.
func (s *Service) Members(ctx context.Context, p *auth.Principal, id int64) ([]model.UserGroupMemberView, error) {
	g, err := s.Group(ctx, p, id, PermRead)
	if err != nil {
		return nil, err
	}
	ms, err := s.groups.UserGroupMembers(ctx, p.Workspace, id)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(ms))
	for i := range ms {
		ids[i] = ms[i].User
	}
	users, err := s.users.UsersByID(ctx, p.Workspace, ids)
	if err != nil {
		return nil, err
	}
	out := make([]model.UserGroupMemberView, 0, len(ms))
	for _, m := range ms {
		v := memberView(p.Workspace, g, m, users[m.User])
		if v.IsLead {
			out = append([]model.UserGroupMemberView{v}, out...)
		} else {
			out = append(out, v)
		}
	}
	return out, nil
}

func memberView(ws string, g *store.UserGroup, m store.UserGroupMember, u *model.User) model.UserGroupMemberView {
	v := model.UserGroupMemberView{User: m.User, UserUUID: model.UserUUID(ws, m.User), Role: m.Role,
		IsLead: g.LeadUser != nil && *g.LeadUser == m.User, IsSignatory: m.Signatory, JoinedAt: m.JoinedAt}
	if u != nil {
		v.Email, v.FirstName, v.LastName = u.Email, u.FirstName, u.LastName
	}
	return v
}

// NewGroup is a validated create request.
type NewGroup struct {
	Name, Description string
	LeadUser          int64
	Members           []model.UserGroupMemberInput // roles already checked against the registry
	FeatureFlags      map[string]bool              // names already checked against the registry
}

func msgNoUser(id int64) string { return fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", id) }

// checkMembers reports members naming no user record of the workspace or
// named twice, as DRF's nested list errors ({"members": [{}, {"user": […]}]}).
func (s *Service) checkMembers(ctx context.Context, ws string, members []model.UserGroupMemberInput, extra ...int64) (map[int64]*model.User, []map[string][]string, error) {
	ids := append([]int64{}, extra...)
	for _, m := range members {
		ids = append(ids, m.User)
	}
	users := map[int64]*model.User{}
	if len(ids) > 0 {
		var err error
		if users, err = s.users.UsersByID(ctx, ws, ids); err != nil {
			return nil, nil, err
		}
	}
	var errs []map[string][]string
	bad := false
	seen := map[int64]bool{}
	for _, m := range members {
		e := map[string][]string{}
		switch {
		case users[m.User] == nil:
			e["user"] = []string{msgNoUser(m.User)}
		case seen[m.User]:
			e["user"] = []string{"This user is listed twice."}
		}
		seen[m.User] = true
		bad = bad || len(e) > 0
		errs = append(errs, e)
	}
	if !bad {
		errs = nil
	}
	return users, errs, nil
}

func invalid(body map[string]any) error {
	if len(body) == 0 {
		return nil
	}
	return &apierr.Error{Kind: apierr.Invalid, Body: body}
}

// Create creates a group led by an existing user record of the workspace,
// who is a member with RoleAdmin unless members names them with another
// role. Returns 400 field errors for unknown users or a lead who already
// leads a group.
func (s *Service) Create(ctx context.Context, p *auth.Principal, in NewGroup) (*store.UserGroup, error) {
	if err := need(p, PermManage); err != nil {
		return nil, err
	}
	users, merrs, err := s.checkMembers(ctx, p.Workspace, in.Members, in.LeadUser)
	if err != nil {
		return nil, err
	}
	body := map[string]any{}
	if users[in.LeadUser] == nil {
		body["lead_user"] = []string{msgNoUser(in.LeadUser)}
	}
	if merrs != nil {
		body["members"] = merrs
	}
	if err := invalid(body); err != nil {
		return nil, err
	}
	now := model.NewTime(s.now())
	lead := in.LeadUser
	g := &store.UserGroup{Name: in.Name, Description: in.Description, LeadUser: &lead,
		LeadUUID: model.UserUUID(p.Workspace, lead), FeatureFlags: in.FeatureFlags, CreatedAt: now, UpdatedAt: now}
	members := []store.UserGroupMember{{User: lead, Role: RoleAdmin, JoinedAt: now}}
	for _, m := range in.Members {
		if m.User == lead {
			members[0].Role = m.Role
			continue
		}
		members = append(members, store.UserGroupMember{User: m.User, Role: m.Role, JoinedAt: now})
	}
	err = s.groups.CreateUserGroup(ctx, p.Workspace, g, members)
	switch {
	case errors.Is(err, store.ErrLeadTaken):
		return nil, apierr.Field("lead_user", "This user already leads a group.")
	case errors.Is(err, dynamo.ErrNotFound):
		return nil, apierr.Field("members", "A user was deleted meanwhile; try again.")
	case err != nil:
		return nil, err
	}
	return g, nil
}

// GroupUpdate is a validated PATCH: nil fields are left as they are.
type GroupUpdate struct {
	Name, Description *string
	LeadUser          *int64
}

// Update changes a group's details; a new lead must be a member already.
// Conditional on the group's version, re-read and retried on a race.
func (s *Service) Update(ctx context.Context, p *auth.Principal, id int64, in GroupUpdate) (*store.UserGroup, error) {
	if err := need(p, PermManage); err != nil {
		return nil, err
	}
	var g *store.UserGroup
	err := store.Retry(ctx, func() error {
		var err error
		if g, err = s.groups.UserGroup(ctx, p.Workspace, id); err != nil {
			return err
		}
		old, oldLead := g.Version, g.LeadUUID
		if in.Name != nil {
			g.Name = *in.Name
		}
		if in.Description != nil {
			g.Description = *in.Description
		}
		if in.LeadUser != nil {
			if g.LeadUser == nil {
				return apierr.Field("lead_user", "A shell group gets its lead when the invitee accepts.")
			}
			lead := *in.LeadUser
			g.LeadUser, g.LeadUUID = &lead, model.UserUUID(p.Workspace, lead)
		}
		g.UpdatedAt = model.NewTime(s.now())
		return s.groups.SaveUserGroup(ctx, p.Workspace, g, old, oldLead)
	})
	switch {
	case errors.Is(err, store.ErrNotMember):
		return nil, apierr.Field("lead_user", "The lead user must be a member of the group.")
	case errors.Is(err, store.ErrLeadTaken):
		return nil, apierr.Field("lead_user", "This user already leads a group.")
	case err != nil:
		return nil, err
	}
	return g, nil
}

// SetFlag enables or disables a registered feature flag of a group.
func (s *Service) SetFlag(ctx context.Context, p *auth.Principal, id int64, flag string, enabled bool) (*store.UserGroup, error) {
	if err := need(p, PermManage); err != nil {
		return nil, err
	}
	if !IsFlag(flag) {
		return nil, apierr.Field("flag", model.MsgChoice(flag))
	}
	var g *store.UserGroup
	err := store.Retry(ctx, func() error {
		var err error
		if g, err = s.groups.UserGroup(ctx, p.Workspace, id); err != nil {
			return err
		}
		if g.FeatureFlags == nil {
			g.FeatureFlags = map[string]bool{}
		}
		if enabled {
			g.FeatureFlags[flag] = true
		} else {
			delete(g.FeatureFlags, flag)
		}
		g.UpdatedAt = model.NewTime(s.now())
		return s.groups.SaveUserGroup(ctx, p.Workspace, g, g.Version, g.LeadUUID)
	})
	if err != nil {
		return nil, err
	}
	return g, nil
}

// Delete deletes a group: its member items go with it (the users stay)
// and its pending shell invitation is revoked (store.DeleteUserGroup).
func (s *Service) Delete(ctx context.Context, p *auth.Principal, id int64) error {
	if err := need(p, PermManage); err != nil {
		return err
	}
	return store.Retry(ctx, func() error {
		g, err := s.groups.UserGroup(ctx, p.Workspace, id)
		if err != nil {
			return err
		}
		return s.groups.DeleteUserGroup(ctx, p.Workspace, g)
	})
}

// member returns a group (PermManage) and checks a user is a member.
func (s *Service) member(ctx context.Context, p *auth.Principal, id, user int64) (*store.UserGroup, *store.UserGroupMember, error) {
	g, err := s.Group(ctx, p, id, PermManage)
	if err != nil {
		return nil, nil, err
	}
	m, err := s.groups.UserGroupMember(ctx, p.Workspace, id, user)
	if errors.Is(err, store.ErrNotMember) {
		return nil, nil, apierr.Field("user", "This user is not a member of the group.")
	}
	return g, m, err
}

// AddMember adds an existing user record to a group with a role.
func (s *Service) AddMember(ctx context.Context, p *auth.Principal, id, user int64, role string) (model.UserGroupMemberView, error) {
	g, err := s.Group(ctx, p, id, PermManage)
	if err != nil {
		return model.UserGroupMemberView{}, err
	}
	users, err := s.users.UsersByID(ctx, p.Workspace, []int64{user})
	if err != nil {
		return model.UserGroupMemberView{}, err
	}
	if users[user] == nil {
		return model.UserGroupMemberView{}, apierr.Field("user", msgNoUser(user))
	}
	m := store.UserGroupMember{Group: id, User: user, Role: role, JoinedAt: model.NewTime(s.now())}
	err = s.groups.AddUserGroupMember(ctx, p.Workspace, m)
	switch {
	case errors.Is(err, store.ErrAlreadyMember):
		return model.UserGroupMemberView{}, apierr.Field("user", "This user is already a member of the group.")
	case errors.Is(err, dynamo.ErrNotFound): // the group or the user went meanwhile
		return model.UserGroupMemberView{}, apierr.NotFoundError()
	case err != nil:
		return model.UserGroupMemberView{}, err
	}
	return memberView(p.Workspace, g, m, users[user]), nil
}

// SetRole changes a member's role.
func (s *Service) SetRole(ctx context.Context, p *auth.Principal, id, user int64, role string) (model.UserGroupMemberView, error) {
	g, m, err := s.member(ctx, p, id, user)
	if err != nil {
		return model.UserGroupMemberView{}, err
	}
	m.Role = role
	return s.saveMember(ctx, p.Workspace, g, m)
}

func (s *Service) saveMember(ctx context.Context, ws string, g *store.UserGroup, m *store.UserGroupMember) (model.UserGroupMemberView, error) {
	err := s.groups.SetUserGroupMember(ctx, ws, *m)
	if errors.Is(err, store.ErrNotMember) {
		return model.UserGroupMemberView{}, apierr.Field("user", "This user is not a member of the group.")
	}
	if err != nil {
		return model.UserGroupMemberView{}, err
	}
	users, err := s.users.UsersByID(ctx, ws, []int64{m.User})
	if err != nil {
		return model.UserGroupMemberView{}, err
	}
	return memberView(ws, g, *m, users[m.User]), nil
}

// RemoveMember removes a member other than the lead (400 for the lead:
// make another member lead first). A user not in the group is a 404.
func (s *Service) RemoveMember(ctx context.Context, p *auth.Principal, id, user int64) error {
	if _, err := s.Group(ctx, p, id, PermManage); err != nil {
		return err
	}
	err := s.groups.RemoveUserGroupMember(ctx, p.Workspace, id, user)
	switch {
	case errors.Is(err, store.ErrNotMember):
		return apierr.NotFoundError()
	case errors.Is(err, store.ErrIsLead):
		return apierr.NonField("The lead user cannot be removed; make another member the lead first.")
	}
	return err
}

// MarkSignatory sets whether a member signs for their group. Without a
// group the user's only group is meant; a user in several must name one.
func (s *Service) MarkSignatory(ctx context.Context, p *auth.Principal, user int64, group *int64, on bool) (model.UserGroupMemberView, error) {
	if err := need(p, PermManage); err != nil {
		return model.UserGroupMemberView{}, err
	}
	var id int64
	if group != nil {
		id = *group
		if _, err := s.groups.UserGroup(ctx, p.Workspace, id); errors.Is(err, dynamo.ErrNotFound) {
			return model.UserGroupMemberView{}, apierr.Field("group", msgNoUser(id))
		} else if err != nil {
			return model.UserGroupMemberView{}, err
		}
	} else {
		ms, err := s.groups.GroupsOfUser(ctx, p.Workspace, user)
		if err != nil {
			return model.UserGroupMemberView{}, err
		}
		switch len(ms) {
		case 0:
			return model.UserGroupMemberView{}, apierr.Field("user", "This user belongs to no group.")
		case 1:
			id = ms[0].Group.ID
		default:
			return model.UserGroupMemberView{}, apierr.Field("group", "This user belongs to several groups; name one.")
		}
	}
	g, m, err := s.member(ctx, p, id, user)
	if err != nil {
		return model.UserGroupMemberView{}, err
	}
	m.Signatory = on
	return s.saveMember(ctx, p.Workspace, g, m)
}

// ShellInvite is a validated shell invitation.
type ShellInvite struct {
	Email, Name, Description string
	Members                  []model.UserGroupMemberInput
	FeatureFlags             map[string]bool
}

// InviteShell pre-creates a shell group with its data and invites an
// e-mail address to take it over: the invitee's user record (found by
// e-mail, or created now so the group can name it) becomes the lead when
// they sign in (store.AcceptInvitations). The e-mail carries link(id);
// when it cannot be sent, the group and invitation are taken back.
func (s *Service) InviteShell(ctx context.Context, p *auth.Principal, in ShellInvite, link func(id string) string) (model.ShellInvitationView, error) {
	var out model.ShellInvitationView
	if err := need(p, PermManage); err != nil {
		return out, err
	}
	_, merrs, err := s.checkMembers(ctx, p.Workspace, in.Members)
	if err != nil {
		return out, err
	}
	if merrs != nil {
		return out, invalid(map[string]any{"members": merrs})
	}
	ws, err := s.identities.Workspace(ctx, p.Workspace)
	if err != nil {
		return out, err
	}
	// Every refusal before the invitee's user record is created, so a
	// refused invitation writes nothing.
	if pending, err := s.groups.InvitationPending(ctx, p.Workspace, in.Email); err != nil {
		return out, err
	} else if pending {
		return out, apierr.Field("email", "A pending invitation for this email address already exists.")
	}
	if id, err := s.users.UserIDByEmail(ctx, p.Workspace, in.Email); err == nil {
		for _, m := range in.Members {
			if m.User == id {
				return out, apierr.Field("members", "The invitee becomes the lead; do not list them as a member.")
			}
		}
		if _, err := s.groups.UserGroupByLead(ctx, p.Workspace, model.UserUUID(p.Workspace, id)); err == nil {
			return out, apierr.Field("email", "This user already leads a group.")
		} else if !errors.Is(err, dynamo.ErrNotFound) {
			return out, err
		}
	} else if !errors.Is(err, dynamo.ErrNotFound) {
		return out, err
	}
	invitee, err := s.inviteeUser(ctx, p.Workspace, in.Email)
	if err != nil {
		return out, err
	}
	now := model.NewTime(s.now())
	g := &store.UserGroup{Name: in.Name, Description: in.Description, FeatureFlags: in.FeatureFlags, CreatedAt: now, UpdatedAt: now}
	members := make([]store.UserGroupMember, len(in.Members))
	for i, m := range in.Members {
		members[i] = store.UserGroupMember{User: m.User, Role: m.Role, JoinedAt: now}
	}
	inv, err := s.groups.CreateShellInvitation(ctx, p.Workspace, in.Email, 0, "", p.UserID, g, members, invitee)
	switch {
	case errors.Is(err, store.ErrDuplicateInvitation):
		return out, apierr.Field("email", "A pending invitation for this email address already exists.")
	case errors.Is(err, dynamo.ErrNotFound):
		return out, apierr.Field("members", "A user was deleted meanwhile; try again.")
	case err != nil:
		return out, err
	}
	msg := mail.Message{
		To:      []string{inv.Email},
		Subject: "You are invited to lead " + g.Name + " on " + ws.Name,
		Text: fmt.Sprintf("%s has set up the group %q for you on Tranche.\n\nSign in with this e-mail address to take it over as its lead: %s\n\nInvitation id: %s\n",
			ws.Name, g.Name, link(inv.ID), inv.ID),
	}
	if _, err := s.mail.Send(ctx, msg); err != nil {
		// Without the e-mail nobody can take the shell over, and its
		// pending invitation would block a retry as a duplicate.
		if derr := s.groups.DeleteShellInvitation(ctx, inv); derr != nil {
			err = errors.Join(err, derr)
		}
		return out, err
	}
	return model.ShellInvitationView{ID: inv.ID, Email: inv.Email, User: invitee, Status: inv.Status, Group: View(p.Workspace, g)}, nil
}

// inviteeUser returns the id of the workspace's user record with the
// e-mail, creating one (no password, no issuer link) when there is none.
func (s *Service) inviteeUser(ctx context.Context, ws, email string) (int64, error) {
	for attempt := 0; attempt < 3; attempt++ {
		id, err := s.users.UserIDByEmail(ctx, ws, email)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, dynamo.ErrNotFound) {
			return 0, err
		}
		u := &model.User{Email: strings.TrimSpace(email), DateJoined: model.NewTime(s.now()), IsActive: true}
		err = s.users.CreateUser(ctx, ws, u)
		if err == nil {
			return u.ID, nil
		}
		if !errors.Is(err, store.ErrEmailTaken) { // taken concurrently: read it again
			return 0, err
		}
	}
	return 0, store.ErrBusy
}
