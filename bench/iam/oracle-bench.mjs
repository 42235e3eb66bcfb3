#!/usr/bin/env node
// Measures iam-simulate's decisions/s on one case, through the validated
// runSimulation path (parse + validate + evaluate on every call), like
// iam-evaluation.md §9: warm-up, then timed rounds of sequential calls.
//
//   ORACLE_NODE_MODULES=DIR MANAGED_POLICIES=FILE ORACLE_MJS=.../oracle.mjs \
//     taskset -c 0 node oracle-bench.mjs case.jsonl
//
// Env: BENCH_ROUNDS (5), BENCH_SECONDS (3), BENCH_WARMUP_SECONDS (2), BENCH_WARMUP_CALLS (2000).
// Prints one line per round and a final line:
//   RESULT <id> decision=<d> median=<n>/s best=<n>/s worst=<n>/s calls=<n>
import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'

const file = process.argv[2]
const oracleMjs = process.env.ORACLE_MJS
if (!file || !oracleMjs) {
  console.error('usage: ORACLE_MJS=path/to/oracle.mjs node oracle-bench.mjs case.jsonl')
  process.exit(2)
}
const { toSimulation, loadSimulator } = await import(pathToFileURL(oracleMjs).href)
const sim = await loadSimulator()
const testCase = JSON.parse(readFileSync(file, 'utf8').split('\n').find((l) => l.trim()))
const simulation = toSimulation(testCase, sim) // resolves managed policies once (file read), documents stay raw
const options = { simulationMode: 'Strict' }
const DECISION = { Allowed: 'Allowed', ExplicitlyDenied: 'ExplicitDeny', ImplicitlyDenied: 'ImplicitDeny' }

const num = (k, d) => (process.env[k] ? Number(process.env[k]) : d)
const rounds = num('BENCH_ROUNDS', 5)
const seconds = num('BENCH_SECONDS', 3)
const warmSeconds = num('BENCH_WARMUP_SECONDS', 2)
const warmCalls = num('BENCH_WARMUP_CALLS', 2000)

async function once() {
  const r = await sim.runSimulation(simulation, options)
  if (r.resultType === 'error') throw new Error('simulation error: ' + JSON.stringify(r.errors))
  return DECISION[r.overallResult] || r.overallResult
}

const decision = await once()
let t0 = performance.now()
for (let i = 0; i < warmCalls || performance.now() - t0 < warmSeconds * 1000; i++) {
  if ((await once()) !== decision) throw new Error('decision changed during warm-up')
}
const rates = []
let total = 0
for (let round = 0; round < rounds; round++) {
  let calls = 0
  t0 = performance.now()
  let t = t0
  while (t - t0 < seconds * 1000) {
    for (let k = 0; k < 10; k++) await once()
    calls += 10
    t = performance.now()
  }
  const rate = calls / ((t - t0) / 1000)
  rates.push(rate)
  total += calls
  console.log(`round ${round + 1}: ${calls} calls, ${rate.toFixed(0)}/s`)
}
rates.sort((a, b) => a - b)
const median = rates[Math.floor(rates.length / 2)]
console.log(`RESULT ${testCase.id} decision=${decision} median=${median.toFixed(0)}/s best=${rates[rates.length - 1].toFixed(0)}/s worst=${rates[0].toFixed(0)}/s calls=${total}`)
