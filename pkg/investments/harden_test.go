package investments_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/tranche-dev/tranche/pkg/store"
)

// Issue 11, findings 7 and 8, through the routes: a path id other than
// [0-9]+ is a 404 that touches nothing ("+1" closed offering 1), and a body
// with a NUL character or invalid UTF-8 is a 400 that writes nothing.
func TestPathIDsAndBodyTextThroughRoutes(t *testing.T) {
	e := newEnv(t)
	o := e.newOffering("reg_d_506b", nil)
	before := e.must(200, "GET", fmt.Sprintf("/api/offerings/%d/", o), nil)
	for _, p := range []string{"+%d", "-%d", "%d.0", "%d%%20", "%%2B%d", "0x%x"} {
		path := "/api/offerings/" + fmt.Sprintf(p, o) + "/close/"
		if r := e.call("POST", path, e.write, nil); r.status != 404 || string(r.raw) != `{"detail":"Not found."}`+"\n" {
			t.Errorf("POST %s = %d %s", path, r.status, r.raw)
		}
	}
	if r := e.call("GET", fmt.Sprintf("/api/investments/+%d/", 1), e.read, nil); r.status != 404 {
		t.Errorf("GET /api/investments/+1/ = %d %s", r.status, r.raw)
	}
	after := e.must(200, "GET", fmt.Sprintf("/api/offerings/%d/", o), nil)
	if before["status"] != after["status"] || after["status"] != "opened" {
		t.Errorf("offering status %v → %v", before["status"], after["status"])
	}

	ctx := context.Background()
	count, err := e.db.Counter(ctx, e.ws, store.KindInvestment)
	if err != nil {
		t.Fatal(err)
	}
	inv := e.storeInvestor(true)
	for _, c := range []struct{ name, body, want string }{
		{"NUL", fmt.Sprintf(`{"offering": %d, "investor": %d, "quantity": 10, "reference_id": "ref\u0000x"}`, o, inv), `{"reference_id":["Null characters are not allowed."]}`},
		{"invalid UTF-8", fmt.Sprintf("{\"offering\": %d, \"investor\": %d, \"quantity\": 10, \"reference_id\": \"r\xe9f\"}", o, inv), `"detail":"JSON parse error - 'utf-8' codec can't decode byte 0xe9`},
	} {
		r := e.call("POST", "/api/investments/", e.write, c.body)
		if r.status != 400 || !strings.Contains(string(r.raw), c.want) {
			t.Errorf("%s: %d %s, want 400 %s", c.name, r.status, r.raw, c.want)
		}
	}
	r := e.call("PATCH", fmt.Sprintf("/api/offerings/%d/", o), e.write, `{"name": "Ren\u0000amed"}`)
	if r.status != 400 || string(r.raw) != `{"name":["Null characters are not allowed."]}`+"\n" {
		t.Errorf("PATCH with NUL = %d %s", r.status, r.raw)
	}
	if got := e.must(200, "GET", fmt.Sprintf("/api/offerings/%d/", o), nil); got["name"] != before["name"] {
		t.Errorf("name %v → %v", before["name"], got["name"])
	}
	if after, _ := e.db.Counter(ctx, e.ws, store.KindInvestment); after != count {
		t.Errorf("investments written by refused bodies: %d → %d", count, after)
	}
}

// Issue 11, finding 3: values of ~400 KB to 1 MB in offering fields and
// investor utm_parameters answered 500 (DynamoDB's item limit). Every
// string field has a DRF max length, JSON fields a size bound, and
// signing_email is an e-mail field; nothing is written.
func TestOversizeFieldsAre400(t *testing.T) {
	e := newEnv(t)
	o := e.newOffering("reg_d_506b", nil)
	path := fmt.Sprintf("/api/offerings/%d/", o)
	before := e.call("GET", path, e.read, nil)
	big := strings.Repeat("x", 400<<10)
	for _, c := range []struct{ body, want string }{
		{`{"description": "` + big + `"}`, `{"description":["Ensure this field has no more than 10000 characters."]}`},
		{`{"email_sender_name": "` + big + `"}`, `{"email_sender_name":["Ensure this field has no more than 255 characters."]}`},
		{`{"logo": "https://x.example/` + big + `"}`, `{"logo":["Ensure this field has no more than 2048 characters."]}`},
		{`{"daily_summary_recipients": "` + big + `"}`, `{"daily_summary_recipients":["Ensure this field has no more than 2000 characters."]}`},
		{`{"displayed_number_of_shares": {"k": "` + big + `"}}`, `{"displayed_number_of_shares":["Ensure this field has no more than 65536 bytes."]}`},
		{`{"signing_email": "not an address"}`, `{"signing_email":["Enter a valid email address."]}`},
	} {
		r := e.call("PATCH", path, e.write, c.body)
		if r.status != 400 || string(r.raw) != c.want+"\n" {
			t.Errorf("PATCH %.60s: %d %.300s, want 400 %s", c.body, r.status, r.raw, c.want)
		}
	}
	if after := e.call("GET", path, e.read, nil); string(after.raw) != string(before.raw) {
		t.Errorf("offering changed:\n%s\n%s", before.raw, after.raw)
	}
	inv := e.storeInvestor(true)
	r := e.call("PATCH", fmt.Sprintf("/api/investors/%d/", inv), e.write, `{"utm_parameters": {"source": "`+big+`"}}`)
	if r.status != 400 || string(r.raw) != `{"utm_parameters":["Ensure this field has no more than 65536 bytes."]}`+"\n" {
		t.Errorf("utm_parameters: %d %.300s", r.status, r.raw)
	}
}

// Issue 11, finding 3's rest: the offering's URLFields (logo, favicon,
// circular_file) answer DRF's "Enter a valid URL." for what is not an
// http(s)/ftp(s) URL and change nothing; blank and null stay allowed, as
// the e-mail fields' blank does.
func TestOfferingURLFields(t *testing.T) {
	e := newEnv(t)
	o := e.newOffering("reg_d_506b", nil)
	path := fmt.Sprintf("/api/offerings/%d/", o)
	before := e.call("GET", path, e.read, nil)
	for _, c := range []struct{ body, want string }{
		{`{"logo": "not a url"}`, `{"logo":["Enter a valid URL."]}`},
		{`{"favicon": "javascript:alert(1)"}`, `{"favicon":["Enter a valid URL."]}`},
		{`{"circular_file": "http://"}`, `{"circular_file":["Enter a valid URL."]}`},
		{`{"logo": "https://exa mple.com/a.png", "favicon": "example.com"}`, `{"favicon":["Enter a valid URL."],"logo":["Enter a valid URL."]}`},
	} {
		r := e.call("PATCH", path, e.write, c.body)
		if r.status != 400 || string(r.raw) != c.want+"\n" {
			t.Errorf("PATCH %s: %d %.300s, want 400 %s", c.body, r.status, r.raw, c.want)
		}
	}
	if after := e.call("GET", path, e.read, nil); string(after.raw) != string(before.raw) {
		t.Errorf("offering changed:\n%s\n%s", before.raw, after.raw)
	}
	got := e.must(200, "PATCH", path, map[string]any{"logo": "https://cdn.example.com/logo.png", "favicon": "", "circular_file": nil, "circular_link": "text"})
	if got["logo"] != "https://cdn.example.com/logo.png" || got["favicon"] != "" || got["circular_file"] != nil || got["circular_link"] != "text" {
		t.Errorf("valid URLs: %v %v %v %v", got["logo"], got["favicon"], got["circular_file"], got["circular_link"])
	}
}
