package profiles_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/blob/blobtest"
	"github.com/tranche-dev/tranche/pkg/documents"
)

// TestW9EndToEnd follows one profile's W-9 through both halves of the
// pipeline: POST /api/profiles writes the job, the documents worker
// renders it to S3, the share link answers the signed embed link, the
// signing page records the signature, and the profile then shows it signed.
func TestW9EndToEnd(t *testing.T) {
	w, h := newWorld(t, app.RateLimit{Burst: 1000, Per: time.Minute})
	ctx := context.Background()
	deps := w.deps
	deps.Blobs = blobtest.New(t)

	rec := h.serve("POST", "/api/profiles", w.keys["write"], individual)
	if rec.Code != 200 {
		t.Fatalf("create: %d %s", rec.Code, rec.Body)
	}
	id := int64(decode(t, rec)["id"].(float64))
	share := fmt.Sprintf("/api/profiles/%d/document-share-link", id)
	if rec := h.serve("GET", share, w.keys["read"], ""); rec.Code != 409 {
		t.Fatalf("share link before rendering: %d %s", rec.Code, rec.Body)
	}

	worker, err := documents.NewWorker(deps)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := worker.Process(ctx, w.ws.ID, id); err != nil {
		t.Fatal(err)
	}
	st, err := w.db.W9State(ctx, w.ws.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	rc, err := deps.Blobs.Get(ctx, st.ObjectKey)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(rc)
	rc.Close()
	if sum := sha256.Sum256(pdf); !strings.HasPrefix(string(pdf), "%PDF-") || hex.EncodeToString(sum[:]) != st.SHA256 {
		t.Fatalf("the stored PDF (%d bytes) is not the one the state names", len(pdf))
	}

	rec = h.serve("GET", share, w.keys["read"], "")
	link := decode(t, rec)
	embed, _ := link["embed_link"].(string)
	if rec.Code != 200 || link["share_uuid"] != st.ShareUUID || !strings.HasPrefix(embed, "http://example.com/api/documents/w9/") {
		t.Fatalf("share link: %d %s", rec.Code, rec.Body)
	}
	page, err := documents.NewHandler(deps)
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(embed, "http://example.com")
	get := httptest.NewRequest("GET", path, nil)
	get.Header.Set("Accept", "text/html")
	out := httptest.NewRecorder()
	page.ServeHTTP(out, get)
	if out.Code != 200 || !strings.Contains(out.Body.String(), st.SHA256) {
		t.Fatalf("signing page: %d %s", out.Code, out.Body)
	}
	post := httptest.NewRequest("POST", path, strings.NewReader(`{"name": "Ada Lovelace", "consent": true, "sha256": "`+st.SHA256+`"}`))
	post.Header.Set("Content-Type", "application/json")
	out = httptest.NewRecorder()
	page.ServeHTTP(out, post)
	if out.Code != 200 {
		t.Fatalf("sign: %d %s", out.Code, out.Body)
	}
	tsd := decode(t, h.serve("GET", fmt.Sprintf("/api/profiles/%d", id), w.keys["read"], ""))["tax_status_documentation"].(map[string]any)
	if tsd["status"] != "signed" || tsd["share_uuid"] != st.ShareUUID {
		t.Fatalf("after signing: %v", tsd)
	}
}
