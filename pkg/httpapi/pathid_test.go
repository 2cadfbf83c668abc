package httpapi

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Issue 11, finding 8: "+1" was id 1. Only what Django's <int:pk> matches
// ([0-9]+) is an id; everything else is a 404.
func TestPathIDIsDigitsOnly(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "42": 42, "007": 7, "9223372036854775807": 1<<63 - 1} {
		if got, ok := ParseID(in); !ok || got != want {
			t.Errorf("%q: %d %v, want %d", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "+1", "-1", "0", "00", " 1", "1 ", "1e0", "0x1", "1_000", "١", "9223372036854775808", "99999999999999999999999"} {
		if got, ok := ParseID(in); ok {
			t.Errorf("%q: accepted as %d", in, got)
		}
		h := HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
			id, err := PathID(r, "id")
			if err != nil {
				return err
			}
			return JSON(w, 200, id)
		})
		req := httptest.NewRequest("POST", "/api/offerings/x/close/", nil)
		req.SetPathValue("id", in)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 404 || strings.TrimSpace(rec.Body.String()) != `{"detail":"Not found."}` {
			t.Errorf("%q: %d %s", in, rec.Code, rec.Body)
		}
	}
}

// FuzzParseID: an accepted id is exactly a run of ASCII digits naming a
// positive int64, and renders back to itself without its leading zeros.
func FuzzParseID(f *testing.F) {
	for _, s := range []string{"1", "+1", "-1", "0", "007", " 1", "1e3", "9223372036854775807", "9223372036854775808", "１"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := ParseID(s)
		if !ok {
			return
		}
		if id <= 0 {
			t.Fatalf("%q: id %d", s, id)
		}
		if strings.TrimLeft(s, "0123456789") != "" {
			t.Fatalf("%q accepted", s)
		}
		if got := strings.TrimLeft(s, "0"); got != formatID(id) {
			t.Fatalf("%q read as %d", s, id)
		}
	})
}

func formatID(id int64) string { b, _ := json.Marshal(id); return string(b) }
