package documents

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	htmltemplate "html/template"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/guregu/dynamo/v2"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/httpapi"
	"github.com/tranche-dev/tranche/pkg/model"
	"github.com/tranche-dev/tranche/pkg/store"
)

// The signing page: routes of function documents-web (AuthNone: the
// signed link is the credential). Errors in the link answer as the API's
// do (404 forged or unknown, 403 expired), before anything is read.

// viewTTL is how long the page's presigned link to the PDF works: long
// enough to read the form, short enough that a copied page goes stale.
const viewTTL = 15 * time.Minute

// maxSignerName bounds the typed signature.
const maxSignerName = 200

// pageCSS is the page's only style; the CSP allows exactly it by hash, so
// the page needs no 'unsafe-inline' and loads nothing from elsewhere.
const pageCSS = `body{font-family:Helvetica,Arial,sans-serif;max-width:760px;margin:32px auto;padding:0 16px;color:#1f2933}
h1{font-size:20px}iframe{width:100%;height:640px;border:1px solid #9aa5b1}.err{color:#b42318}.hash{font-family:monospace;font-size:12px;word-break:break-all}
label{display:block;margin:12px 0}input[type=text]{width:100%;padding:6px;font-size:16px}button{padding:8px 16px;font-size:16px}`

var pageCSSHash = func() string {
	s := sha256.Sum256([]byte(pageCSS))
	return "'sha256-" + base64.StdEncoding.EncodeToString(s[:]) + "'"
}()

var signPage = htmltemplate.Must(htmltemplate.New("page").Funcs(htmltemplate.FuncMap{
	"deref": func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	},
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Form W-9</title><style>` + pageCSS + `</style></head>
<body>
<h1>{{.Title}}</h1>
{{if .Message}}<p class="err">{{.Message}}</p>{{end}}
{{if .State}}
{{if .DocURL}}<iframe src="{{.DocURL}}" title="Form W-9"></iframe>
<p><a href="{{.DocURL}}">Open the PDF</a></p>{{end}}
<p>Document SHA-256: <span class="hash">{{.State.SHA256}}</span></p>
{{if .State.SignedAt}}
<p>Signed by <strong>{{deref .State.SignerName}}</strong> on {{.State.SignedAt}} (document SHA-256 <span class="hash">{{deref .State.SignedHash}}</span>).</p>
{{else}}
<form method="post">
<input type="hidden" name="sha256" value="{{.State.SHA256}}">
<label>Full legal name (your signature)<input type="text" name="name" maxlength="200" required value="{{.Name}}" autocomplete="name"></label>
<label><input type="checkbox" name="consent" value="yes" required> Under penalties of perjury, I certify the statements of Part II of this form, and I agree to sign it electronically.</label>
<button type="submit">Sign</button>
</form>
{{end}}
{{end}}
</body></html>
`))

// Page serves the signing page.
type Page struct {
	DB    *store.DB
	Blobs Blobs
	Log   *slog.Logger
	Now   func() time.Time
	key   []byte
}

type pageData struct {
	Title, Message, Name string
	State                *model.W9State
	DocURL               string
}

var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// NewPage returns the signing page over db and blobs, verifying links with
// key (which it also installs for EmbedLink).
func NewPage(db *store.DB, blobs Blobs, log *slog.Logger, key []byte) (*Page, error) {
	if len(key) == 0 {
		return nil, errors.New("documents: the signing page needs DOCUMENT_LINK_KEY")
	}
	SetLinkKey(key)
	return &Page{DB: db, Blobs: blobs, Log: log, Now: time.Now, key: key}, nil
}

// Handler returns the page's routes (function documents-web).
func (p *Page) Handler() http.Handler {
	rt := httpapi.NewRouter("documents-web")
	rt.HandleFunc("GET "+signPath+"{token}/", p.get)
	rt.HandleFunc("POST "+signPath+"{token}/", p.post)
	return rt.Handler()
}

// open verifies the link, then reads the state it names: 404 for a forged
// link, a profile without a W-9 or another share UUID, 403 for an expired
// one (verified first: nothing is read for either).
func (p *Page) open(r *http.Request) (link, model.W9State, error) {
	l, err := verifyLink(p.key, r.PathValue("token"), p.Now())
	switch {
	case errors.Is(err, errBadLink):
		return l, model.W9State{}, apierr.NotFoundError()
	case errors.Is(err, errExpiredLink):
		return l, model.W9State{}, &apierr.Error{Kind: apierr.Forbidden, Detail: "This signing link has expired; ask for a new one."}
	}
	st, err := p.DB.W9State(r.Context(), l.Workspace, l.Profile)
	if errors.Is(err, dynamo.ErrNotFound) || (err == nil && st.ShareUUID != l.Share) {
		return l, st, apierr.NotFoundError()
	}
	return l, st, err
}

func (p *Page) get(w http.ResponseWriter, r *http.Request) error {
	_, st, err := p.open(r)
	if err != nil {
		return err
	}
	return p.render(w, r.Context(), http.StatusOK, pageData{State: &st})
}

func (p *Page) post(w http.ResponseWriter, r *http.Request) error {
	l, st, err := p.open(r)
	if err != nil {
		return err
	}
	if st.SignedAt != nil {
		return p.render(w, r.Context(), http.StatusConflict, pageData{State: &st, Message: "This form is signed already."})
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return p.render(w, r.Context(), http.StatusBadRequest, pageData{State: &st, Message: "The form could not be read; please try again."})
	}
	name := strings.Join(strings.Fields(r.PostForm.Get("name")), " ")
	consent := r.PostForm.Get("consent")
	hash := r.PostForm.Get("sha256")
	var problems []string
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxSignerName {
		problems = append(problems, "Type your full legal name (at most 200 characters).")
	}
	if consent != "yes" && consent != "on" && consent != "true" {
		problems = append(problems, "Tick the certification box to sign.")
	}
	if !hexHash.MatchString(hash) {
		problems = append(problems, "The form is incomplete; reload the page.")
	}
	if len(problems) > 0 {
		return p.render(w, r.Context(), http.StatusBadRequest, pageData{State: &st, Name: name, Message: strings.Join(problems, " ")})
	}
	if hash != st.SHA256 {
		return p.render(w, r.Context(), http.StatusConflict, pageData{State: &st, Name: name, Message: "The form was updated since you opened it; review this version and sign again."})
	}
	at := p.Now()
	switch err := p.DB.SignW9(r.Context(), l.Workspace, l.Profile, name, clientIP(r), hash, at); {
	case errors.Is(err, store.ErrW9NotSignable):
		// Signed by a concurrent request, or regenerated: show what is.
		if _, st, err = p.open(r); err != nil {
			return err
		}
		return p.render(w, r.Context(), http.StatusConflict, pageData{State: &st, Message: "This form is signed already or was updated."})
	case err != nil:
		return err
	}
	p.Log.InfoContext(r.Context(), "W-9 signed", "workspace", l.Workspace, "profile", l.Profile, "version", st.Version)
	if _, st, err = p.open(r); err != nil {
		return err
	}
	return p.render(w, r.Context(), http.StatusOK, pageData{State: &st})
}

func (p *Page) render(w http.ResponseWriter, ctx context.Context, status int, d pageData) error {
	csp := "default-src 'none'; style-src " + pageCSSHash + "; form-action 'self'; base-uri 'none'"
	if d.State != nil && d.State.ObjectKey != "" {
		u, err := p.Blobs.PresignGet(ctx, d.State.ObjectKey, viewTTL, "W-9.pdf")
		if err != nil {
			return err
		}
		d.DocURL = u
		if pu, err := url.Parse(u); err == nil && pu.Host != "" {
			origin := pu.Scheme + "://" + pu.Host
			csp += "; frame-src " + origin + "; object-src " + origin
		}
	}
	d.Title = "Form W-9"
	if d.State != nil && d.State.SignedAt != nil {
		d.Title = "Form W-9 (signed)"
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", csp)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer") // the URL is the credential
	w.WriteHeader(status)
	return signPage.Execute(w, d)
}

// clientIP is the caller's address: API Gateway's source IP (the Lambda
// adapter puts it in RemoteAddr, without a port), or the local server's
// peer.
func clientIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}
