// Module peer builds a real Mattermost server (Team Edition v6.7.2) for the
// end-to-end tests of the Mattermost adapter. It is separate from the
// project's module so the project's go.mod stays clean.
module github.com/krisenstab/krisenstab/e2e/mattermost/peer

go 1.26

require github.com/mattermost/mattermost-server/v6 v6.7.2

// Restated from the server's go.mod: replaces of dependencies are ignored.
replace github.com/Masterminds/squirrel v1.5.2 => github.com/lieut-data/squirrel v1.5.4
