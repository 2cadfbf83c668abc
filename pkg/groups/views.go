package groups

import (
	"context"
	"net/http"
	"regexp"
	"strings"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
)

// handleCreate is POST /api/user-groups/.
func handleCreate(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if err := need(p, PermManage); err != nil {
			return err // before reading the body: a refused caller learns nothing
		}
		f, err := form(w, r, false)
		if err != nil {
			return err
		}
		in, err := readCreate(f)
		if err != nil {
			return err
		}
		g, err := svc.Create(r.Context(), p, in)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusCreated, View(p.Workspace, g))
	}
}

// readCreate validates POST /api/user-groups/'s body: {name,
// description?, lead_user, members?, feature_flags?}.
func readCreate(f *model.Form) (NewGroup, error) {
	lead, _ := f.Int("lead_user", pk)
	g, err := readGroup(f)
	if err != nil {
		return NewGroup{}, err
	}
	return NewGroup{Name: g.Name, Description: g.Description, LeadUser: *lead, Members: g.Members, FeatureFlags: g.FeatureFlags}, nil
}

// groupFields are what a new group and a shell invitation's group share.
type groupFields struct {
	Name, Description string
	Members           []model.UserGroupMemberInput
	FeatureFlags      map[string]bool
}

// readGroup reads name, description?, members? and feature_flags?, and
// fails with every field error of f (those read before it included).
func readGroup(f *model.Form) (groupFields, error) {
	name, _ := f.String("name", nameOpts)
	desc, _ := f.String("description", descOpts)
	ms, merr := members(f, "members")
	fl, ferr := flags(f, "feature_flags")
	if err := fail(f, merge(merr, ferr)); err != nil {
		return groupFields{}, err
	}
	g := groupFields{Name: *name, Members: ms, FeatureFlags: fl}
	if desc != nil {
		g.Description = *desc
	}
	return g, nil
}

func merge(ms ...map[string]any) map[string]any {
	out := map[string]any{}
	for _, m := range ms {
		for k, v := range m {
			out[k] = v
		}
	}
	return out
}

// handleDetail is GET /api/user-groups/{id}/.
func handleDetail(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		g, err := svc.Group(r.Context(), p, id, PermRead)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, View(p.Workspace, g))
	}
}

var uuidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// handleByLead is GET /api/user-groups/by-lead-user/?uuid=<uuid>: the
// group whose lead user has the UUID. (A query parameter, not a path
// segment: /by-lead-user/{uuid}/ and /{id}/users/ would overlap.)
func handleByLead(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if err := need(p, PermRead); err != nil {
			return err
		}
		uuid := strings.TrimSpace(r.URL.Query().Get("uuid"))
		switch {
		case uuid == "":
			return apierr.Field("uuid", model.MsgRequired)
		case !uuidRE.MatchString(uuid):
			return apierr.Field("uuid", "Must be a valid UUID.")
		}
		g, err := svc.ByLead(r.Context(), p, strings.ToLower(uuid))
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, View(p.Workspace, g))
	}
}

// handleUpdate is PATCH /api/user-groups/{id}/: name, description,
// lead_user (a member).
func handleUpdate(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := manageTarget(r)
		if err != nil {
			return err
		}
		f, err := form(w, r, true)
		if err != nil {
			return err
		}
		in, err := readUpdate(f)
		if err != nil {
			return err
		}
		g, err := svc.Update(r.Context(), p, id, in)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, View(p.Workspace, g))
	}
}

// readUpdate validates PATCH /api/user-groups/{id}/'s body (a partial
// form): name, description, lead_user.
func readUpdate(f *model.Form) (GroupUpdate, error) {
	var in GroupUpdate
	in.Name, _ = f.String("name", nameOpts)
	in.Description, _ = f.String("description", descOpts)
	in.LeadUser, _ = f.Int("lead_user", pk)
	return in, fail(f, nil)
}

// manageTarget authenticates a managing caller and reads the group id.
// The permission comes first so that a refused caller gets 403 whatever
// the id.
func manageTarget(r *http.Request) (*auth.Principal, int64, error) {
	p, err := auth.Must(r)
	if err != nil {
		return nil, 0, err
	}
	if err := need(p, PermManage); err != nil {
		return nil, 0, err
	}
	id, err := httpapi.PathID(r, "id")
	return p, id, err
}

// handleDelete is DELETE /api/user-groups/{id}/: 204.
func handleDelete(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := manageTarget(r)
		if err != nil {
			return err
		}
		if err := svc.Delete(r.Context(), p, id); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// handleAddMember is POST /api/user-groups/{id}/users/: {user, role?}.
func handleAddMember(svc *Service) httpapi.HandlerFunc {
	return handleMemberWrite(http.StatusCreated, readAddMember, svc.AddMember)
}

// handleMemberWrite is the member routes' handler: the group to manage,
// the body's {user, role}, the service's write, the member as written.
func handleMemberWrite(status int, read func(*model.Form) (int64, string, error),
	write func(ctx context.Context, p *auth.Principal, group, user int64, role string) (model.UserGroupMemberView, error)) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := manageTarget(r)
		if err != nil {
			return err
		}
		f, err := form(w, r, false)
		if err != nil {
			return err
		}
		user, role, err := read(f)
		if err != nil {
			return err
		}
		m, err := write(r.Context(), p, id, user, role)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, status, m)
	}
}

// readMember validates a member body: {user, role}, the role optional
// (DefaultRole) unless roleRequired.
func readMember(f *model.Form, roleRequired bool) (int64, string, error) {
	user, _ := f.Int("user", pk)
	role, _ := f.String("role", roleOpts(roleRequired))
	if err := fail(f, nil); err != nil {
		return 0, "", err
	}
	rl := DefaultRole
	if role != nil {
		rl = *role
	}
	return *user, rl, nil
}

// readAddMember validates POST /api/user-groups/{id}/users/'s body:
// {user, role? (DefaultRole)}.
func readAddMember(f *model.Form) (int64, string, error) { return readMember(f, false) }

// handleRemoveMember is DELETE /api/user-groups/{id}/users/{user_id}/:
// 204; the lead cannot be removed (400).
func handleRemoveMember(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := manageTarget(r)
		if err != nil {
			return err
		}
		user, err := httpapi.PathID(r, "user_id")
		if err != nil {
			return err
		}
		if err := svc.RemoveMember(r.Context(), p, id, user); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// handleRole is PATCH /api/user-groups/{id}/role/: {user, role}.
func handleRole(svc *Service) httpapi.HandlerFunc {
	return handleMemberWrite(http.StatusOK, readRole, svc.SetRole)
}

// readRole validates PATCH /api/user-groups/{id}/role/'s body: {user,
// role}.
func readRole(f *model.Form) (int64, string, error) { return readMember(f, true) }

// handleFlag is PATCH /api/user-groups/{id}/feature-flags/: {flag,
// enabled}; a flag outside the registry is a 400.
func handleFlag(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, id, err := manageTarget(r)
		if err != nil {
			return err
		}
		f, err := form(w, r, false)
		if err != nil {
			return err
		}
		flag, on, err := readFlag(f)
		if err != nil {
			return err
		}
		g, err := svc.SetFlag(r.Context(), p, id, flag, on)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, View(p.Workspace, g))
	}
}

// readFlag validates PATCH /api/user-groups/{id}/feature-flags/'s body:
// {flag (a registered one), enabled}.
func readFlag(f *model.Form) (string, bool, error) {
	flag, _ := f.String("flag", model.Str{Required: true, MaxLen: 64})
	on, _ := f.Bool("enabled", true, false)
	if flag != nil && !IsFlag(*flag) {
		f.Errors.Add("flag", model.MsgChoice(*flag))
	}
	if err := fail(f, nil); err != nil {
		return "", false, err
	}
	return *flag, *on, nil
}

// handleRoles is GET /api/roles/: the role registry. Any member of a
// workspace may read it (it is reference data, no one's records).
func handleRoles() httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if p.Workspace == "" {
			return apierr.Forbid()
		}
		out := make([]model.GroupRoleView, len(Roles))
		for i, rl := range Roles {
			out[i] = model.GroupRoleView{Name: rl.Name, Label: rl.Label, Description: rl.Description, Permissions: rl.Permissions}
		}
		return httpapi.JSON(w, http.StatusOK, out)
	}
}

// handleShell is POST /api/invitations/shell/: {email, name, description?,
// members?, feature_flags?} → 201 with the invitation and its shell group.
func handleShell(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if err := need(p, PermManage); err != nil {
			return err
		}
		f, err := form(w, r, false)
		if err != nil {
			return err
		}
		in, err := readShell(f)
		if err != nil {
			return err
		}
		link := httpapi.BaseURL(r)
		prefix := strings.TrimSuffix(link.Path, "/api/invitations/shell/")
		out, err := svc.InviteShell(r.Context(), p, in, func(id string) string {
			link.Path = prefix + "/invitations/" + id + "/accept/"
			return link.String()
		})
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusCreated, out)
	}
}

// readShell validates POST /api/invitations/shell/'s body: {email, name,
// description?, members?, feature_flags?}.
func readShell(f *model.Form) (ShellInvite, error) {
	email, _ := f.Email("email", model.Str{Required: true, MaxLen: 254})
	g, err := readGroup(f)
	if err != nil {
		return ShellInvite{}, err
	}
	return ShellInvite{Email: *email, Name: g.Name, Description: g.Description, Members: g.Members, FeatureFlags: g.FeatureFlags}, nil
}

// handleSignatory is POST /api/invitations/signatory/: {user, group?,
// is_signatory? (default true)} → 200 the member.
func handleSignatory(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if err := need(p, PermManage); err != nil {
			return err
		}
		f, err := form(w, r, false)
		if err != nil {
			return err
		}
		user, group, mark, err := readSignatory(f)
		if err != nil {
			return err
		}
		m, err := svc.MarkSignatory(r.Context(), p, user, group, mark)
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, m)
	}
}

// readSignatory validates POST /api/invitations/signatory/'s body: {user,
// group? (null: the user's group), is_signatory? (default true)}.
func readSignatory(f *model.Form) (user int64, group *int64, mark bool, err error) {
	u, _ := f.Int("user", pk)
	group, _ = f.Int("group", model.Int{Nullable: true, Min: ptr(int64(1))})
	on, _ := f.Bool("is_signatory", false, false)
	if err := fail(f, nil); err != nil {
		return 0, nil, false, err
	}
	return *u, group, on == nil || *on, nil
}
