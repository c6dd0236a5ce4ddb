package main

// The API package (api/) is generated from openapi.yaml by specgate, as configured in
// specgate.yaml; the output is committed, and `specgate check` keeps it current.
//go:generate go tool specgate generate
