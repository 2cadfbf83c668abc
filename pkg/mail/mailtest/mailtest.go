// Package mailtest reads mail back from the local SES v2 emulator
// (aws-ses-v2-local's GET /store). The endpoint comes from TRANCHE_TEST_SES;
// without it tests skip, except under CI=true, where they fail.
package mailtest

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"testing"

	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/mail"
)

// Endpoint returns the emulator's URL, or skips (fails in CI).
func Endpoint(tb testing.TB) string {
	tb.Helper()
	ep := os.Getenv("TRANCHE_TEST_SES")
	if ep == "" {
		if os.Getenv("CI") == "true" {
			tb.Fatal("mailtest: TRANCHE_TEST_SES is not set under CI=true")
		}
		tb.Skip("mailtest: no SES emulator (TRANCHE_TEST_SES)")
	}
	return ep
}

// Sender returns a sender to the emulator.
func Sender(tb testing.TB) *mail.Sender {
	tb.Helper()
	ep := Endpoint(tb)
	cfg, err := app.LoadAWS(context.Background(), app.Config{EndpointURL: ep, Region: "us-east-1"})
	if err != nil {
		tb.Fatal(err)
	}
	return mail.New(cfg, ep, "no-reply@tranche.test")
}

// Email is one stored message.
type Email struct {
	MessageID   string `json:"messageId"`
	From        string `json:"from"`
	Destination struct {
		To []string `json:"to"`
	} `json:"destination"`
	ReplyTo []string `json:"replyTo"`
	Headers []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
	Subject string `json:"subject"`
	Body    struct {
		Text string `json:"text"`
		HTML string `json:"html"`
	} `json:"body"`
}

// Header returns the value of a header field of the message, or "".
func (e Email) Header(name string) string {
	for _, h := range e.Headers {
		if http.CanonicalHeaderKey(h.Name) == http.CanonicalHeaderKey(name) {
			return h.Value
		}
	}
	return ""
}

// To returns the messages the emulator holds for an address.
func To(tb testing.TB, addr string) []Email {
	tb.Helper()
	resp, err := http.Get(Endpoint(tb) + "/store")
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	var store struct {
		Emails []Email `json:"emails"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&store); err != nil {
		tb.Fatal(fmt.Errorf("mailtest: decode store: %w", err))
	}
	var out []Email
	for _, e := range store.Emails {
		for _, to := range e.Destination.To {
			if to == addr {
				out = append(out, e)
			}
		}
	}
	return out
}

// Failing is a mailer that refuses every message, as SES does when it
// throttles or is misconfigured: what a service does when its e-mail
// cannot be sent (take back what it wrote, so a retry is not refused).
type Failing struct{}

// Send always fails.
func (Failing) Send(context.Context, mail.Message) (string, error) {
	return "", fmt.Errorf("mailtest: SES refused the message (throttled)")
}
