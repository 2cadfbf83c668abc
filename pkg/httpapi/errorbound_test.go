package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/tranche-dev/tranche/pkg/apierr"
)

// TestErrorBodyBounded: field errors keyed by what the client sent (here
// 150,000 unknown keys, what a 1 MiB body of short keys carries) answer a
// bounded 400 in DRF's shape that says how many more fields have errors;
// nested error bodies (422 maps, nested serializers) are bounded the same
// way; small error bodies are untouched.
func TestErrorBodyBounded(t *testing.T) {
	fields := map[string][]string{"non_field_errors": {"Answers are incomplete."}}
	for i := 0; i < 150000; i++ {
		fields[fmt.Sprintf("k%06d", i)] = []string{"This form has no such field."}
	}
	nested := map[string]any{}
	for i := 0; i < 150000; i++ {
		nested[fmt.Sprintf("flag%06d", i)] = []string{"Unknown feature flag."}
	}
	for _, c := range []struct {
		name string
		err  *apierr.Error
	}{
		{"field errors", &apierr.Error{Kind: apierr.Invalid, Fields: fields}},
		{"nested body", &apierr.Error{Kind: apierr.Unprocessable, Body: nested}},
	} {
		rec := httptest.NewRecorder()
		WriteError(rec, httptest.NewRequest("POST", "/api/x/", nil), c.err)
		if rec.Code != c.err.Kind.Status() || rec.Body.Len() > MaxErrorBody {
			t.Fatalf("%s: %d, %d bytes (bound %d)", c.name, rec.Code, rec.Body.Len(), MaxErrorBody)
		}
		var got map[string][]string
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		nf := got["non_field_errors"]
		if len(got) < 1000 || len(nf) == 0 || !strings.Contains(nf[len(nf)-1], "more fields have errors") {
			t.Fatalf("%s: %d fields kept, non_field_errors %q", c.name, len(got), nf)
		}
	}
	rec := httptest.NewRecorder()
	WriteError(rec, httptest.NewRequest("POST", "/api/x/", nil), apierr.Field("email", "Enter a valid email address."))
	if rec.Body.String() != `{"email":["Enter a valid email address."]}`+"\n" {
		t.Fatalf("a small error body changed: %s", rec.Body)
	}
}
