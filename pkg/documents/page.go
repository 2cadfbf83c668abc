package documents

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	htmltemplate "html/template"
	"io"
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
<p><a href="{{.DownloadURL}}">Download the PDF</a></p>{{end}}
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
	DocURL, DownloadURL  string // presigned: inline (the frame) and as a download
}

var hexHash = regexp.MustCompile(`^[0-9a-f]{64}$`)

// NewPage returns the signing page over db and blobs, verifying links with
// key (which it also installs for EmbedLink). Without a key no link
// verifies (every one answers 404); without blobs the page shows the
// document's hash but no copy of it.
func NewPage(db *store.DB, blobs Blobs, log *slog.Logger, key []byte) *Page {
	SetLinkKey(key)
	return &Page{DB: db, Blobs: blobs, Log: log, Now: time.Now, key: key}
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
func (p *Page) open(r *http.Request) (link, *model.W9State, error) {
	l, err := verifyLink(p.key, r.PathValue("token"), p.Now())
	switch {
	case errors.Is(err, errBadLink):
		return l, nil, apierr.NotFoundError()
	case errors.Is(err, errExpiredLink):
		return l, nil, &apierr.Error{Kind: apierr.Forbidden, Detail: "This signing link has expired; ask for a new one."}
	}
	st, err := p.DB.W9State(r.Context(), l.Workspace, l.Profile)
	if errors.Is(err, dynamo.ErrNotFound) || (err == nil && st.ShareUUID != l.Share) {
		return l, nil, apierr.NotFoundError()
	}
	if err != nil {
		return l, nil, err
	}
	return l, &st, nil
}

func (p *Page) get(w http.ResponseWriter, r *http.Request) error {
	_, st, err := p.open(r)
	if err != nil {
		return p.fail(w, r, err, nil, "")
	}
	return p.render(w, r.Context(), http.StatusOK, pageData{State: st})
}

// signForm is the POST's body: the page's form (urlencoded), or the same
// fields as JSON for an app that embeds the page's flow.
type signForm struct {
	Name    string
	Consent bool
	SHA256  string
}

func (p *Page) post(w http.ResponseWriter, r *http.Request) error {
	l, st, err := p.open(r)
	if err != nil {
		return p.fail(w, r, err, nil, "")
	}
	f, err := readSignForm(w, r)
	if err != nil {
		return p.fail(w, r, err, st, "")
	}
	if st.SignedAt != nil {
		return p.fail(w, r, apierr.ConflictError("This form is signed already."), st, "")
	}
	if f.SHA256 != st.SHA256 {
		return p.fail(w, r, apierr.ConflictError("The form was updated since it was opened; review this version and sign again."), st, f.Name)
	}
	switch err := p.DB.SignW9(r.Context(), l.Workspace, l.Profile, f.Name, clientIP(r), f.SHA256, p.Now()); {
	case errors.Is(err, store.ErrW9NotSignable):
		// Signed by a concurrent request, or regenerated: show what is.
		_, now, err := p.open(r)
		if err != nil {
			return p.fail(w, r, err, nil, "")
		}
		return p.fail(w, r, apierr.ConflictError("This form is signed already or was updated."), now, "")
	case err != nil:
		return err
	}
	p.Log.InfoContext(r.Context(), "W-9 signed", "workspace", l.Workspace, "profile", l.Profile, "version", st.Version)
	if _, st, err = p.open(r); err != nil {
		return p.fail(w, r, err, nil, "")
	}
	return p.render(w, r.Context(), http.StatusOK, pageData{State: st})
}

// readSignForm reads and validates the POST body; every problem is a 400
// naming its field, DRF's way.
func readSignForm(w http.ResponseWriter, r *http.Request) (signForm, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 16<<10))
	if err != nil {
		return signForm{}, apierr.BadRequest("The request body is too large.")
	}
	if !utf8.Valid(body) {
		return signForm{}, apierr.BadRequest("The request body is not UTF-8.")
	}
	var f signForm
	var consent string
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "application/json") {
		var v struct {
			Name    *string `json:"name"`
			Consent any     `json:"consent"`
			SHA256  *string `json:"sha256"`
		}
		if err := json.Unmarshal(body, &v); err != nil {
			return signForm{}, apierr.BadRequest("JSON parse error - " + jsonProblem(err))
		}
		if v.Name != nil {
			f.Name = *v.Name
		}
		if v.SHA256 != nil {
			f.SHA256 = *v.SHA256
		}
		switch c := v.Consent.(type) {
		case bool:
			f.Consent = c
		case string:
			consent = c
		}
	} else {
		q, err := url.ParseQuery(string(body))
		if err != nil {
			return signForm{}, apierr.BadRequest("The form could not be read.")
		}
		f.Name, consent, f.SHA256 = q.Get("name"), q.Get("consent"), q.Get("sha256")
	}
	if consent == "yes" || consent == "on" || consent == "true" {
		f.Consent = true
	}
	fields := map[string][]string{}
	if strings.ContainsRune(f.Name, 0) {
		fields["name"] = []string{"Null characters are not allowed."}
	} else if f.Name = strings.Join(strings.Fields(f.Name), " "); f.Name == "" {
		fields["name"] = []string{"Type your full legal name to sign."}
	} else if utf8.RuneCountInString(f.Name) > maxSignerName {
		fields["name"] = []string{"Ensure this field has no more than 200 characters."}
	}
	if !f.Consent {
		fields["consent"] = []string{"Tick the certification box to sign."}
	}
	if !hexHash.MatchString(f.SHA256) {
		fields["sha256"] = []string{"The SHA-256 of the document shown is required; reload the page."}
	}
	return f, apierr.Fields(fields)
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return se.Error()
	}
	return "the body is not a JSON object of the form's fields"
}

// fail answers err: as the API does (DRF-shaped JSON), or, to a browser
// (Accept: text/html), as the page with the problem above the document
// when there is one to show.
func (p *Page) fail(w http.ResponseWriter, r *http.Request, err error, st *model.W9State, name string) error {
	var ae *apierr.Error
	if !errors.As(err, &ae) || ae.Kind == apierr.Internal || !strings.Contains(r.Header.Get("Accept"), "text/html") {
		return err
	}
	msg := ae.Detail
	if len(ae.Fields) > 0 {
		var parts []string
		for _, k := range []string{"name", "consent", "sha256"} {
			parts = append(parts, ae.Fields[k]...)
		}
		msg = strings.Join(parts, " ")
	}
	if msg == "" {
		msg = "This link does not open a form."
	}
	return p.render(w, r.Context(), ae.Kind.Status(), pageData{State: st, Name: name, Message: msg})
}

func (p *Page) render(w http.ResponseWriter, ctx context.Context, status int, d pageData) error {
	csp := "default-src 'none'; style-src " + pageCSSHash + "; form-action 'self'; base-uri 'none'"
	if d.State != nil && d.State.ObjectKey != "" && p.Blobs != nil {
		u, err := p.Blobs.PresignGet(ctx, d.State.ObjectKey, viewTTL, "")
		if err != nil {
			return err
		}
		if d.DownloadURL, err = p.Blobs.PresignGet(ctx, d.State.ObjectKey, viewTTL, "W-9.pdf"); err != nil {
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
