package schedule

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Kinds of send records.
const (
	KindInvestmentReminder = "INVESTMENT_REMINDER"
	KindWireReminder       = "WIRE_REMINDER"
	KindDaily              = "DAILY"
	KindWeekly             = "WEEKLY"
	KindPerInvestment      = "INVESTMENT_SUMMARY"
	KindHighValue          = "HIGH_VALUE"
	KindMaxSent            = "MAX_REMINDERS"
)

const day = 24 * time.Hour

// reminderRule is one kind of reminder as an offering configures it.
type reminderRule struct {
	kind   string
	period time.Duration
	max    int64
	wants  func(inv *model.Investment) bool
}

// reminderRules are the offering's reminders that are on.
func reminderRules(o *model.Offering) []reminderRule {
	var out []reminderRule
	if p, n := positive(o.InvestmentEmailReminderPeriod), positive(o.InvestmentEmailReminderMaxSent); p > 0 && n > 0 {
		out = append(out, reminderRule{KindInvestmentReminder, time.Duration(p) * day, n, func(inv *model.Investment) bool {
			return inv.Status == model.StatusStarted
		}})
	}
	if p, n := positive(o.WireEmailReminderPeriod), positive(o.WireEmailReminderMaxSent); p > 0 && n > 0 {
		out = append(out, reminderRule{KindWireReminder, time.Duration(p) * day, n, isAwaitingWire})
	}
	return out
}

// isAwaitingWire reports whether a wire investment's money has not come in
// yet while the investor still owes it.
func isAwaitingWire(inv *model.Investment) bool {
	wire := (inv.RequestedPaymentMethod != nil && *inv.RequestedPaymentMethod == "wire") ||
		(inv.PaymentMethod != nil && *inv.PaymentMethod == "wire")
	return wire && inv.ReceivedAt == nil &&
		(inv.Status == model.StatusStarted || inv.Status == model.StatusNotReceived)
}

// dueReminder returns the number n of the reminder whose window holds now,
// [created + n·period, created + (n+1)·period), when 1 ≤ n ≤ max; else 0.
func dueReminder(created, now time.Time, period time.Duration, max int64) int64 {
	if period <= 0 || now.Before(created) {
		return 0
	}
	n := int64(now.Sub(created) / period)
	if n < 1 || n > max {
		return 0
	}
	return n
}

// Reminders sends the reminders due at now, for every opened offering.
func (r *Runner) Reminders(ctx context.Context, now time.Time) error {
	var res Result
	err := r.forEachOffering(ctx, func(ws string, o *model.Offering) error {
		if o.Status != "opened" {
			return nil
		}
		return r.remindOffering(ctx, ws, o, now, &res)
	})
	r.logger().InfoContext(ctx, "reminders run", "now", now, "sent", res.Sent, "skipped", res.Skipped, "failed", res.Failed, "dead", res.Dead)
	r.emitMetrics("reminders", res, time.Now())
	return err
}

type dueSend struct {
	rule reminderRule
	n    int64
	inv  *model.Investment
}

func (r *Runner) remindOffering(ctx context.Context, ws string, o *model.Offering, now time.Time, res *Result) error {
	rules := reminderRules(o)
	if len(rules) == 0 {
		return nil
	}
	var invs []model.Investment
	for _, st := range []string{model.StatusStarted, model.StatusNotReceived} {
		got, err := r.DB.InvestmentsOfOfferingInStatus(ctx, ws, o.ID, st)
		if err != nil {
			return err
		}
		invs = append(invs, got...)
	}
	var due []dueSend
	var investors []int64
	records := map[string]map[string]*store.SendRecord{}
	for _, rule := range rules {
		recs, err := r.DB.SendRecords(ctx, ws, o.ID, rule.kind+"#")
		if err != nil {
			return err
		}
		records[rule.kind] = recs
	}
	for i := range invs {
		inv := &invs[i]
		// One reminder per investment per run: when a wire investment is
		// in a window of both rules, the wire reminder (the more specific:
		// it says what is missing and how to send it) is the one.
		var pick *dueSend
		for _, rule := range rules {
			if !rule.wants(inv) {
				continue
			}
			n := dueReminder(inv.CreatedAt.Time, now, rule.period, rule.max)
			if n == 0 {
				continue
			}
			if pick == nil || rule.kind == KindWireReminder {
				pick = &dueSend{rule, n, inv}
			}
		}
		if pick == nil {
			continue
		}
		if rec := records[pick.rule.kind][reminderSend(ws, o, pick.rule, pick.n, inv, "", now).Key()]; rec != nil && rec.Done(now) {
			res.Skipped++
			continue
		}
		due = append(due, *pick)
		investors = append(investors, inv.Investor)
	}
	if len(due) == 0 {
		return nil
	}
	graphs, err := r.DB.InvestorGraphs(ctx, ws, investors)
	if err != nil {
		return err
	}
	var errs []error
	for _, d := range due {
		g, ok := graphs[d.inv.Investor]
		if !ok || g.User == nil || g.User.Email == "" || !g.Investor.ReceiveEmails {
			continue // no address, or the investor opted out of e-mail
		}
		s := reminderSend(ws, o, d.rule, d.n, d.inv, g.User.Email, now)
		m, err := r.reminderMessage(ctx, ws, o, d.rule.kind, d.n, d.rule.max, d.inv, &g)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if err := r.deliver(ctx, s, now, m, res); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", s.Key(), err))
		}
	}
	return errors.Join(errs...)
}

// reminderSend is reminder n of an investment: period n, subject the
// investment. Its record lives a month past the last window.
func reminderSend(ws string, o *model.Offering, rule reminderRule, n int64, inv *model.Investment, to string, now time.Time) store.Send {
	end := inv.CreatedAt.Add(time.Duration(rule.max+1) * rule.period)
	return store.Send{
		Workspace: ws, Offering: o.ID, Kind: rule.kind, Period: strconv.FormatInt(n, 10),
		Subject: fmt.Sprintf("%012d", inv.ID), Recipient: store.LowerEmail(to),
		Investment: inv.ID, Investor: inv.Investor, Final: n == rule.max,
		Expires: later(end, now).Add(30 * day),
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// reminderMessage is the investor's reminder e-mail: from the issuer's
// sender name, Reply-To its support address, with the unsubscribe link
// and List-Unsubscribe headers when the runner has an unsubscribe URL.
func (r *Runner) reminderMessage(ctx context.Context, ws string, o *model.Offering, kind string, n, max int64, inv *model.Investment, g *model.InvestorGraph) (mail.Message, error) {
	m := mail.Message{To: []string{g.User.Email}, Subject: fmt.Sprintf("Reminder: finish your investment in %s", o.Name)}
	tmpl := tmplInvestmentReminder
	if kind == KindWireReminder {
		m.Subject, tmpl = fmt.Sprintf("Reminder: your wire for %s has not arrived yet", o.Name), tmplWireReminder
	}
	v := view{Greeting: greeting(g), Inv: investmentView(o, inv), Last: n == max, Max: max}
	investorFacing(o, &m, &v)
	v.Why = fmt.Sprintf("You receive this e-mail because you started an investment in %s.", o.Name)
	if r.Unsubscribe != nil {
		u, err := r.Unsubscribe(ctx, ws, inv.Investor)
		if err != nil {
			return m, err
		}
		if u != "" {
			v.UnsubscribeURL = u
			m.Headers = map[string]string{
				"List-Unsubscribe":      "<" + u + ">",
				"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
			}
		}
	}
	return m, render(tmpl, v, &m)
}
