package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/tranche-dev/tranche/pkg/mail"
	"github.com/tranche-dev/tranche/pkg/store"
)

// Dead lists the sends of every workspace whose attempts are used up
// (tranche mail failed).
func (r *Runner) Dead(ctx context.Context) ([]store.SendRecord, error) {
	return r.DB.DeadSends(ctx)
}

// Retry sends a dead record's message once more, as its run rendered it
// (tranche mail retry KEY). The record is claimed like any send, so two
// operators retrying at once send it once; on success it is sent, on an
// SES error it goes back on the dead list with the new cause. It returns
// SES's message id.
func (r *Runner) Retry(ctx context.Context, ref store.SendRef, now time.Time) (string, error) {
	rec, token, err := r.DB.ReviveSend(ctx, ref, now, r.Lease)
	if err != nil {
		return "", err
	}
	subject, ok := strings.CutPrefix(ref.Key, rec.Kind+"#"+rec.Period+"#")
	if !ok {
		return "", fmt.Errorf("schedule: record %s: key does not match its kind and period", ref)
	}
	s := store.Send{Workspace: ref.Workspace, Offering: ref.Offering, Kind: rec.Kind, Period: rec.Period,
		Subject: subject, Recipient: rec.Recipient}
	octx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var m mail.Message
	if err := json.Unmarshal([]byte(rec.Mail), &m); err != nil || len(m.To) == 0 {
		cause := fmt.Errorf("schedule: record %s keeps no message to send", ref)
		return "", errors.Join(cause, r.DB.BurySend(octx, s, token, cause.Error(), rec.Mail, now))
	}
	id, sendErr := r.Mail.Send(ctx, m)
	if sendErr != nil {
		return "", errors.Join(sendErr, r.DB.BurySend(octx, s, token, sendErr.Error(), rec.Mail, now))
	}
	return id, r.complete(ctx, octx, s, token, id, now)
}

// RetryAll retries every dead send (tranche mail retry --all) and returns
// how many went out; the others stay dead and their errors are joined.
func (r *Runner) RetryAll(ctx context.Context, now time.Time) (int, error) {
	dead, err := r.Dead(ctx)
	if err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for i := range dead {
		if _, err := r.Retry(ctx, dead[i].Ref(), now); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", dead[i].Ref(), err))
			continue
		}
		sent++
	}
	return sent, errors.Join(errs...)
}
