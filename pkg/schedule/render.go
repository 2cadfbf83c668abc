package schedule

import (
	"embed"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	"strings"
	"text/template"

	"github.com/shopspring/decimal"

	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/model"
)

// The e-mails are templates (templates/), one per kind in text and HTML,
// each defining "content" inside the kind's layout: the investor- and
// issuer-facing mail share the layout (offering branding, signature,
// support address, why the mail came and how to stop it). html/template
// escapes every value by context, so an offering's name or an investor's
// name cannot inject markup, a colour cannot break out of its style and a
// logo URL that is not http(s) is neutralised.
//
//go:embed templates
var templateFS embed.FS

// Template names, one per e-mail kind.
const (
	tmplInvestmentReminder = "investment_reminder"
	tmplWireReminder       = "wire_reminder"
	tmplDaily              = "daily_summary"
	tmplWeekly             = "weekly_summary"
	tmplNewInvestment      = "new_investment"
	tmplHighValue          = "high_value"
	tmplMaxSent            = "max_sent"
)

var (
	textTemplates = map[string]*template.Template{}
	htmlTemplates = map[string]*htmltemplate.Template{}
)

func init() {
	shared := []string{"templates/summary", "templates/investment"}
	for _, kind := range []string{tmplInvestmentReminder, tmplWireReminder, tmplDaily, tmplWeekly, tmplNewInvestment, tmplHighValue, tmplMaxSent} {
		var txt, html []string
		for _, f := range append([]string{"templates/layout", "templates/" + kind}, shared...) {
			if _, err := templateFS.Open(f + ".txt"); err == nil {
				txt = append(txt, f+".txt")
			}
			if _, err := templateFS.Open(f + ".html"); err == nil {
				html = append(html, f+".html")
			}
		}
		textTemplates[kind] = template.Must(template.New(kind).Option("missingkey=error").ParseFS(templateFS, txt...))
		htmlTemplates[kind] = htmltemplate.Must(htmltemplate.New(kind).Option("missingkey=error").ParseFS(templateFS, html...))
	}
}

// view is what every template reads.
type view struct {
	Subject        string
	Brand          brand
	Offering       string
	Greeting       string
	Signoff        string
	Signature      string
	Support        string
	Why            string
	UnsubscribeURL string

	Inv       invView
	Last      bool
	Max       int64
	What      string
	Dead      bool
	Threshold string
	Sum       sumView
}

type brand struct {
	Name                         string
	Logo                         string
	Accent, Background, Activity string
}

type invView struct {
	Amount, Reference, Created, CreatedAt, Status, Method string
	Investor, InvestorEmail                               string
}

type sumView struct {
	Heading, Label, Zone, What  string
	Created, Received, Invested countAmount
	Totals                      []totalLine
	Statuses                    []statusLine
}

type countAmount struct {
	Count  int64
	Amount string
}

type totalLine struct {
	Name, Amount     string
	Count, Investors int64
}

type statusLine struct {
	Name  string
	Count int64
}

// render fills both parts of m from the kind's templates.
func render(kind string, v view, m *mail.Message) error {
	v.Subject = m.Subject
	var txt, html strings.Builder
	if err := textTemplates[kind].ExecuteTemplate(&txt, "layout", v); err != nil {
		return fmt.Errorf("schedule: render %s text: %w", kind, err)
	}
	if err := htmlTemplates[kind].ExecuteTemplate(&html, "layout", v); err != nil {
		return fmt.Errorf("schedule: render %s html: %w", kind, err)
	}
	m.Text, m.HTML = txt.String(), html.String()
	return nil
}

var cssColor = regexp.MustCompile(`^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$`)

// brandOf is the offering's branding, with Tranche's defaults where the
// offering has none or an unusable value.
func brandOf(o *model.Offering) brand {
	b := brand{Name: o.Name, Accent: "#1a73e8", Background: "#f5f7fa", Activity: "#1f2933"}
	pick := func(dst *string, v *string) {
		if v != nil && cssColor.MatchString(strings.TrimSpace(*v)) {
			*dst = strings.TrimSpace(*v)
		}
	}
	pick(&b.Accent, o.AccentColor)
	pick(&b.Background, o.BackgroundAccentColor)
	pick(&b.Activity, o.ActivityAccentColor)
	if o.Logo != nil && (strings.HasPrefix(*o.Logo, "https://") || strings.HasPrefix(*o.Logo, "http://")) {
		b.Logo = *o.Logo
	}
	return b
}

// usd formats an amount as currency: $75,000.00, -$1,234.50. Exact: the
// decimal is rounded to cents and grouped as text, never through float.
func usd(d decimal.Decimal) string {
	s := d.StringFixed(2)
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, cents, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return sign + "$" + b.String() + "." + cents
}

func money(m model.Money) string { return usd(m.Decimal) }

func str(p *string) string {
	if p == nil {
		return ""
	}
	return strings.TrimSpace(*p)
}

// senderName is the display name of investor-facing mail: the offering's
// email_sender_name, else its name.
func senderName(o *model.Offering) string {
	if n := str(o.EmailSenderName); n != "" {
		return n
	}
	return o.Name
}

// investorFacing fills what every e-mail to an investor carries: sent as
// the issuer (display name; the address stays ours), Reply-To the
// offering's support address, signed by the issuer.
func investorFacing(o *model.Offering, m *mail.Message, v *view) {
	m.FromName = senderName(o)
	if s := str(o.SupportEmail); s != "" && strings.Contains(s, "@") {
		m.ReplyTo = []string{s}
		v.Support = s
	}
	v.Brand, v.Offering = brandOf(o), o.Name
	v.Signoff, v.Signature = "Thank you,", senderName(o)
}

// issuerFacing fills what every e-mail to the issuer's team carries: sent
// and signed by Tranche, the platform, not as the issuer to itself, with
// the offering's branding so the team recognises whose mail it is.
func issuerFacing(o *model.Offering, m *mail.Message, v *view, why string) {
	m.FromName = "Tranche"
	v.Brand, v.Offering = brandOf(o), o.Name
	v.Signoff, v.Signature = "—", "Tranche, for "+o.Name
	v.Why = why + " Change who receives it in the offering's e-mail settings."
}

// greeting greets an investor by the best name known: the investing
// entity's first name, then the investor's own (individual) entity's, then
// the user's; else a plain "Hello,".
func greeting(g *model.InvestorGraph) string {
	var names []string
	if g != nil {
		for _, e := range []*model.Entity{g.Entity, g.IndividualEntity} {
			if e != nil {
				names = append(names, str(e.FirstName))
			}
		}
		if g.User != nil {
			names = append(names, strings.TrimSpace(g.User.FirstName))
		}
	}
	for _, n := range names {
		if n != "" {
			return "Hello " + n + ","
		}
	}
	return "Hello,"
}

func investmentView(o *model.Offering, inv *model.Investment) invView {
	loc := location(o)
	method := str(inv.RequestedPaymentMethod)
	if method == "" {
		method = "not chosen yet"
	}
	return invView{
		Amount:    money(inv.Amount),
		Reference: inv.ReferenceID,
		Created:   inv.CreatedAt.In(loc).Format("January 2, 2006"),
		CreatedAt: inv.CreatedAt.In(loc).Format("January 2, 2006 15:04 MST"),
		Status:    statusLabel(inv.Status),
		Method:    method,
		Investor:  investorName(inv),
	}
}
