package schema_test

import (
	"encoding/json"
	"fmt"

	"github.com/specgate/specgate/schema"
)

// A config file names its schema in its first line; the embedded schema is
// plain JSON that any JSON Schema validator reads.
func Example() {
	fmt.Println(schema.Modeline)

	var s struct {
		ID       string   `json:"$id"`
		Required []string `json:"required"`
	}
	if err := json.Unmarshal(schema.JSON, &s); err != nil {
		panic(err)
	}
	fmt.Println(s.ID == schema.URL, s.Required)
	// Output:
	// # yaml-language-server: $schema=https://raw.githubusercontent.com/specgate/specgate/main/schema/specgate.schema.json
	// true [version]
}
