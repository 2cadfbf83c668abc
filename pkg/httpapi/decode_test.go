package httpapi

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"
)

// decodeRec runs Decode over body into a generic object and returns the
// response: the decoded object on success, else the rendered error.
func decodeRec(body []byte) *httptest.ResponseRecorder {
	h := HandlerFunc(func(w http.ResponseWriter, r *http.Request) error {
		var v map[string]json.RawMessage
		if err := Decode(w, r, &v); err != nil {
			return err
		}
		return JSON(w, 200, v)
	})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/", bytes.NewReader(body)))
	return rec
}

// Issue 11, finding 7: NUL characters were stored and invalid UTF-8 was
// silently replaced with U+FFFD. Both are DRF's 400s now, for every route
// (they all decode through Decode).
func TestDecodeRefusesNULAndInvalidUTF8(t *testing.T) {
	for _, c := range []struct{ name, body, want string }{
		{"NUL in a field", `{"name":"a\u0000b","n":1}`, `{"name":["Null characters are not allowed."]}`},
		{"NUL in two fields", `{"a":"\u0000","b":["x","\u0000"],"c":"ok"}`, `{"a":["Null characters are not allowed."],"b":["Null characters are not allowed."]}`},
		{"NUL in a nested object", `{"entity":{"first_name":"\u0000","last_name":"ok"}}`, `{"entity":{"first_name":["Null characters are not allowed."]}}`},
		{"NUL in a key", `{"a\u0000":1}`, `{"non_field_errors":["Null characters are not allowed."]}`},
		{"invalid start byte", "{\"name\":\"\xff\"}", `{"detail":"JSON parse error - 'utf-8' codec can't decode byte 0xff in position 9: invalid start byte"}`},
		{"invalid continuation byte", "{\"name\":\"\xc3(\"}", `{"detail":"JSON parse error - 'utf-8' codec can't decode byte 0xc3 in position 9: invalid continuation byte"}`},
		{"surrogate", "{\"name\":\"\xed\xa0\x80\"}", `{"detail":"JSON parse error - 'utf-8' codec can't decode byte 0xed in position 9: invalid continuation byte"}`},
		{"cut off", "{\"name\":\"\xe2\x82", `{"detail":"JSON parse error - 'utf-8' codec can't decode byte 0xe2 in position 9: unexpected end of data"}`},
		{"outside a string", "\xef\xbb\xbf\xfe{}", `{"detail":"JSON parse error - 'utf-8' codec can't decode byte 0xfe in position 3: invalid start byte"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			rec := decodeRec([]byte(c.body))
			if rec.Code != 400 || strings.TrimSpace(rec.Body.String()) != c.want {
				t.Errorf("%d %s, want 400 %s", rec.Code, rec.Body, c.want)
			}
		})
	}
	// What is not a NUL stays accepted: an escaped backslash before
	// "u0000", other control escapes, valid multi-byte text.
	for _, body := range []string{`{"a":"\\u0000"}`, `{"a":"\u0001\t"}`, `{"a":"Smith & Sons — Zürich 🚀"}`} {
		if rec := decodeRec([]byte(body)); rec.Code != 200 {
			t.Errorf("%s: %d %s", body, rec.Code, rec.Body)
		}
	}
}

// FuzzDecode: whatever the body, Decode answers success or a 4xx with a
// JSON object body (never a 500), and what it accepts holds neither a NUL
// nor replaced invalid UTF-8.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{``, `{}`, `{"a":1}`, `{"a":"\u0000"}`, `{"a":{"b":["\u0000"]}}`, "{\"a\":\"\xff\"}", `[1]`, `"x"`, `{"a":`, `{"a":1} 2`, `{"a\u0000":1}`, `{"a":"\\u0000"}`, `{"a":1e999}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := decodeRec(body)
		if rec.Code >= 500 || (rec.Code != 200 && rec.Code/100 != 4) {
			t.Fatalf("%q: status %d %s", body, rec.Code, rec.Body)
		}
		dec := json.NewDecoder(rec.Body)
		dec.UseNumber()
		var v map[string]any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%q: body is not a JSON object: %q", body, rec.Body)
		}
		if rec.Code == 200 {
			if !utf8.Valid(body) {
				t.Fatalf("%q: invalid UTF-8 accepted", body)
			}
			if nulErrors(v) != nil {
				t.Fatalf("%q: NUL accepted: %v", body, v)
			}
		}
	})
}
