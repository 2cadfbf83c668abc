package schema

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestReferencePages: both pages are HTML that load only files this
// function serves (no CDN), and each of those files is served with its
// media type.
func TestReferencePages(t *testing.T) {
	h := newHandler()
	src := regexp.MustCompile(`(?:src|href|spec-url|url:)\s*=?\s*"([^"]+)"`)
	for _, page := range []string{"/api/schema/swagger-ui/", "/api/schema/redoc/"} {
		rec := get(t, h, page, nil)
		if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/html") {
			t.Fatalf("%s: %d %s", page, rec.Code, rec.Header().Get("Content-Type"))
		}
		refs := src.FindAllStringSubmatch(rec.Body.String(), -1)
		if len(refs) < 2 {
			t.Fatalf("%s refers to %v", page, refs)
		}
		for _, m := range refs {
			ref := m[1]
			if strings.Contains(ref, "//") {
				t.Errorf("%s loads %s from another host", page, ref)
				continue
			}
			target := resolve(page, ref)
			res := get(t, h, target, nil)
			if res.Code != http.StatusOK {
				t.Errorf("%s: %s → %s: %d", page, ref, target, res.Code)
			}
		}
	}
	for name, ctype := range uiAssets {
		rec := get(t, h, "/api/schema/ui/"+name, nil)
		if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != ctype || rec.Body.Len() < 10000 {
			t.Errorf("%s: %d %q %d bytes", name, rec.Code, rec.Header().Get("Content-Type"), rec.Body.Len())
		}
	}
	for _, bad := range []string{"VERSIONS", "redoc.LICENSE", "..%2Fui.go", "nope.js"} {
		if rec := get(t, h, "/api/schema/ui/"+bad, nil); rec.Code != http.StatusNotFound {
			t.Errorf("ui/%s: %d, want 404", bad, rec.Code)
		}
	}
}

// resolve resolves a relative reference against a page path, as the
// browser does.
func resolve(page, ref string) string {
	base, _ := url.Parse(page)
	u, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	return base.ResolveReference(u).RequestURI()
}

// TestUIFilesMatchLockfile: the committed files are those of the npm
// packages package-lock.json pins (run `make ui` after bumping them).
// Skipped without node_modules.
func TestUIFilesMatchLockfile(t *testing.T) {
	root := filepath.Join("..", "..")
	lock, err := os.ReadFile(filepath.Join(root, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	var l struct {
		Packages map[string]struct{ Version string } `json:"packages"`
	}
	if err := json.Unmarshal(lock, &l); err != nil {
		t.Fatal(err)
	}
	versions, err := os.ReadFile(filepath.Join("ui", "VERSIONS"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"swagger-ui-dist", "redoc"} {
		want := l.Packages["node_modules/"+pkg].Version
		if want == "" || !strings.Contains(string(versions), want+" "+pkg+"\n") {
			t.Errorf("ui/VERSIONS %q, lockfile %s %s: run make ui", versions, pkg, want)
		}
	}
	for committed, installed := range map[string]string{
		"swagger-ui-bundle.js": "swagger-ui-dist/swagger-ui-bundle.js",
		"swagger-ui.css":       "swagger-ui-dist/swagger-ui.css",
		"redoc.standalone.js":  "redoc/bundles/redoc.standalone.js",
	} {
		b, err := os.ReadFile(filepath.Join(root, "node_modules", installed))
		if os.IsNotExist(err) {
			t.Skip("no node_modules: npm ci first")
		} else if err != nil {
			t.Fatal(err)
		}
		have, err := uiFiles.ReadFile("ui/" + committed)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, have) {
			t.Errorf("ui/%s differs from node_modules/%s: run make ui", committed, installed)
		}
	}
}
