// Package krisenstab holds what the repository root ships to the binary:
// the example configuration, embedded so `krisenstab run` works on a fresh
// machine without any file.
package krisenstab

import _ "embed"

// ExampleConfig is krisenstab.example.yaml.
//
//go:embed krisenstab.example.yaml
var ExampleConfig []byte
