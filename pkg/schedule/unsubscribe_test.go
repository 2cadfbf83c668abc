package schedule_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/mail/mailtest"
	"github.com/tranche-dev/tranche/pkg/schedule"
)

// TestUnsubscribe: a reminder as the investor's mail client sees it (the
// issuer's display name, Reply-To, both parts, List-Unsubscribe with
// one-click POST), and its link: GET shows a page and changes nothing,
// a tampered token is 404, the one-click POST records the opt-out, and
// the next reminder due is not sent.
func TestUnsubscribe(t *testing.T) {
	t.Parallel()
	f := setup(t, nil)
	ctx := context.Background()
	deps := app.Deps{DB: f.DB, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Config: app.Config{PublicURL: "https://api.tranche.test"}}
	f.runner.Unsubscribe = schedule.New(deps).Unsubscribe
	if f.runner.Unsubscribe == nil {
		t.Fatal("no unsubscribe links with PUBLIC_API_URL set")
	}
	now := at("2025-06-29T18:00:00Z")
	if err := f.runner.Reminders(ctx, now); err != nil {
		t.Fatal(err)
	}
	var m *mailtest.Email
	for _, e := range f.mails(t) {
		if e.Destination.To[0] == "michael.tanaka6@gmail.com" {
			m = &e
		}
	}
	if m == nil {
		t.Fatal("no reminder to michael.tanaka6@gmail.com")
	}
	if !strings.HasPrefix(m.From, `"BrightPath Robotics`) || !strings.HasSuffix(m.From, "<no-reply@tranche.test>") {
		t.Errorf("From %q, want the sender name and our address", m.From)
	}
	if len(m.ReplyTo) != 1 || m.ReplyTo[0] != "support@brightpath-robotics.example.com" || m.Body.HTML == "" || m.Body.Text == "" {
		t.Errorf("reply-to %v, html %d bytes, text %d bytes", m.ReplyTo, len(m.Body.HTML), len(m.Body.Text))
	}
	if m.Header("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post %q", m.Header("List-Unsubscribe-Post"))
	}
	link := strings.Trim(m.Header("List-Unsubscribe"), "<>")
	u, err := url.Parse(link)
	if err != nil || u.Host != "api.tranche.test" || !strings.Contains(m.Body.Text, link) || !strings.Contains(m.Body.HTML, link) {
		t.Fatalf("List-Unsubscribe %q (in both parts: %v)", link, strings.Contains(m.Body.HTML, link))
	}

	h := schedule.NewUnsubscribeHandler(deps)
	do := func(method, path, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	investor := func() bool {
		t.Helper()
		g, err := f.DB.InvestorGraphs(ctx, f.Workspace, []int64{investorOf(t, f, "michael.tanaka6@gmail.com")})
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range g {
			return x.Investor.ReceiveEmails
		}
		t.Fatal("investor not found")
		return false
	}
	if rec := do("GET", u.Path, ""); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `<form method="post">`) {
		t.Fatalf("GET: %d %s", rec.Code, rec.Body)
	}
	if !investor() {
		t.Fatal("GET unsubscribed")
	}
	tampered := strings.Replace(u.Path, ".", ".9", 1)
	if rec := do("POST", tampered, "List-Unsubscribe=One-Click"); rec.Code != http.StatusNotFound {
		t.Fatalf("tampered token: %d %s", rec.Code, rec.Body)
	}
	if rec := do("POST", u.Path, "List-Unsubscribe=One-Click"); rec.Code != http.StatusOK {
		t.Fatalf("POST: %d %s", rec.Code, rec.Body)
	}
	if investor() {
		t.Fatal("the opt-out was not recorded")
	}
	before := len(f.mails(t))
	if err := f.runner.Reminders(ctx, now.Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for _, e := range f.mails(t)[before:] {
		if e.Destination.To[0] == "michael.tanaka6@gmail.com" {
			t.Fatal("a reminder went to an investor who unsubscribed")
		}
	}
}

func investorOf(t *testing.T, f *fixture, email string) int64 {
	t.Helper()
	for _, u := range f.Data.Users {
		if u.Email == email {
			for _, i := range f.Data.Investors {
				if i.User == u.ID {
					return i.ID
				}
			}
		}
	}
	t.Fatalf("no investor for %s", email)
	return 0
}
