package mail_test

import (
	"context"
	"testing"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/emf"
	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/mail/mailtest"
)

// TestSendCounts: a send counts in the request's EMF counts, sent or
// failed, so e-mail from the API functions is a metric like the scheduled
// runs' (which count for themselves: outside a request nothing is added).
func TestSendCounts(t *testing.T) {
	s := mailtest.Sender(t)
	ctx, counts := emf.WithCounts(context.Background())
	if _, err := s.Send(ctx, mail.Message{To: []string{"counted@tranche.test"}, Subject: "counted", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
	// Nothing listens on port 1: the send fails.
	cfg, err := app.LoadAWS(context.Background(), app.Config{EndpointURL: "http://127.0.0.1:1", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	down := mail.New(cfg, "http://127.0.0.1:1", "no-reply@tranche.test")
	if _, err := down.Send(ctx, mail.Message{To: []string{"lost@tranche.test"}, Subject: "lost", Text: "hi"}); err == nil {
		t.Fatal("a send to a closed port succeeded")
	}
	got := map[string]float64{}
	for _, m := range counts.Metrics() {
		got[m.Name] = m.Value
	}
	if got[emf.MetricEmailsSent] != 1 || got[emf.MetricEmailsFailed] != 1 || len(got) != 2 {
		t.Errorf("counts %v, want one sent and one failed", got)
	}
	// Outside a request: no counts, no panic.
	if _, err := s.Send(context.Background(), mail.Message{To: []string{"uncounted@tranche.test"}, Subject: "x", Text: "hi"}); err != nil {
		t.Fatal(err)
	}
}
