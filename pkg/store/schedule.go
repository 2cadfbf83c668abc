package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/model"
)

// Keys and attributes of the scheduled functions' items (see doc.go,
// "Scheduled work").
const (
	schedulePK = "SCHEDULE#OFFERINGS"

	attrSendStatus = "status"
	attrSendToken  = "token"
	attrSendLease  = "lease_until"
	attrSendTries  = "attempts"
)

// Send record states.
const (
	SendPending = "pending" // claimed; the e-mail may or may not have gone out
	SendSent    = "sent"    // SES accepted it: never sent again
	SendFailed  = "failed"  // SES refused it: the next run retries
)

// MaxSendAttempts is how many times one send record is tried before it is
// left failed for good (a recipient SES keeps refusing).
const MaxSendAttempts = 5

func sentPK(ws string, offering int64) string {
	return fmt.Sprintf("WS#%s#SENT#%d", ws, offering)
}

// scheduleEntry is one offering in the scheduler's index of work: which
// workspace and offering to visit, and whether any reminder or summary
// setting is on. It holds no tenant data.
type scheduleEntry struct {
	PK        string `dynamo:"PK"`
	SK        string `dynamo:"SK"`
	Workspace string `dynamo:"ws"`
	Offering  int64  `dynamo:"offering"`
	Active    bool   `dynamo:"active"`
}

func newScheduleEntry(ws string, o *model.Offering) *scheduleEntry {
	return &scheduleEntry{PK: schedulePK, SK: ws + "#" + padID(o.ID), Workspace: ws, Offering: o.ID, Active: HasSchedule(o)}
}

// HasSchedule reports whether any reminder or summary setting of the
// offering is on: whether the scheduled functions have work there.
func HasSchedule(o *model.Offering) bool {
	pos := func(p *int64) bool { return p != nil && *p > 0 }
	return (pos(o.InvestmentEmailReminderPeriod) && pos(o.InvestmentEmailReminderMaxSent)) ||
		(pos(o.WireEmailReminderPeriod) && pos(o.WireEmailReminderMaxSent)) ||
		o.DailySummaryEmails || o.WeeklySummaryEmails || o.PerInvestmentSummaryEmails ||
		o.EmailInvestmentStartedHighValue || o.UserSentMaxMonitoringEmails
}

// schedulePut is the registry write that goes with a write of the
// offering (in its transaction, or after an import).
func (db *DB) schedulePut(ws string, o *model.Offering) *dynamo.Put {
	return db.table.Put(newScheduleEntry(ws, o))
}

// ScheduleOfferings records the offerings in the scheduler's index: one
// batch write. PutMissing calls it for imported offerings; CreateOffering
// and UpdateOffering write the entry in their transaction.
func (db *DB) ScheduleOfferings(ctx context.Context, ws string, offerings []model.Offering) error {
	items := make([]any, len(offerings))
	for i := range offerings {
		items[i] = newScheduleEntry(ws, &offerings[i])
	}
	if _, err := db.putAll(ctx, items, nil); err != nil {
		return fmt.Errorf("store: schedule offerings: %w", err)
	}
	return nil
}

// ScheduledOffering names one offering with scheduled work.
type ScheduledOffering struct {
	Workspace string
	Offering  int64
}

// ScheduledOfferings lists the offerings with any reminder or summary
// setting on, across workspaces, in workspace order: one Query of the
// scheduler's index (never a Scan).
func (db *DB) ScheduledOfferings(ctx context.Context) ([]ScheduledOffering, error) {
	var items []scheduleEntry
	err := db.table.Get(AttrPK, schedulePK).Filter("$ = ?", "active", true).All(ctx, &items)
	if err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: scheduled offerings: %w", err)
	}
	out := make([]ScheduledOffering, len(items))
	for i, it := range items {
		out[i] = ScheduledOffering{Workspace: it.Workspace, Offering: it.Offering}
	}
	return out, nil
}

// Send names one e-mail the scheduled functions send at most once: kind,
// period and subject (a recipient or an investment) make its key.
type Send struct {
	Workspace string
	Offering  int64
	Kind      string // e.g. INVESTMENT_REMINDER, DAILY
	Period    string // e.g. a reminder's number, a local date, an ISO week
	Subject   string // the recipient (lower-case e-mail) or a padded investment id

	Recipient  string
	Investment int64
	Investor   int64
	Final      bool      // the last reminder the offering allows
	Expires    time.Time // the record's TTL: it must outlive the period
}

// Key is the send record's sort key: <kind>#<period>#<subject>.
func (s Send) Key() string { return s.Kind + "#" + s.Period + "#" + s.Subject }

// SendRecord is the stored record of one Send.
type SendRecord struct {
	PK         string `dynamo:"PK"`
	SK         string `dynamo:"SK"`
	Kind       string `dynamo:"kind"`
	Period     string `dynamo:"period"`
	Recipient  string `dynamo:"recipient"`
	Investment int64  `dynamo:"investment,omitempty"`
	Investor   int64  `dynamo:"investor,omitempty"`
	Final      bool   `dynamo:"final,omitempty"`
	Status     string `dynamo:"status"`
	Token      string `dynamo:"token,omitempty"`
	LeaseUntil int64  `dynamo:"lease_until"`
	Attempts   int    `dynamo:"attempts"`
	ClaimedAt  string `dynamo:"claimed_at"`
	SentAt     string `dynamo:"sent_at,omitempty"`
	MessageID  string `dynamo:"message_id,omitempty"`
	Error      string `dynamo:"error,omitempty"`
	TTL        int64  `dynamo:"ttl"`
}

// Done reports whether the record needs no further attempt at now: sent,
// claimed by a run whose lease has not run out, or failed too often.
func (r *SendRecord) Done(now time.Time) bool {
	switch r.Status {
	case SendSent:
		return true
	case SendPending:
		return r.LeaseUntil >= now.Unix() || r.Attempts >= MaxSendAttempts
	}
	return r.Attempts >= MaxSendAttempts
}

// ClaimSend records that s is about to be sent, before SES is called, and
// returns the claim's token. claimed is false when another attempt owns it
// or it is done: a record that is sent, or pending under a live lease. A
// record left failed by SES, or pending past its lease (a run that died
// between this write and SES), is claimed again, up to MaxSendAttempts.
// now is the run's clock; lease bounds how long one attempt may take.
func (db *DB) ClaimSend(ctx context.Context, s Send, now time.Time, lease time.Duration) (token string, claimed bool, err error) {
	token = newToken()
	rec := SendRecord{
		PK: sentPK(s.Workspace, s.Offering), SK: s.Key(),
		Kind: s.Kind, Period: s.Period, Recipient: s.Recipient, Investment: s.Investment, Investor: s.Investor, Final: s.Final,
		Status: SendPending, Token: token, LeaseUntil: now.Add(lease).Unix(), Attempts: 1,
		ClaimedAt: model.NewTime(now).SortKey(), TTL: s.Expires.Unix(),
	}
	err = db.table.Put(rec).If("attribute_not_exists(PK)").Run(ctx)
	if err == nil {
		return token, true, nil
	}
	if !dynamo.IsCondCheckFailed(err) {
		return "", false, fmt.Errorf("store: claim send %s: %w", rec.SK, err)
	}
	err = db.table.Update(AttrPK, rec.PK).Range(AttrSK, rec.SK).
		Set(attrSendStatus, SendPending).Set(attrSendToken, token).Set(attrSendLease, rec.LeaseUntil).
		Set("claimed_at", rec.ClaimedAt).Add(attrSendTries, 1).
		If("($ = ? OR ($ = ? AND $ < ?)) AND $ < ?",
			attrSendStatus, SendFailed, attrSendStatus, SendPending, attrSendLease, now.Unix(),
			attrSendTries, MaxSendAttempts).
		Run(ctx)
	if err == nil {
		return token, true, nil
	}
	if dynamo.IsCondCheckFailed(err) {
		return "", false, nil
	}
	return "", false, fmt.Errorf("store: reclaim send %s: %w", rec.SK, err)
}

// ErrClaimLost is returned when a send record was claimed again by another
// attempt (its lease ran out) before this one finished.
var ErrClaimLost = errors.New("store: send record claimed by another attempt")

// CompleteSend marks the claimed record sent. Returns ErrClaimLost if the
// token no longer holds it.
func (db *DB) CompleteSend(ctx context.Context, s Send, token, messageID string, now time.Time) error {
	err := db.table.Update(AttrPK, sentPK(s.Workspace, s.Offering)).Range(AttrSK, s.Key()).
		Set(attrSendStatus, SendSent).Set("sent_at", model.NewTime(now).SortKey()).Set("message_id", messageID).
		Remove("error").
		If("$ = ?", attrSendToken, token).Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return ErrClaimLost
	}
	return err
}

// FailSend marks the claimed record failed, so the next run retries it.
// Returns ErrClaimLost if the token no longer holds it.
func (db *DB) FailSend(ctx context.Context, s Send, token, cause string) error {
	if len(cause) > 500 {
		cause = cause[:500]
	}
	err := db.table.Update(AttrPK, sentPK(s.Workspace, s.Offering)).Range(AttrSK, s.Key()).
		Set(attrSendStatus, SendFailed).Set("error", cause).
		If("$ = ? AND $ = ?", attrSendToken, token, attrSendStatus, SendPending).Run(ctx)
	if dynamo.IsCondCheckFailed(err) {
		return ErrClaimLost
	}
	return err
}

// SendRecords returns an offering's send records whose key begins with
// prefix (a kind, or kind#period): one Query of WS#<ws>#SENT#<offering>.
func (db *DB) SendRecords(ctx context.Context, ws string, offering int64, prefix string) (map[string]*SendRecord, error) {
	var items []SendRecord
	q := db.table.Get(AttrPK, sentPK(ws, offering)).Consistent(true)
	if prefix != "" {
		q = q.Range(AttrSK, dynamo.BeginsWith, prefix)
	}
	if err := q.All(ctx, &items); err != nil && !errors.Is(err, dynamo.ErrNotFound) {
		return nil, fmt.Errorf("store: send records: %w", err)
	}
	out := make(map[string]*SendRecord, len(items))
	for i := range items {
		out[items[i].SK] = &items[i]
	}
	return out, nil
}

// InvestmentStatusCounts counts an offering's investments in each status:
// one COUNT Query of GSI3 per status (items are counted, not returned).
func (db *DB) InvestmentStatusCounts(ctx context.Context, ws string, offering int64) (map[string]int64, error) {
	out := make(map[string]int64, len(model.InvestmentStatuses))
	for _, st := range model.InvestmentStatuses {
		n, err := db.table.Get("GSI3PK", investmentsByStatusPK(ws, st.Value)).Index("GSI3").
			Range("GSI3SK", dynamo.BeginsWith, padID(offering)+"#").Count(ctx)
		if err != nil {
			return nil, fmt.Errorf("store: count %s investments: %w", st.Value, err)
		}
		out[st.Value] = int64(n)
	}
	return out, nil
}

func newToken() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// LowerEmail is the form of an e-mail used in send record keys.
func LowerEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
