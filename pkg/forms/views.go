package forms

import (
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

// PreferenceFormView is an investor preference form definition: a user
// data form's properties and the three settings. (The views are flat, not
// embedded, so the OpenAPI generator sees every property.)
type PreferenceFormView struct {
	ID                  int64       `json:"id"`
	Name                string      `json:"name"`
	Description         string      `json:"description"`
	Fields              []FieldView `json:"fields"`
	Enabled             bool        `json:"enabled"`
	ImplementationCount int64       `json:"implementation_count"`
	CreatedAt           model.Time  `json:"created_at"`
	UpdatedAt           model.Time  `json:"updated_at"`
	Classifications     []string    `json:"classifications"`
	Editable            bool        `json:"editable"`
	EnforcementType     string      `json:"enforcement_type"`
}

// ImplementationView is a user's implementation of a form with the
// user's answers.
type ImplementationView struct {
	ID          int64         `json:"id"`
	Form        int64         `json:"form"`
	User        int64         `json:"user"`
	UserUUID    string        `json:"user_uuid"`
	Status      string        `json:"status"`
	Answers     model.RawJSON `json:"answers"`
	SubmittedAt *model.Time   `json:"submitted_at"`
	CreatedAt   model.Time    `json:"created_at"`
	UpdatedAt   model.Time    `json:"updated_at"`
}

// EnabledUserDataFormView is a user data form enabled for a user, with
// the user's implementation (null when none).
type EnabledUserDataFormView struct {
	ID             int64               `json:"id"`
	Name           string              `json:"name"`
	Description    string              `json:"description"`
	Fields         []FieldView         `json:"fields"`
	Implementation *ImplementationView `json:"implementation"`
}

// EnabledPreferenceFormView is a preference form shown to a user, with
// the user's implementation and whether the form is outstanding (its
// enforcement type demands answers the user has not submitted).
type EnabledPreferenceFormView struct {
	ID              int64               `json:"id"`
	Name            string              `json:"name"`
	Description     string              `json:"description"`
	Fields          []FieldView         `json:"fields"`
	Editable        bool                `json:"editable"`
	EnforcementType string              `json:"enforcement_type"`
	Implementation  *ImplementationView `json:"implementation"`
	Outstanding     bool                `json:"outstanding"`
}

func fieldViews(f *store.Form) []FieldView {
	out := []FieldView{}
	for _, fd := range f.Fields {
		c := fd.Choices
		if c == nil {
			c = []string{}
		}
		out = append(out, FieldView{Name: fd.Name, Label: fd.Label, Type: fd.Type, Required: fd.Required, Choices: c, HelpText: fd.HelpText})
	}
	return out
}

func userDataView(f *store.Form) UserDataFormView {
	return UserDataFormView{ID: f.ID, Name: f.Name, Description: f.Description, Fields: fieldViews(f), Enabled: f.Enabled,
		ImplementationCount: f.ImplCount, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt}
}

func preferenceView(f *store.Form) PreferenceFormView {
	c := f.Classifications
	if c == nil {
		c = []string{}
	}
	return PreferenceFormView{ID: f.ID, Name: f.Name, Description: f.Description, Fields: fieldViews(f), Enabled: f.Enabled,
		ImplementationCount: f.ImplCount, CreatedAt: f.CreatedAt, UpdatedAt: f.UpdatedAt,
		Classifications: c, Editable: f.Editable, EnforcementType: f.EnforcementType}
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
		Answers: model.RawJSON(a), SubmittedAt: im.SubmittedAt, CreatedAt: im.CreatedAt, UpdatedAt: im.UpdatedAt}
}

func enabledView(ws string, e EnabledEntry) any {
	f := e.Form
	if f.Kind == store.FormPreference {
		return EnabledPreferenceFormView{ID: f.ID, Name: f.Name, Description: f.Description, Fields: fieldViews(f),
			Editable: f.Editable, EnforcementType: f.EnforcementType, Implementation: ImplementationOf(ws, e.Implementation), Outstanding: e.Outstanding}
	}
	return EnabledUserDataFormView{ID: f.ID, Name: f.Name, Description: f.Description, Fields: fieldViews(f), Implementation: ImplementationOf(ws, e.Implementation)}
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

// The request bodies, for the OpenAPI document (the handlers read them
// into DefinitionInput, AssignInput and SubmitInput, which keep absent
// and null apart). Field types, classifications and enforcement types are
// the enums FieldTypes, Classifications and EnforcementTypes.
type (
	// FieldRequest is one field of a definition.
	FieldRequest struct {
		Name     string   `json:"name"`
		Label    string   `json:"label"`
		Type     string   `json:"type"`
		Required bool     `json:"required,omitempty"`
		Choices  []string `json:"choices,omitempty"`
		HelpText string   `json:"help_text,omitempty"`
	}
	// UserDataFormRequest defines a user data form.
	UserDataFormRequest struct {
		Name        string         `json:"name"`
		Description string         `json:"description,omitempty"`
		Fields      []FieldRequest `json:"fields"`
		Enabled     *bool          `json:"enabled,omitempty"`
	}
	// PreferenceFormRequest defines an investor preference form.
	PreferenceFormRequest struct {
		Name            string         `json:"name"`
		Description     string         `json:"description,omitempty"`
		Fields          []FieldRequest `json:"fields"`
		Enabled         *bool          `json:"enabled,omitempty"`
		Classifications []string       `json:"classifications"`
		Editable        *bool          `json:"editable,omitempty"`
		EnforcementType string         `json:"enforcement_type,omitempty"`
	}
	// AssignRequest assigns a form to a user, optionally with answers.
	AssignRequest struct {
		User    int64         `json:"user"`
		Answers model.RawJSON `json:"answers,omitempty"`
	}
	// SubmitRequest submits or replaces a user's answers.
	SubmitRequest struct {
		Answers model.RawJSON `json:"answers"`
	}
	// StateRequest enables or disables a form.
	StateRequest struct {
		Enabled bool `json:"enabled"`
	}
	// ClassificationsRequest sets a preference form's classifications.
	ClassificationsRequest struct {
		Classifications []string `json:"classifications"`
	}
	// EditableRequest sets whether answers are editable.
	EditableRequest struct {
		Editable bool `json:"editable"`
	}
	// EnforcementTypeRequest sets a preference form's enforcement type.
	EnforcementTypeRequest struct {
		EnforcementType string `json:"enforcement_type"`
	}
)
