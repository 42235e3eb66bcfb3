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
  disagreements.push({ id: c.id, oracle: o, moat: m, features: c.features || [] })
  for (const f of c.features || []) inc(featureDis, f)
}

const pct = (a, b) => (b === 0 ? 'n/a' : ((100 * a) / b).toFixed(2) + '%')
console.log(`cases: ${cases.length}`)
console.log(`oracle errors (not compared): ${oracleErrors.length}${oracleErrors.length ? ' e.g. ' + oracleErrors.slice(0, 5).join(', ') : ''}`)
console.log(`moat errors: ${moatErrors.length}`)
for (const e of moatErrors.slice(0, 20)) console.log(`  MOAT-ERROR ${e.id}: oracle ${e.oracle}, moat error: ${e.error}`)
console.log(`disagreements: ${disagreements.length}`)
for (const d of disagreements) console.log(`  DIFF ${d.id}: oracle ${d.oracle}, moat ${d.moat}  [${d.features.join(' ')}]`)

const pairs = new Map()
for (const d of disagreements) inc(pairs, `oracle ${d.oracle} / moat ${d.moat}`)
if (pairs.size) {
  console.log('disagreement classes:')
  for (const [k, v] of [...pairs].sort((a, b) => b[1] - a[1])) console.log(`  ${v}  ${k}`)
  console.log('features over-represented among disagreements (count in diffs / count overall, lift):')
  const ranked = [...featureDis].map(([f, n]) => [f, n, featureAll.get(f), (n / disagreements.length) / (featureAll.get(f) / compared)])
  ranked.sort((a, b) => b[3] - a[3] || b[1] - a[1])
  for (const [f, n, all, lift] of ranked.slice(0, 15)) console.log(`  ${f}: ${n}/${all}, lift ${lift.toFixed(1)}`)
}
console.log(`agreement: ${agree}/${compared} = ${pct(agree, compared)} (moat errors count as disagreements)`)
