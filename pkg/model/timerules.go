package model

import (
	"fmt"
	"time"
)

// Reg CF's time rules (17 CFR 227.303, 227.304), beside CancelUntil in
// the regulation table:
//
//   - 227.303(a): the offering information must be public for at least 21
//     days before any security is sold. Commitments may be taken from the
//     first day; the sale happens when the escrow closes, so the escrow may
//     close only 21 days after the offering became public. The offering
//     becomes public when it opens on this platform: opened_at, set by the
//     open action and never by a client, so an issuer cannot backdate it.
//   - 227.304(a): investors may cancel until 48 hours before the deadline
//     (CancelUntil); the deadline is the end of deadline_date in the
//     offering's timezone.
//   - 227.304(b): an early close sets a new deadline at least five
//     business days after the notice to investors, at least 21 days after
//     the offering became public, with the target met at the notice (and
//     at the escrow close, which EscrowCloseAllowed checks again).
//   - 227.304(c): after a material change, every investor with a
//     commitment must reconfirm within five business days, or the
//     commitment is cancelled.

// RegCFMinPublic is 227.303(a)'s 21 days.
const RegCFMinPublic = 21 * 24 * time.Hour

// RegCFNoticeBusinessDays is the five business days of 227.304(b)(2) and
// 227.304(c).
const RegCFNoticeBusinessDays = 5

// PublicFor is when the 21 days of 227.303(a) end for the offering; ok is
// false when it never opened.
func PublicFor(o *Offering) (t time.Time, ok bool) {
	if o.OpenedAt == nil {
		return time.Time{}, false
	}
	return o.OpenedAt.Add(RegCFMinPublic), true
}

// BusinessDay reports whether the date is a business day: Monday to
// Friday and not a federal holiday (5 U.S.C. 6103, with a Saturday
// holiday observed on the Friday before and a Sunday one on the Monday
// after).
func BusinessDay(d time.Time) bool {
	switch d.Weekday() {
	case time.Saturday, time.Sunday:
		return false
	}
	return !federalHoliday(d)
}

func federalHoliday(d time.Time) bool {
	y, m, day := d.Date()
	observed := func(month time.Month, dd int) bool {
		h := time.Date(y, month, dd, 0, 0, 0, 0, time.UTC)
		switch h.Weekday() {
		case time.Saturday:
			h = h.AddDate(0, 0, -1)
		case time.Sunday:
			h = h.AddDate(0, 0, 1)
		}
		return h.Month() == m && h.Day() == day
	}
	nth := func(month time.Month, wd time.Weekday, n int) bool {
		if m != month || d.Weekday() != wd {
			return false
		}
		if n < 0 { // the last
			return day+7 > time.Date(y, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
		}
		return (day-1)/7+1 == n
	}
	// New Year's Day of the next year is observed on December 31 when it
	// falls on a Saturday.
	if m == time.December && day == 31 && time.Date(y+1, 1, 1, 0, 0, 0, 0, time.UTC).Weekday() == time.Saturday {
		return true
	}
	return observed(time.January, 1) || nth(time.January, time.Monday, 3) || nth(time.February, time.Monday, 3) ||
		nth(time.May, time.Monday, -1) || observed(time.June, 19) || observed(time.July, 4) ||
		nth(time.September, time.Monday, 1) || nth(time.October, time.Monday, 2) || observed(time.November, 11) ||
		nth(time.November, time.Thursday, 4) || observed(time.December, 25)
}

// AddBusinessDays is the date n business days after the date of t (in
// t's location), as a date.
func AddBusinessDays(t time.Time, n int) Date {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	for n > 0 {
		d = d.AddDate(0, 0, 1)
		if BusinessDay(d) {
			n--
		}
	}
	return Date{d}
}

// EarlyCloseAllowed applies 227.304(b) to moving a Reg CF offering's
// deadline to the date deadline at now, when committed is the amount of
// its investment commitments: it returns the field errors (400) or "" and
// a conflict message (409) for a state the offering is not in.
func EarlyCloseAllowed(o *Offering, deadline Date, committed Money, now time.Time) (FieldErrors, string) {
	reg := RegulationFor(o)
	errs := FieldErrors{}
	if !reg.Escrow {
		return errs, fmt.Sprintf("An early close applies to Regulation Crowdfunding offerings only (17 CFR 227.304(b)), not %s.", o.Type)
	}
	if o.Status != "opened" {
		return errs, fmt.Sprintf("Only an open offering may close early; this one is %s.", o.Status)
	}
	if o.MinimumAmountRaised == nil || committed.LessThan(o.MinimumAmountRaised.Decimal) {
		target := "none is set"
		if o.MinimumAmountRaised != nil {
			target = o.MinimumAmountRaised.String()
		}
		errs.Add("deadline_date", fmt.Sprintf("An offering may close early only once its target offering amount is met (17 CFR 227.304(b)): the target (minimum_amount_raised) is %s and commitments total %s.", target, committed.String()))
		return errs, ""
	}
	loc := loadLocation(o.DefaultTimezone)
	local := now.In(loc)
	earliest := AddBusinessDays(local, RegCFNoticeBusinessDays)
	if deadline.Before(earliest.Time) {
		errs.Add("deadline_date", fmt.Sprintf("The new deadline must be at least %d business days after the notice to investors (17 CFR 227.304(b)(2)): %s at the earliest.", RegCFNoticeBusinessDays, earliest))
	}
	end := time.Date(deadline.Year(), deadline.Month(), deadline.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	if public, ok := PublicFor(o); ok && end.Before(public) {
		errs.Add("deadline_date", fmt.Sprintf("The offering must stay open at least 21 days from %s, when it became public (17 CFR 227.304(b)(1), 227.303(a)): until %s.", o.OpenedAt, NewTime(public)))
	}
	if o.DeadlineDate != nil && !deadline.Before(o.DeadlineDate.Time) {
		errs.Add("deadline_date", fmt.Sprintf("An early close moves the deadline earlier than the current %s.", o.DeadlineDate))
	}
	return errs, ""
}

// ReconfirmDeadline is the end of the fifth business day after a material
// change at t, in the offering's timezone (227.304(c)).
func ReconfirmDeadline(o *Offering, t time.Time) Time {
	loc := loadLocation(o.DefaultTimezone)
	d := AddBusinessDays(t.In(loc), RegCFNoticeBusinessDays)
	return NewTime(time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc).AddDate(0, 0, 1))
}

// EarlyCloseResult is the answer of POST /api/offerings/{id}/early-close/.
type EarlyCloseResult struct {
	Offering             int64  `json:"offering"`
	DeadlineDate         Date   `json:"deadline_date"`
	PreviousDeadlineDate string `json:"previous_deadline_date"`
	// CancelUntil is the end of the 227.304(a) cancellation right under the
	// new deadline.
	CancelUntil Time `json:"cancel_until"`
	Notified    int  `json:"notified"`     // investors e-mailed
	NotNotified int  `json:"not_notified"` // notices SES refused
}

// EarlyCloseRequest is the body of POST /api/offerings/{id}/early-close/.
type EarlyCloseRequest struct {
	DeadlineDate Date `json:"deadline_date"`
}

// MaterialChangeRequest is the body of POST
// /api/offerings/{id}/material-change/: what changed, as the issuer
// describes it to investors.
type MaterialChangeRequest struct {
	Description string `json:"description"`
}

// MaterialChangeResult is its answer: the commitments marked for
// reconfirmation and the deadline to reconfirm.
type MaterialChangeResult struct {
	Offering    int64   `json:"offering"`
	ReconfirmBy Time    `json:"reconfirm_by"`
	Investments []int64 `json:"investments"`
	Notified    int     `json:"notified"`
	NotNotified int     `json:"not_notified"`
}

// CancelUnconfirmedResult is the answer of POST
// /api/offerings/{id}/cancel-unconfirmed/.
type CancelUnconfirmedResult struct {
	Offering    int64   `json:"offering"`
	Cancelled   int     `json:"cancelled"`
	Investments []int64 `json:"investments"`
}
