package table

// MissingPolicy says what Build does with an operation that carries no
// x-auth-required at any level.
type MissingPolicy string

const (
	// MissingError reports every such operation as an error (the default).
	MissingError MissingPolicy = "error"
	// MissingRequired treats such operations as required (fail closed) and warns.
	MissingRequired MissingPolicy = "required"
	// MissingFromSecurity derives the mode from the operation's effective OpenAPI
	// security: none → public, containing {} → optional, else required.
	MissingFromSecurity MissingPolicy = "from-security"
)

// Valid reports whether p is one of the known policies or empty (meaning MissingError).
func (p MissingPolicy) Valid() bool {
	switch p {
	case "", MissingError, MissingRequired, MissingFromSecurity:
		return true
	}
	return false
}
