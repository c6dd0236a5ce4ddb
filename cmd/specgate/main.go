// Command specgate generates net/http server code and a route-auth table from an
// OpenAPI document annotated with x-auth-required, and checks it in CI.
//
// Exit codes: 0 fine, 1 findings, 2 usage, I/O or load errors.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }
