package documents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/httpapi"
)

var testKey = []byte("test-link-key-0123456789abcdef-0123456789")

// signingWorld renders profile 11's W-9 and serves the signing page.
func signingWorld(t *testing.T) (*Worker, *Page, *httptest.Server, *time.Time) {
	t.Helper()
	ctx := context.Background()
	w := newWorker(t)
	if err := w.DB.PutW9Job(ctx, "ws1", individual(11, 1, "Katherine Johnson"), t0); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Process(ctx, "ws1", 11); err != nil {
		t.Fatal(err)
	}
	p := NewPage(w.DB, w.Blobs, w.Log, testKey)
	now := t0.Add(time.Hour)
	p.Now = func() time.Time { return now }
	srv := httptest.NewServer(httpapi.Wrap(p.Handler(), w.Log))
	t.Cleanup(srv.Close)
	return w, p, srv, &now
}

func fetch(t *testing.T, method, u string, form url.Values) (int, http.Header, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, _ := http.NewRequest(method, u, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestSigningThroughTheEmbedLink(t *testing.T) {
	w, p, srv, now := signingWorld(t)
	st := state(t, w, "ws1", 11)
	link := EmbedLink(srv.URL, "ws1", 11, st.ShareUUID, *now)
	if !strings.HasPrefix(link, srv.URL+"/api/documents/w9/") {
		t.Fatalf("link %q", link)
	}

	code, h, page := fetch(t, "GET", link, nil)
	if code != 200 || !strings.Contains(page, `<form method="post">`) || !strings.Contains(page, st.SHA256) {
		t.Fatalf("GET = %d\n%s", code, page)
	}
	frame := regexp.MustCompile(`<iframe src="([^"]+)"`).FindStringSubmatch(page)
	if frame == nil {
		t.Fatalf("the page embeds no document:\n%s", page)
	}
	src, err := url.Parse(html.UnescapeString(frame[1]))
	if err != nil || !strings.HasSuffix(src.Path, "/w9/ws1/11/1.pdf") {
		t.Fatalf("frame src %q", frame[1])
	}
	csp := h.Get("Content-Security-Policy")
	if !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-src "+src.Scheme+"://"+src.Host) || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
	// The document shown is the one whose hash the form carries.
	resp, err := http.Get(src.String())
	if err != nil {
		t.Fatal(err)
	}
	shown, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if sum := sha256.Sum256(shown); resp.StatusCode != 200 || hex.EncodeToString(sum[:]) != st.SHA256 {
		t.Fatalf("the framed document (%d, %d bytes) is not the one hashed", resp.StatusCode, len(shown))
	}
	if !contains(pdfText(t, shown), "Katherine Johnson") {
		t.Errorf("the framed document does not show the name")
	}

	// Refused forms change nothing.
	for _, bad := range []url.Values{
		{"name": {"Katherine Johnson"}, "sha256": {st.SHA256}},                                   // no consent
		{"name": {"  "}, "consent": {"yes"}, "sha256": {st.SHA256}},                              // no name
		{"name": {strings.Repeat("a", 201)}, "consent": {"yes"}, "sha256": {st.SHA256}},          // too long
		{"name": {"<script>alert(1)</script>"}, "consent": {"yes"}, "sha256": {"zz"}},            // no hash
		{"name": {"Katherine Johnson"}, "consent": {"yes"}, "sha256": {strings.Repeat("0", 64)}}, // another document
	} {
		code, _, page := fetch(t, "POST", link, bad)
		if code != 400 && code != 409 {
			t.Errorf("POST %v = %d", bad, code)
		}
		if strings.Contains(page, "<script>alert") {
			t.Errorf("the page echoes markup unescaped")
		}
	}
	if got := state(t, w, "ws1", 11); got.SignedAt != nil {
		t.Fatalf("a refused form signed: %+v", got)
	}

	code, _, page = fetch(t, "POST", link, url.Values{"name": {"Katherine  Johnson"}, "consent": {"yes"}, "sha256": {st.SHA256}})
	if code != 200 || !strings.Contains(page, "Signed by <strong>Katherine Johnson</strong>") || strings.Contains(page, "<form") {
		t.Fatalf("POST = %d\n%s", code, page)
	}
	signed := state(t, w, "ws1", 11)
	if signed.SignedAt == nil || !signed.SignedAt.Equal(*now) || *signed.SignerName != "Katherine Johnson" ||
		*signed.SignedHash != st.SHA256 || *signed.SignerIP != "127.0.0.1" {
		t.Errorf("signed state %+v", signed)
	}

	// Signed: the page shows it; a second signature is refused.
	if code, _, page := fetch(t, "GET", link, nil); code != 200 || !strings.Contains(page, "Form W-9 (signed)") {
		t.Errorf("GET after signing = %d", code)
	}
	if code, _, _ := fetch(t, "POST", link, url.Values{"name": {"Mallory"}, "consent": {"yes"}, "sha256": {st.SHA256}}); code != 409 {
		t.Errorf("second POST = %d", code)
	}
	if got := state(t, w, "ws1", 11); *got.SignerName != "Katherine Johnson" {
		t.Errorf("second POST changed the signer: %q", *got.SignerName)
	}
	_ = p
}

func TestSigningLinksThatDoNotOpen(t *testing.T) {
	w, p, srv, now := signingWorld(t)
	st := state(t, w, "ws1", 11)
	link := EmbedLink(srv.URL, "ws1", 11, st.ShareUUID, *now)
	form := url.Values{"name": {"Eve"}, "consent": {"yes"}, "sha256": {st.SHA256}}
	token := strings.TrimSuffix(strings.TrimPrefix(link, srv.URL+signPath), "/")
	parts := strings.Split(token, ".")
	flip := func(s string) string {
		if s[0] == 'A' {
			return "B" + s[1:]
		}
		return "A" + s[1:]
	}
	mk := func(p []string) string { return srv.URL + signPath + strings.Join(p, ".") + "/" }
	cases := map[string]struct {
		url  string
		want int
	}{
		"forged MAC":       {mk([]string{parts[0], parts[1], parts[2], parts[3], flip(parts[4])}), 404},
		"other profile":    {mk([]string{parts[0], "12", parts[2], parts[3], parts[4]}), 404},
		"stretched expiry": {mk([]string{parts[0], parts[1], parts[2], "9999999999", parts[4]}), 404},
		"garbage":          {srv.URL + signPath + "nothing/", 404},
		"another key":      {EmbedLinkWithKey([]byte("another-key-another-key-another-key!"), srv.URL, "ws1", 11, st.ShareUUID, *now), 404},
		"unknown share":    {EmbedLink(srv.URL, "ws1", 11, "4b0c1b7e-0000-4000-8000-000000000000", *now), 404},
		"no W-9 yet":       {EmbedLink(srv.URL, "ws1", 12, st.ShareUUID, *now), 404},
		"expired":          {EmbedLink(srv.URL, "ws1", 11, st.ShareUUID, now.Add(-LinkTTL-time.Second)), 403},
	}
	for name, c := range cases {
		for _, m := range []string{"GET", "POST"} {
			var f url.Values
			if m == "POST" {
				f = form
			}
			if code, _, _ := fetch(t, m, c.url, f); code != c.want {
				t.Errorf("%s %s = %d, want %d", m, name, code, c.want)
			}
		}
	}
	if got := state(t, w, "ws1", 11); got.SignedAt != nil {
		t.Errorf("a refused link signed: %+v", got)
	}
	_ = p
}

// A browser gets the page with the problem; an API client DRF's JSON; an
// app may sign with a JSON body.
func TestSigningPageNegotiatesErrorsAndTakesJSON(t *testing.T) {
	w, _, srv, now := signingWorld(t)
	st := state(t, w, "ws1", 11)
	expired := EmbedLink(srv.URL, "ws1", 11, st.ShareUUID, now.Add(-LinkTTL-time.Second))
	req, _ := http.NewRequest("GET", expired, nil)
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 403 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(b), "expired") {
		t.Errorf("browser, expired link: %d %s\n%s", resp.StatusCode, resp.Header.Get("Content-Type"), b)
	}

	link := EmbedLink(srv.URL, "ws1", 11, st.ShareUUID, *now)
	post := func(body string) (int, string) {
		req, _ := http.NewRequest("POST", link, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := post(`{"name": "A\u0000B", "consent": false, "sha256": "x"}`); code != 400 ||
		!strings.Contains(body, `"name":["Null characters are not allowed."]`) || !strings.Contains(body, `"consent"`) || !strings.Contains(body, `"sha256"`) {
		t.Errorf("bad JSON form: %d %s", code, body)
	}
	if code, body := post(`{"name": "Mary Jackson", "consent": true, "sha256": "` + st.SHA256 + `"}`); code != 200 || !strings.Contains(body, "Signed by <strong>Mary Jackson</strong>") {
		t.Errorf("JSON signature: %d %s", code, body)
	}
	if got := state(t, w, "ws1", 11); got.SignerName == nil || *got.SignerName != "Mary Jackson" {
		t.Errorf("state %+v", got)
	}
}
