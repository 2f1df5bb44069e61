// Compares Fugong's index JSONL with the DuckDB reference (index_mean_county.mjs --out) for one
// level (county): same set of DATE|LEVEL|CODE keys, the same counts, and the largest absolute
// difference of each figure.
//
//   node compare_index.mjs FUGONG_INDEX.jsonl DUCKDB.jsonl [--level county] [--json FILE]
//
// Fugong prints rates with 6 decimals and the composite with 4 (rounded half away from zero);
// DuckDB's figures are unrounded. So a difference up to 5e-7 (rates) / 5e-5 (composite) is the
// publication rounding alone; `rounded_mismatches` counts the figures that differ once DuckDB's
// value is rounded the same way (0 unless a value sits on a rounding boundary within the last bits
// of a double). Exit status 0 when the keys and counts agree and no rounded figure differs, 1
// otherwise.

import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
let level = 'county';
let jsonOut = null;
const files = [];
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '--level') level = args[++i];
  else if (args[i] === '--json') jsonOut = args[++i];
  else files.push(args[i]);
}
if (files.length !== 2) {
  process.stderr.write('usage: node compare_index.mjs FUGONG_INDEX.jsonl DUCKDB.jsonl [--level L] [--json FILE]\n');
  process.exit(2);
}

function load(path) {
  const map = new Map();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const r = JSON.parse(line);
    if (r.level !== level) continue;
    map.set(`${r.date}|${r.level}|${r.code}`, r);
  }
  return map;
}

// Round half away from zero to `decimals`, as Fugong publishes. Works on the decimal expansion
// of the double (toPrecision with enough digits), not on x * 10^d, to avoid a second rounding.
function roundHalfAway(x, decimals) {
  if (x == null) return null;
  const s = Math.abs(x).toFixed(20);  // exact enough: 20 decimals of a value < 1e3
  const [int, frac] = s.split('.');
  const kept = BigInt(int + frac.slice(0, decimals));
  const next = Number(frac[decimals]);
  const rounded = next >= 5 ? kept + 1n : kept;
  const text = rounded.toString().padStart(decimals + 1, '0');
  const v = Number(`${text.slice(0, -decimals)}.${text.slice(-decimals)}`);
  return x < 0 ? -v : v;
}

const fugong = load(files[0]);
const duck = load(files[1]);
const figures = { resumption_rate: 6, load_recovery: 6, composite: 4 };
const counts = ['eligible', 'resumed', 'registered'];
const report = {
  level,
  fugong_records: fugong.size,
  duckdb_records: duck.size,
  only_in_fugong: 0,
  only_in_duckdb: 0,
  compared: 0,
  suppressed_mismatches: 0,
  count_mismatches: { eligible: 0, resumed: 0, registered: 0 },
  max_abs_diff: { eligible: 0, resumed: 0, resumption_rate: 0, load_recovery: 0, composite: 0 },
  worst_key: { resumption_rate: null, load_recovery: null, composite: null },
  rounded_mismatches: { resumption_rate: 0, load_recovery: 0, composite: 0 },
  examples: [],
};
for (const key of fugong.keys()) if (!duck.has(key)) ++report.only_in_fugong;
for (const [key, d] of duck) {
  const f = fugong.get(key);
  if (!f) { ++report.only_in_duckdb; continue; }
  ++report.compared;
  let bad = false;
  if (Boolean(f.suppressed) !== Boolean(d.suppressed)) { ++report.suppressed_mismatches; bad = true; }
  for (const c of counts) {
    if ((f[c] ?? null) !== (d[c] ?? null)) { ++report.count_mismatches[c]; bad = true; }
    if (c !== 'registered' && f[c] != null && d[c] != null) {
      report.max_abs_diff[c] = Math.max(report.max_abs_diff[c], Math.abs(f[c] - d[c]));
    }
  }
  for (const [name, decimals] of Object.entries(figures)) {
    const fv = f[name] ?? null;
    const dv = d[name] ?? null;
    if ((fv === null) !== (dv === null)) { ++report.rounded_mismatches[name]; bad = true; continue; }
    if (fv === null) continue;
    const diff = Math.abs(fv - dv);
    if (diff > report.max_abs_diff[name]) {
      report.max_abs_diff[name] = diff;
      report.worst_key[name] = key;
    }
    if (roundHalfAway(dv, decimals) !== fv) { ++report.rounded_mismatches[name]; bad = true; }
  }
  if (bad && report.examples.length < 5) report.examples.push({ key, fugong: f, duckdb: d });
}
const ok = report.only_in_fugong === 0 && report.only_in_duckdb === 0 && report.compared > 0 &&
  report.suppressed_mismatches === 0 &&
  Object.values(report.count_mismatches).every((n) => n === 0) &&
  Object.values(report.rounded_mismatches).every((n) => n === 0);
report.agree = ok;
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(report, null, 2) + '\n');
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
process.exit(ok ? 0 : 1);
