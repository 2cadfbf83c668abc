package auth

import (
	"net/http"

	"github.com/tranche-dev/tranche/pkg/httpapi"
)

// WriterOn is the preamble of every write to one object of a route with an
// {id} wildcard: a principal that may write (403 otherwise, checked first,
// as before any path parsing) and the object's id (404 when the path's id
// is not a Django <int:pk>).
func WriterOn(r *http.Request) (*Principal, int64, error) {
	p, err := Writer(r)
	if err != nil {
		return nil, 0, err
	}
	id, err := httpapi.PathID(r, "id")
	if err != nil {
		return nil, 0, err
	}
	return p, id, nil
}
