// Package probe checks a running service against a document's route-auth table:
// it sends every route's request as each identity of a probe file and as an
// anonymous caller, and compares the answers with what the table says is due.
//
// A route the table protects must answer 401 to a caller without credentials it
// accepts and 403 to one that has them but lacks every alternative's scopes or
// roles. Anything else where 401/403 was due is weaker than the document; a
// 401/403 where the document allows the call is stricter. See docs/probe.md.
package probe
