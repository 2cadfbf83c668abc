package readmodel_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/importer"
	"github.com/tranche-dev/tranche/pkg/importer/sample"
	"github.com/tranche-dev/tranche/pkg/investments"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/offerings"
	"github.com/tranche-dev/tranche/pkg/readmodel"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
	"github.com/tranche-dev/tranche/pkg/users"
)

// process is one function instance: its own store.DB, so its own read
// model cache (readmodel.Of is per DB), over the shared table.
type process struct {
	db  *store.DB
	mux *http.ServeMux
}

func newProcess(shared *store.DB) *process {
	db := store.New(shared.Client(), shared.Name())
	deps := app.Deps{DB: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	mux.Handle("/api/investments/", investments.NewHandler(deps))
	mux.Handle("/api/offerings/", offerings.NewHandler(deps))
	mux.Handle("/api/users/", users.NewHandler(deps))
	return &process{db: db, mux: mux}
}

var planRead = regexp.MustCompile(`read=(\d+);`)

// get answers path for key: the decoded body and the items read.
func (p *process) get(t *testing.T, key, path string) (map[string]any, int) {
	t.Helper()
	req := httptest.NewRequest("GET", path, nil)
	req.Header.Set("Authorization", key)
	rec := httptest.NewRecorder()
	p.mux.ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
	}
	var body map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil {
		t.Fatal(err)
	}
	m := planRead.FindStringSubmatch(rec.Header().Get(store.PlanHeader))
	if m == nil {
		t.Fatalf("GET %s: no plan header", path)
	}
	n, _ := strconv.Atoi(m[1])
	return body, n
}

func ids(body map[string]any) []int64 {
	var out []int64
	for _, r := range body["results"].([]any) {
		out = append(out, int64(r.(map[string]any)["id"].(float64)))
	}
	return out
}

// TestTenancyAndFreshness: two workspaces holding the same sample in one
// table, served by two processes. Each key sees its own workspace and
// scope only; a write through one process is listed by the other at once
// (read-your-writes through the change feed); with nothing written, a
// warm list reads nothing.
func TestTenancyAndFreshness(t *testing.T) {
	shared := storetest.New(t)
	ctx := context.Background()
	for _, ws := range []string{"alpha", "beta"} {
		d, err := importer.Parse(sample.JSON)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := importer.Write(ctx, shared, ws, d, nil); err != nil {
			t.Fatal(err)
		}
	}
	mint := func(ws string, sc auth.Scope, id int64) string {
		k, err := auth.Mint(ctx, shared, ws, sc, id, false, "t", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return k.Secret
	}
	alpha, beta := mint("alpha", auth.ScopeWorkspace, 0), mint("beta", auth.ScopeWorkspace, 0)
	alphaOff2, alphaIssuer1 := mint("alpha", auth.ScopeOffering, 2), mint("alpha", auth.ScopeIssuer, 1)

	p1, p2 := newProcess(shared), newProcess(shared)

	// Scopes: an offering key lists its offering's investments, an issuer
	// key its issuer's offerings, each from the same read model.
	all, _ := p1.get(t, alpha, "/api/investments/?page_size=1000")
	off2, _ := p1.get(t, alphaOff2, "/api/investments/?page_size=1000")
	iss1, _ := p1.get(t, alphaIssuer1, "/api/offerings/?page_size=1000")
	if all["count"].(float64) != 300 {
		t.Fatalf("alpha: %v investments", all["count"])
	}
	for _, r := range off2["results"].([]any) {
		if r.(map[string]any)["offering"].(float64) != 2 {
			t.Errorf("offering-2 key listed %v", r)
		}
	}
	for _, r := range iss1["results"].([]any) {
		if r.(map[string]any)["issuer"].(float64) != 1 {
			t.Errorf("issuer-1 key listed %v", r)
		}
	}
	if off2["count"].(float64) == 0 || off2["count"].(float64) >= 300 || iss1["count"].(float64) == 0 {
		t.Fatalf("scoped counts: offering %v, issuer %v", off2["count"], iss1["count"])
	}

	// A write in alpha through p2's store: p1 lists it at once; beta, in
	// both processes, does not.
	email := "new.issuer.user@example.com"
	u := &model.User{Email: email, ThirdPartyIssuerEmail: &email, DateJoined: model.NewTime(time.Now()), IsActive: true}
	if err := p2.db.CreateUser(ctx, "alpha", u); err != nil {
		t.Fatal(err)
	}
	for name, p := range map[string]*process{"p1": p1, "p2": p2} {
		a, _ := p.get(t, alpha, fmt.Sprintf("/api/users/?id=%d", u.ID))
		if a["count"].(float64) != 1 {
			t.Errorf("%s: alpha's new user not listed: %v", name, a)
		}
		b, _ := p.get(t, beta, fmt.Sprintf("/api/users/?search=%s", email))
		if b["count"].(float64) != 0 {
			t.Errorf("%s: beta lists alpha's user: %v", name, b)
		}
	}

	// An offering renamed through p1 is listed renamed by p2.
	o, ver, err := p1.db.OfferingForWrite(ctx, "alpha", 2)
	if err != nil {
		t.Fatal(err)
	}
	o.Name = "Renamed in alpha"
	if err := p1.db.UpdateOffering(ctx, "alpha", o, ver, "", "", "test", time.Now()); err != nil {
		t.Fatal(err)
	}
	got, _ := p2.get(t, alpha, "/api/offerings/?search=Renamed")
	if fmt.Sprint(ids(got)) != "[2]" {
		t.Errorf("p2 after the rename: %v", ids(got))
	}
	if got, _ := p2.get(t, beta, "/api/offerings/?search=Renamed"); got["count"].(float64) != 0 {
		t.Errorf("beta sees alpha's rename: %v", got)
	}

	// Warm and unchanged: nothing is read, on page 1 or the last.
	for _, path := range []string{"/api/investments/", "/api/investments/?page=15", "/api/investments/?search=smith&ordering=-amount"} {
		p1.get(t, alpha, path)
		if _, n := p1.get(t, alpha, path); n != 0 {
			t.Errorf("warm %s read %d items", path, n)
		}
	}

	// Both processes hold both workspaces; forgetting one rebuilds it on
	// the next request, and that request says what it read.
	readmodel.Of(p1.db).Forget("beta")
	if _, n := p1.get(t, beta, "/api/investments/"); n < 300 {
		t.Errorf("a cold build of beta read %d items", n)
	}
}

// TestEviction: a limit smaller than one workspace keeps only the one
// being served.
func TestEviction(t *testing.T) {
	shared := storetest.New(t)
	ctx := context.Background()
	for _, ws := range []string{"one", "two"} {
		d, _ := importer.Parse(sample.JSON)
		if _, err := importer.Write(ctx, shared, ws, d, nil); err != nil {
			t.Fatal(err)
		}
	}
	p := newProcess(shared)
	c := readmodel.Of(p.db)
	c.SetLimit(1)
	for _, ws := range []string{"one", "two"} {
		k, err := auth.Mint(ctx, shared, ws, auth.ScopeWorkspace, 0, false, "t", time.Now())
		if err != nil {
			t.Fatal(err)
		}
		p.get(t, k.Secret, "/api/investments/")
	}
	if got := fmt.Sprint(c.Workspaces()); got != "[two]" {
		t.Errorf("held after serving one then two: %s", got)
	}
	if c.Bytes() <= 0 {
		t.Error("no size estimate")
	}
}
