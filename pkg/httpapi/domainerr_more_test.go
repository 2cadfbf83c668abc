package httpapi

import (
	"fmt"
	"net/http/httptest"
	"testing"

	"github.com/tranche-dev/tranche/pkg/store"
)

// TestMoreDomainErrors: the store's remaining write errors a service may
// pass on are 409s too, never a 500.
func TestMoreDomainErrors(t *testing.T) {
	for _, c := range []struct {
		name, pattern string
		err           error
		want          string
	}{
		{"exists", "POST /api/offerings/{$}", fmt.Errorf("create: %w", store.ErrExists), `{"detail":"The offering already exists."}`},
		{"limit", "POST /api/investments/{$}", &store.LimitError{Limit: "maximum_amount_raised"}, `{"detail":"The investment would exceed the offering's limit: maximum_amount_raised."}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", "/", nil)
			r.Pattern = c.pattern
			rec := httptest.NewRecorder()
			WriteError(rec, r, c.err)
			if rec.Code != 409 || rec.Body.String() != c.want+"\n" {
				t.Errorf("%d %s, want 409 %s", rec.Code, rec.Body, c.want)
			}
		})
	}
}
