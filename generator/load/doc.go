// Package load is the generator's first stage: it reads an OpenAPI document
// (a path on disk, a path in an fs.FS, or bytes with the path they name),
// with kin-openapi and origins on, into a Document: the tree, the source
// files as written, the paths in the order the document writes them, and
// Position, which maps any origin back to file:line:col as the user wrote it
// (see markFlowDocument for why that is not the origin itself). A Swagger
// 2.0 document is converted with a notice; duplicate keys, which kin-openapi
// drops without a word, are errors. A document that does not load is an
// *Error with positioned diagnostics; Load never panics on a bad document.
package load
