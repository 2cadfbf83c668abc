package groups

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
	"github.com/tranche-dev/tranche/pkg/model"
)

// FuzzGroupBodies feeds every body of the groups function through the
// validation its handler runs (form, then readCreate, readUpdate,
// readAddMember, readRole, readFlag, readShell, readSignatory): no panic,
// every refusal a DRF-shaped 4xx, and what is accepted is what the service
// may take: clean strings within their lengths, positive ids, registered
// roles and flags, at most MaxCreateMembers members.
func FuzzGroupBodies(f *testing.F) {
	for _, s := range []string{
		`{"name": "Acme", "description": "", "lead_user": 1, "members": [{"user": 2, "role": "member"}, {"user": "3"}], "feature_flags": {"investments": true}}`,
		`{"name": " x ", "lead_user": "1", "members": [1, [], {"user": null}], "feature_flags": {"nope": 1, "investments": "yes"}}`,
		`{"name": null, "description": 12, "lead_user": 0, "members": null, "feature_flags": []}`,
		`{"user": 2, "role": "admin"}`,
		`{"user": 1e18, "role": ""}`,
		`{"flag": "investments", "enabled": "off"}`,
		`{"flag": 1, "enabled": null}`,
		`{"email": "lead@example.com", "name": "Shell", "members": [{"user": 4, "role": "viewer"}]}`,
		`{"email": "a@b", "name": "x"}`,
		`{"user": 3, "group": null, "is_signatory": false}`,
		`{"user": 3, "group": -1, "is_signatory": "maybe"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		raw, err := httpapitest.Decode(body)
		if err != nil {
			httpapitest.Refused(t, err)
			return
		}
		form := func(partial bool) *model.Form { return model.NewForm(raw, partial) }

		if in, err := readCreate(form(false)); err != nil {
			httpapitest.Refused(t, err)
		} else {
			checkName(t, "name", in.Name, 255, false)
			checkName(t, "description", in.Description, 2000, true)
			checkID(t, "lead_user", in.LeadUser)
			checkMembers(t, in.Members)
			checkFlags(t, in.FeatureFlags)
		}
		if in, err := readUpdate(form(true)); err != nil {
			httpapitest.Refused(t, err)
		} else {
			if in.Name != nil {
				checkName(t, "name", *in.Name, 255, false)
			}
			if in.Description != nil {
				checkName(t, "description", *in.Description, 2000, true)
			}
			if in.LeadUser != nil {
				checkID(t, "lead_user", *in.LeadUser)
			}
		}
		if user, role, err := readAddMember(form(false)); err != nil {
			httpapitest.Refused(t, err)
		} else {
			checkID(t, "user", user)
			checkRole(t, role)
		}
		if user, role, err := readRole(form(false)); err != nil {
			httpapitest.Refused(t, err)
		} else {
			checkID(t, "user", user)
			checkRole(t, role)
		}
		if flag, _, err := readFlag(form(false)); err != nil {
			httpapitest.Refused(t, err)
		} else if !IsFlag(flag) {
			t.Fatalf("accepted flag %q", flag)
		}
		if in, err := readShell(form(false)); err != nil {
			httpapitest.Refused(t, err)
		} else {
			if !model.ValidEmail(in.Email) || utf8.RuneCountInString(in.Email) > 254 {
				t.Fatalf("accepted e-mail %q", in.Email)
			}
			checkName(t, "name", in.Name, 255, false)
			checkName(t, "description", in.Description, 2000, true)
			checkMembers(t, in.Members)
			checkFlags(t, in.FeatureFlags)
		}
		if user, group, _, err := readSignatory(form(false)); err != nil {
			httpapitest.Refused(t, err)
		} else {
			checkID(t, "user", user)
			if group != nil {
				checkID(t, "group", *group)
			}
		}
	})
}

func checkName(t *testing.T, field, s string, max int, blank bool) {
	t.Helper()
	httpapitest.CleanString(t, field, s)
	if (s == "" && !blank) || utf8.RuneCountInString(s) > max {
		t.Fatalf("%s: accepted %q (%d characters, max %d)", field, s, utf8.RuneCountInString(s), max)
	}
}

func checkID(t *testing.T, field string, id int64) {
	t.Helper()
	if id < 1 {
		t.Fatalf("%s: accepted id %d", field, id)
	}
}

func checkRole(t *testing.T, role string) {
	t.Helper()
	if _, ok := RoleByName(role); !ok {
		t.Fatalf("accepted role %q", role)
	}
}

func checkMembers(t *testing.T, ms []model.UserGroupMemberInput) {
	t.Helper()
	if len(ms) > MaxCreateMembers {
		t.Fatalf("accepted %d members, max %d", len(ms), MaxCreateMembers)
	}
	for _, m := range ms {
		checkID(t, "members.user", m.User)
		checkRole(t, m.Role)
	}
}

func checkFlags(t *testing.T, fl map[string]bool) {
	t.Helper()
	for k, on := range fl {
		if !IsFlag(k) || !on {
			t.Fatalf("accepted feature flag %q: %v", k, on)
		}
	}
}

// A members list over model.MaxJSON was refused as "This field may not be
// null."; it is the size message now.
func TestMembersOverMaxJSON(t *testing.T) {
	body := []byte(`{"name": "x", "lead_user": 1, "members": [` + strings.Repeat(`{"user": 1, "role": "member"},`, model.MaxJSON/20) + `{"user": 1}]}`)
	raw, err := httpapitest.Decode(body)
	if err != nil {
		t.Fatal(err)
	}
	_, err = readCreate(model.NewForm(raw, false))
	want := fmt.Sprintf(`{"members":["Ensure this field has no more than %d bytes."]}`, model.MaxJSON)
	rec := httptest.NewRecorder()
	httpapi.WriteError(rec, httptest.NewRequest("POST", "/", nil), err)
	if rec.Code != 400 || strings.TrimSpace(rec.Body.String()) != want {
		t.Fatalf("%d %s, want 400 %s", rec.Code, rec.Body, want)
	}
}
