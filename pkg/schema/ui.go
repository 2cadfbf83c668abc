package schema

// The API reference pages, at drf-spectacular's URLs: Swagger UI at
// /api/schema/swagger-ui/ and Redoc at /api/schema/redoc/, both over the
// document at /api/schema/. Their scripts and styles are the npm packages
// swagger-ui-dist and redoc, pinned in package-lock.json, copied into ui/
// by `go generate ./pkg/schema/` (make ui) and committed: go:embed only
// reads files inside the module, and committing them keeps a plain `go
// build` working without node_modules. The Lambda serves them from its
// binary at /api/schema/ui/<file>, so the pages need no CDN and work
// offline (drf-spectacular's default pulls them from a CDN).

//go:generate sh -c "cp ../../node_modules/swagger-ui-dist/swagger-ui-bundle.js ../../node_modules/swagger-ui-dist/swagger-ui.css ui/ && cp ../../node_modules/swagger-ui-dist/LICENSE ui/swagger-ui.LICENSE && cp ../../node_modules/redoc/bundles/redoc.standalone.js ui/ && cp ../../node_modules/redoc/LICENSE ui/redoc.LICENSE && node -p \"require('../../node_modules/swagger-ui-dist/package.json').version + ' swagger-ui-dist\\n' + require('../../node_modules/redoc/package.json').version + ' redoc'\" > ui/VERSIONS"

import (
	"embed"
	"io/fs"
	"net/http"
	"path"
	"strconv"

	"github.com/tranche-dev/tranche/pkg/apierr"
	"github.com/tranche-dev/tranche/pkg/httpapi"
)

//go:embed ui
var uiFiles embed.FS

// uiAssets are the files served at /api/schema/ui/<file>, with their
// media types; nothing else of ui/ is served.
var uiAssets = map[string]string{
	"swagger-ui-bundle.js": "text/javascript; charset=utf-8",
	"swagger-ui.css":       "text/css; charset=utf-8",
	"redoc.standalone.js":  "text/javascript; charset=utf-8",
}

// The pages refer to the document and the assets relatively, so they work
// under any stage prefix or host.
const swaggerPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tranche API — Swagger UI</title>
<link rel="stylesheet" href="../ui/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="../ui/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({
  url: "../?format=json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  displayOperationId: true,
  persistAuthorization: false,
  validatorUrl: null // the online validator badge would call out
});
</script>
</body>
</html>
`

const redocPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Tranche API — Redoc</title>
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<redoc spec-url="../?format=json"></redoc>
<script src="../ui/redoc.standalone.js"></script>
</body>
</html>
`

func addUIRoutes(rt *httpapi.Router) {
	page := func(body string) httpapi.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusOK)
			if r.Method != http.MethodHead {
				_, _ = w.Write([]byte(body))
			}
			return nil
		}
	}
	rt.HandleFunc("GET /api/schema/swagger-ui/", page(swaggerPage))
	rt.HandleFunc("GET /api/schema/redoc/", page(redocPage))
	rt.HandleFunc("GET /api/schema/ui/{file}", func(w http.ResponseWriter, r *http.Request) error {
		name := r.PathValue("file")
		ctype, ok := uiAssets[name]
		if !ok {
			return apierr.NotFoundError()
		}
		b, err := fs.ReadFile(uiFiles, path.Join("ui", name))
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", ctype)
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		// The files change only with the lockfile, i.e. with a deploy.
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write(b)
		}
		return nil
	})
}
