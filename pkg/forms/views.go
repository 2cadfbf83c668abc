package forms

import (
	"encoding/json"

	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// FieldView is one field of a form definition on the wire.
type FieldView struct {
	Name     string   `json:"name"`
	Label    string   `json:"label"`
	Type     string   `json:"type"`
	Required bool     `json:"required"`
	Choices  []string `json:"choices"`
	HelpText string   `json:"help_text"`
}

// UserDataFormView is a user data form definition.
type UserDataFormView struct {
	ID                  int64       `json:"id"`
	Name                string      `json:"name"`
	Description         string      `json:"description"`
	Fields              []FieldView `json:"fields"`
	Enabled             bool        `json:"enabled"`
	ImplementationCount int64       `json:"implementation_count"`
	CreatedAt           model.Time  `json:"created_at"`
	UpdatedAt           model.Time  `json:"updated_at"`
}

// PreferenceFormView is an investor preference form definition.
type PreferenceFormView struct {
	UserDataFormView
	Classifications []string `json:"classifications"`
	Editable        bool     `json:"editable"`
	EnforcementType string   `json:"enforcement_type"`
}

// ImplementationView is a user's implementation of a form with the
// user's answers.
type ImplementationView struct {
	ID          int64           `json:"id"`
	Form        int64           `json:"form"`
	User        int64           `json:"user"`
	UserUUID    string          `json:"user_uuid"`
	Status      string          `json:"status"`
	Answers     json.RawMessage `json:"answers"`
	SubmittedAt *model.Time     `json:"submitted_at"`
	CreatedAt   model.Time      `json:"created_at"`
	UpdatedAt   model.Time      `json:"updated_at"`
}

// EnabledUserDataFormView is a user data form enabled for a user, with
// the user's implementation (null when none).
type EnabledUserDataFormView struct {
	UserDataFormView
	Implementation *ImplementationView `json:"implementation"`
}

// EnabledPreferenceFormView is a preference form shown to a user, with
// the user's implementation and whether the form is outstanding.
type EnabledPreferenceFormView struct {
	PreferenceFormView
	Implementation *ImplementationView `json:"implementation"`
	Outstanding    bool                `json:"outstanding"`
}

func userDataView(f *store.Form) UserDataFormView {
	v := UserDataFormView{ID: f.ID, Name: f.Name, Description: f.Description, Enabled: f.Enabled,
		ImplementationCount: f.ImplCount, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt, Fields: []FieldView{}}
	for _, fd := range f.Fields {
		c := fd.Choices
		if c == nil {
			c = []string{}
		}
		v.Fields = append(v.Fields, FieldView{Name: fd.Name, Label: fd.Label, Type: fd.Type, Required: fd.Required, Choices: c, HelpText: fd.HelpText})
	}
	return v
}

func preferenceView(f *store.Form) PreferenceFormView {
	c := f.Classifications
	if c == nil {
		c = []string{}
	}
	return PreferenceFormView{UserDataFormView: userDataView(f), Classifications: c, Editable: f.Editable, EnforcementType: f.EnforcementType}
}

// formView renders a form of either kind.
func formView(f *store.Form) any {
	if f.Kind == store.FormPreference {
		return preferenceView(f)
	}
	return userDataView(f)
}

// ImplementationOf renders an implementation of workspace ws.
func ImplementationOf(ws string, im *store.Implementation) *ImplementationView {
	if im == nil {
		return nil
	}
	a := im.Answers
	if a == "" {
		a = "{}"
	}
	return &ImplementationView{ID: im.ID, Form: im.Form, User: im.User, UserUUID: model.UserUUID(ws, im.User), Status: im.Status,
		Answers: json.RawMessage(a), SubmittedAt: im.SubmittedAt, CreatedAt: im.CreatedAt, UpdatedAt: im.UpdatedAt}
}

func enabledView(ws string, e EnabledEntry) any {
	if e.Form.Kind == store.FormPreference {
		return EnabledPreferenceFormView{PreferenceFormView: preferenceView(e.Form), Implementation: ImplementationOf(ws, e.Implementation), Outstanding: e.Outstanding}
	}
	return EnabledUserDataFormView{UserDataFormView: userDataView(e.Form), Implementation: ImplementationOf(ws, e.Implementation)}
}

// FormFilters is the form lists' FilterSet: ?enabled=, ?id=/id__in=,
// ordering by id, name or created_at, search by name.
var FormFilters = &filter.Set{
	Fields: []filter.Field{
		{Name: "id", Kind: filter.IntegerField, Lookups: []filter.Lookup{filter.Exact, filter.In}},
		{Name: "enabled", Kind: filter.BoolField, Lookups: []filter.Lookup{filter.Exact}},
	},
	Ordering:        []string{"id", "name", "created_at", "updated_at"},
	DefaultOrdering: []string{"id"},
	Search:          []string{"name"},
}

// DataFilters is the submitted data's FilterSet: by form, user and
// status; ordering by id, submitted_at, updated_at.
var DataFilters = &filter.Set{
	Fields: []filter.Field{
		{Name: "form", Kind: filter.IntegerField, Lookups: []filter.Lookup{filter.Exact, filter.In}},
		{Name: "user", Kind: filter.IntegerField, Lookups: []filter.Lookup{filter.Exact, filter.In}},
		{Name: "status", Kind: filter.ChoiceField, Lookups: []filter.Lookup{filter.Exact},
			Choices: []filter.Choice{{Value: StatusPending, Label: "Pending"}, {Value: StatusSubmitted, Label: "Submitted"}}},
	},
	Ordering:        []string{"id", "submitted_at", "updated_at"},
	DefaultOrdering: []string{"id"},
}

type formRow struct{ f *store.Form }

func (r formRow) Value(path string) filter.Value {
	switch path {
	case "id":
		return filter.Int(r.f.ID)
	case "enabled":
		return filter.Bool(r.f.Enabled)
	case "name":
		return filter.Str(r.f.Name)
	case "created_at":
		return filter.Time(r.f.CreatedAt.Time)
	case "updated_at":
		return filter.Time(r.f.UpdatedAt.Time)
	}
	return filter.Null()
}

type enabledRow struct {
	e  EnabledEntry
	ws string
}

func (r enabledRow) Value(path string) filter.Value { return formRow{r.e.Form}.Value(path) }

type implRow struct {
	im *store.Implementation
	ws string
}

func (r implRow) Value(path string) filter.Value {
	switch path {
	case "id":
		return filter.Int(r.im.ID)
	case "form":
		return filter.Int(r.im.Form)
	case "user":
		return filter.Int(r.im.User)
	case "status":
		return filter.Str(r.im.Status)
	case "submitted_at":
		if r.im.SubmittedAt == nil {
			return filter.Null()
		}
		return filter.Time(r.im.SubmittedAt.Time)
	case "updated_at":
		return filter.Time(r.im.UpdatedAt.Time)
	}
	return filter.Null()
}
