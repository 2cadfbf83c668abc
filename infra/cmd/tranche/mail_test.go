package main

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/mail/mailtest"
	"github.com/tranche-dev/tranche/pkg/store"
	"github.com/tranche-dev/tranche/pkg/store/storetest"
)

// TestMailRetry: a dead send is listed by `mail failed` and delivered
// once by `mail retry KEY`, however often it is retried.
func TestMailRetry(t *testing.T) {
	ses := mailtest.Endpoint(t)
	db := storetest.New(t)
	ctx := context.Background()
	now := time.Now().UTC()
	to := "dead-" + now.Format("150405.000000") + "@example.com"
	s := store.Send{Workspace: "ws-cli", Offering: 4, Kind: "DAILY", Period: "2025-06-29", Subject: to, Recipient: to,
		Expires: now.Add(24 * time.Hour)}
	c, err := db.ClaimSend(ctx, s, now, time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(mail.Message{To: []string{to}, Subject: "Daily summary", Text: "Figures."})
	if err := db.BurySend(ctx, s, c.Token, "ses down", string(b), now); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"TABLE_NAME": db.Name(), "AWS_ENDPOINT_URL": storetest.Endpoint(t), "SES_ENDPOINT_URL": ses}
	getenv := func(k string) string { return env[k] }
	if err := run(ctx, []string{"mail", "failed"}, getenv); err != nil {
		t.Fatal(err)
	}
	key := s.Ref().String()
	if err := run(ctx, []string{"mail", "retry", key}, getenv); err != nil {
		t.Fatal(err)
	}
	if err := run(ctx, []string{"mail", "retry", key}, getenv); err == nil {
		t.Fatal("a second retry of a sent record succeeded")
	}
	if err := run(ctx, []string{"mail", "retry", "--all"}, getenv); err != nil {
		t.Fatal(err)
	}
	if got := mailtest.To(t, to); len(got) != 1 || got[0].Subject != "Daily summary" {
		t.Fatalf("emulator holds %+v, want the summary once", got)
	}
	dead, err := db.DeadSends(ctx)
	if err != nil || len(dead) != 0 {
		t.Fatalf("dead after retry: %v, %v", dead, err)
	}
}
