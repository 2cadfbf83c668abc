package store

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Seed 001's user data forms and investor preference forms (package forms):
//
//	item                  PK                     SK                               GSIs
//	form definition       WS#<ws>#FORM           <KIND>#pad(id)
//	implementation        WS#<ws>#FORMIMPL       <KIND>#pad(form)#pad(user)       GSI1 WS#<ws>#USER#<u>#FORMIMPL / <KIND>#pad(form)
//
// KIND is USERDATA or PREFERENCE. An implementation is one user's copy of
// one form and holds that user's answers; its key makes it unique per form
// and user. Access patterns: a kind's forms (Query begins_with KIND#), one
// form (GetItem), a kind's implementations ("all submitted data": Query
// begins_with KIND#), a form's (begins_with KIND#pad(form)#), one user's
// (GSI1: the user's full data graph), one (GetItem).
//
// Writes: creating an implementation is one transaction with an Update of
// its form (ADD impl_count 1, condition: the form's version is the one the
// answers were validated against), so a form deleted, disabled or changed
// concurrently refuses the implementation; updating answers carries the
// same ConditionCheck. A form is deleted only while impl_count is 0.

// Form kinds.
const (
	FormUserData   = "USERDATA"
	FormPreference = "PREFERENCE"
)

// ErrFormInUse is returned by DeleteForm when users hold implementations
// of the form.
var ErrFormInUse = errors.New("store: form has implementations")

// FormField is one field of a form definition.
type FormField struct {
	Name     string   `dynamo:"name" json:"name"`
	Label    string   `dynamo:"label" json:"label"`
	Type     string   `dynamo:"type" json:"type"`
	Required bool     `dynamo:"required" json:"required"`
	Choices  []string `dynamo:"choices,omitempty" json:"choices"`
	HelpText string   `dynamo:"help_text,allowempty" json:"help_text"`
}

// Form is a form definition of either kind; the preference settings are
// empty on user data forms.
type Form struct {
	PK string `dynamo:"PK"`
	SK string `dynamo:"SK"`

	ID          int64       `dynamo:"id"`
	Kind        string      `dynamo:"kind"`
	Name        string      `dynamo:"name"`
	Description string      `dynamo:"description,allowempty"`
	Fields      []FormField `dynamo:"fields"`
	Enabled     bool        `dynamo:"enabled"`
	CreatedBy   string      `dynamo:"created_by"` // Clerk id
	CreatedAt   model.Time  `dynamo:"created_at"`
	UpdatedAt   model.Time  `dynamo:"updated_at"`
	ImplCount   int64       `dynamo:"impl_count"`
	Version     int64       `dynamo:"version"`

	// Investor preference forms only.
	Classifications []string `dynamo:"classifications,omitempty"`
	Editable        bool     `dynamo:"editable"`
	EnforcementType string   `dynamo:"enforcement_type,omitempty"`
}

// Implementation is one user's copy of a form with the user's answers
// (a JSON object, normalized by package forms).
type Implementation struct {
	PK     string `dynamo:"PK"`
	SK     string `dynamo:"SK"`
	GSI1PK string `dynamo:"GSI1PK"`
	GSI1SK string `dynamo:"GSI1SK"`

	ID          int64       `dynamo:"id"`
	Kind        string      `dynamo:"kind"`
	Form        int64       `dynamo:"form"`
	User        int64       `dynamo:"user"`
	Status      string      `dynamo:"status"`  // pending | submitted
	Answers     string      `dynamo:"answers"` // JSON object
	AssignedBy  string      `dynamo:"assigned_by"`
	SubmittedBy string      `dynamo:"submitted_by,omitempty"`
	CreatedAt   model.Time  `dynamo:"created_at"`
	UpdatedAt   model.Time  `dynamo:"updated_at"`
	SubmittedAt *model.Time `dynamo:"submitted_at"`
	Version     int64       `dynamo:"version"`
}

func formPK(ws string) string             { return kindPK(ws, "FORM") }
func formImplPK(ws string) string         { return kindPK(ws, "FORMIMPL") }
func formSK(kind string, id int64) string { return kind + "#" + padID(id) }
func formImplsOfUserPK(ws string, u int64) string {
	return fmt.Sprintf("WS#%s#USER#%d#FORMIMPL", ws, u)
}
func formImplSK(kind string, form, user int64) string {
	return kind + "#" + padID(form) + "#" + padID(user)
}

// CreateForm allocates the form's id and writes it (version 1).
func (db FormStore) CreateForm(ctx context.Context, ws string, f *Form) error {
	id, err := db.NextID(ctx, ws, "form")
	if err != nil {
		return err
	}
	f.ID, f.Version, f.ImplCount = id, 1, 0
	f.PK, f.SK = formPK(ws), formSK(f.Kind, id)
	if err := db.table.Put(f).If("attribute_not_exists(PK)").Run(ctx); err != nil {
		if dynamo.IsCondCheckFailed(err) {
			return ErrExists
		}
		return fmt.Errorf("store: create form: %w", err)
	}
	return nil
}

// Form returns one form of the workspace, or dynamo.ErrNotFound.
func (db FormStore) Form(ctx context.Context, ws, kind string, id int64) (*Form, error) {
	var f Form
	if err := db.table.Get(AttrPK, formPK(ws)).Range(AttrSK, dynamo.Equal, formSK(kind, id)).Consistent(true).One(ctx, &f); err != nil {
		return nil, err
	}
	return &f, nil
}

// Forms returns the workspace's forms of a kind in id order.
func (db FormStore) Forms(ctx context.Context, ws, kind string) ([]Form, error) {
	var out []Form
	err := db.table.Get(AttrPK, formPK(ws)).Range(AttrSK, dynamo.BeginsWith, kind+"#").Consistent(true).All(ctx, &out)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: forms: %w", err)
	}
	record(ctx, len(out), nil)
	return out, nil
}

// UpdateForm writes the form's settings if its version is still old (the
// version read). Returns ErrStale otherwise, dynamo.ErrNotFound if it was
// deleted.
func (db FormStore) UpdateForm(ctx context.Context, ws string, f *Form, old int64) error {
	f.Version = old + 1
	f.PK, f.SK = formPK(ws), formSK(f.Kind, f.ID)
	err := db.table.Put(f).If("attribute_exists(PK) AND version = ?", old).Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		if _, gerr := db.Form(ctx, ws, f.Kind, f.ID); gerr != nil {
			return gerr
		}
		return ErrStale
	}
	if err != nil {
		return fmt.Errorf("store: update form: %w", err)
	}
	return nil
}

// DeleteForm removes a form that no user holds an implementation of.
// Returns ErrFormInUse when some user does, dynamo.ErrNotFound when there
// is no such form.
func (db FormStore) DeleteForm(ctx context.Context, ws, kind string, id int64) error {
	err := db.table.Delete(AttrPK, formPK(ws)).Range(AttrSK, formSK(kind, id)).
		If("attribute_exists(PK) AND impl_count = ?", 0).Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		if _, gerr := db.Form(ctx, ws, kind, id); gerr != nil {
			return gerr
		}
		return ErrFormInUse
	}
	if err != nil {
		return fmt.Errorf("store: delete form: %w", err)
	}
	return nil
}

// CreateImplementation writes a new implementation of form f (read at
// version f.Version) in one transaction with its form's implementation
// count. Returns ErrExists if the user already holds one, ErrStale if the
// form changed or was deleted since it was read.
func (db FormStore) CreateImplementation(ctx context.Context, ws string, f *Form, im *Implementation) error {
	// A duplicate is refused before an id is drawn, so the refusal
	// changes nothing; the transaction's condition still decides a race.
	if _, err := db.Implementation(ctx, ws, f.Kind, f.ID, im.User); err == nil {
		return ErrExists
	} else if !errors.Is(err, dynamo.ErrNotFound) {
		return err
	}
	id, err := db.NextID(ctx, ws, "form_impl")
	if err != nil {
		return err
	}
	im.ID, im.Version, im.Kind, im.Form = id, 1, f.Kind, f.ID
	im.PK, im.SK = formImplPK(ws), formImplSK(f.Kind, f.ID, im.User)
	im.GSI1PK, im.GSI1SK = formImplsOfUserPK(ws, im.User), formSK(f.Kind, f.ID)
	return db.newTxn().
		put(tagExists, db.table.Put(im).If("attribute_not_exists(PK)")).
		update(tagStale, db.table.Update(AttrPK, formPK(ws)).Range(AttrSK, formSK(f.Kind, f.ID)).
			Add("impl_count", 1).If("attribute_exists(PK) AND version = ?", f.Version)).
		run(ctx)
}

// UpdateImplementation writes an implementation's new answers if it is
// still at version old and its form f still at f.Version (the definition
// the answers were validated against). Returns ErrStale otherwise.
func (db FormStore) UpdateImplementation(ctx context.Context, ws string, f *Form, im *Implementation, old int64) error {
	im.Version = old + 1
	return db.newTxn().
		put(tagStale, db.table.Put(im).If("attribute_exists(PK) AND version = ?", old)).
		check(tagStale, db.table.Check(AttrPK, formPK(ws)).Range(AttrSK, formSK(f.Kind, f.ID)).
			If("attribute_exists(PK) AND version = ?", f.Version)).
		run(ctx)
}

// Implementation returns a user's implementation of a form, or
// dynamo.ErrNotFound.
func (db FormStore) Implementation(ctx context.Context, ws, kind string, form, user int64) (*Implementation, error) {
	var im Implementation
	if err := db.table.Get(AttrPK, formImplPK(ws)).Range(AttrSK, dynamo.Equal, formImplSK(kind, form, user)).Consistent(true).One(ctx, &im); err != nil {
		return nil, err
	}
	return &im, nil
}

// Implementations returns the workspace's implementations of a kind's
// forms, ordered by id.
func (db FormStore) Implementations(ctx context.Context, ws, kind string) ([]Implementation, error) {
	var out []Implementation
	err := db.table.Get(AttrPK, formImplPK(ws)).Range(AttrSK, dynamo.BeginsWith, kind+"#").Consistent(true).All(ctx, &out)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: implementations: %w", err)
	}
	record(ctx, len(out), nil)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// ImplementationsOfForm returns the implementations of one form, ordered
// by id (one Query of the form's key range).
func (db FormStore) ImplementationsOfForm(ctx context.Context, ws, kind string, form int64) ([]Implementation, error) {
	var out []Implementation
	err := db.table.Get(AttrPK, formImplPK(ws)).Range(AttrSK, dynamo.BeginsWith, formSK(kind, form)+"#").Consistent(true).All(ctx, &out)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: implementations of form: %w", err)
	}
	record(ctx, len(out), nil)
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// ImplementationsOfUser returns every form implementation (both kinds)
// of one user of the workspace, with its answers, ordered by kind and
// form: the forms part of a user's full data graph.
func (db FormStore) ImplementationsOfUser(ctx context.Context, ws string, user int64) ([]Implementation, error) {
	var out []Implementation
	err := db.table.Get("GSI1PK", formImplsOfUserPK(ws, user)).Index("GSI1").All(ctx, &out)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: implementations of user: %w", err)
	}
	record(ctx, len(out), nil)
	return out, nil
}

// InvestorIDsOfUser returns the ids of the investors a user of the
// workspace owns (GSI1 WS#<ws>#USER#<u>#INVESTOR).
func (db InvestorStore) InvestorIDsOfUser(ctx context.Context, ws string, user int64) ([]int64, error) {
	var rows []struct {
		ID int64 `dynamo:"id"`
	}
	err := db.table.Get("GSI1PK", investorsOfUserPK(ws, user)).Index("GSI1").All(ctx, &rows)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: investors of user: %w", err)
	}
	out := make([]int64, len(rows))
	for i := range rows {
		out[i] = rows[i].ID
	}
	return out, nil
}
