#!/usr/bin/env node
// Compares two decision outputs (iam-cases-schema.md §2) for the same case
// file and prints the agreement rate and every disagreement.
//
//   node compare.mjs cases.jsonl oracle.jsonl moat.jsonl
//
// An "Error" from either side counts as a disagreement of its own kind
// (reported separately). Disagreements are grouped by (oracle, moat) answer
// pair, and the generator's "features" are ranked by how much more often
// they occur among disagreements than among all cases (lift), to point at
// the cause of each class.
import { readFileSync } from 'node:fs'

const [casesFile, oracleFile, moatFile] = process.argv.slice(2)
if (!moatFile) {
  console.error('usage: node compare.mjs cases.jsonl oracle.jsonl moat.jsonl')
  process.exit(2)
}
const lines = (f) => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#') && !l.trim().startsWith('//'))
const byId = (f) => {
  const m = new Map()
  for (const l of lines(f)) {
    const o = JSON.parse(l)
    m.set(o.id, o.decision ?? (o.error !== undefined ? 'Error' : 'Missing'))
  }
  return m
}
const cases = lines(casesFile).map((l) => JSON.parse(l))
const oracle = byId(oracleFile)
const moat = byId(moatFile)
const moatErr = new Map(lines(moatFile).map((l) => JSON.parse(l)).filter((o) => o.error).map((o) => [o.id, o.error]))

let agree = 0
let compared = 0
const oracleErrors = []
const moatErrors = []
const disagreements = []
const featureAll = new Map()
const featureDis = new Map()
const inc = (m, k) => m.set(k, (m.get(k) || 0) + 1)
for (const c of cases) {
  const o = oracle.get(c.id) ?? 'Missing'
  const m = moat.get(c.id) ?? 'Missing'
  if (o === 'Error' || o === 'Missing') { oracleErrors.push(c.id); continue }
  compared++
  for (const f of c.features || []) inc(featureAll, f)
  if (m === 'Error' || m === 'Missing') { moatErrors.push({ id: c.id, oracle: o, error: moatErr.get(c.id) || m }); continue }
  if (o === m) { agree++; continue }
  disagreements.push({ id: c.id, oracle: o, moat: m, features: c.features || [], known: explain(c) })
  for (const f of c.features || []) inc(featureDis, f)
}

// Candidate explanations: constructs in the case that belong to a known class
// of disagreement (iam-cases-schema.md §5, or found by this harness and
// decided in authz/testdata/differential.jsonl). A candidate is a lead, not
// proof: a case with none is "UNEXPLAINED" and needs a look.
function explain(c) {
  const f = new Set(c.features || [])
  const p = c.request.principal
  const out = []
  const acct = p.split(':')[4]
  if (/^arn:aws:iam::\d{12}:root$/.test(p)) out.push(acct === c.request.resourceAccount ? 'root-user-full-access' : 'root-user-cross-account')
  for (const k of ['federated-nosession', 'federated-grant', 'federated-caller-user', 'web-identity-idp', 'web-identity-oidc',
    'date-mixed-format', 'var-unresolved-negated', 'escape', 'notprincipal', 'session-arn-grant', 'cidr0',
    'foranyvalue-ifexists-absent', 'multi-plain-op', 'wildcard-only-arn-scoped', 'var-notresource', 'ipv6']) if (f.has(k)) out.push(k)
  const res = JSON.stringify(c.policies.resource || {})
  if (c.policies.session && /"Principal":("\*"|\{"AWS":"\*"\})/.test(res)) out.push('star-principal-grant-with-session-policy')
  if ((f.has('version-2008') || f.has('no-version')) && (f.has('var-resource') || f.has('var-condition'))) out.push('old-version-variables')
  if (/assumed-role\//.test(p) && JSON.stringify(c.policies).includes(':role/admin/')) out.push('role-path-vs-session-arn')
  if (/^arn:aws:iam::\d{12}:role\//.test(p) && c.policies.resource && (c.policies.permissionBoundary || c.policies.session)) out.push('role-arn-caller-limits')
  return out.length ? out : ['UNEXPLAINED']
}

const pct = (a, b) => (b === 0 ? 'n/a' : ((100 * a) / b).toFixed(2) + '%')
console.log(`cases: ${cases.length}`)
console.log(`oracle errors (not compared): ${oracleErrors.length}${oracleErrors.length ? ' e.g. ' + oracleErrors.slice(0, 5).join(', ') : ''}`)
console.log(`moat errors: ${moatErrors.length}`)
for (const e of moatErrors.slice(0, 20)) console.log(`  MOAT-ERROR ${e.id}: oracle ${e.oracle}, moat error: ${e.error}`)
console.log(`disagreements: ${disagreements.length}`)
for (const d of disagreements) console.log(`  DIFF ${d.id}: oracle ${d.oracle}, moat ${d.moat}  candidates: ${d.known.join(', ')}  [${d.features.join(' ')}]`)

const pairs = new Map()
for (const d of disagreements) inc(pairs, `oracle ${d.oracle} / moat ${d.moat}`)
if (pairs.size) {
  console.log('disagreement classes:')
  for (const [k, v] of [...pairs].sort((a, b) => b[1] - a[1])) console.log(`  ${v}  ${k}`)
  const known = new Map()
  for (const d of disagreements) for (const k of d.known) inc(known, k)
  console.log('candidate explanations (a case may have several):')
  for (const [k, v] of [...known].sort((a, b) => b[1] - a[1])) console.log(`  ${v}  ${k}`)
  console.log('features over-represented among disagreements (count in diffs / count overall, lift):')
  const ranked = [...featureDis].map(([f, n]) => [f, n, featureAll.get(f), (n / disagreements.length) / (featureAll.get(f) / compared)])
  ranked.sort((a, b) => b[3] - a[3] || b[1] - a[1])
  for (const [f, n, all, lift] of ranked.slice(0, 15)) console.log(`  ${f}: ${n}/${all}, lift ${lift.toFixed(1)}`)
}
const both = compared - moatErrors.length
console.log(`decision agreement where both answered: ${agree}/${both} = ${pct(agree, both)}`)
console.log(`agreement: ${agree}/${compared} = ${pct(agree, compared)} (moat errors count as disagreements)`)
