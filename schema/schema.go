// Package schema holds the JSON Schema of specgate.yaml, for editors and for
// tools that check a configuration before specgate runs.
//
// Editors that use yaml-language-server (VS Code's YAML extension, Neovim,
// Helix, Zed) pick the schema up from the file's first line, which specgate init
// writes:
//
//	# yaml-language-server: $schema=https://raw.githubusercontent.com/specgate/specgate/main/schema/specgate.schema.json
//
// The schema and generator.ParseConfig accept and refuse the same files; a test
// in the generator package holds them to that.
package schema

import _ "embed" // for JSON

// URL is where the schema is published; it is also the schema's $id.
const URL = "https://raw.githubusercontent.com/specgate/specgate/main/schema/specgate.schema.json"

// Modeline is the comment that tells yaml-language-server which schema a file
// follows. specgate init writes it as the first line of specgate.yaml.
const Modeline = "# yaml-language-server: $schema=" + URL

// JSON is the schema itself (JSON Schema draft-07), as published at URL.
//
//go:embed specgate.schema.json
var JSON []byte
