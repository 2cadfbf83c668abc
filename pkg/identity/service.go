package identity

import (
	"errors"
	"time"

	"github.com/tranche-dev/tranche/pkg/store"
)

// Clock tells the time. clerk.Clock satisfies it, so pkg/auth passes the
// clock it verifies tokens with, and a test's fixed clock decides both.
type Clock interface {
	Now() time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// SystemClock is the real time.
var SystemClock Clock = systemClock{}

// ErrInactive is the domain error of a verified session whose user Clerk
// deleted (user.deleted marks the identity inactive). pkg/auth answers it
// with 401 "User inactive or deleted.".
var ErrInactive = errors.New("identity: user inactive or deleted")

// Service owns the identity aggregate: resolving a verified session to
// the identity and its active workspace (with the sign-in bookkeeping),
// the caller's own identity, switching workspace, and applying Clerk's
// webhook events at most once. It knows nothing of HTTP.
//
// Its storage is the identity aggregate, and the users aggregate for the
// two sign-in steps that give a member their user records (seed 001).
type Service struct {
	db    store.IdentityStore
	users store.UserStore
	clock Clock
}

// NewService returns the identity service over db, reading the time from
// clock (nil: SystemClock).
func NewService(db *store.DB, clock Clock) *Service {
	if clock == nil {
		clock = SystemClock
	}
	if db == nil {
		db = &store.DB{} // routes bound without a store (tests): nothing is usable, as with a nil *DB
	}
	return &Service{db: db.IdentityStore, users: db.UserStore, clock: clock}
}
