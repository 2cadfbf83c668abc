package forms

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/identity"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// The permission codenames (seed 004's auth groups) the forms routes
// check: forms capture data about users, so reading definitions and
// answers is view_user (OWNER, ADMIN) and defining, configuring, deleting
// and assigning forms, or answering for another user, is change_user
// (OWNER, ADMIN). Any member may read the forms enabled for themself and
// answer their own implementations.
const (
	PermView   = "view_user"
	PermManage = "change_user"
)

// Service owns the forms' rules: permissions, definition and answer
// validation, classification gating and enforcement. It is used by the
// handlers and testable without HTTP.
//
// Its storage is the form aggregate, the users who answer and the
// investors whose classification gates a form; the session caller's own
// user record is the identity service's (CallerUser).
type Service struct {
	forms     store.FormStore
	users     store.UserStore
	investors store.InvestorStore
	ids       *identity.Service
	now       func() time.Time
}

// NewService returns a Service over db's aggregates.
func NewService(db *store.DB) *Service {
	if db == nil {
		db = &store.DB{} // routes bound without a store (tests): nothing is usable, as with a nil *DB
	}
	return &Service{forms: db.FormStore, users: db.UserStore, investors: db.InvestorStore, ids: identity.NewService(db, nil), now: time.Now}
}

func member(p *auth.Principal) error {
	if p.Workspace == "" || p.UserID == "" {
		return apierr.Forbid()
	}
	return nil
}

func need(p *auth.Principal, perm string) error {
	if err := member(p); err != nil {
		return err
	}
	if !p.HasPermission(perm) {
		return apierr.Forbid()
	}
	return nil
}

// CallerUser returns the workspace user record of a session caller: the
// user whose e-mail is the caller's Clerk e-mail (case-insensitively, as
// the user model links them). ok is false when the caller has none.
func (s *Service) CallerUser(ctx context.Context, p *auth.Principal) (int64, bool, error) {
	_, u, err := s.ids.CallerUser(ctx, p.Workspace, p.UserID)
	return u, u != 0, err
}

// Create defines a form. Returns a 400 with DRF's nested field errors
// when the definition is invalid.
func (s *Service) Create(ctx context.Context, p *auth.Principal, kind string, in DefinitionInput) (*store.Form, error) {
	if err := need(p, PermManage); err != nil {
		return nil, err
	}
	f, errs := ValidateDefinition(kind, in)
	if errs != nil {
		return nil, &apierr.Error{Kind: apierr.Invalid, Body: errs}
	}
	t := model.NewTime(s.now())
	f.CreatedBy, f.CreatedAt, f.UpdatedAt = p.UserID, t, t
	if err := s.forms.CreateForm(ctx, p.Workspace, f); err != nil {
		return nil, err
	}
	return f, nil
}

// Get returns one form of the caller's workspace (404 for another's).
func (s *Service) Get(ctx context.Context, p *auth.Principal, kind string, id int64) (*store.Form, error) {
	if err := need(p, PermView); err != nil {
		return nil, err
	}
	return s.forms.Form(ctx, p.Workspace, kind, id)
}

// List returns the workspace's forms of a kind, enabled only if asked.
func (s *Service) List(ctx context.Context, p *auth.Principal, kind string, enabledOnly bool) ([]store.Form, error) {
	if err := need(p, PermView); err != nil {
		return nil, err
	}
	fs, err := s.forms.Forms(ctx, p.Workspace, kind)
	if err != nil || !enabledOnly {
		return fs, err
	}
	return slices.DeleteFunc(fs, func(f store.Form) bool { return !f.Enabled }), nil
}

// Delete removes a form. A form some user holds an implementation of is
// refused with 409: its answers are records of what users said, so they
// are never deleted by removing the definition; disable the form instead.
func (s *Service) Delete(ctx context.Context, p *auth.Principal, kind string, id int64) error {
	if err := need(p, PermManage); err != nil {
		return err
	}
	err := s.forms.DeleteForm(ctx, p.Workspace, kind, id)
	if errors.Is(err, store.ErrFormInUse) {
		return apierr.ConflictError("This form has implementations holding users' answers and cannot be deleted; disable it instead.")
	}
	return err
}

// Update applies change to a form's settings with a conditional write,
// re-reading on a concurrent change. change returns field errors to
// refuse the update (nothing is written).
func (s *Service) Update(ctx context.Context, p *auth.Principal, kind string, id int64, change func(*store.Form) error) (*store.Form, error) {
	if err := need(p, PermManage); err != nil {
		return nil, err
	}
	var out *store.Form
	err := store.Retry(ctx, func() error {
		f, err := s.forms.Form(ctx, p.Workspace, kind, id)
		if err != nil {
			return err
		}
		if err := change(f); err != nil {
			return err
		}
		f.UpdatedAt = model.NewTime(s.now())
		if err := s.forms.UpdateForm(ctx, p.Workspace, f, f.Version); err != nil {
			return err
		}
		out = f
		return nil
	})
	if errors.Is(err, store.ErrStale) {
		return nil, apierr.ConflictError("The form changed concurrently; try again.")
	}
	return out, err
}

// Classifications returns the classifications of a user's investors
// (sorted, distinct).
func (s *Service) Classifications(ctx context.Context, ws string, user int64) ([]string, error) {
	ids, err := s.investors.InvestorIDsOfUser(ctx, ws, user)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	gs, err := s.investors.InvestorGraphs(ctx, ws, ids)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, g := range gs {
		c := Classify(g.Investor, g.Entity, g.IndividualEntity)
		if !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	slices.Sort(out)
	return out, nil
}

// gated reports whether a preference form is shown to a user with the
// given classifications.
func gated(f *store.Form, cs []string) bool {
	for _, c := range cs {
		if slices.Contains(f.Classifications, c) {
			return true
		}
	}
	return false
}

// EnabledEntry is a form enabled for a user with the user's
// implementation (nil when none) and whether the form is outstanding
// (its enforcement demands answers the user has not submitted).
type EnabledEntry struct {
	Form           *store.Form
	Implementation *store.Implementation
	Outstanding    bool
}

// EnabledFor lists the forms of a kind enabled for a user: every enabled
// user data form; the enabled preference forms whose classifications hold
// one of the user's investors' classifications. user nil is the caller
// (no user record: nothing); another user needs view_user.
func (s *Service) EnabledFor(ctx context.Context, p *auth.Principal, kind string, user *int64) ([]EnabledEntry, error) {
	if err := member(p); err != nil {
		return nil, err
	}
	uid, err := s.subject(ctx, p, user, PermView)
	if err != nil || (uid == 0 && kind == store.FormPreference) {
		return nil, err // no user record: no investors, no preference form
	}
	fs, err := s.forms.Forms(ctx, p.Workspace, kind)
	if err != nil {
		return nil, err
	}
	var cs []string
	if kind == store.FormPreference {
		if cs, err = s.Classifications(ctx, p.Workspace, uid); err != nil {
			return nil, err
		}
	}
	var ims []store.Implementation
	if uid != 0 {
		if ims, err = s.forms.ImplementationsOfUser(ctx, p.Workspace, uid); err != nil {
			return nil, err
		}
	}
	var out []EnabledEntry
	for i := range fs {
		f := &fs[i]
		if !f.Enabled || (kind == store.FormPreference && !gated(f, cs)) {
			continue
		}
		e := EnabledEntry{Form: f}
		for j := range ims {
			if ims[j].Kind == kind && ims[j].Form == f.ID {
				e.Implementation = &ims[j]
			}
		}
		e.Outstanding = kind == store.FormPreference && f.EnforcementType != EnforcementOptional &&
			(e.Implementation == nil || e.Implementation.Status != StatusSubmitted)
		out = append(out, e)
	}
	return out, nil
}

// subject resolves the user a request is about: the caller's own user
// record when user is nil or names it (0 when the caller has none), else
// the named user, which needs perm and must exist (400 otherwise).
func (s *Service) subject(ctx context.Context, p *auth.Principal, user *int64, perm string) (int64, error) {
	own, ok, err := s.CallerUser(ctx, p)
	if err != nil {
		return 0, err
	}
	if user == nil || (ok && *user == own) {
		return own, nil
	}
	if !p.HasPermission(perm) {
		return 0, apierr.Forbid()
	}
	if _, err := s.users.User(ctx, p.Workspace, *user); errors.Is(err, dynamo.ErrNotFound) {
		return 0, apierr.Field("user", fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", *user))
	} else if err != nil {
		return 0, err
	}
	return *user, nil
}

// AssignInput is the body of POST …/{id}/implementations/.
type AssignInput struct {
	User    *int64          `json:"user"`
	Answers json.RawMessage `json:"answers"`
}

// Assign creates a user's implementation of a form, with answers if
// given (then submitted, validated against the definition). The form must
// be enabled; a preference form only goes to a user it is shown to.
// A manager assigns to any user of the workspace; any member to their own
// user record. Returns 400 when the user already holds one.
func (s *Service) Assign(ctx context.Context, p *auth.Principal, kind string, id int64, in AssignInput) (*store.Implementation, error) {
	if err := member(p); err != nil {
		return nil, err
	}
	// The form first: another workspace's form is 404 whoever is named.
	if _, err := s.forms.Form(ctx, p.Workspace, kind, id); err != nil {
		return nil, err
	}
	if in.User == nil {
		return nil, apierr.Field("user", msgRequired)
	}
	uid, err := s.subject(ctx, p, in.User, PermManage)
	if err != nil {
		return nil, err
	}
	if uid == 0 {
		return nil, apierr.Field("user", fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", *in.User))
	}
	var out *store.Implementation
	err = store.Retry(ctx, func() error {
		f, err := s.forms.Form(ctx, p.Workspace, kind, id)
		if err != nil {
			return err
		}
		if err := s.mayAnswer(ctx, p, f, uid); err != nil {
			return err
		}
		t := model.NewTime(s.now())
		im := &store.Implementation{User: uid, Status: StatusPending, Answers: "{}", AssignedBy: p.UserID, CreatedAt: t, UpdatedAt: t}
		if hasAnswers(in.Answers) {
			if err := s.checkAnswerer(ctx, p, f, uid); err != nil {
				return err
			}
			ans, errs := ValidateAnswers(f.Fields, in.Answers, requireAll(f))
			if errs != nil {
				return &apierr.Error{Kind: apierr.Invalid, Body: map[string]any{"answers": errs}}
			}
			im.Answers, im.Status, im.SubmittedBy, im.SubmittedAt = ans, StatusSubmitted, p.UserID, &t
		}
		if err := s.forms.CreateImplementation(ctx, p.Workspace, f, im); err != nil {
			return err
		}
		out = im
		return nil
	})
	switch {
	case errors.Is(err, store.ErrExists):
		return nil, apierr.Field("user", "This user already has an implementation of this form.")
	case errors.Is(err, store.ErrStale):
		return nil, apierr.ConflictError("The form changed concurrently; try again.")
	}
	return out, err
}

// mayAnswer checks the form can take answers from or for user: enabled,
// and for a preference form shown to the user.
func (s *Service) mayAnswer(ctx context.Context, p *auth.Principal, f *store.Form, user int64) error {
	if !f.Enabled {
		return apierr.NonField("This form is disabled.")
	}
	if f.Kind != store.FormPreference {
		return nil
	}
	cs, err := s.Classifications(ctx, p.Workspace, user)
	if err != nil {
		return err
	}
	if !gated(f, cs) {
		return apierr.Field("user", "This form is not shown to this user: none of the user's investors has one of the form's classifications.")
	}
	return nil
}

// checkAnswerer applies the attested enforcement: only the user answers.
func (s *Service) checkAnswerer(ctx context.Context, p *auth.Principal, f *store.Form, user int64) error {
	if f.EnforcementType != EnforcementAttested {
		return nil
	}
	own, ok, err := s.CallerUser(ctx, p)
	if err != nil {
		return err
	}
	if !ok || own != user {
		return &apierr.Error{Kind: apierr.Forbidden, Detail: "This form's answers are attested: only the user may submit them."}
	}
	return nil
}

func requireAll(f *store.Form) bool {
	return f.Kind != store.FormPreference || f.EnforcementType != EnforcementOptional
}

func hasAnswers(raw json.RawMessage) bool {
	s := string(raw)
	return len(raw) > 0 && s != "null"
}

// Implementation returns a user's implementation of a form: the user
// themself, or view_user.
func (s *Service) Implementation(ctx context.Context, p *auth.Principal, kind string, id, user int64) (*store.Implementation, error) {
	if err := member(p); err != nil {
		return nil, err
	}
	if err := s.selfOr(ctx, p, user, PermView); err != nil {
		return nil, err
	}
	if _, err := s.forms.Form(ctx, p.Workspace, kind, id); err != nil {
		return nil, err
	}
	return s.forms.Implementation(ctx, p.Workspace, kind, id, user)
}

// selfOr allows the caller's own user record, else needs perm.
func (s *Service) selfOr(ctx context.Context, p *auth.Principal, user int64, perm string) error {
	if p.HasPermission(perm) {
		return nil
	}
	own, ok, err := s.CallerUser(ctx, p)
	if err != nil {
		return err
	}
	if !ok || own != user {
		return apierr.Forbid()
	}
	return nil
}

// SubmitInput is the body of PUT …/{id}/implementations/{user}/.
type SubmitInput struct {
	Answers json.RawMessage `json:"answers"`
}

// Submit replaces a user's answers, validated against the form's current
// definition (an optional preference form accepts unanswered required
// fields). The user themself may submit, or a manager (change_user).
// Submitted answers of a preference form that is not editable are final
// for the user (403); a manager may still correct them, except on an
// attested form, which only the user answers.
func (s *Service) Submit(ctx context.Context, p *auth.Principal, kind string, id, user int64, in SubmitInput) (*store.Implementation, error) {
	if err := member(p); err != nil {
		return nil, err
	}
	if err := s.selfOr(ctx, p, user, PermManage); err != nil {
		return nil, err
	}
	if !hasAnswers(in.Answers) {
		return nil, apierr.Field("answers", msgRequired)
	}
	var out *store.Implementation
	err := store.Retry(ctx, func() error {
		f, err := s.forms.Form(ctx, p.Workspace, kind, id)
		if err != nil {
			return err
		}
		im, err := s.forms.Implementation(ctx, p.Workspace, kind, id, user)
		if err != nil {
			return err
		}
		if err := s.mayAnswer(ctx, p, f, user); err != nil {
			return err
		}
		if err := s.checkAnswerer(ctx, p, f, user); err != nil {
			return err
		}
		if kind == store.FormPreference && !f.Editable && im.Status == StatusSubmitted && !p.HasPermission(PermManage) {
			return &apierr.Error{Kind: apierr.Forbidden, Detail: "This form's answers are not editable once submitted."}
		}
		ans, errs := ValidateAnswers(f.Fields, in.Answers, requireAll(f))
		if errs != nil {
			return &apierr.Error{Kind: apierr.Invalid, Body: map[string]any{"answers": errs}}
		}
		t := model.NewTime(s.now())
		im.Answers, im.Status, im.SubmittedBy, im.SubmittedAt, im.UpdatedAt = ans, StatusSubmitted, p.UserID, &t, t
		if err := s.forms.UpdateImplementation(ctx, p.Workspace, f, im, im.Version); err != nil {
			return err
		}
		out = im
		return nil
	})
	if errors.Is(err, store.ErrStale) {
		return nil, apierr.ConflictError("The form or the answers changed concurrently; try again.")
	}
	return out, err
}

// DataScope narrows what Data reads: a form id, a user id, or (zero)
// every implementation. It only saves reads; the list's filters still
// select the rows.
type DataScope struct{ Form, User int64 }

// Data returns the implementations of a kind's forms in the workspace,
// in id order: one form's key range for a form scope, the user's index
// entries for a user scope, else the kind's whole range.
func (s *Service) Data(ctx context.Context, p *auth.Principal, kind string, sc DataScope) ([]store.Implementation, error) {
	if err := need(p, PermView); err != nil {
		return nil, err
	}
	switch {
	case sc.Form != 0:
		return s.forms.ImplementationsOfForm(ctx, p.Workspace, kind, sc.Form)
	case sc.User != 0:
		ims, err := s.forms.ImplementationsOfUser(ctx, p.Workspace, sc.User)
		if err != nil {
			return nil, err
		}
		ims = slices.DeleteFunc(ims, func(im store.Implementation) bool { return im.Kind != kind })
		slices.SortFunc(ims, func(a, b store.Implementation) int { return cmp.Compare(a.ID, b.ID) })
		return ims, nil
	}
	return s.forms.Implementations(ctx, p.Workspace, kind)
}
