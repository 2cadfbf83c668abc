package schema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/app"
	"github.com/tranche-dev/tranche/pkg/httpapi"
)

// The media types of drf-spectacular's four renderers, in its order.
const (
	MediaYAML      = "application/vnd.oai.openapi"
	MediaYAMLPlain = "application/yaml"
	MediaJSON      = "application/vnd.oai.openapi+json"
	MediaJSONPlain = "application/json"
)

// rendered is the document, each encoding built on the first request
// that asks for it in a cold start: YAML costs about twice the rest
// (BenchmarkGenerate), and most clients and the reference pages ask for
// JSON only.
type rendered struct {
	docOnce, jsonOnce, yamlOnce sync.Once
	doc                         *Document
	json, yaml                  []byte
	jsonErr, yamlErr            error
}

func (d *rendered) document() *Document {
	d.docOnce.Do(func() { d.doc = Generate() })
	return d.doc
}

func (d *rendered) jsonBytes() ([]byte, error) {
	d.jsonOnce.Do(func() {
		var jb bytes.Buffer
		enc := json.NewEncoder(&jb)
		enc.SetEscapeHTML(false)
		d.jsonErr = enc.Encode(d.document())
		d.json = jb.Bytes()
	})
	return d.json, d.jsonErr
}

func (d *rendered) yamlBytes() ([]byte, error) {
	d.yamlOnce.Do(func() {
		var yb bytes.Buffer
		ye := yaml.NewEncoder(&yb)
		ye.SetIndent(2)
		if d.yamlErr = ye.Encode(d.document()); d.yamlErr == nil {
			d.yamlErr = ye.Close()
		}
		d.yaml = yb.Bytes()
	})
	return d.yaml, d.yamlErr
}

// NewHandler serves GET /api/schema/ for the schema function. It needs
// nothing from deps (no table, no auth); the parameter keeps every group's
// constructor alike.
func NewHandler(_ app.Deps) http.Handler {
	d := &rendered{}
	rt := httpapi.NewRouter("schema")
	rt.HandleFunc("GET /api/schema/", func(w http.ResponseWriter, r *http.Request) error {
		media, err := negotiate(r)
		if err != nil {
			return err
		}
		var body []byte
		ctype := media
		switch media {
		case MediaJSON, MediaJSONPlain:
			body, err = d.jsonBytes()
		default:
			// drf-spectacular's YAML renderers declare charset utf-8, which
			// DRF appends to the Content-Type; its JSON renderers do not.
			ctype += "; charset=utf-8"
			body, err = d.yamlBytes()
		}
		if err != nil {
			return fmt.Errorf("schema: render: %w", err)
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Vary", "Accept")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write(body)
		}
		return nil
	})
	addUIRoutes(rt)
	// The schema function also serves the API's $default route (the
	// stack): a request no route matches gets the answer of the path's
	// own function (405, OPTIONS, 301) or a 404.
	return httpapi.GatewayFallback("schema", rt.Handler())
}

// negotiate picks the media type as DRF does: ?format= (json or yaml) wins,
// an unknown format is a 404; otherwise the Accept header's best match
// among the four renderers, YAML when nothing matches or no Accept is sent.
// `lang` is accepted and ignored.
func negotiate(r *http.Request) (string, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "":
	case "json":
		return MediaJSON, nil
	case "yaml":
		return MediaYAML, nil
	default:
		return "", apierr.NotFoundError()
	}
	type rng struct {
		media string
		q     float64
		pos   int
	}
	var ranges []rng
	for i, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, params, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		q := 1.0
		if s, ok := params["q"]; ok {
			if v, err := strconv.ParseFloat(s, 64); err == nil {
				q = v
			}
		}
		if q > 0 {
			ranges = append(ranges, rng{mt, q, i})
		}
	}
	sort.SliceStable(ranges, func(i, j int) bool { return ranges[i].q > ranges[j].q })
	for _, rg := range ranges {
		switch rg.media {
		case MediaYAML, MediaYAMLPlain, MediaJSON, MediaJSONPlain:
			return rg.media, nil
		case "*/*", "application/*":
			return MediaYAML, nil
		}
	}
	return MediaYAML, nil
}
