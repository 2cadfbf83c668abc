package identity

import (
	"context"
	"errors"
	"time"
)

// ReceiptTTL is how long a delivery id is remembered (Svix retries for
// about three days).
const ReceiptTTL = 7 * 24 * time.Hour

// Receipt says what Deliver did with a delivery.
type Receipt int

const (
	// Applied: the delivery was new and its change is written.
	Applied Receipt = iota
	// AlreadyProcessed: the delivery id was seen before (a replay, or
	// Svix's retry of a delivery that did apply); nothing was written.
	AlreadyProcessed
)

// Deliver applies a webhook delivery's change at most once. The delivery
// id is claimed first (a receipt item, kept ReceiptTTL); a delivery whose
// id was claimed before is AlreadyProcessed. When applying fails, the
// receipt is released (even if ctx was cancelled meanwhile) and the error
// returned, so that the sender's retry of the same id applies it: only
// failures of the store get here, since a delivery is validated before it
// is delivered.
func (s *Service) Deliver(ctx context.Context, deliveryID string, c Change) (Receipt, error) {
	fresh, err := s.db.ClaimWebhook(ctx, deliveryID, s.clock.Now(), ReceiptTTL)
	if err != nil {
		return Applied, err
	}
	if !fresh {
		return AlreadyProcessed, nil
	}
	if err := c.apply(ctx, s); err != nil {
		if rerr := s.db.ReleaseWebhook(context.WithoutCancel(ctx), deliveryID); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return Applied, err
	}
	return Applied, nil
}

// Compile-time check that every event type is a Change.
var (
	_ Change = UserSync{}
	_ Change = UserDeletion{}
	_ Change = OrganisationSync{}
	_ Change = OrganisationDeletion{}
	_ Change = MembershipSync{}
	_ Change = MembershipDeletion{}
)
