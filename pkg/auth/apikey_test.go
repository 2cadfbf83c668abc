package auth_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/routes"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// Issue 11, finding 2: a key whose workspace part is too long for a
// partition key answered 500. Every malformed key is DRF's 401 "Invalid API
// key." before any DynamoDB call: the same cases pass with no store at all
// (a call would panic on the nil *store.DB).
func TestMalformedAPIKeysAre401(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	w, err := db.CreateWorkspace(ctx, store.WorkspaceFields{Name: "Keys"})
	if err != nil {
		t.Fatal(err)
	}
	k, err := auth.Mint(ctx, db, w.ID, auth.ScopeWorkspace, 0, false, "", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	secret := k.Secret[strings.LastIndexByte(k.Secret, '_')+1:]
	malformed := map[string]string{
		"long workspace":           "tk_" + strings.Repeat("9", 2100) + "_" + secret,
		"workspace just too long":  "tk_" + strings.Repeat("9", 65) + "_" + secret,
		"workspace with a slash":   "tk_" + w.ID + "/x_" + secret,
		"workspace with NUL":       "tk_" + w.ID + "\x00_" + secret,
		"workspace with non-ASCII": "tk_é" + w.ID + "_" + secret,
		"short secret":             "tk_" + w.ID + "_" + secret[:51],
		"long secret":              "tk_" + w.ID + "_" + secret + "a",
		"huge secret":              "tk_" + w.ID + "_" + strings.Repeat("a", 5000),
		"secret upper case":        "tk_" + w.ID + "_" + strings.ToUpper(secret),
		"secret not base32":        "tk_" + w.ID + "_" + secret[:51] + "1",
		"no secret":                "tk_" + w.ID + "_",
		"no workspace":             "tk__" + secret,
		"no prefix":                w.ID + "_" + secret,
	}
	for _, db := range []*store.DB{db, nil} {
		a := &auth.Authenticator{DB: db}
		h := a.For(routes.Route{Auth: routes.AuthKeyOrJWT}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
		for name, key := range malformed {
			for _, header := range []string{key, "Api-Key " + key} {
				req := httptest.NewRequest("GET", "/x/", nil)
				req.Header.Set("Authorization", header)
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != 401 || rec.Body.String() != `{"detail":"Invalid API key."}`+"\n" || rec.Header().Get("WWW-Authenticate") != "Api-Key" {
					t.Errorf("%s (store %v): %d %s", name, db != nil, rec.Code, rec.Body)
				}
			}
		}
	}
	// The well-formed key still opens its workspace, in both schemes.
	a := &auth.Authenticator{DB: db}
	h := a.For(routes.Route{Auth: routes.AuthKeyOrJWT}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	for _, header := range []string{k.Secret, "Api-Key " + k.Secret} {
		req := httptest.NewRequest("GET", "/x/", nil)
		req.Header.Set("Authorization", header)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Errorf("valid key: %d %s", rec.Code, rec.Body)
		}
	}
	if _, err := auth.Mint(ctx, db, strings.Repeat("9", 65), auth.ScopeWorkspace, 0, false, "", time.Now()); err == nil {
		t.Error("minted a key for a workspace no key can name")
	}
}
