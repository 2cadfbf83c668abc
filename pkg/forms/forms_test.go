package forms_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/tranche-dev/tranche/pkg/auth/sessiontest"
	"github.com/tranche-dev/tranche/pkg/forms"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/routes"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// The world: workspace Alpha with an OWNER, an ADMIN and two MEMBERs,
// workspace Bravo with its OWNER. Alpha's user records: 1 is member-a
// (an accredited person investor), 2 has no login (a non-accredited
// company investor), 3 is member2-a (no investor).
type world struct {
	t   *testing.T
	db  *store.DB
	env *sessiontest.Env
	h   http.Handler
	wsA string
	wsB string
}

const (
	owner   = "user_owner_a"
	admin   = "user_admin_a"
	member  = "user_member_a"
	member2 = "user_member2_a"
	other   = "user_owner_b"
)

func newWorld(t *testing.T) *world {
	t.Helper()
	db := storetest.New(t)
	env := sessiontest.New(t)
	h, err := forms.NewHandler(env.Deps(db))
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, db: db, env: env, h: h}
	ctx := context.Background()
	mk := func(name string) string {
		ws, err := db.CreateWorkspace(ctx, store.WorkspaceFields{Name: name, Type: "active", Country: "NL", ClerkOrgID: "org_" + strings.ToLower(name)})
		if err != nil {
			t.Fatal(err)
		}
		return ws.ID
	}
	w.wsA, w.wsB = mk("Alpha"), mk("Bravo")
	join := func(ws, user, role, email string) {
		if _, err := db.SyncClerkUser(ctx, store.ClerkUser{ClerkID: user, Email: email, FirstName: user, EmailVerified: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.PutMembership(ctx, ws, user, role, ""); err != nil {
			t.Fatal(err)
		}
	}
	join(w.wsA, owner, store.RoleOwner, "owner-a@example.com")
	join(w.wsA, admin, store.RoleAdmin, "admin-a@example.com")
	join(w.wsA, member, store.RoleMember, "Member-A@example.com")
	join(w.wsA, member2, store.RoleMember, "member2-a@example.com")
	join(w.wsB, other, store.RoleOwner, "owner-b@example.com")
	yes, no := true, false
	e100, e101 := int64(100), int64(101)
	now := model.NewTime(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
	objs := store.Objects{
		Users: []model.User{
			{ID: 1, Email: "member-a@example.com", DateJoined: now, IsActive: true, Version: 1},
			{ID: 2, Email: "investor-2@example.com", DateJoined: now, IsActive: true, Version: 1},
			{ID: 3, Email: "member2-a@example.com", DateJoined: now, IsActive: true, Version: 1},
		},
		Investors: []model.Investor{
			{ID: 10, User: 1, Type: "person", IndividualEntity: &e100, Version: 1},
			{ID: 11, User: 2, Type: "company", Entity: &e101, Version: 1},
		},
		Entities: []model.Entity{
			{ID: 100, AccreditedInvestor: &yes},
			{ID: 101, AccreditedInvestor: &no},
		},
	}
	if _, err := db.PutMissing(ctx, w.wsA, objs, nil); err != nil {
		t.Fatal(err)
	}
	return w
}

func (w *world) do(user, method, target, body string) *httptest.ResponseRecorder {
	w.t.Helper()
	var req *http.Request
	if body != "" {
		req = httptest.NewRequest(method, target, strings.NewReader(body))
	} else {
		req = httptest.NewRequest(method, target, nil)
	}
	req.Host = "api.tranche.test"
	if user != "" {
		org := "org_alpha"
		if user == other {
			org = "org_bravo"
		}
		req.Header.Set("Authorization", "Bearer "+w.env.Token(w.t, user, org))
	}
	rec := httptest.NewRecorder()
	w.h.ServeHTTP(rec, req)
	return rec
}

// must runs a request and fails the test unless it answers status; it
// returns the decoded body.
func (w *world) must(status int, user, method, target, body string) map[string]any {
	w.t.Helper()
	rec := w.do(user, method, target, body)
	if rec.Code != status {
		w.t.Fatalf("%s %s as %s: %d, want %d: %s", method, target, user, rec.Code, status, rec.Body)
	}
	var v map[string]any
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
			w.t.Fatalf("%s %s: %v: %s", method, target, err, rec.Body)
		}
	}
	return v
}

const udFields = `[
	{"name": "income", "label": "Annual income", "type": "number", "required": true},
	{"name": "employer", "label": "Employer", "type": "text"},
	{"name": "risk", "label": "Risk appetite", "type": "choice", "choices": ["low", "medium", "high"], "required": true},
	{"name": "sectors", "label": "Sectors", "type": "multiple_choice", "choices": ["tech", "energy", "health"]},
	{"name": "born", "label": "Date of birth", "type": "date"},
	{"name": "us_person", "label": "US person", "type": "boolean"},
	{"name": "contact", "label": "Contact e-mail", "type": "email"},
	{"name": "dependants", "label": "Dependants", "type": "integer"}
]`

func (w *world) createUD(name string) int64 {
	w.t.Helper()
	v := w.must(201, owner, "POST", "/api/user-data-forms/", `{"name": "`+name+`", "fields": `+udFields+`}`)
	return int64(v["id"].(float64))
}

func (w *world) createPref(name, classes, enforcement string, editable bool) int64 {
	w.t.Helper()
	v := w.must(201, owner, "POST", "/api/investor-preference-forms/", fmt.Sprintf(
		`{"name": %q, "fields": [{"name": "horizon", "label": "Horizon", "type": "choice", "choices": ["short", "long"], "required": true}, {"name": "note", "label": "Note", "type": "text"}],
		  "classifications": %s, "enforcement_type": %q, "editable": %v}`, name, classes, enforcement, editable))
	return int64(v["id"].(float64))
}

func count(v map[string]any) int { return int(v["count"].(float64)) }

func TestRoutesBound(t *testing.T) {
	rt := httpapi.NewRouter(forms.Function)
	forms.AddRoutesForTest(rt)
	if u := rt.Unbound(); len(u) != 0 {
		t.Errorf("unbound: %v", u)
	}
	if n := len(routes.ByFunction(forms.Function)); n != 24 {
		t.Errorf("%d routes, want 24", n)
	}
}

func TestUserDataFormLifecycle(t *testing.T) {
	w := newWorld(t)
	id := w.createUD("KYC extras")
	base := fmt.Sprintf("/api/user-data-forms/%d/", id)

	got := w.must(200, admin, "GET", base, "")
	if got["name"] != "KYC extras" || got["enabled"] != true || len(got["fields"].([]any)) != 8 || got["implementation_count"] != 0.0 {
		t.Fatalf("one: %v", got)
	}
	if f := got["fields"].([]any)[2].(map[string]any); !cmp.Equal(f["choices"], []any{"low", "medium", "high"}) || f["required"] != true {
		t.Errorf("field 2: %v", f)
	}
	if v := w.must(200, owner, "GET", "/api/user-data-forms/", ""); count(v) != 1 {
		t.Errorf("list: %v", v)
	}
	if v := w.must(200, owner, "GET", "/api/user-data-forms/enabled/", ""); count(v) != 1 {
		t.Errorf("enabled: %v", v)
	}

	// Disabled: off the enabled lists, takes no implementation.
	w.must(200, owner, "PATCH", base+"state/", `{"enabled": false}`)
	if v := w.must(200, owner, "GET", "/api/user-data-forms/enabled/", ""); count(v) != 0 {
		t.Errorf("enabled after disable: %v", v)
	}
	if v := w.must(200, owner, "GET", "/api/user-data-forms/?enabled=false", ""); count(v) != 1 {
		t.Errorf("?enabled=false: %v", v)
	}
	if v := w.must(200, member, "GET", "/api/user-data-forms/enabled/me/", ""); count(v) != 0 {
		t.Errorf("enabled/me after disable: %v", v)
	}
	if v := w.must(400, owner, "POST", base+"implementations/", `{"user": 2}`); !strings.Contains(fmt.Sprint(v), "disabled") {
		t.Errorf("assign disabled: %v", v)
	}
	w.must(400, owner, "PATCH", base+"state/", `{"enabled": "maybe"}`)
	w.must(400, owner, "PATCH", base+"state/", `{}`)
	w.must(200, owner, "PATCH", base+"state/", `{"enabled": true}`)

	// Assign with bad answers: 400 naming each bad answer, nothing written.
	bad := w.must(400, owner, "POST", base+"implementations/", `{"user": 2, "answers": {"income": "lots", "risk": "extreme", "sectors": ["tech", "mining"], "born": "1990-13-01", "us_person": "yes", "contact": "nope", "dependants": 1.5, "shoe_size": 44}}`)
	wantBad := map[string]any{"answers": map[string]any{
		"income": []any{"A valid number is required."}, "risk": []any{`"extreme" is not a valid choice.`},
		"sectors": []any{`"mining" is not a valid choice.`}, "born": []any{"Date has wrong format. Use one of these formats instead: YYYY-MM-DD."},
		"us_person": []any{"Must be a valid boolean."}, "contact": []any{"Enter a valid email address."},
		"dependants": []any{"A valid integer is required."}, "shoe_size": []any{"This form has no such field."},
	}}
	if d := cmp.Diff(wantBad, bad); d != "" {
		t.Errorf("bad answers (-want +got):\n%s", d)
	}
	w.must(400, owner, "POST", base+"implementations/", `{"user": 2, "answers": {"employer": "ACME"}}`) // required missing
	if v := w.must(200, owner, "GET", "/api/user-data-forms/data/", ""); count(v) != 0 {
		t.Fatalf("a refused assignment wrote: %v", v)
	}
	if v := w.must(200, owner, "GET", base, ""); v["implementation_count"] != 0.0 {
		t.Fatalf("a refused assignment counted: %v", v)
	}
	w.must(400, owner, "POST", base+"implementations/", `{"user": 99}`)
	w.must(400, owner, "POST", base+"implementations/", `{}`)

	// Assign with good answers: submitted, normalized.
	im := w.must(201, owner, "POST", base+"implementations/", `{"user": 2, "answers": {"income": 120000.50, "risk": "low", "sectors": ["tech", "tech", "health"], "born": "1990-01-31", "us_person": false, "contact": "a@b.example", "dependants": "2"}}`)
	wantAnswers := map[string]any{"income": "120000.5", "risk": "low", "sectors": []any{"tech", "health"}, "born": "1990-01-31", "us_person": false, "contact": "a@b.example", "dependants": "2"}
	if d := cmp.Diff(wantAnswers, im["answers"]); d != "" || im["status"] != "submitted" || im["user"] != 2.0 || im["user_uuid"] != model.UserUUID(w.wsA, 2) {
		t.Errorf("implementation %v (-want +got answers):\n%s", im, d)
	}
	if v := w.must(400, owner, "POST", base+"implementations/", `{"user": 2}`); !strings.Contains(fmt.Sprint(v), "already") {
		t.Errorf("duplicate: %v", v)
	}

	// A member assigns the form to themself, then answers.
	w.must(201, member, "POST", base+"implementations/", `{"user": 1}`)
	me := w.must(200, member, "GET", "/api/user-data-forms/enabled/me/", "")
	if count(me) != 1 {
		t.Fatalf("enabled/me: %v", me)
	}
	if imp := me["results"].([]any)[0].(map[string]any)["implementation"].(map[string]any); imp["status"] != "pending" || imp["user"] != 1.0 {
		t.Errorf("enabled/me implementation: %v", imp)
	}
	w.must(400, member, "PUT", base+"implementations/1/", `{"answers": {"income": 5}}`)
	w.must(400, member, "PUT", base+"implementations/1/", `{}`)
	sub := w.must(200, member, "PUT", base+"implementations/1/", `{"answers": {"income": 5, "risk": "high"}}`)
	if sub["status"] != "submitted" || sub["submitted_at"] == nil {
		t.Errorf("submitted: %v", sub)
	}
	if v := w.must(200, member, "GET", base+"implementations/1/", ""); v["answers"].(map[string]any)["risk"] != "high" {
		t.Errorf("own implementation: %v", v)
	}
	w.must(403, member, "PUT", base+"implementations/2/", `{"answers": {"income": 5, "risk": "high"}}`)
	w.must(403, member, "GET", base+"implementations/2/", "")
	w.must(404, owner, "GET", base+"implementations/3/", "")
	// member2 has no implementation yet: enabled/me shows the form with none.
	if v := w.must(200, member2, "GET", "/api/user-data-forms/enabled/me/", ""); count(v) != 1 || v["results"].([]any)[0].(map[string]any)["implementation"] != nil {
		t.Errorf("member2 enabled/me: %v", v)
	}

	// All submitted data, filtered with the FilterSet.
	other := w.createUD("Other")
	w.must(201, admin, "POST", fmt.Sprintf("/api/user-data-forms/%d/implementations/", other), `{"user": 3}`)
	for q, want := range map[string]int{"": 3, "?user=1": 1, "?user__in=1,2": 2, fmt.Sprintf("?form=%d", id): 2, fmt.Sprintf("?form=%d", other): 1, "?status=pending": 1, "?status=submitted": 2} {
		if v := w.must(200, admin, "GET", "/api/user-data-forms/data/"+q, ""); count(v) != want {
			t.Errorf("data%s: %d, want %d", q, count(v), want)
		}
	}
	// A single ?form= or ?user= reads only that form's or user's rows.
	for q, want := range map[string]string{"": "read=3; returned=3", fmt.Sprintf("?form=%d", other): "read=1; returned=1",
		"?user=1": "read=1; returned=1", "?user=2&status=pending": "read=1; returned=0"} {
		rec := w.do(admin, "GET", "/api/user-data-forms/data/"+q, "")
		if got := rec.Header().Get(store.PlanHeader); !strings.HasPrefix(got, want) {
			t.Errorf("data%s: plan %q, want %s…", q, got, want)
		}
	}
	w.must(400, admin, "GET", "/api/user-data-forms/data/?status=bogus", "")
	w.must(400, admin, "GET", "/api/user-data-forms/data/?user=x", "")

	// The user's full data graph export.
	ims, err := w.db.ImplementationsOfUser(context.Background(), w.wsA, 2)
	if err != nil || len(ims) != 1 || ims[0].Form != id || !strings.Contains(ims[0].Answers, `"income":"120000.5"`) {
		t.Errorf("ImplementationsOfUser: %v %+v", err, ims)
	}

	// Delete: refused while implementations exist; a form without goes.
	if v := w.must(409, owner, "DELETE", base, ""); !strings.Contains(fmt.Sprint(v), "disable") {
		t.Errorf("delete in use: %v", v)
	}
	spare := w.createUD("Spare")
	w.must(204, owner, "DELETE", fmt.Sprintf("/api/user-data-forms/%d/", spare), "")
	w.must(404, owner, "GET", fmt.Sprintf("/api/user-data-forms/%d/", spare), "")
	w.must(404, owner, "DELETE", fmt.Sprintf("/api/user-data-forms/%d/", spare), "")
	// A user data form is not a preference form.
	w.must(404, owner, "GET", fmt.Sprintf("/api/investor-preference-forms/%d/", id), "")
}

func TestDefinitionErrorsByIndex(t *testing.T) {
	w := newWorld(t)
	got := w.must(400, owner, "POST", "/api/user-data-forms/", `{"name": "", "fields": [
		{"name": "ok", "label": "OK", "type": "text"},
		{"name": "x", "label": "X", "type": "slider"},
		{"name": "Bad Name", "label": "", "type": "choice"},
		{"name": "ok", "label": "Again", "type": "text"}
	], "enforcement_type": "required"}`)
	want := map[string]any{
		"name": []any{"This field may not be blank."},
		"fields": []any{
			map[string]any{},
			map[string]any{"type": []any{`"slider" is not a valid choice.`}},
			map[string]any{"name": []any{"Enter a name of lower-case letters, digits and underscores, starting with a letter."},
				"label": []any{"This field may not be blank."}, "choices": []any{"A choice field needs at least one choice."}},
			map[string]any{"name": []any{"Field names must be unique within a form."}},
		},
		"enforcement_type": []any{"This setting belongs to investor preference forms only."},
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("(-want +got):\n%s", d)
	}
	if v := w.must(200, owner, "GET", "/api/user-data-forms/", ""); count(v) != 0 {
		t.Errorf("a refused definition was written: %v", v)
	}
	w.must(400, owner, "POST", "/api/user-data-forms/", `{"name": "n", "fields": "nope"}`)
	w.must(400, owner, "POST", "/api/user-data-forms/", `[1]`)
	w.must(400, owner, "POST", "/api/investor-preference-forms/", `{"name": "n", "fields": [{"name": "a", "label": "A", "type": "text"}]}`) // classifications required
	w.must(400, owner, "POST", "/api/investor-preference-forms/", `{"name": "n", "fields": [{"name": "a", "label": "A", "type": "text"}], "classifications": ["person_accredited"], "enforcement_type": "strict"}`)
}

func TestPreferenceGatingAndSettings(t *testing.T) {
	w := newWorld(t)
	id := w.createPref("Horizon", `["person_accredited"]`, "required", true)
	base := fmt.Sprintf("/api/investor-preference-forms/%d/", id)
	got := w.must(200, owner, "GET", base, "")
	if !cmp.Equal(got["classifications"], []any{"person_accredited"}) || got["enforcement_type"] != "required" || got["editable"] != true {
		t.Fatalf("one: %v", got)
	}

	enabled := func(user, q string) []any {
		t.Helper()
		return w.must(200, user, "GET", "/api/investor-preference-forms/enabled/"+q, "")["results"].([]any)
	}
	// member (user 1, person_accredited) sees it, outstanding.
	if r := enabled(member, ""); len(r) != 1 || r[0].(map[string]any)["outstanding"] != true || r[0].(map[string]any)["implementation"] != nil {
		t.Errorf("member: %v", r)
	}
	if r := enabled(member2, ""); len(r) != 0 { // no investor
		t.Errorf("member2: %v", r)
	}
	if r := enabled(owner, "?user=2"); len(r) != 0 { // company_non_accredited
		t.Errorf("user 2: %v", r)
	}
	if r := enabled(owner, "?user=1"); len(r) != 1 {
		t.Errorf("owner for user 1: %v", r)
	}
	if r := enabled(member, "?user=1"); len(r) != 1 { // oneself by id
		t.Errorf("member for self: %v", r)
	}
	w.must(403, member2, "GET", "/api/investor-preference-forms/enabled/?user=1", "")
	w.must(400, owner, "GET", "/api/investor-preference-forms/enabled/?user=abc", "")
	w.must(400, owner, "GET", "/api/investor-preference-forms/enabled/?user=99", "")
	if v := w.must(400, owner, "POST", base+"implementations/", `{"user": 2}`); !strings.Contains(fmt.Sprint(v), "not shown") {
		t.Errorf("assign ungated: %v", v)
	}

	// Widen the classifications: user 2 sees it now.
	w.must(400, owner, "PATCH", base+"classifications/", `{"classifications": []}`)
	w.must(400, owner, "PATCH", base+"classifications/", `{"classifications": ["martian"]}`)
	w.must(400, owner, "PATCH", base+"classifications/", `{"classifications": "person_accredited"}`)
	if v := w.must(200, owner, "PATCH", base+"classifications/", `{"classifications": ["person_accredited", "company_non_accredited", "person_accredited"]}`); !cmp.Equal(v["classifications"], []any{"company_non_accredited", "person_accredited"}) {
		t.Errorf("classifications: %v", v)
	}
	if r := enabled(owner, "?user=2"); len(r) != 1 {
		t.Errorf("user 2 after widening: %v", r)
	}
	w.must(201, owner, "POST", base+"implementations/", `{"user": 2, "answers": {"horizon": "long"}}`)
	if r := enabled(owner, "?user=2"); len(r) != 1 || r[0].(map[string]any)["outstanding"] != false {
		t.Errorf("user 2 after answering: %v", r)
	}

	// The other settings.
	if v := w.must(200, owner, "PATCH", base+"editable/", `{"editable": false}`); v["editable"] != false {
		t.Errorf("editable: %v", v)
	}
	w.must(400, owner, "PATCH", base+"enforcement-type/", `{"enforcement_type": "strict"}`)
	if v := w.must(200, owner, "PATCH", base+"enforcement-type/", `{"enforcement_type": "optional"}`); v["enforcement_type"] != "optional" {
		t.Errorf("enforcement: %v", v)
	}
	if r := enabled(member, ""); len(r) != 1 || r[0].(map[string]any)["outstanding"] != false {
		t.Errorf("optional form is never outstanding: %v", r)
	}
	w.must(200, owner, "PATCH", base+"state/", `{"enabled": false}`)
	if r := enabled(member, ""); len(r) != 0 {
		t.Errorf("disabled: %v", r)
	}
	if v := w.must(200, owner, "GET", "/api/investor-preference-forms/data/", ""); count(v) != 1 {
		t.Errorf("data: %v", v)
	}
}

func TestEnforcement(t *testing.T) {
	w := newWorld(t)
	classes := `["person_accredited"]`
	imp := func(id int64) string { return fmt.Sprintf("/api/investor-preference-forms/%d/implementations/", id) }

	// required: a required field must be answered.
	req := w.createPref("Required", classes, "required", true)
	w.must(400, member, "POST", imp(req), `{"user": 1, "answers": {"note": "hi"}}`)
	w.must(201, member, "POST", imp(req), `{"user": 1, "answers": {"horizon": "short"}}`)

	// optional: partial answers are accepted, but each is still checked.
	opt := w.createPref("Optional", classes, "optional", true)
	w.must(400, member, "POST", imp(opt), `{"user": 1, "answers": {"horizon": "forever"}}`)
	if v := w.must(201, member, "POST", imp(opt), `{"user": 1, "answers": {"note": "hi"}}`); v["status"] != "submitted" {
		t.Errorf("optional: %v", v)
	}

	// attested: only the user answers; a manager may assign without answers.
	att := w.createPref("Attested", classes, "attested", true)
	w.must(403, owner, "POST", imp(att), `{"user": 1, "answers": {"horizon": "short"}}`)
	w.must(201, owner, "POST", imp(att), `{"user": 1}`)
	w.must(403, owner, "PUT", imp(att)+"1/", `{"answers": {"horizon": "short"}}`)
	w.must(200, member, "PUT", imp(att)+"1/", `{"answers": {"horizon": "short"}}`)
	w.must(200, owner, "GET", imp(att)+"1/", "")

	// editable false: submitted answers are final for the user; a manager
	// may correct them.
	fin := w.createPref("Final", classes, "required", false)
	w.must(201, owner, "POST", imp(fin), `{"user": 1}`)
	w.must(200, member, "PUT", imp(fin)+"1/", `{"answers": {"horizon": "short"}}`) // first submission
	w.must(403, member, "PUT", imp(fin)+"1/", `{"answers": {"horizon": "long"}}`)
	if v := w.must(200, owner, "PUT", imp(fin)+"1/", `{"answers": {"horizon": "long"}}`); v["answers"].(map[string]any)["horizon"] != "long" {
		t.Errorf("manager correction: %v", v)
	}
	if v := w.must(200, member, "GET", imp(fin)+"1/", ""); v["answers"].(map[string]any)["horizon"] != "long" {
		t.Errorf("after refused edit: %v", v)
	}
}

// TestPermissionMatrix runs every forms route as OWNER, ADMIN and MEMBER
// of Alpha and as Bravo's OWNER (another workspace: Alpha's forms are
// 404, Bravo's lists are its own).
func TestPermissionMatrix(t *testing.T) {
	w := newWorld(t)
	for i := 0; i < 3; i++ { // Bravo creates forms 1 and 2 below: keep Alpha's ids apart
		w.createUD(fmt.Sprintf("burn %d", i))
	}
	ud := w.createUD("Matrix")
	w.must(201, owner, "POST", fmt.Sprintf("/api/user-data-forms/%d/implementations/", ud), `{"user": 2, "answers": {"income": 1, "risk": "low"}}`)
	pf := w.createPref("Matrix", `["person_accredited", "company_non_accredited"]`, "required", true)
	w.must(201, owner, "POST", fmt.Sprintf("/api/investor-preference-forms/%d/implementations/", pf), `{"user": 2, "answers": {"horizon": "long"}}`)
	fresh := map[string]func() int64{
		"/api/user-data-forms/":           func() int64 { return w.createUD("fresh") },
		"/api/investor-preference-forms/": func() int64 { return w.createPref("fresh", `["company_non_accredited"]`, "required", true) },
	}
	type want struct{ owner, admin, member, other int }
	cases := []struct {
		method, path, body string
		fresh              bool // a new form per call (its id replaces {id})
		want               want
	}{
		{"GET", "/", "", false, want{200, 200, 403, 200}},
		{"POST", "/", "", false, want{201, 201, 403, 201}},
		{"GET", "/data/", "", false, want{200, 200, 403, 200}},
		{"GET", "/{id}/", "", false, want{200, 200, 403, 404}},
		{"DELETE", "/{id}/", "", true, want{204, 204, 403, 404}},
		{"PATCH", "/{id}/state/", `{"enabled": true}`, false, want{200, 200, 403, 404}},
		{"POST", "/{id}/implementations/", `{"user": 2}`, true, want{201, 201, 403, 404}},
		{"GET", "/{id}/implementations/2/", "", false, want{200, 200, 403, 404}},
		{"PUT", "/{id}/implementations/2/", "", false, want{200, 200, 403, 404}},
		{"GET", "/enabled/", "", false, want{200, 200, 403, 200}},
		{"GET", "/enabled/me/", "", false, want{200, 200, 200, 200}},
		{"PATCH", "/{id}/classifications/", `{"classifications": ["person_accredited", "company_non_accredited"]}`, false, want{200, 200, 403, 404}},
		{"PATCH", "/{id}/editable/", `{"editable": true}`, false, want{200, 200, 403, 404}},
		{"PATCH", "/{id}/enforcement-type/", `{"enforcement_type": "required"}`, false, want{200, 200, 403, 404}},
	}
	covered := map[string]bool{}
	for _, prefix := range []string{"/api/user-data-forms", "/api/investor-preference-forms"} {
		for _, c := range cases {
			key := c.method + " " + prefix + strings.Replace(c.path, "/2/", "/{user}/", 1)
			if _, ok := routeKeys()[key]; !ok {
				continue // the route is the other kind's only
			}
			covered[key] = true
			for _, who := range []struct {
				user string
				want int
			}{{owner, c.want.owner}, {admin, c.want.admin}, {member, c.want.member}, {other, c.want.other}} {
				want := who.want
				if prefix == "/api/investor-preference-forms" && c.path == "/enabled/" && who.user == member {
					want = 200 // the caller's own gated list
				}
				id := ud
				if prefix == "/api/investor-preference-forms" {
					id = pf
				}
				if c.fresh {
					id = fresh[prefix+"/"]()
				}
				body := c.body
				if c.method == "POST" && c.path == "/" {
					body = `{"name": "m", "fields": [{"name": "a", "label": "A", "type": "text"}], "classifications": ["person_accredited"]}`
					if prefix == "/api/user-data-forms" {
						body = `{"name": "m", "fields": [{"name": "a", "label": "A", "type": "text"}]}`
					}
				}
				if c.method == "PUT" {
					body = `{"answers": {"income": 2, "risk": "high"}}`
					if prefix == "/api/investor-preference-forms" {
						body = `{"answers": {"horizon": "short"}}`
					}
				}
				target := prefix + strings.Replace(c.path, "{id}", fmt.Sprint(id), 1)
				rec := w.do(who.user, c.method, target, body)
				if rec.Code != want {
					t.Errorf("%s %s as %s: %d, want %d: %s", c.method, target, who.user, rec.Code, want, rec.Body)
				}
			}
		}
	}
	for key := range routeKeys() {
		if !covered[key] {
			t.Errorf("the matrix misses %s", key)
		}
	}
	// No credentials: 401 everywhere.
	for key := range routeKeys() {
		m, p, _ := strings.Cut(key, " ")
		p = strings.NewReplacer("{id}", "1", "{user}", "1").Replace(p)
		if rec := w.do("", m, p, "{}"); rec.Code != 401 {
			t.Errorf("%s %s without credentials: %d", m, p, rec.Code)
		}
	}
}

func routeKeys() map[string]bool {
	out := map[string]bool{}
	for _, r := range routes.ByFunction(forms.Function) {
		out[r.Key()] = true
	}
	return out
}

// Issue 11 (found by FuzzFormBodies' size property): within every per-field
// limit, a definition of multi-byte text (45 fields of 50 choices of 100
// "é") or answers whose text json.Marshal escapes ("<" is 6 bytes stored)
// passed validation and reached DynamoDB's 400 KB item limit: a 500. Both
// are 400s now, and nothing is stored.
func TestOversizeDefinitionAndAnswersAre400(t *testing.T) {
	w := newWorld(t)
	choices := make([]string, forms.MaxChoices)
	for i := range choices {
		choices[i] = fmt.Sprintf("%02d", i) + strings.Repeat("é", forms.MaxChoiceLen-2)
	}
	var fields []map[string]any
	for i := 0; i < 45; i++ {
		fields = append(fields, map[string]any{"name": fmt.Sprintf("f%d", i), "label": "L", "type": "choice", "choices": choices})
	}
	body, _ := json.Marshal(map[string]any{"name": "Huge", "fields": fields})
	rec := w.do(owner, "POST", "/api/user-data-forms/", string(body))
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), `"fields":["Ensure the form's fields take no more than`) {
		t.Fatalf("oversize definition (%d bytes): %d %.300s", len(body), rec.Code, rec.Body)
	}
	if v := w.must(200, owner, "GET", "/api/user-data-forms/", ""); count(v) != 0 {
		t.Errorf("a refused definition was stored: %v", v)
	}

	fields = nil
	answers := map[string]string{}
	for i := 0; i < forms.MaxFields; i++ {
		name := fmt.Sprintf("t%d", i)
		fields = append(fields, map[string]any{"name": name, "label": "L", "type": "text"})
		answers[name] = strings.Repeat("<", forms.MaxText)
	}
	body, _ = json.Marshal(map[string]any{"name": "Texts", "fields": fields})
	id := int64(w.must(201, owner, "POST", "/api/user-data-forms/", string(body))["id"].(float64))
	body, _ = json.Marshal(map[string]any{"user": 3, "answers": answers})
	target := fmt.Sprintf("/api/user-data-forms/%d/implementations/", id)
	rec = w.do(owner, "POST", target, string(body))
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), `{"answers":{"non_field_errors":["Ensure the answers take no more than`) {
		t.Fatalf("oversize answers (%d bytes): %d %.300s", len(body), rec.Code, rec.Body)
	}
	if v := w.must(200, owner, "GET", fmt.Sprintf("/api/user-data-forms/%d/", id), ""); v["implementation_count"] != 0.0 {
		t.Errorf("a refused assignment was stored: %v", v)
	}
}
