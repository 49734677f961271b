//go:build tools

// Package tools pins the Temporal Web UI server (github.com/temporalio/ui-server/v2, its assets embedded)
// for `npm run cluster`. A module of our own rather than `go install ...@version`: ui-server v2.58.1 asks
// for go.temporal.io/api v1.64.0, which the module proxy here does not serve, so this module raises it
// to the next patch release (v1.64.1). scripts/install-cluster.sh builds it with -mod=readonly.
package tools

import _ "github.com/temporalio/ui-server/v2/cmd/server"
