package schedule

import (
	"context"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func ptr[T any](v T) *T { return &v }

func amount(s string) model.Money { return model.Money{Decimal: decimal.RequireFromString(s)} }

// goldenOffering has every field the e-mails read, and a name that needs
// escaping in HTML.
func goldenOffering() *model.Offering {
	opened := model.NewTime(time.Date(2025, 1, 6, 17, 0, 0, 0, time.UTC))
	return &model.Offering{
		ID: 2, Name: "BrightPath Robotics <Series A>", Status: "opened", DefaultTimezone: "America/New_York",
		EmailSenderName: ptr("BrightPath Investor Relations"), SupportEmail: ptr("support@brightpath-robotics.example.com"),
		Logo: ptr("https://cdn.example.com/brightpath-robotics/logo.png"), AccentColor: ptr("#FF5722"),
		BackgroundAccentColor:           ptr("red;} body{display:none"), // not a colour: the default stays
		EmailInvestmentStartedThreshold: ptr(amount("50000")),
		OpenedAt:                        &opened,
	}
}

func goldenInvestment() *model.Investment {
	return &model.Investment{
		ID: 293, Investor: 41, Amount: amount("75000"), Status: model.StatusStarted, ReferenceID: "OTDQMF1Y9A",
		CreatedAt: model.NewTime(time.Date(2025, 6, 27, 17, 29, 0, 0, time.UTC)), RequestedPaymentMethod: ptr("wire"),
		InvestorIndividualName: ptr("Michael Tanaka"),
	}
}

// TestGolden renders every kind of e-mail and compares it with
// testdata/<name>.{txt,html,json} (headers); go test -run Golden -update
// rewrites them.
func TestGolden(t *testing.T) {
	o, inv := goldenOffering(), goldenInvestment()
	g := &model.InvestorGraph{
		Investor: &model.Investor{ID: 41, ReceiveEmails: true},
		User:     &model.User{Email: "michael.tanaka6@gmail.com"}, // first_name empty, as often
		Entity:   &model.Entity{FirstName: ptr("Michael")},
	}
	r := &Runner{Unsubscribe: func(ctx context.Context, ws string, investor int64) (string, error) {
		return "https://api.tranche.example.com/api/mail/unsubscribe/TOKEN/", nil
	}}
	ctx := context.Background()
	must := func(m mail.Message, err error) mail.Message {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	sum := sumView{Heading: "Weekly", What: "week", Label: "June 23 to June 29, 2025", Zone: "America/New_York",
		Created: countAmount{3, usd(decimal.RequireFromString("91234.5"))}, Received: countAmount{1, usd(decimal.RequireFromString("1000"))},
		Invested: countAmount{0, usd(decimal.Zero)},
		Totals:   []totalLine{{"Committed", "$1,234,567.89", 120, 98}, {"Received", "$500,000.00", 40, 38}, {"Invested", "$0.00", 0, 0}},
		Statuses: []statusLine{{"Started", 5}, {"Invested", 40}}}
	daily := sum
	daily.Heading, daily.What, daily.Label = "Daily", "day", "Sunday, June 29, 2025"
	cases := map[string]mail.Message{
		"investment_reminder":      must(r.reminderMessage(ctx, "ws", o, KindInvestmentReminder, 2, 3, inv, g)),
		"investment_reminder_last": must(r.reminderMessage(ctx, "ws", o, KindInvestmentReminder, 3, 3, inv, g)),
		"wire_reminder_last":       must(r.reminderMessage(ctx, "ws", o, KindWireReminder, 2, 2, inv, g)),
		"daily_summary":            must(summaryMessage(o, periodWindow{kind: KindDaily, label: daily.Label}, daily)),
		"weekly_summary":           must(summaryMessage(o, periodWindow{kind: KindWeekly, label: sum.Label}, sum)),
		"new_investment":           must(investmentMessage(o, inv, false)),
		"high_value":               must(investmentMessage(o, inv, true)),
		"max_sent_dead": must(maxSentMessage(o, KindWireReminder,
			&store.SendRecord{Period: "2", Recipient: "michael.tanaka6@gmail.com", Status: store.SendDead}, inv, "monitor@example.com")),
	}
	for name, m := range cases {
		t.Run(name, func(t *testing.T) {
			head, _ := json.MarshalIndent(struct {
				FromName string
				ReplyTo  []string
				Subject  string
				Headers  map[string]string
			}{m.FromName, m.ReplyTo, m.Subject, m.Headers}, "", "  ")
			for ext, got := range map[string]string{"txt": m.Text, "html": m.HTML, "json": string(head) + "\n"} {
				path := filepath.Join("testdata", name+"."+ext)
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					continue
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -run Golden -update)", err)
				}
				if string(want) != got {
					t.Errorf("%s differs from the golden file; got:\n%s", path, got)
				}
			}
			checkLinks(t, m.HTML)
			for _, bad := range []string{"75000.00", "<Series A>", "display:none", "***-**"} {
				if strings.Contains(m.HTML, bad) || (bad != "<Series A>" && strings.Contains(m.Text, bad)) {
					t.Errorf("the e-mail shows %q", bad)
				}
			}
		})
	}
	// Investor-facing: sent as the issuer, Reply-To its support, greeted by
	// name, last-reminder line before the signature, unsubscribe headers.
	rem := cases["investment_reminder_last"]
	if rem.FromName != "BrightPath Investor Relations" || len(rem.ReplyTo) != 1 || !strings.HasPrefix(rem.Text, "Hello Michael,") {
		t.Errorf("reminder: from %q, reply-to %v, text %q", rem.FromName, rem.ReplyTo, rem.Text[:20])
	}
	if strings.Index(rem.Text, "This is the last reminder") > strings.Index(rem.Text, "Thank you,") {
		t.Error("the last-reminder line comes after the signature")
	}
	if rem.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" || !strings.HasPrefix(rem.Headers["List-Unsubscribe"], "<https://") {
		t.Errorf("unsubscribe headers %v", rem.Headers)
	}
	if !strings.Contains(rem.Text, "$75,000.00") {
		t.Error("amount not formatted as currency")
	}
	// Issuer-facing: from and signed by Tranche, no Reply-To to itself.
	for _, name := range []string{"daily_summary", "weekly_summary", "new_investment", "high_value", "max_sent_dead"} {
		m := cases[name]
		if m.FromName != "Tranche" || len(m.ReplyTo) != 0 || strings.Contains(m.Text, "BrightPath Investor Relations") || len(m.Headers) != 0 {
			t.Errorf("%s: from %q, reply-to %v, headers %v", name, m.FromName, m.ReplyTo, m.Headers)
		}
	}
}

var linkAttr = regexp.MustCompile(`(?i)\s(?:href|src)="([^"]*)"`)

// checkLinks fails on any link or image in the HTML that is not an
// absolute https URL or a mailto: address.
func checkLinks(t *testing.T, html string) {
	t.Helper()
	found := linkAttr.FindAllStringSubmatch(html, -1)
	if len(found) == 0 {
		t.Error("no links at all")
	}
	for _, m := range found {
		raw := strings.ReplaceAll(m[1], "&amp;", "&")
		u, err := url.Parse(raw)
		switch {
		case err != nil:
			t.Errorf("link %q: %v", raw, err)
		case u.Scheme == "mailto":
			if !strings.Contains(u.Opaque, "@") {
				t.Errorf("mailto link without an address: %q", raw)
			}
		case u.Scheme != "https" || u.Host == "":
			t.Errorf("link %q is not an absolute https URL", raw)
		}
	}
}

func TestUSD(t *testing.T) {
	for in, want := range map[string]string{
		"0": "$0.00", "5": "$5.00", "999.999": "$1,000.00", "75000": "$75,000.00", "1234567.891": "$1,234,567.89",
		"-1234.5": "-$1,234.50", "100000000000000000000.01": "$100,000,000,000,000,000,000.01",
	} {
		if got := usd(decimal.RequireFromString(in)); got != want {
			t.Errorf("usd(%s) = %s, want %s", in, got, want)
		}
	}
}

func TestGreeting(t *testing.T) {
	for _, c := range []struct {
		g    *model.InvestorGraph
		want string
	}{
		{&model.InvestorGraph{User: &model.User{FirstName: "Ann"}, Entity: &model.Entity{FirstName: ptr("Bea")}}, "Hello Bea,"},
		{&model.InvestorGraph{User: &model.User{FirstName: "Ann"}, IndividualEntity: &model.Entity{FirstName: ptr(" ")}}, "Hello Ann,"},
		{&model.InvestorGraph{User: &model.User{}}, "Hello,"},
	} {
		if got := greeting(c.g); got != c.want {
			t.Errorf("greeting = %q, want %q", got, c.want)
		}
	}
}
