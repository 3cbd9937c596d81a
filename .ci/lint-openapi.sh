#!/bin/sh
# Lints the OpenAPI document served at /api/v1/openapi.json with Redocly CLI
# (rules in redocly.yaml). Needs Node.js and npm; run from anywhere.
#
# Redocly CLI 2.77.0 announces that its future releases require Node.js
# >= 22.12, so on older Node that version (known to work on Node 20) is
# pinned instead of latest; REDOCLY_CLI_VERSION overrides either.
set -eu
cd "$(dirname "$0")/.."

version="${REDOCLY_CLI_VERSION:-}"
if [ -z "$version" ]; then
	version=latest
	node_version=$(node -p 'process.versions.node')
	major=${node_version%%.*}
	minor=${node_version#*.}
	minor=${minor%%.*}
	if [ "$major" -lt 22 ] || { [ "$major" -eq 22 ] && [ "$minor" -lt 12 ]; }; then
		version=2.77.0
	fi
fi

exec npx --yes "@redocly/cli@$version" lint --config redocly.yaml internal/httpapi/openapi.json
