package main

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestLayers enforces the import rules of DESIGN.md: the domain at the
// bottom, bot never touching store, adapters seeing only bot, and nothing
// importing cmd or (outside tests) bot/bottest.
func TestLayers(t *testing.T) {
	const mod = "github.com/krisenstab/krisenstab"
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", mod+"/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	// allowed lists, per package, the module packages it may import
	// directly; "std" marks standard-library-only external imports.
	allowed := map[string][]string{
		"":               {},
		"crisis":         {},
		"commands":       {"crisis"},
		"messages":       {"crisis"},
		"store":          {"crisis"},
		"bot":            {"crisis", "commands", "messages"},
		"bot/console":    {"bot"},
		"bot/slack":      {"bot"},
		"bot/mattermost": {"bot"},
		"bot/bottest":    {"bot", "crisis"},
		"e2e/mattermost": {}, // tests only: they may import anything
	}
	external := map[string][]string{
		"":               {},
		"crisis":         {},
		"commands":       {},
		"messages":       {},
		"store":          {"github.com/dgraph-io/badger/v4"},
		"bot":            {},
		"bot/console":    {},
		"bot/slack":      {"github.com/slack-go/slack"},
		"bot/mattermost": {"github.com/mattermost/mattermost/server/public", "github.com/gorilla/websocket"},
		"bot/bottest":    {},
		"e2e/mattermost": {},
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], mod), "/")
		for _, imp := range fields[1:] {
			if imp == mod+"/cmd/krisenstab" {
				t.Errorf("%s imports cmd", fields[0])
			}
			if imp == mod+"/bot/bottest" {
				t.Errorf("%s imports bot/bottest outside tests", fields[0])
			}
		}
		if strings.HasPrefix(pkg, "cmd/") {
			continue
		}
		ok, known := allowed[pkg]
		if !known {
			t.Errorf("package %q has no import rule; add it to TestLayers", fields[0])
			continue
		}
		seen++
		for _, imp := range fields[1:] {
			switch {
			case imp == mod || strings.HasPrefix(imp, mod+"/"):
				if dep := strings.TrimPrefix(strings.TrimPrefix(imp, mod), "/"); !slices.Contains(ok, dep) {
					t.Errorf("%s must not import %s", fields[0], imp)
				}
			case strings.Contains(strings.SplitN(imp, "/", 2)[0], "."):
				if !slices.ContainsFunc(external[pkg], func(e string) bool { return imp == e || strings.HasPrefix(imp, e+"/") }) {
					t.Errorf("%s must not import external %s", fields[0], imp)
				}
			}
		}
	}
	if seen < 6 {
		t.Fatalf("checked only %d packages; go list output:\n%s", seen, out)
	}
}
