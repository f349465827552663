#!/usr/bin/env bash
# npm run lint:api: boot the app in-process (in-memory SQLite, nothing listening), fetch its OpenAPI document from
# /docs-json, then lint it with Redocly CLI (recommended rules, .redocly.yaml) and Spectral (spectral:oas + the OWASP
# API Security ruleset, .spectral.yaml). Fails on any error or warning of either. LINT_API_KEEP=<file> keeps the
# document for a look.
set -euo pipefail
cd "$(dirname "$0")/../.."
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
doc="$work/openapi.json"
npx ts-node --transpile-only scripts/lint-api/fetch-document.ts "$doc"
[ -n "${LINT_API_KEEP:-}" ] && cp "$doc" "$LINT_API_KEEP"

echo "== Redocly CLI (recommended; .redocly.yaml)"
out="$(REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true npx redocly lint "$doc" --config .redocly.yaml --format=stylish 2>&1)" || { echo "$out"; exit 1; }
echo "$out" | grep -v '║\|╔\|╚' | sed '/^\s*$/d'
if echo "$out" | grep -qE '[0-9]+ warnings?'; then echo "Redocly reported warnings: fix them or allow them in .redocly.yaml with a reason"; exit 1; fi

echo "== Spectral (spectral:oas + @stoplight/spectral-owasp-ruleset; .spectral.yaml)"
npx spectral lint "$doc" --ruleset .spectral.yaml --format text --fail-severity warn
