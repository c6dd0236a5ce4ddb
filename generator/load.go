package generator

import (
	"context"

	"github.com/specgate/specgate/generator/load"
)

// The load stage (package load), re-exported.
type (
	// Document is load.Document: a loaded OpenAPI document with what
	// positions findings.
	Document = load.Document
	// LoadOptions is load.Options.
	LoadOptions = load.Options
	// LoadError is load.Error: a document that could not be loaded.
	LoadError = load.Error
)

// ErrLoad is load.ErrLoad, wrapped by every LoadError.
var ErrLoad = load.ErrLoad

// ErrRemoteRef is load.ErrRemoteRef, wrapped when a remote $ref was refused.
var ErrRemoteRef = load.ErrRemoteRef

// Load is load.Load: it reads an OpenAPI 3.0 or 3.1 document (or converts a
// Swagger 2.0 one) with origins on; every failure is a *LoadError.
func Load(ctx context.Context, path string, opts LoadOptions) (*Document, error) {
	return load.Load(ctx, path, opts)
}
