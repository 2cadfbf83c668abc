package offerings

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
)

// now is the clock of the write handlers (a variable for tests).
var now = time.Now

// readOnly are the offering fields a client never sets: the id, the
// issuer after creation, the status (actions change it) and timestamps.
var readOnly = map[string]bool{"id": true, "issuer": true, "status": true, "created_at": true, "opened_at": true}

var (
	emailFields = map[string]bool{"contact_email": true, "support_email": true, "signing_email": true}
	// urlFields are the URLFields of seed 000's offering (its examples
	// read "https://example.com"); circular_link's example is "text", a
	// CharField.
	urlFields   = map[string]bool{"logo": true, "favicon": true, "circular_file": true}
	colorFields = map[string]bool{"accent_color": true, "background_accent_color": true, "activity_accent_color": true}
	hexColor    = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}){1,2}$`)
	zero        = model.MustMoney("0")
	hundred     = model.MustMoney("100")
	nonNeg      = int64(0)
	maxLen      = map[string]int{
		"name": 255, "slug": 255, "security_type": 255, "contact_phone": 50, "support_phone": 50,
		// Free text (Django TextFields), comma-separated recipient lists
		// and URLs get bounds too: without one, a 400 KB value reached
		// DynamoDB's item limit and answered 500.
		"description":                           maxText,
		"share_or_unit_details":                 maxText,
		"messaging_consent_text":                maxText,
		"other_platform_investment_notice_text": maxText,
		"daily_summary_recipients":              maxRecipients,
		"weekly_summary_recipients":             maxRecipients,
		"per_investment_summary_recipients":     maxRecipients,
		"user_sent_max_monitoring_recipients":   maxRecipients,
		"logo":                                  maxURL,
		"favicon":                               maxURL,
		"circular_link":                         maxURL,
		"circular_file":                         maxURL,
	}
	choices = map[string][]model.Choice{
		"type":                           model.OfferingTypes,
		"share_or_unit":                  {{Value: "Shares", Label: "Shares"}, {Value: "Units", Label: "Units"}},
		"circular_type":                  {{Value: "offering_circular", Label: "Offering Circular"}, {Value: "form_c", Label: "Form C"}, {Value: "ppm", Label: "Private Placement Memorandum"}, {Value: "other", Label: "Other"}},
		"display_logo_during_investment": {{Value: "left", Label: "Left"}, {Value: "center", Label: "Center"}, {Value: "right", Label: "Right"}, {Value: "hidden", Label: "Hidden"}},
	}
)

// Bounds of the offering's string fields. Every string field has one
// (fieldMaxLen): DRF's CharField answers "Ensure this field has no more
// than N characters." where a model would otherwise take anything, and
// the whole offering must stay far below DynamoDB's 400 KB item.
const (
	maxChar       = 255    // a CharField without a bound of its own
	maxText       = 10_000 // free text
	maxRecipients = 2_000  // comma-separated e-mail addresses
	maxURL        = 2_048
)

func fieldMaxLen(name string) int {
	if n, ok := maxLen[name]; ok {
		return n
	}
	return maxChar
}

// applyFields reads every writable field of the offering object from the
// form into o, the DRF way: each field by its type (the model's Go type
// says which), every problem collected.
func applyFields(f *model.Form, o *model.Offering) {
	v := reflect.ValueOf(o).Elem()
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		name := strings.Split(sf.Tag.Get("json"), ",")[0]
		if name == "" || name == "-" || name == "type" || readOnly[name] || !f.Has(name) {
			continue
		}
		fv := v.Field(i)
		if name == "reg_a_tier" {
			// A choice of 1 or 2; whether the type has a tier is
			// regATier's to say, once the type is known.
			if n, set := f.Int(name, model.Int{Nullable: true}); set {
				if n != nil && *n != model.RegATierOne && *n != model.RegATierTwo {
					f.Errors.Add(name, model.MsgChoice(strconv.FormatInt(*n, 10)))
					continue
				}
				fv.Set(reflect.ValueOf(n))
			}
			continue
		}
		switch fv.Interface().(type) {
		case string:
			if s, _ := f.String(name, model.Str{Required: name == "name", MaxLen: fieldMaxLen(name), Choices: choices[name], AllowBlank: name == "slug"}); s != nil {
				fv.SetString(*s)
			}
		case *string:
			var s *string
			var set bool
			o := model.Str{Nullable: true, AllowBlank: true, MaxLen: fieldMaxLen(name), Choices: choices[name]}
			switch {
			case emailFields[name]:
				s, set = f.Email(name, o)
			case urlFields[name]:
				s, set = f.URL(name, o)
			default:
				s, set = f.String(name, o)
			}
			if s != nil && colorFields[name] && *s != "" && !hexColor.MatchString(*s) {
				f.Errors.Add(name, "Enter a valid hex colour, such as #1A2B3C.")
				continue
			}
			if set {
				fv.Set(reflect.ValueOf(s))
			}
		case bool:
			if b, _ := f.Bool(name, false, false); b != nil {
				fv.SetBool(*b)
			}
		case *int64:
			if n, set := f.Int(name, model.Int{Nullable: true, Min: &nonNeg}); set {
				fv.Set(reflect.ValueOf(n))
			}
		case *model.Money:
			opts := model.Dec{Nullable: true, Min: &zero}
			if name == "reg_cf_fee_percentage" {
				opts.Max = &hundred
			}
			if m, set := f.Money(name, opts); set {
				fv.Set(reflect.ValueOf(m))
			}
		case *model.Date:
			if d, set := f.Date(name, false, true); set {
				fv.Set(reflect.ValueOf(d))
			}
		case model.StringList:
			if l, set := f.Strings(name, func(s string) bool { return model.ValidCountry(s) }); set {
				fv.Set(reflect.ValueOf(model.StringList(l)))
			}
		case model.RawJSON:
			if j, set := f.JSON(name); set {
				fv.Set(reflect.ValueOf(j))
			}
		}
	}
}

// regATier settles reg_a_tier once the body's fields are applied: a reg_a
// offering that names no tier is Tier 2 (what every reg_a offering was
// before the field existed, and the common case), one that is given null
// is refused; another type has none, and loses the one it had when its
// type changes away from reg_a.
func regATier(f *model.Form, o *model.Offering) {
	const name = "reg_a_tier"
	if f.Errors.Has(name) {
		return
	}
	given := f.Has(name)
	switch {
	case o.Type == model.TypeRegA && o.RegATier == nil:
		if given {
			f.Errors.Add(name, "A Regulation A offering is Tier 1 or Tier 2 (17 CFR 230.251(a)): this field may not be null.")
			return
		}
		t := model.DefaultRegATier
		o.RegATier = &t
	case o.Type != model.TypeRegA && o.RegATier != nil:
		if given {
			f.Errors.Add(name, fmt.Sprintf("Only Regulation A offerings have a tier; a %s offering's reg_a_tier is null.", o.Type))
			return
		}
		o.RegATier = nil
	}
}

func slugify(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "-") {
				b.WriteByte('-')
			}
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}

// handleCreate creates an offering in status incomplete (the body read
// here, the issuer, slug and settings checked by Service.Create). The issuer comes
// from an issuer-scoped key, or from the body for a workspace key or an
// admin session; an offering-scoped key may not create offerings.
func handleCreate(svc *Service) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Writer(r)
		if err != nil {
			return err
		}
		if p.Scope == auth.ScopeOffering {
			return apierr.Forbid()
		}
		var raw map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &raw); err != nil {
			return err
		}
		f := model.NewForm(raw, false)
		one := int64(1)
		issuer, _ := f.Int("issuer", model.Int{Required: p.Scope != auth.ScopeIssuer, Min: &one})
		if p.Scope == auth.ScopeIssuer {
			if issuer != nil && *issuer != p.ScopeID {
				f.Errors.Add("issuer", fmt.Sprintf("Invalid pk \"%d\" - object does not exist.", *issuer))
			}
			issuer = &p.ScopeID
		}
		typ, _ := f.String("type", model.Str{Required: true, Choices: model.OfferingTypes})
		t := model.NewTime(now())
		o := &model.Offering{
			Status: "incomplete", AccreditedInvestors: true, NonAccreditedInvestors: true,
			DefaultTimezone: "UTC", CreatedAt: t, DisplayCircular: true,
			InvestorsExcludedCountries: model.StringList{}, InvestorsIncludedCountries: model.StringList{},
		}
		if typ != nil {
			o.Type = *typ
			if model.RegulationOf(o.Type).AccreditedOnly {
				o.NonAccreditedInvestors = false
			}
		}
		if !f.Has("name") {
			f.Errors.Add("name", model.MsgRequired)
		}
		applyFields(f, o)
		regATier(f, o)
		if err := apierr.Fields(f.Errors); err != nil {
			return err
		}
		o.Issuer = *issuer
		if err := svc.Create(r.Context(), p, o); err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusCreated, o)
	}
}
