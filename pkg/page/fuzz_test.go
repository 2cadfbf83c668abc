package page

import (
	"errors"
	"net/url"
	"testing"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/filter/py"
)

// FuzzPaginate feeds query strings to both paginations over any row count:
// no panic, a bad page is DRF's 404 "Invalid page." and nothing else, and
// the window always lies within the rows (so Slice cannot go out of
// range, whatever page, page_size, limit or offset says).
func FuzzPaginate(f *testing.F) {
	for _, s := range []string{
		"page=2&page_size=10", "page=last", "page=0", "page=-1", "page=99999999999999999999999", "page=%FF",
		"page_size=1e3&page=1_0", "limit=-1&offset=99999999999999999999", "limit=%00&offset=x", "page=+3&page_size= 7 ",
	} {
		f.Add(s, uint16(35))
	}
	base := &url.URL{Scheme: "https", Host: "api.tranche.test", Path: "/api/investments/"}
	f.Fuzz(func(t *testing.T, raw string, n uint16) {
		count := int(n)
		q := py.ParseQuery(raw)
		rows := make([]int, count)
		w, err := Numbers.Paginate(base, q, count)
		if err != nil {
			var ae *apierr.Error
			if !errors.As(err, &ae) || ae.Kind != apierr.NotFound || ae.Detail != "Invalid page." {
				t.Fatalf("PageNumber(%q, %d): %#v, want 404 Invalid page.", raw, count, err)
			}
		} else {
			inWindow(t, w)
			_ = Slice(w, rows)
		}
		w = Offsets.Paginate(base, q, count)
		inWindow(t, w)
		_ = Slice(w, rows)
	})
}

func inWindow(t *testing.T, w Window) {
	t.Helper()
	if w.Offset < 0 || w.Offset > w.Count || w.Limit <= 0 || w.End() < w.Offset || w.End() > w.Count {
		t.Fatalf("window out of the rows: %+v", w)
	}
}
