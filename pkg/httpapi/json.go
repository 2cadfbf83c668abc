package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tranche-dev/tranche/pkg/apierr"
)

// MaxBody is the largest request body a handler reads; more is a 413.
const MaxBody = 1 << 20

// JSON writes v as a JSON response with the given status.
func JSON(w http.ResponseWriter, status int, v any) error {
	writeJSON(w, status, v)
	return nil
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := encodeJSON(v)
	writeEncoded(w, status, b, err)
}

// encodeJSON is a response body's JSON, newline-terminated.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // DRF's renderer does not escape <, >, &
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// writeEncoded writes encodeJSON's result: b with status, or a 500 when
// encoding failed.
func writeEncoded(w http.ResponseWriter, status int, b []byte, err error) {
	w.Header().Set("Content-Type", "application/json")
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"detail":"A server error occurred."}` + "\n"))
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// Decode reads a JSON object body into v. An empty body, malformed JSON, a
// wrong type or a body over MaxBody come back as errors WriteError renders
// as 400/413.
func Decode(w http.ResponseWriter, r *http.Request, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return err
		}
		return apierr.BadRequest("Could not read the request body.")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	// encoding/json replaces invalid UTF-8 with U+FFFD without a word, so
	// the client's bytes were stored other than sent. DRF's parser decodes
	// the body as UTF-8 first and answers a parse error.
	if err := checkUTF8(body); err != nil {
		return err
	}
	if t := bytes.TrimSpace(body); t[0] != '{' {
		return &apierr.Error{Kind: apierr.Invalid, Fields: map[string][]string{"non_field_errors": {"Invalid data. Expected a dictionary, but got " + jsonTypeName(t[0]) + "."}}}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			// A body cut off mid-value: json.Decoder reports it as EOF,
			// not a SyntaxError; it is still the client's malformed JSON.
			return apierr.BadRequest("JSON parse error - unexpected end of input")
		}
		return err
	}
	if dec.More() {
		return apierr.BadRequest("JSON parse error - extra data after the JSON object")
	}
	return checkNUL(body)
}

// CheckUTF8 is Decode's UTF-8 check for a handler that reads a body other
// than a JSON object (a list), so that the body is refused as DRF's parser
// does rather than stored with its bad bytes replaced by U+FFFD.
func CheckUTF8(body []byte) error { return checkUTF8(body) }

// CheckNUL is Decode's NUL check for a handler that reads its body
// itself: a NUL in any string of a JSON object body is DRF's 400, nested
// where the string is.
func CheckNUL(body []byte) error { return checkNUL(body) }

// checkUTF8 refuses a body that is not UTF-8 with DRF's message, which is
// Python's UnicodeDecodeError: "JSON parse error - 'utf-8' codec can't
// decode byte 0xff in position 12: invalid start byte".
func checkUTF8(body []byte) error {
	if utf8.Valid(body) {
		return nil
	}
	for i := 0; i < len(body); {
		r, n := utf8.DecodeRune(body[i:])
		if r != utf8.RuneError || n > 1 {
			i += n
			continue
		}
		reason := "invalid start byte"
		if want := leadLen(body[i]); want > 1 {
			// A lead byte whose sequence is cut off or broken.
			reason = "invalid continuation byte"
			if len(body)-i < want && allContinuations(body[i+1:]) {
				reason = "unexpected end of data"
			}
		}
		return apierr.BadRequest(fmt.Sprintf("JSON parse error - 'utf-8' codec can't decode byte 0x%02x in position %d: %s", body[i], i, reason))
	}
	return apierr.BadRequest("JSON parse error - 'utf-8' codec can't decode the body")
}

// leadLen is the length of the UTF-8 sequence a lead byte starts, or 0 if
// b cannot start one.
func leadLen(b byte) int {
	switch {
	case b >= 0xc2 && b <= 0xdf:
		return 2
	case b >= 0xe0 && b <= 0xef:
		return 3
	case b >= 0xf0 && b <= 0xf4:
		return 4
	}
	return 0
}

func allContinuations(b []byte) bool {
	for _, c := range b {
		if c&0xc0 != 0x80 {
			return false
		}
	}
	return true
}

// nulMessage is DRF's ProhibitNullCharactersValidator message.
const nulMessage = "Null characters are not allowed."

// checkNUL refuses NUL characters ("\u0000") in any string of the body, a
// key included, the way DRF's CharField does: {"field": ["Null characters
// are not allowed."]}, nested objects giving nested errors as DRF's
// nested serializers do. Only a body that spells the escape is decoded a
// second time.
func checkNUL(body []byte) error {
	if !bytes.Contains(body, []byte(`\u0000`)) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v map[string]any
	if dec.Decode(&v) != nil {
		return nil // not an object: Decode has already refused it
	}
	errs := nulErrors(v)
	if errs == nil {
		return nil
	}
	if m, ok := errs.(map[string]any); ok {
		return &apierr.Error{Kind: apierr.Invalid, Body: m}
	}
	return &apierr.Error{Kind: apierr.Invalid, Fields: map[string][]string{"non_field_errors": {nulMessage}}}
}

// nulErrors returns the errors of a value holding NUL characters: nil when
// it holds none, a map of the fields that do for an object (a NUL in a
// key makes the whole object wrong), else DRF's message list.
func nulErrors(v any) any {
	switch v := v.(type) {
	case string:
		if strings.IndexByte(v, 0) >= 0 {
			return []string{nulMessage}
		}
	case []any:
		for _, e := range v {
			if nulErrors(e) != nil {
				return []string{nulMessage}
			}
		}
	case map[string]any:
		out := map[string]any{}
		for k, e := range v {
			if strings.IndexByte(k, 0) >= 0 {
				return []string{nulMessage}
			}
			if err := nulErrors(e); err != nil {
				out[k] = err
			}
		}
		if len(out) > 0 {
			return out
		}
	}
	return nil
}

func jsonTypeName(first byte) string {
	switch first {
	case '[':
		return "list"
	case '"':
		return "str"
	case 't', 'f':
		return "bool"
	case 'n':
		return "NoneType"
	}
	return "int"
}

// PathID reads an integer path wildcard. Anything that is not a positive
// integer is a 404, as DRF's lookup of a missing object is.
func PathID(r *http.Request, name string) (int64, error) {
	id, ok := ParseID(r.PathValue(name))
	if !ok {
		return 0, apierr.NotFoundError()
	}
	return id, nil
}

// ParseID reads a path id the way Django's <int:pk> matches one: [0-9]+
// and nothing else. strconv.ParseInt alone also takes a sign, so "+1" was
// object 1 (POST /api/offerings/+1/close/ closed offering 1); "-1", " 1"
// and "1e0" must not match either. Leading zeros do match, as in Django
// ("01" is 1). Zero and ids past int64 name no object.
func ParseID(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	return id, true
}
