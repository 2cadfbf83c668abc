package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

func TestScheduledOfferings(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	on := model.Offering{ID: 1, Issuer: 1, DailySummaryEmails: true}
	off := model.Offering{ID: 2, Issuer: 1}
	if err := db.ScheduleOfferings(ctx, "ws-a", []model.Offering{on, off}); err != nil {
		t.Fatal(err)
	}
	if err := db.ScheduleOfferings(ctx, "ws-b", []model.Offering{{ID: 7, WireEmailReminderPeriod: ptr(int64(1)), WireEmailReminderMaxSent: ptr(int64(2))}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.ScheduledOfferings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.ScheduledOffering{{Workspace: "ws-a", Offering: 1}, {Workspace: "ws-b", Offering: 7}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("ScheduledOfferings = %v, want %v", got, want)
	}
	// Turning the settings off takes the offering out.
	on.DailySummaryEmails = false
	if err := db.ScheduleOfferings(ctx, "ws-a", []model.Offering{on}); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.ScheduledOfferings(ctx); len(got) != 1 || got[0].Offering != 7 {
		t.Fatalf("after switching off: %v", got)
	}
}

func ptr[T any](v T) *T { return &v }

func TestClaimSend(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2025, 6, 30, 15, 0, 0, 0, time.UTC)
	s := store.Send{Workspace: "ws", Offering: 1, Kind: "DAILY", Period: "2025-06-29", Subject: "ops@example.com",
		Recipient: "ops@example.com", Expires: now.Add(30 * 24 * time.Hour)}
	lease := 15 * time.Minute
	claim := func(at time.Time) (string, bool) {
		t.Helper()
		c, err := db.ClaimSend(ctx, s, at, lease)
		if err != nil {
			t.Fatal(err)
		}
		return c.Token, c.Claimed
	}
	tok, ok := claim(now)
	if !ok {
		t.Fatal("first claim refused")
	}
	if _, ok := claim(now); ok {
		t.Fatal("second claim under the lease granted")
	}
	// SES failed: the next attempt may claim it at once; the same run
	// (a retried invocation) uses no attempt.
	if err := db.FailSend(ctx, s, tok, "throttled"); err != nil {
		t.Fatal(err)
	}
	tok2, ok := claim(now)
	if !ok {
		t.Fatal("failed record not reclaimed")
	}
	if err := db.FailSend(ctx, s, tok, "stale"); err != store.ErrClaimLost {
		t.Fatalf("FailSend with the old token: %v, want ErrClaimLost", err)
	}
	// Pending past its lease (the claimer died): reclaimed.
	tok3, ok := claim(now.Add(lease + time.Second))
	if !ok {
		t.Fatal("expired pending record not reclaimed")
	}
	if err := db.CompleteSend(ctx, s, tok2, "m-old", now); err != store.ErrClaimLost {
		t.Fatalf("CompleteSend with a lost claim: %v", err)
	}
	if err := db.CompleteSend(ctx, s, tok3, "m-1", now); err != nil {
		t.Fatal(err)
	}
	// Sent: never again.
	if _, ok := claim(now.Add(48 * time.Hour)); ok {
		t.Fatal("sent record reclaimed")
	}
	recs, err := db.SendRecords(ctx, "ws", 1, "DAILY#2025-06-29#")
	if err != nil {
		t.Fatal(err)
	}
	r := recs[s.Key()]
	if r == nil || r.Status != store.SendSent || r.MessageID != "m-1" || r.Attempts != 2 || !r.Done(now) || r.Error != "" {
		t.Fatalf("record = %+v", r)
	}
}

// TestSendDeadAndRevived: attempts count per run; the last one leaves the
// record Exhausted, BurySend lists it dead with its message, ReviveSend
// takes it off the list once.
func TestSendDeadAndRevived(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	now := time.Date(2025, 6, 30, 15, 0, 0, 0, time.UTC)
	s := store.Send{Workspace: "ws-dead", Offering: 3, Kind: "WEEKLY", Period: "2025-W26", Subject: "ops@example.com",
		Recipient: "ops@example.com", Expires: now.Add(30 * 24 * time.Hour)}
	var last store.Claim
	for run := 0; run < store.MaxSendAttempts; run++ {
		at := now.Add(time.Duration(run) * time.Hour)
		for retry := 0; retry < 3; retry++ { // Lambda's retries of one run
			c, err := db.ClaimSend(ctx, s, at, 15*time.Minute)
			if err != nil || !c.Claimed || c.Attempts != run+1 {
				t.Fatalf("run %d retry %d: %+v, %v", run, retry, c, err)
			}
			if err := db.FailSend(ctx, s, c.Token, "ses down"); err != nil {
				t.Fatal(err)
			}
			last = c
		}
	}
	c, err := db.ClaimSend(ctx, s, now.Add(time.Duration(store.MaxSendAttempts)*time.Hour), 15*time.Minute)
	if err != nil || c.Claimed || !c.Exhausted || c.Token != last.Token {
		t.Fatalf("claim past the last attempt: %+v, %v", c, err)
	}
	if err := db.BurySend(ctx, s, "not-the-token", "x", "{}", now); err != store.ErrClaimLost {
		t.Fatalf("BurySend with a wrong token: %v", err)
	}
	if err := db.BurySend(ctx, s, c.Token, "ses down", `{"Subject":"Weekly"}`, now); err != nil {
		t.Fatal(err)
	}
	dead, err := db.DeadSends(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var mine *store.SendRecord
	for i := range dead {
		if dead[i].Ref() == s.Ref() {
			mine = &dead[i]
		}
	}
	if mine == nil || mine.Status != store.SendDead || mine.Mail != `{"Subject":"Weekly"}` || !mine.Done(now.Add(1000*time.Hour)) {
		t.Fatalf("dead list: %+v", dead)
	}
	ref, err := store.ParseSendRef(s.Ref().String())
	if err != nil || ref != s.Ref() {
		t.Fatalf("ParseSendRef(%q) = %+v, %v", s.Ref(), ref, err)
	}
	rec, tok, err := db.ReviveSend(ctx, ref, now, 15*time.Minute)
	if err != nil || rec.Mail == "" || rec.Attempts != store.MaxSendAttempts+1 {
		t.Fatalf("ReviveSend: %+v, %v", rec, err)
	}
	if _, _, err := db.ReviveSend(ctx, ref, now, 15*time.Minute); !errors.Is(err, store.ErrNotDead) {
		t.Fatalf("second ReviveSend: %v, want ErrNotDead", err)
	}
	if err := db.CompleteSend(ctx, s, tok, "m-9", now); err != nil {
		t.Fatal(err)
	}
	dead, _ = db.DeadSends(ctx)
	for _, d := range dead {
		if d.Ref() == s.Ref() {
			t.Fatal("a sent record is still on the dead list")
		}
	}
}
