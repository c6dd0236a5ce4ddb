// Package ir is the generator's intermediate representation: the plain data
// the stages hand each other. Build fills a Table (routes, their auth,
// requirements and positions) and Diagnostics; route planning adds the
// Units; Render reads nothing else of Build's. Every field is exported and
// nothing points into the OpenAPI document: an operation is found again by
// its path key and method.
//
// There is one position type, Position, for every stage. The Code constants
// are the stable diagnostic codes of all of them.
package ir
