module github.com/specgate/specgate/runtime/redisstore

go 1.25.0

require (
	github.com/redis/go-redis/v9 v9.22.0
	github.com/specgate/specgate/runtime v0.0.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	go.uber.org/atomic v1.11.0 // indirect
	golang.org/x/net v0.58.0 // indirect
	golang.org/x/sync v0.22.0 // indirect
	golang.org/x/sys v0.47.0 // indirect
)

// Development: the runtime of this checkout. A release tags runtime/vX.Y.Z and
// runtime/redisstore/vX.Y.Z together (see RELEASING in docs/modules.md).
replace github.com/specgate/specgate/runtime => ../
