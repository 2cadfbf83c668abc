package forms

import (
	"encoding/json"
	"net/http"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/store"
)

// setter applies one setting's raw JSON value to a form, or refuses it
// with the message of the setting's field.
type setter func(f *store.Form, raw json.RawMessage) string

// handleSetting is PATCH …/{id}/<setting>/ with body {"<key>": value}:
// state (enabled), classifications, editable and enforcement-type.
func handleSetting(svc *Service, kind, key string, set setter) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		id, err := httpapi.PathID(r, "id")
		if err != nil {
			return err
		}
		var body map[string]json.RawMessage
		if err := httpapi.Decode(w, r, &body); err != nil {
			return err
		}
		raw, err := settingValue(body, key)
		if err != nil {
			return err
		}
		f, err := svc.Update(r.Context(), p, kind, id, func(f *store.Form) error {
			if msg := set(f, raw); msg != "" {
				return apierr.Field(key, msg)
			}
			return nil
		})
		if err != nil {
			return err
		}
		return httpapi.JSON(w, http.StatusOK, formView(f))
	}
}

// settingValue is the value of a setting's body {"<key>": value}: given
// and not null.
func settingValue(body map[string]json.RawMessage, key string) (json.RawMessage, error) {
	raw, ok := body[key]
	if !ok || string(raw) == "null" {
		return nil, apierr.Field(key, msgRequired)
	}
	return raw, nil
}

func setEnabled(f *store.Form, raw json.RawMessage) string {
	var b bool
	if json.Unmarshal(raw, &b) != nil {
		return msgNotBoolean
	}
	f.Enabled = b
	return ""
}

func setEditable(f *store.Form, raw json.RawMessage) string {
	var b bool
	if json.Unmarshal(raw, &b) != nil {
		return msgNotBoolean
	}
	f.Editable = b
	return ""
}

func setClassifications(f *store.Form, raw json.RawMessage) string {
	var cs []string
	if json.Unmarshal(raw, &cs) != nil {
		return "Expected a list of classifications."
	}
	out, msg := ValidateClassifications(cs, true)
	if msg != nil {
		return msg[0]
	}
	f.Classifications = out
	return ""
}

func setEnforcement(f *store.Form, raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil || !contains(EnforcementTypes, s) {
		return `"` + string(raw) + `" is not a valid choice.`
	}
	f.EnforcementType = s
	return ""
}
