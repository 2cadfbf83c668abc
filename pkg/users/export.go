package users

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/auth"
	"github.com/tranche-dev/tranche/pkg/filter"
	"github.com/tranche-dev/tranche/pkg/filter/py"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/listing"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// ExportColumns are the CSV export's columns, in order: a stable set, new
// columns only ever appended.
var ExportColumns = []string{"id", "uuid", "email", "first_name", "last_name", "type",
	"date_joined", "last_login", "thirdpartyissueruser_email"}

// Blobs is where a large export goes: blob.Store's Put and PresignGet.
type Blobs interface {
	Put(ctx context.Context, key, contentType string, body io.Reader) error
	PresignGet(ctx context.Context, key string, ttl time.Duration, downloadName string) (string, error)
}

// Exporter writes users as CSV. An export of at most Inline bytes is the
// response itself; a larger one is streamed to Blobs and the response is
// a 303 to a presigned URL valid for LinkTTL. API Gateway and Lambda
// refuse responses above 6 MB (and base64 makes a binary body bigger), so
// Inline stays well below.
type Exporter struct {
	Blobs   Blobs
	Inline  int
	LinkTTL time.Duration
}

// DefaultExporter's limits.
const (
	DefaultInline  = 4 << 20
	DefaultLinkTTL = 5 * time.Minute
)

// neutralise defends a cell against formula injection (OWASP's CSV
// injection advice): a cell a spreadsheet would read as a formula (leading
// = + - @, tab or carriage return) gets a leading apostrophe.
func neutralise(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

func record(ws string, r *urow) []string {
	u := r.u
	last, issuer := "", ""
	if u.LastLogin != nil {
		last = u.LastLogin.String()
	}
	if u.ThirdPartyIssuerEmail != nil {
		issuer = *u.ThirdPartyIssuerEmail
	}
	rec := []string{strconv.FormatInt(u.ID, 10), model.UserUUID(ws, u.ID), u.Email, u.FirstName, u.LastName, r.typ,
		u.DateJoined.String(), last, issuer}
	for i := range rec {
		rec[i] = neutralise(rec[i])
	}
	return rec
}

// WriteCSV writes the header and one record per row (RFC 4180, CRLF line
// ends, UTF-8) to w.
func WriteCSV(w io.Writer, ws string, rows []*urow) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(ExportColumns); err != nil {
		return err
	}
	for _, r := range rows {
		if err := cw.Write(record(ws, r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// limitWriter fills buf up to max bytes, then reports errFull.
type limitWriter struct {
	buf *bytes.Buffer
	max int
}

var errFull = fmt.Errorf("users: export exceeds the inline limit")

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.buf.Len()+len(p) > l.max {
		return 0, errFull
	}
	return l.buf.Write(p)
}

// Serve answers the export of rows: inline when it fits, else through
// Blobs.
func (e Exporter) Serve(w http.ResponseWriter, r *http.Request, ws, name string, rows []*urow) error {
	var buf bytes.Buffer
	err := WriteCSV(&limitWriter{buf: &buf, max: e.Inline}, ws, rows)
	if err == nil {
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.WriteHeader(http.StatusOK)
		_, err = w.Write(buf.Bytes())
		return err
	}
	if err != errFull {
		return err
	}
	if e.Blobs == nil {
		return apierr.Wrap(fmt.Errorf("users: export of %d users needs the blob store, which is not configured", len(rows)))
	}
	// Stream the CSV into the store: memory stays at the pipe's buffer,
	// whatever the number of users.
	ctx := r.Context()
	key := "exports/" + ws + "/users/" + store.NewUUID() + ".csv"
	pr, pw := io.Pipe()
	go func() {
		bw := bufio.NewWriterSize(pw, 256<<10)
		err := WriteCSV(bw, ws, rows)
		if err == nil {
			err = bw.Flush()
		}
		pw.CloseWithError(err)
	}()
	if err := e.Blobs.Put(ctx, key, "text/csv; charset=utf-8", pr); err != nil {
		pr.CloseWithError(err)
		return err
	}
	url, err := e.Blobs.PresignGet(ctx, key, e.LinkTTL, name)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, url, http.StatusSeeOther)
	return nil
}

// handleExport is GET /api/users/export/ (every user) and GET
// /api/user-types/{type}/export/ (view_user). The list's filters, search
// and ordering apply; there is no pagination.
func handleExport(s Service, ex Exporter, typed bool) httpapi.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		p, err := auth.Must(r)
		if err != nil {
			return err
		}
		if err := mayView(p); err != nil {
			return err
		}
		typ, name := TypeAll, "users.csv"
		if typed {
			if typ, err = pathType(r); err != nil {
				return err
			}
			name = "users-" + typ + ".csv"
		}
		ctx := r.Context()
		q, err := filter.Parse(ctx, Filters001, py.ParseQuery(r.URL.RawQuery), nil)
		if err != nil {
			return err
		}
		v, f, err := s.Open(ctx, p.Workspace)
		if err != nil {
			return err
		}
		defer v.Close()
		rows := listing.Select(listing.Table[*urow]{Key: "users001/export/" + typ, Memo: listing.NoMemo,
			Rows: func() []*urow { return Rows(v, f, typ) }}, q)
		return ex.Serve(w, r, p.Workspace, name, rows)
	}
}
