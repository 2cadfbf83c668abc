package investors_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/investors"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// TestInvestorWrites: create a person and a company with their entities,
// nested DRF errors, PATCH of KYC and accreditation.
func TestInvestorWrites(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	w, err := db.WorkspaceNamed(ctx, "investors-test")
	if err != nil {
		t.Fatal(err)
	}
	u := &model.User{Email: "owner@example.com", DateJoined: model.NewTime(time.Now())}
	if err := db.CreateUser(ctx, w.ID, u); err != nil {
		t.Fatal(err)
	}
	deps := app.Deps{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	srv := httptest.NewServer(investors.NewHandler(deps))
	defer srv.Close()
	k, _ := auth.Mint(ctx, db, w.ID, auth.ScopeWorkspace, 0, true, "", time.Now())
	call := func(method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", k.Secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, strings.TrimSpace(string(b))
	}
	user := jsonNum(u.ID)
	for _, c := range []struct {
		name, body string
		status     int
		want       string
	}{
		{"missing", `{}`, 400, `{"entity":["This field is required."],"type":["This field is required."],"user":["This field is required."]}`},
		{"nested errors", `{"user": ` + user + `, "type": "person", "entity": {"kyc_status": "verified", "net_worth": "1.234", "country": "USA", "email": "x@"}}`, 400,
			`{"entity":{"country":["\"USA\" is not a valid choice."],"email":["Enter a valid email address."],"first_name":["This field is required."],"kyc_status":["\"verified\" is not a valid choice."],"last_name":["This field is required."],"net_worth":["Ensure that there are no more than 2 decimal places."]}}`},
		{"unknown type", `{"user": ` + user + `, "type": "robot", "entity": {}}`, 400, `{"type":["\"robot\" is not a valid choice."]}`},
		{"unknown user", `{"user": 999, "type": "company", "entity": {}}`, 400, `{"user":["Invalid pk \"999\" - object does not exist."]}`},
	} {
		status, body := call("POST", "/api/investors/", c.body)
		if status != c.status || body != c.want {
			t.Errorf("%s: %d %s, want %d %s", c.name, status, body, c.status, c.want)
		}
	}
	status, body := call("POST", "/api/investors/", `{"user": `+user+`, "type": "person", "entity": {"first_name": "Ada", "last_name": "Lovelace", "kyc_status": "processing", "annual_income": "90000.00", "net_worth": "150000", "country": "GB", "us_person": false, "amount_invested_in_reg_cf_offering_this_year_other_platforms": "1200.00"}}`)
	var v map[string]any
	_ = json.Unmarshal([]byte(body), &v)
	ent, _ := v["entity"].(map[string]any)
	if status != 201 || ent == nil || ent["kyc_status"] != "processing" || ent["net_worth"] != "150000.00" || v["individual_entity"] == nil {
		t.Fatalf("create person = %d %s", status, body)
	}
	path := "/api/investors/" + jsonNum(v["id"]) + "/"
	status, body = call("PATCH", path, `{"entity": {"kyc_status": "passed", "accredited_investor": true, "accredited_investor_type": "net_worth"}, "receive_sms": true}`)
	if status != 200 || !strings.Contains(body, `"kyc_status":"passed"`) || !strings.Contains(body, `"accredited_investor":true`) {
		t.Fatalf("patch = %d %s", status, body)
	}
	status, body = call("POST", "/api/investors/", `{"user": `+user+`, "type": "company", "entity": {"email": "finance@acme.example.com", "country": "US"}, "individual_entity": {"first_name": "Ada", "last_name": "Lovelace"}}`)
	if status != 201 || !strings.Contains(body, `"type":"company"`) || !strings.Contains(body, `"first_name":"Ada"`) {
		t.Fatalf("create company = %d %s", status, body)
	}
}

func jsonNum(v any) string { b, _ := json.Marshal(v); return string(b) }

// Issue 11, finding 5: a tax id given with a '*' ("987-65-4321*") was
// stored as given and rendered in full. It is stored as its digits and
// always rendered masked (investments show it: model's
// TestTaxIDAlwaysMasked), on create and on PATCH.
func TestTaxIDStoredAsDigitsAndMasked(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	w, err := db.WorkspaceNamed(ctx, "taxid-test")
	if err != nil {
		t.Fatal(err)
	}
	u := &model.User{Email: "tax@example.com", DateJoined: model.NewTime(time.Now())}
	if err := db.CreateUser(ctx, w.ID, u); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(investors.NewHandler(app.Deps{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}))
	defer srv.Close()
	k, _ := auth.Mint(ctx, db, w.ID, auth.ScopeWorkspace, 0, true, "", time.Now())
	call := func(method, path, body string) (int, string) {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Authorization", k.Secret)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	status, body := call("POST", "/api/investors/", `{"user": `+jsonNum(u.ID)+`, "type": "person", "entity": {"first_name": "Ada", "last_name": "Lovelace", "tax_id_number": "987-65-4321*"}}`)
	if status != 201 || strings.Contains(body, "987") {
		t.Fatalf("create = %d %s", status, body)
	}
	var v struct{ ID int64 }
	_ = json.Unmarshal([]byte(body), &v)
	stored := func() string {
		_, e, _, err := db.InvestorForWrite(ctx, w.ID, v.ID)
		if err != nil || e == nil || e.TaxIDNumber == nil {
			t.Fatalf("read back: %v %+v", err, e)
		}
		return string(*e.TaxIDNumber)
	}
	if got := stored(); got != "987654321" {
		t.Errorf("stored %q", got)
	}
	path := "/api/investors/" + jsonNum(v.ID) + "/"
	status, body = call("PATCH", path, `{"entity": {"tax_id_number": "*12-3456789"}}`)
	if status != 200 || strings.Contains(body, "3456789") {
		t.Fatalf("patch = %d %s", status, body)
	}
	if got := stored(); got != "123456789" || model.TaxID(got).Masked() != "***-**-6789" {
		t.Errorf("stored after PATCH %q", got)
	}
}
