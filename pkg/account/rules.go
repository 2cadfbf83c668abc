package account

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Field limits of the seed 003 serializers. The seed documents first_name
// and last_name (30) and subscription_level (a PositiveSmallIntegerField
// with choices); the rest are the Django model defaults a Clerk-backed
// Django app uses (username 150 as django.contrib.auth, URLField 200) and
// bounded text elsewhere, so no body can grow an item without limit.
const (
	maxUsername  = 150
	maxName      = 30
	maxAddress   = 255
	maxCity      = 100
	maxState     = 100
	maxCountry   = 100
	maxZipCode   = 20
	maxTimezone  = 64
	maxLanguage  = 16
	maxText      = 5000 // bio, aboutme
	maxInterests = 500
	maxURL       = 200
	maxSubID     = 255
	maxSubName   = 255
	maxOrgName   = 255
	maxOrgSlug   = 255
)

// DRF and Django messages used here beyond model's.
const (
	msgURL      = "Enter a valid URL."
	msgDateTime = "Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
	msgUsername = "Enter a valid username. This value may contain only letters, numbers, and @/./+/-/_ characters."
)

// Subscription levels (seed 003: 0 Free, 10 Basic, 20 Essential, 30 Plus,
// 40 Premium) and statuses.
var (
	subscriptionLevels   = []int{0, 10, 20, 30, 40}
	subscriptionStatuses = []string{"active", "inactive", "cancelled", "suspended"}
)

// usernameRE is Django's UnicodeUsernameValidator.
var usernameRE = regexp.MustCompile(`^[\w.@+-]+$`)

// form is a model.Form with the field kinds seed 003 adds: URLs,
// datetimes and integer choices.
type form struct{ *model.Form }

func newForm(raw map[string]json.RawMessage) form { return form{model.NewForm(raw, true)} }

// str reads a nullable or blank-allowed CharField of at most max runes.
func (f form) str(name string, max int, nullable, blank bool) (*string, bool) {
	return f.String(name, model.Str{Nullable: nullable, AllowBlank: blank, MaxLen: max})
}

// url reads a nullable, blank-allowed URLField.
func (f form) url(name string) (*string, bool) {
	v, set := f.str(name, maxURL, true, true)
	if v != nil && *v != "" && !ValidURL(*v) {
		f.Errors.Add(name, msgURL)
		return nil, false
	}
	return v, set
}

// dateTime reads a nullable DateTimeField (ISO 8601; a naive time is UTC).
func (f form) dateTime(name string) (*model.Time, bool) {
	raw := f.Raw(name)
	if raw == nil {
		return nil, false
	}
	if isNull(raw) {
		return nil, true
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		f.Errors.Add(name, msgDateTime)
		return nil, false
	}
	t, err := model.ParseTime(strings.TrimSpace(s))
	if err != nil {
		f.Errors.Add(name, msgDateTime)
		return nil, false
	}
	return &t, true
}

// intChoice reads a ChoiceField over integers the way DRF does: the input's
// text (str(data)) must be one of the choices, so 10 and "10" are 10 and
// 7, "7", 10.0 and true are refused with `"7" is not a valid choice.`.
func (f form) intChoice(name string, choices []int) (*int, bool) {
	raw := f.Raw(name)
	if raw == nil {
		return nil, false
	}
	if isNull(raw) {
		f.Errors.Add(name, model.MsgNull)
		return nil, false
	}
	text := pyStr(raw)
	for _, c := range choices {
		if strconv.Itoa(c) == text {
			return &c, true
		}
	}
	f.Errors.Add(name, model.MsgChoice(text))
	return nil, false
}

// strChoice reads a non-null ChoiceField over strings.
func (f form) strChoice(name string, choices []string) (*string, bool) {
	raw := f.Raw(name)
	if raw == nil {
		return nil, false
	}
	if isNull(raw) {
		f.Errors.Add(name, model.MsgNull)
		return nil, false
	}
	text := pyStr(raw)
	for _, c := range choices {
		if c == text {
			return &c, true
		}
	}
	f.Errors.Add(name, model.MsgChoice(text))
	return nil, false
}

func isNull(raw json.RawMessage) bool { return strings.TrimSpace(string(raw)) == "null" }

// pyStr is Python's str() of a decoded JSON value, as DRF formats the
// input of a choice error.
func pyStr(raw json.RawMessage) string {
	t := strings.TrimSpace(string(raw))
	switch {
	case t == "true":
		return "True"
	case t == "false":
		return "False"
	case strings.HasPrefix(t, `"`):
		var s string
		_ = json.Unmarshal(raw, &s)
		return s
	}
	return t
}

// ValidURL is Django's URLValidator in substance (model.ValidURL, where
// the offering's URL fields find it too).
func ValidURL(s string) bool { return model.ValidURL(s) }

// patch is a validated partial update of the caller's identity.
type patch func(*store.Identity)

// parseUser validates a user/ POST body. Writable: username, first_name,
// last_name, unsafe_metadata and subscription_level. Read-only, ignored:
// email and the timestamps (Clerk's), aud, and everything that is a
// privilege or a fact Clerk reports (is_* flags, *_verified,
// two_factor_enabled, last_login, last_sign_in_at, session_actor, roles):
// a user cannot make themselves a developer or a superuser.
func parseUser(raw map[string]json.RawMessage) (patch, model.FieldErrors) {
	f := newForm(raw)
	var sets []patch
	if v, set := f.str("username", maxUsername, true, false); set {
		if v != nil && !usernameRE.MatchString(*v) {
			f.Errors.Add("username", msgUsername)
		} else {
			sets = append(sets, func(i *store.Identity) { i.Username = v })
		}
	}
	if v, set := f.str("first_name", maxName, false, true); set {
		sets = append(sets, func(i *store.Identity) { i.FirstName = *v })
	}
	if v, set := f.str("last_name", maxName, false, true); set {
		sets = append(sets, func(i *store.Identity) { i.LastName = *v })
	}
	if v, set := f.JSON("unsafe_metadata"); set {
		sets = append(sets, func(i *store.Identity) { i.Unsafe = v })
	}
	if v, set := f.intChoice("subscription_level", subscriptionLevels); set {
		sets = append(sets, func(i *store.Identity) { i.Subscription.Level = *v })
	}
	return join(sets), f.Errors
}

// parseExtension validates a userextension/ POST body: every field is
// nullable.
func parseExtension(raw map[string]json.RawMessage) (patch, model.FieldErrors) {
	f := newForm(raw)
	var sets []patch
	strs := []struct {
		name string
		max  int
		dst  func(*store.Extension) **string
	}{
		{"address", maxAddress, func(e *store.Extension) **string { return &e.Address }},
		{"city", maxCity, func(e *store.Extension) **string { return &e.City }},
		{"state", maxState, func(e *store.Extension) **string { return &e.State }},
		{"country", maxCountry, func(e *store.Extension) **string { return &e.Country }},
		{"zip_code", maxZipCode, func(e *store.Extension) **string { return &e.ZipCode }},
	}
	for _, s := range strs {
		if v, set := f.str(s.name, s.max, true, true); set {
			dst := s.dst
			sets = append(sets, func(i *store.Identity) { *dst(&i.Extension) = v })
		}
	}
	if v, set := f.Date("birth_date", false, true); set {
		sets = append(sets, func(i *store.Identity) { i.Extension.BirthDate = v })
	}
	return join(sets), f.Errors
}

// parseProfile validates a userprofile/ POST body. bio and aboutme are not
// nullable (blank is fine); the five links are URLFields.
func parseProfile(raw map[string]json.RawMessage) (patch, model.FieldErrors) {
	f := newForm(raw)
	var sets []patch
	type field struct {
		name     string
		max      int
		url      bool
		nullable bool
		dst      func(*store.Profile) **string
	}
	fields := []field{
		{"timezone", maxTimezone, false, true, func(p *store.Profile) **string { return &p.Timezone }},
		{"language", maxLanguage, false, true, func(p *store.Profile) **string { return &p.Language }},
		{"facebook", maxURL, true, true, func(p *store.Profile) **string { return &p.Facebook }},
		{"twitter", maxURL, true, true, func(p *store.Profile) **string { return &p.Twitter }},
		{"linkedin", maxURL, true, true, func(p *store.Profile) **string { return &p.LinkedIn }},
		{"github", maxURL, true, true, func(p *store.Profile) **string { return &p.GitHub }},
		{"website", maxURL, true, true, func(p *store.Profile) **string { return &p.Website }},
		{"interests", maxInterests, false, true, func(p *store.Profile) **string { return &p.Interests }},
	}
	for _, fd := range fields {
		var v *string
		var set bool
		if fd.url {
			v, set = f.url(fd.name)
		} else {
			v, set = f.str(fd.name, fd.max, fd.nullable, true)
		}
		if set {
			dst := fd.dst
			sets = append(sets, func(i *store.Identity) { *dst(&i.Profile) = v })
		}
	}
	if v, set := f.str("bio", maxText, false, true); set {
		sets = append(sets, func(i *store.Identity) { i.Profile.Bio = *v })
	}
	if v, set := f.str("aboutme", maxText, false, true); set {
		sets = append(sets, func(i *store.Identity) { i.Profile.AboutMe = *v })
	}
	if v, set := f.JSON("onboarding_tasks"); set {
		sets = append(sets, func(i *store.Identity) { i.Profile.OnboardingTasks = v })
	}
	return join(sets), f.Errors
}

// parseSubscription validates a usersubscription/ POST body: the level
// and status enums, nullable strings and datetimes, free metadata.
func parseSubscription(raw map[string]json.RawMessage) (patch, model.FieldErrors) {
	f := newForm(raw)
	var sets []patch
	if v, set := f.str("subscription_id", maxSubID, true, true); set {
		sets = append(sets, func(i *store.Identity) { i.Subscription.ID = v })
	}
	if v, set := f.str("subscription_name", maxSubName, true, true); set {
		sets = append(sets, func(i *store.Identity) { i.Subscription.Name = v })
	}
	if v, set := f.intChoice("subscription_level", subscriptionLevels); set {
		sets = append(sets, func(i *store.Identity) { i.Subscription.Level = *v })
	}
	if v, set := f.strChoice("subscription_status", subscriptionStatuses); set {
		sets = append(sets, func(i *store.Identity) { i.Subscription.Status = *v })
	}
	times := []struct {
		name string
		dst  func(*store.Subscription) **model.Time
	}{
		{"subscription_start_date", func(s *store.Subscription) **model.Time { return &s.StartDate }},
		{"subscription_end_date", func(s *store.Subscription) **model.Time { return &s.EndDate }},
		{"subscription_trial_end_date", func(s *store.Subscription) **model.Time { return &s.TrialEndDate }},
		{"subscription_cancelled_date", func(s *store.Subscription) **model.Time { return &s.CancelledDate }},
		{"subscription_suspended_date", func(s *store.Subscription) **model.Time { return &s.SuspendedDate }},
	}
	for _, t := range times {
		if v, set := f.dateTime(t.name); set {
			dst := t.dst
			sets = append(sets, func(i *store.Identity) { *dst(&i.Subscription) = v })
		}
	}
	if v, set := f.JSON("subscription_metadata"); set {
		sets = append(sets, func(i *store.Identity) { i.Subscription.Metadata = v })
	}
	return join(sets), f.Errors
}

// orgPatch is a validated partial update of a workspace.
type orgPatch func(*store.Workspace)

// parseOrganisation validates a userorganisation/ (or devtest/) POST body.
// Writable: org_name, org_slug, org_image_url, org_public_metadata,
// org_private_metadata. Read-only, ignored: org_id (Clerk's id),
// org_role and org_membership_permissions (the caller's own, changed
// through memberships), org_has_image (derived from org_image_url) and
// org_unsafe_metadata (Clerk organisations have none; always null).
func parseOrganisation(raw map[string]json.RawMessage) (orgPatch, model.FieldErrors) {
	f := newForm(raw)
	var sets []orgPatch
	str := func(v *string) string {
		if v == nil {
			return ""
		}
		return *v
	}
	// org_name is required to stay a name: null and blank are refused.
	if v, set := f.str("org_name", maxOrgName, false, false); set {
		sets = append(sets, func(w *store.Workspace) { w.Name = str(v) })
	}
	if v, set := f.str("org_slug", maxOrgSlug, true, true); set {
		sets = append(sets, func(w *store.Workspace) { w.Slug = str(v) })
	}
	if v, set := f.url("org_image_url"); set {
		sets = append(sets, func(w *store.Workspace) { w.ImageURL = str(v) })
	}
	if v, set := f.JSON("org_public_metadata"); set {
		sets = append(sets, func(w *store.Workspace) { w.Public = v })
	}
	if v, set := f.JSON("org_private_metadata"); set {
		sets = append(sets, func(w *store.Workspace) { w.Private = v })
	}
	return func(w *store.Workspace) {
		for _, s := range sets {
			s(w)
		}
	}, f.Errors
}

func join(sets []patch) patch {
	return func(i *store.Identity) {
		for _, s := range sets {
			s(i)
		}
	}
}
