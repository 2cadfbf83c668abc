// Package httpapitest helps the fuzz targets of the request body decoders
// (issue 11): it decodes a body exactly as a handler does, and checks that
// whatever a decoder refuses renders as a 4xx, never the 500 of an error
// httpapi.WriteError does not know.
package httpapitest

import (
	"bytes"
	"encoding/json"
	"net/http/httptest"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/tranche-dev/tranche/pkg/httpapi"
)

// Decode reads body into a JSON object's raw fields with httpapi.Decode,
// the first step of every write handler.
func Decode(body []byte) (map[string]json.RawMessage, error) {
	var raw map[string]json.RawMessage
	r := httptest.NewRequest("POST", "/", bytes.NewReader(body))
	err := httpapi.Decode(httptest.NewRecorder(), r, &raw)
	return raw, err
}

// Status is the status httpapi.WriteError answers err with.
func Status(err error) int {
	rec := httptest.NewRecorder()
	httpapi.WriteError(rec, httptest.NewRequest("POST", "/", nil), err)
	return rec.Code
}

// Refused fails tb unless err, a decoder's refusal, renders as a 4xx with
// a JSON body.
func Refused(tb testing.TB, err error) {
	tb.Helper()
	rec := httptest.NewRecorder()
	httpapi.WriteError(rec, httptest.NewRequest("POST", "/", nil), err)
	if rec.Code < 400 || rec.Code >= 500 {
		tb.Fatalf("refusal %v renders as %d: %s", err, rec.Code, rec.Body)
	}
	if !json.Valid(rec.Body.Bytes()) {
		tb.Fatalf("refusal %v renders a body that is not JSON: %q", err, rec.Body)
	}
}

// CleanString fails tb if s, a value a decoder accepted, holds what the
// decoders must refuse: invalid UTF-8 or a NUL character.
func CleanString(tb testing.TB, field, s string) {
	tb.Helper()
	if !utf8.ValidString(s) {
		tb.Fatalf("%s: accepted invalid UTF-8 %q", field, s)
	}
	if bytes.IndexByte([]byte(s), 0) >= 0 {
		tb.Fatalf("%s: accepted a NUL character %q", field, s)
	}
}

// CleanStrings applies CleanString to every string v holds, through
// pointers, structs, slices and maps: what a decoder accepted into a model.
func CleanStrings(tb testing.TB, v any) {
	tb.Helper()
	walk(tb, "", reflect.ValueOf(v))
}

func walk(tb testing.TB, path string, v reflect.Value) {
	tb.Helper()
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			walk(tb, path, v.Elem())
		}
	case reflect.String:
		CleanString(tb, path, v.String())
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				walk(tb, path+"."+v.Type().Field(i).Name, v.Field(i))
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return // raw JSON bytes: Decode has checked them
		}
		for i := 0; i < v.Len(); i++ {
			walk(tb, path+"[]", v.Index(i))
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			walk(tb, path+"{}", it.Key())
			walk(tb, path+"{}", it.Value())
		}
	}
}
