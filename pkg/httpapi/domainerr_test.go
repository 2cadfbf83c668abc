package httpapi

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// TestDomainErrors: WriteError renders the store's and the model's domain
// errors itself, wrapped or not, so that handlers return them as they
// come; the 409 names the object of the route that lost the race, with
// the words each handler used to write itself.
func TestDomainErrors(t *testing.T) {
	for _, c := range []struct {
		name, pattern string
		err           error
		status        int
		want          string
	}{
		{"stale offering", "POST /api/offerings/{id}/close/{$}", store.ErrStale, 409, `{"detail":"The offering was changed by another request; retry."}`},
		{"busy offering", "PATCH /api/offerings/{id}/{$}", fmt.Errorf("save: %w", store.ErrBusy), 409, `{"detail":"The offering was changed by another request; retry."}`},
		{"stale investment", "POST /api/investments/{$}", fmt.Errorf("%w (cause)", store.ErrStale), 409, `{"detail":"The investment was changed by another request; retry."}`},
		{"stale investor", "PATCH /api/investors/{id}/{$}", store.ErrStale, 409, `{"detail":"The investor was changed by another request; retry."}`},
		{"busy user", "PATCH /api/users/{id}/{$}", store.ErrBusy, 409, `{"detail":"The user was changed by another request; retry."}`},
		{"stale trade", "POST /api/v1/ibkr/trades/{$}", store.ErrStale, 409, `{"detail":"The trade was changed by another request; retry."}`},
		{"stale elsewhere", "POST /api/v1/account/user/{$}", store.ErrStale, 409, `{"detail":"The object was changed by another request; retry."}`},
		{"transition", "POST /api/investments/{id}/{action}/{$}", &model.TransitionError{Action: "approve", Status: "refunded"}, 409, `{"detail":"Cannot approve an investment whose status is refunded."}`},
		{"precondition", "POST /api/investments/{id}/{action}/{$}", fmt.Errorf("run: %w", &model.PreconditionError{Message: "KYC has not passed."}), 409, `{"detail":"KYC has not passed."}`},
		{"anything else", "GET /api/offerings/{$}", errors.New("boom"), 500, `{"detail":"A server error occurred."}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.Pattern = c.pattern
			rec := httptest.NewRecorder()
			WriteError(rec, r, c.err)
			if rec.Code != c.status || rec.Body.String() != c.want+"\n" {
				t.Errorf("%d %s, want %d %s", rec.Code, rec.Body, c.status, c.want)
			}
			if rec.Header().Get("Content-Type") != "application/json" {
				t.Errorf("Content-Type %q", rec.Header().Get("Content-Type"))
			}
		})
	}
}
