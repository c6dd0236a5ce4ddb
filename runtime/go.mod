module github.com/specgate/specgate/runtime

go 1.25.0

require (
	github.com/golang-jwt/jwt/v5 v5.3.1
	golang.org/x/sync v0.22.0
)
