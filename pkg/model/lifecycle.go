package model

import (
	"fmt"
	"time"
)

// Action is one step of the investment lifecycle. The eight public actions
// are POST /api/investments/{id}/{action}/; escrow-close is run for a whole
// Reg CF offering by POST /api/offerings/{id}/escrow-close/.
type Action string

// The lifecycle actions.
const (
	ActionReceive     Action = "receive"      // the payment arrived
	ActionFailPayment Action = "fail-payment" // the payment failed
	ActionApprove     Action = "approve"      // the issuer approves the investor (KYC/AML gate)
	ActionReject      Action = "reject"       // the issuer declines the investment
	ActionAccept      Action = "accept"       // the issuer countersigns: the investor holds the securities
	ActionCancel      Action = "cancel"       // the investor withdraws
	ActionRefund      Action = "refund"       // the money goes back
	ActionInvest      Action = "invest"       // the funds are released to the issuer
	ActionEscrowClose Action = "escrow-close" // Reg CF: the escrow closed on an accepted investment
)

// Actions are the public actions, in the order of the lifecycle.
var Actions = []Action{ActionReceive, ActionFailPayment, ActionApprove, ActionReject, ActionAccept, ActionCancel, ActionRefund, ActionInvest}

// AllActions adds the offering-level escrow close.
var AllActions = append(append([]Action{}, Actions...), ActionEscrowClose)

// Investment statuses, as constants for the rules.
const (
	StatusStarted              = "started"
	StatusNotReceived          = "not_received"
	StatusPaymentFailed        = "payment_failed"
	StatusReceived             = "received"
	StatusCancelled            = "cancelled"
	StatusRefunded             = "refunded"
	StatusInvested             = "invested"
	StatusApproved             = "approved"
	StatusNotApproved          = "not_approved"
	StatusAccepted             = "accepted"
	StatusAcceptedEscrowClosed = "accepted_escrow_closed"
)

// transition is one edge set of the state machine: the statuses an action
// may start from and the status it leads to.
type transition struct {
	from []string
	to   string
}

// lifecycle is the state machine over the 11 statuses of seed 000.
//
//	started ─receive→ received ─approve→ approved ─accept→ accepted ─invest→ invested
//	   │  (not_received too)        │                       │  └escrow-close→ accepted_escrow_closed ─invest→ invested
//	   └fail-payment→ payment_failed └reject→ not_approved   (Reg CF)
//	cancel: anything not yet accepted into the issuer's books; refund: money that came in and goes back.
var lifecycle = map[Action]transition{
	ActionReceive:     {from: []string{StatusStarted, StatusNotReceived}, to: StatusReceived},
	ActionFailPayment: {from: []string{StatusStarted, StatusNotReceived}, to: StatusPaymentFailed},
	ActionApprove:     {from: []string{StatusReceived}, to: StatusApproved},
	ActionReject:      {from: []string{StatusStarted, StatusNotReceived, StatusReceived, StatusApproved}, to: StatusNotApproved},
	ActionAccept:      {from: []string{StatusApproved}, to: StatusAccepted},
	ActionCancel:      {from: []string{StatusStarted, StatusNotReceived, StatusReceived, StatusApproved, StatusAccepted}, to: StatusCancelled},
	ActionRefund:      {from: []string{StatusCancelled, StatusNotApproved, StatusReceived, StatusApproved, StatusAccepted}, to: StatusRefunded},
	ActionInvest:      {from: []string{StatusAccepted, StatusAcceptedEscrowClosed}, to: StatusInvested},
	ActionEscrowClose: {from: []string{StatusAccepted}, to: StatusAcceptedEscrowClosed},
}

// ParseAction returns the public action named s.
func ParseAction(s string) (Action, bool) {
	for _, a := range Actions {
		if string(a) == s {
			return a, true
		}
	}
	return "", false
}

// TransitionError is an action the investment's status does not allow. The
// handler renders it 409 {"detail": Error()}.
type TransitionError struct {
	Action Action
	Status string
}

func (e *TransitionError) Error() string {
	return fmt.Sprintf("Cannot %s an investment whose status is %s.", e.Action, e.Status)
}

// Next returns the status the action leads to from status, or a
// *TransitionError.
func Next(status string, a Action) (string, error) {
	t, ok := lifecycle[a]
	if !ok {
		return "", &TransitionError{Action: a, Status: status}
	}
	for _, f := range t.from {
		if f == status {
			return t.to, nil
		}
	}
	return "", &TransitionError{Action: a, Status: status}
}

// Apply runs the action on inv at now: the status and the timestamps the
// action sets (received_at and processed_at on receive, processed_at on a
// failed payment, invested_at on accept and invest, refunded_at on refund,
// is_approved on approve/reject, updated_at always). It returns the status
// inv had. On error inv is unchanged.
func Apply(inv *Investment, a Action, now time.Time) (from string, err error) {
	to, err := Next(inv.Status, a)
	if err != nil {
		return "", err
	}
	t := NewTime(now)
	from = inv.Status
	inv.Status = to
	inv.UpdatedAt = t
	switch a {
	case ActionReceive:
		if inv.ReceivedAt == nil {
			inv.ReceivedAt = &t
		}
		inv.ProcessedAt = &t
	case ActionFailPayment:
		inv.ProcessedAt = &t
	case ActionApprove:
		yes := true
		inv.IsApproved = &yes
	case ActionReject:
		no := false
		inv.IsApproved = &no
	case ActionAccept, ActionInvest:
		if inv.InvestedAt == nil {
			inv.InvestedAt = &t
		}
	case ActionRefund:
		inv.RefundedAt = &t
	}
	return from, nil
}

// IsCommitted reports whether an investment in this status counts toward
// the committed total (and the offering's maximum amount raised): every
// status but the four that gave the money up.
func IsCommitted(status string) bool {
	switch status {
	case StatusCancelled, StatusRefunded, StatusPaymentFailed, StatusNotApproved:
		return false
	}
	return true
}

// IsReceived reports whether the investment's money came in and stayed.
func IsReceived(inv *Investment) bool {
	return inv.ReceivedAt != nil && inv.Status != StatusRefunded
}

// IsInvested reports whether the investor holds the securities.
func IsInvested(status string) bool {
	switch status {
	case StatusInvested, StatusAccepted, StatusAcceptedEscrowClosed:
		return true
	}
	return false
}

// Totals is one line of the investment summary.
type Totals struct {
	Amount        Money `json:"amount"`
	Count         int64 `json:"count"`
	InvestorCount int64 `json:"investor_count"`
}

// Aggregate is an offering's summary totals as maintained on every write:
// what GET /api/investments/summary/ shows when it is not filtered.
type Aggregate struct {
	Offering  int64
	Committed Totals
	Received  Totals
	Invested  Totals
	// NonAccredited counts the distinct non-accredited investors with a
	// committed investment (506(b) allows 35).
	NonAccredited int64
}

// Buckets says in which summary totals an investment counts:
// committed, received, invested.
func Buckets(inv *Investment) [3]bool {
	return [3]bool{IsCommitted(inv.Status), IsReceived(inv), IsInvested(inv.Status)}
}

// Step is one transition a write applied, for its audit record.
type Step struct {
	Action   string
	From, To string
	Detail   string // more about the step, for its audit record (optional)
}

// PreconditionError is an action the status allows but a rule refuses
// (KYC not passed, the cancellation window closed…). The handler renders it
// 409 {"detail": Message}.
type PreconditionError struct{ Message string }

func (e *PreconditionError) Error() string { return e.Message }

// Run applies action a to a copy of inv under the offering's rules and
// returns the copy and the steps taken: the action itself, then what the
// offering does on its own — auto approve after a receipt (when KYC passed
// and no AML hit is unresolved) and auto accept after an approval (within
// the auto-accept bounds). e is the investor's entity. inv is not changed.
func Run(o *Offering, e *Entity, inv *Investment, a Action, now time.Time) (*Investment, []Step, error) {
	next := *inv
	switch a {
	case ActionApprove:
		if _, err := Next(inv.Status, a); err == nil {
			if msg := ApprovalGate(e, inv.WatchlistEntitySet); msg != "" {
				return nil, nil, &PreconditionError{msg}
			}
		}
	case ActionCancel:
		if _, err := Next(inv.Status, a); err == nil {
			if msg := CancelAllowed(o, inv, now); msg != "" {
				return nil, nil, &PreconditionError{msg}
			}
		}
	case ActionInvest:
		if msg := InvestAllowed(o, inv); msg != "" {
			return nil, nil, &PreconditionError{msg}
		}
	case ActionRefund:
		if _, err := Next(inv.Status, a); err == nil {
			if msg := RefundAllowed(inv); msg != "" {
				return nil, nil, &PreconditionError{msg}
			}
		}
	}
	from, err := Apply(&next, a, now)
	if err != nil {
		return nil, nil, err
	}
	steps := []Step{{Action: string(a), From: from, To: next.Status}}
	if next.Status == StatusReceived && o.AutoApproveInvestments && ApprovalGate(e, next.WatchlistEntitySet) == "" {
		from, _ := Apply(&next, ActionApprove, now)
		steps = append(steps, Step{Action: "auto-approve", From: from, To: next.Status})
	}
	if next.Status == StatusApproved && AutoAccepts(o, next.Amount) {
		from, _ := Apply(&next, ActionAccept, now)
		steps = append(steps, Step{Action: "auto-accept", From: from, To: next.Status})
	}
	return &next, steps, nil
}
