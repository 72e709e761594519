//go:build tools

// Package peer only pins the server module; the binary is built with
// go build github.com/mattermost/mattermost-server/v6/cmd/mattermost.
package peer

import _ "github.com/mattermost/mattermost-server/v6/cmd/mattermost"
