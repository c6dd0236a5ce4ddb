// Package corpustest runs specgate's generator over a real-world OpenAPI
// corpus (scripts/corpus/fetch.sh) and checks that every
// document's output compiles and vets. It holds only the test; see CORPUS.md
// at the repository root for the figures.
package corpustest
