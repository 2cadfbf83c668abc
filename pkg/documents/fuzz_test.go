package documents

import (
	"bytes"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/tranche-dev/tranche/pkg/httpapi/httpapitest"
)

// FuzzSignForm feeds the signing page's POST bodies (an HTML form's
// urlencoded fields, or JSON) through readSignForm: no panic, every
// refusal a DRF-shaped 4xx, and an accepted signature is a clean name of
// single-spaced words within maxSignerName characters, consent given,
// and a lower-case SHA-256.
func FuzzSignForm(f *testing.F) {
	hash := strings.Repeat("ab", 32)
	for _, s := range []struct {
		body string
		json bool
	}{
		{"name=Ada+Lovelace&consent=yes&sha256=" + hash, false},
		{"name=%00&consent=on&sha256=" + hash, false},
		{"name=a;b&consent=true", false},
		{"name=%zz", false},
		{`{"name": "  Ada \t Lovelace ", "consent": true, "sha256": "` + hash + `"}`, true},
		{`{"name": "Ada", "consent": "yes", "sha256": "` + strings.ToUpper(hash) + `"}`, true},
		{`{"name": 1, "consent": null}`, true},
		{`[]`, true},
		{"\xff", true},
	} {
		f.Add([]byte(s.body), s.json)
	}
	f.Fuzz(func(t *testing.T, body []byte, isJSON bool) {
		r := httptest.NewRequest("POST", "/api/documents/w9/x/", bytes.NewReader(body))
		if isJSON {
			r.Header.Set("Content-Type", "application/json")
		} else {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		sf, err := readSignForm(httptest.NewRecorder(), r)
		if err != nil {
			httpapitest.Refused(t, err)
			return
		}
		httpapitest.CleanString(t, "name", sf.Name)
		if sf.Name == "" || sf.Name != strings.Join(strings.Fields(sf.Name), " ") || utf8.RuneCountInString(sf.Name) > maxSignerName {
			t.Fatalf("accepted name %q", sf.Name)
		}
		if !sf.Consent || !hexHash.MatchString(sf.SHA256) {
			t.Fatalf("accepted %+v", sf)
		}
	})
}

// FuzzVerifyLink feeds signing-link tokens (the {token} path segment)
// through verifyLink: no panic, and what verifies names a workspace of at
// most maxWorkspaceID bytes, a positive profile and a share, and its
// link, minted again, verifies to the same.
func FuzzVerifyLink(f *testing.F) {
	key := []byte("fuzz-link-key-0123456789abcdef")
	now := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	good := linkToken(key, "ws_1", 5, "0b9f2a4e-1c1d-4b1e-9f1e-2f3a4b5c6d7e", now.Add(time.Hour))
	parts := strings.Split(good, ".")
	for _, s := range []string{
		good, "", "....", "a.b.c.d.e", strings.Join(append([]string{parts[0], "+5"}, parts[2:]...), "."),
		strings.Join(append([]string{parts[0], "-5"}, parts[2:]...), "."), linkToken(key, "ws_1", 5, "s", now.Add(-time.Hour)),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		l, err := verifyLink(key, token, now)
		if err != nil {
			if err != errBadLink && err != errExpiredLink {
				t.Fatalf("%q: %v", token, err)
			}
			return
		}
		if l.Workspace == "" || len(l.Workspace) > maxWorkspaceID || l.Profile <= 0 || l.Share == "" || !now.Before(l.Expires) {
			t.Fatalf("%q verified as %+v", token, l)
		}
		again, err := verifyLink(key, linkToken(key, l.Workspace, l.Profile, l.Share, l.Expires), now)
		if err != nil || again != l {
			t.Fatalf("%q: the link minted again verifies as %+v, %v", token, again, err)
		}
	})
}
