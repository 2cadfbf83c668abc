package offerings_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/offerings"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

type env struct {
	t   *testing.T
	srv *httptest.Server
	db  *store.DB
	ws  string
	key string
}

func newEnv(t *testing.T) *env {
	db := storetest.New(t)
	ctx := context.Background()
	w, err := db.WorkspaceNamed(ctx, "offerings-test")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PutMissing(ctx, w.ID, store.Objects{Issuers: []model.Issuer{{ID: 1}, {ID: 2}}}, nil); err != nil {
		t.Fatal(err)
	}
	deps := app.Deps{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	srv := httptest.NewServer(offerings.NewHandler(deps))
	t.Cleanup(srv.Close)
	k, err := auth.Mint(ctx, db, w.ID, auth.ScopeWorkspace, 0, true, "admin", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, srv: srv, db: db, ws: w.ID, key: k.Secret}
}

func (e *env) call(method, path, key, body string) (int, map[string]any, string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return res.StatusCode, m, strings.TrimSpace(string(b))
}

// TestOfferingWrites: create (incomplete), validation per regulation type,
// PATCH, open/pause/close and the API keys of an offering.
func TestOfferingWrites(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"missing", `{}`, 400, `{"issuer":["This field is required."],"name":["This field is required."],"type":["This field is required."]}`},
		{"unknown type", `{"issuer": 1, "name": "X", "type": "reg_z"}`, 400, `{"type":["\"reg_z\" is not a valid choice."]}`},
		{"reg cf over 5m", `{"issuer": 1, "name": "X", "type": "reg_cf", "maximum_amount_raised": "5000000.01"}`, 400, `227.100(a)(1)`},
		{"reg a over 75m", `{"issuer": 1, "name": "X", "type": "reg_a", "maximum_amount_raised": "75000000.01"}`, 400, `75000000.00`},
		{"506c non-accredited", `{"issuer": 1, "name": "X", "type": "reg_d_506c", "non_accredited_investors": true}`, 400, `230.506(c)(2)(ii)`},
		{"bad money", `{"issuer": 1, "name": "X", "type": "reg_a", "unit_price": "1.001", "min_investment_amount": "-1"}`, 400, `{"min_investment_amount":["Ensure this value is greater than or equal to 0."],"unit_price":["Ensure that there are no more than 2 decimal places."]}`},
		{"bad country and colour", `{"issuer": 1, "name": "X", "type": "reg_a", "investors_excluded_countries": ["USA"], "accent_color": "red"}`, 400, `"investors_excluded_countries":["\"USA\" is not a valid choice."]`},
		{"unknown issuer", `{"issuer": 9, "name": "X", "type": "reg_a"}`, 400, `{"issuer":["Invalid pk \"9\" - object does not exist."]}`},
	} {
		status, _, body := e.call("POST", "/api/offerings/", e.key, c.body)
		if status != c.status || !strings.Contains(body, c.want) {
			t.Errorf("%s: %d %s, want %d %s", c.name, status, body, c.status, c.want)
		}
	}
	status, o, body := e.call("POST", "/api/offerings/", e.key, `{"issuer": 1, "name": "Seed Round", "type": "reg_cf", "unit_price": "1.00", "deadline_date": "2030-01-31", "accent_color": "#1A2B3C"}`)
	if status != 201 || o["status"] != "incomplete" || o["slug"] != "seed-round" || o["unit_price"] != "1.00" {
		t.Fatalf("create = %d %s", status, body)
	}
	path := "/api/offerings/" + jsonNum(o["id"]) + "/"
	status, _, body = e.call("POST", path+"open/", e.key, ``)
	if status != 400 || !strings.Contains(body, `"maximum_amount_raised":["This field is required."]`) || !strings.Contains(body, `"minimum_amount_raised"`) {
		t.Errorf("open incomplete = %d %s", status, body)
	}
	status, o, body = e.call("PATCH", path, e.key, `{"maximum_amount_raised": "100000.00", "minimum_amount_raised": "10000.00", "min_investment_amount": "100.00", "reg_cf_fee_percentage": "6.00", "signing_full_name": "G", "signing_email": "g@example.com", "auto_accept_investments": true, "auto_accept_max_amount": "5000.00", "investors_excluded_countries": ["FR"], "daily_summary_emails": true}`)
	if status != 200 || o["auto_accept_max_amount"] != "5000.00" || o["daily_summary_emails"] != true {
		t.Fatalf("patch = %d %s", status, body)
	}
	if status, o, body = e.call("POST", path+"open/", e.key, ``); status != 200 || o["status"] != "opened" || o["opened_at"] == nil {
		t.Fatalf("open = %d %s", status, body)
	}
	if status, _, body = e.call("POST", path+"open/", e.key, ``); status != 409 || body != `{"detail":"Cannot open an offering whose status is opened."}` {
		t.Errorf("open twice = %d %s", status, body)
	}
	if status, _, body = e.call("PATCH", path, e.key, `{"type": "reg_a"}`); status != 400 {
		t.Errorf("type change while open = %d %s", status, body)
	}
	if status, o, _ = e.call("POST", path+"pause/", e.key, ``); status != 200 || o["status"] != "paused" {
		t.Errorf("pause = %d %v", status, o)
	}

	// API keys: mint (shown once), list (masked), use, revoke.
	status, k, body := e.call("POST", path+"api-keys/", e.key, `{"name": "integration", "write": false}`)
	secret, _ := k["key"].(string)
	if status != 201 || secret == "" || k["scope"] != "offering" || k["write"] != false {
		t.Fatalf("mint = %d %s", status, body)
	}
	if fmt.Sprint(k["scopes"]) != "[]" {
		t.Errorf("a key minted without scopes shows %v", k["scopes"])
	}
	// Named scopes (issue 13): listed with the key; unknown ones are a 400.
	if status, sk, body := e.call("POST", path+"api-keys/", e.key, `{"name": "profiles", "scopes": ["accounts.read"]}`); status != 201 || fmt.Sprint(sk["scopes"]) != "[accounts.read]" {
		t.Fatalf("mint with scopes = %d %s", status, body)
	}
	if status, _, body := e.call("POST", path+"api-keys/", e.key, `{"scopes": ["accounts.admin"]}`); status != 400 || !strings.Contains(body, "scopes") {
		t.Fatalf("mint with an unknown scope = %d %s", status, body)
	}
	status, list, body := e.call("GET", path+"api-keys/", e.key, ``)
	if status != 200 || strings.Contains(body, secret) || !strings.Contains(body, `"masked"`) || list["count"].(float64) != 2 {
		t.Fatalf("list = %d %s", status, body)
	}
	if status, _, _ := e.call("GET", path, secret, ``); status != 200 {
		t.Errorf("the new key cannot read its offering: %d", status)
	}
	if status, _, _ := e.call("PATCH", path, secret, `{"name": "x"}`); status != 403 {
		t.Errorf("a read key wrote: %d", status)
	}
	_, _, body = e.call("GET", path+"api-keys/", e.key, ``)
	if !strings.Contains(body, `"last_used_at":"`) {
		t.Errorf("last use not shown: %s", body)
	}
	keyID := k["key_id"].(string)
	if status, _, body := e.call("DELETE", path+"api-keys/?key_id=nope", e.key, ``); status != 404 {
		t.Errorf("revoke unknown = %d %s", status, body)
	}
	if status, _, body := e.call("DELETE", path+"api-keys/", e.key, `{"key_id": "`+keyID+`"}`); status != 204 {
		t.Errorf("revoke = %d %s", status, body)
	}
	if status, _, _ := e.call("GET", path, secret, ``); status != 401 {
		t.Errorf("revoked key still works: %d", status)
	}
	// An offering key cannot create offerings; an issuer key creates under its issuer only.
	ok, _ := auth.Mint(context.Background(), e.db, e.ws, auth.ScopeOffering, 1, true, "", time.Now())
	if status, _, body := e.call("POST", "/api/offerings/", ok.Secret, `{"name": "Y", "type": "reg_a"}`); status != 403 {
		t.Errorf("offering key created an offering: %d %s", status, body)
	}
	ik, _ := auth.Mint(context.Background(), e.db, e.ws, auth.ScopeIssuer, 2, true, "", time.Now())
	if status, o, body := e.call("POST", "/api/offerings/", ik.Secret, `{"name": "Y", "type": "reg_a"}`); status != 201 || o["issuer"].(float64) != 2 {
		t.Errorf("issuer key create = %d %s", status, body)
	}
	if status, _, _ := e.call("PATCH", path, ik.Secret, `{"name": "stolen"}`); status != 404 {
		t.Errorf("issuer 2 key patched issuer 1's offering: %d", status)
	}
	trail, _ := e.db.AuditTrail(context.Background(), e.ws, "OFFERING", int64(o["id"].(float64)))
	if len(trail) == 0 {
		t.Errorf("no audit trail for the offering")
	}
}

func jsonNum(v any) string { b, _ := json.Marshal(v); return string(b) }
