// The electricity work-resumption index of SPEC, computed by DuckDB in one SQL query, for the
// simple case the benchmark runs: interval meters only, baseline method `mean` over an explicit
// window, county level only. It is the reference that benchmarks/backfill_vs_duckdb.sh times and
// compares `fugong backfill` against.
//
//   node index_mean_county.mjs --enterprises enterprises.csv --readings r1.csv r2.csv ... \
//     [--calendar schemas/calendar_cn.csv] [--from 2020-01-01 --to 2020-01-30] \
//     [--baseline-from 2020-01-01 --baseline-to 2020-01-14] [--threads N] [--dedup] \
//     [--out county_days.jsonl] [--timing timing.json] [--temp-dir DIR]
//
// Every option can also come from the environment: FUGONG_DUCKDB_ENTERPRISES,
// FUGONG_DUCKDB_READINGS (paths separated by spaces), FUGONG_DUCKDB_CALENDAR, FUGONG_DUCKDB_FROM,
// FUGONG_DUCKDB_TO, FUGONG_DUCKDB_BASELINE_FROM, FUGONG_DUCKDB_BASELINE_TO,
// FUGONG_DUCKDB_THREADS, FUGONG_DUCKDB_DEDUP=1, FUGONG_DUCKDB_OUT, FUGONG_DUCKDB_TIMING.
//
// What it computes (SPEC, with the engine's defaults; see docs/benchmarks.md):
// - a reading is used when kind = 'interval', 0 <= kwh <= 1e6 and its ts (epoch seconds, the END
//   of a 15-minute interval) is aligned to the interval; local day = floor((ts + 8 h - 900 s) /
//   86400), so the interval that ends at 00:00 belongs to the day before;
// - meter-day: received = intervals received (distinct (meter, ts) with --dedup), coverage =
//   received / 96; coverage >= 0.75: energy = sum * 96 / received, else missing;
// - enterprise-day E: sum over the meters the enterprise reported in the baseline window or on
//   the day; missing if any of them is missing or silent on the day, or if there is none;
// - Bbar = mean of E over the window days that are not public holidays and where E is there;
//   valid when Bbar >= 1.0; method mean: B = Bbar every day;
// - eligible = active (active_from/active_to inclusive) and valid and E there and
//   B >= 0.1 * Bbar; r = clip(E / B, 0, 2); resumed = r >= 0.30;
// - per county and published day (--from..--to, every county with an active enterprise):
//   registered, eligible, resumed, resumption_rate, load_recovery = sum(min(E, 2B)) / sum(B),
//   composite = 100 * (0.5 rr + 0.5 lr); fewer than 3 eligible: suppressed (figures null).
// Figures are written unrounded; the comparison rounds nothing either (see compare_index.mjs).
//
// --ignore-errors skips lines DuckDB cannot parse (malformed lines of a generated province with
// faults; Fugong dead-letters them), so the SQL can also be checked on such input.
//
// Without --dedup, received = count(*): right for input without duplicate (meter, ts) lines,
// such as `fugong generate --no-faults`. With --dedup, duplicates are first collapsed per
// (meter, ts); a conflicting second value (a correction) then keeps max(kwh), not SPEC's "the one
// that arrived later": plain SQL over CSV has no arrival order.

import { DuckDBInstance } from '@duckdb/node-api';
import { writeFileSync } from 'node:fs';
import { resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const env = process.env;
  const opt = {
    enterprises: env.FUGONG_DUCKDB_ENTERPRISES,
    readings: env.FUGONG_DUCKDB_READINGS ? env.FUGONG_DUCKDB_READINGS.split(/\s+/).filter(Boolean) : [],
    calendar: env.FUGONG_DUCKDB_CALENDAR ?? resolve(here, '../../schemas/calendar_cn.csv'),
    from: env.FUGONG_DUCKDB_FROM ?? '2020-01-01',
    to: env.FUGONG_DUCKDB_TO ?? '2020-01-30',
    baselineFrom: env.FUGONG_DUCKDB_BASELINE_FROM ?? '2020-01-01',
    baselineTo: env.FUGONG_DUCKDB_BASELINE_TO ?? '2020-01-14',
    threads: env.FUGONG_DUCKDB_THREADS ? Number(env.FUGONG_DUCKDB_THREADS) : 0,
    dedup: env.FUGONG_DUCKDB_DEDUP === '1',
    out: env.FUGONG_DUCKDB_OUT,
    timing: env.FUGONG_DUCKDB_TIMING,
    tempDir: env.FUGONG_DUCKDB_TEMP_DIR,
    ignoreErrors: env.FUGONG_DUCKDB_IGNORE_ERRORS === '1',
    explain: false,
  };
  let readingsFromArgv = false;
  for (let i = 2; i < argv.length; ++i) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    switch (a) {
      case '--enterprises': opt.enterprises = value(); break;
      case '--readings':
        if (!readingsFromArgv) opt.readings = [];
        readingsFromArgv = true;
        while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) opt.readings.push(argv[++i]);
        break;
      case '--calendar': opt.calendar = value(); break;
      case '--from': opt.from = value(); break;
      case '--to': opt.to = value(); break;
      case '--baseline-from': opt.baselineFrom = value(); break;
      case '--baseline-to': opt.baselineTo = value(); break;
      case '--threads': opt.threads = Number(value()); break;
      case '--dedup': opt.dedup = true; break;
      case '--ignore-errors': opt.ignoreErrors = true; break;
      case '--out': opt.out = value(); break;
      case '--timing': opt.timing = value(); break;
      case '--temp-dir': opt.tempDir = value(); break;
      case '--explain': opt.explain = true; break;
      case '-h': case '--help':
        process.stdout.write('usage: node index_mean_county.mjs --enterprises FILE --readings FILE... ' +
          '[--calendar FILE] [--from D --to D] [--baseline-from D --baseline-to D] [--threads N] ' +
          '[--dedup] [--ignore-errors] [--out FILE.jsonl] [--timing FILE.json] [--temp-dir DIR] [--explain]\n');
        process.exit(0);
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (!opt.enterprises || opt.readings.length === 0) {
    throw new Error('--enterprises and --readings are required (or FUGONG_DUCKDB_* variables)');
  }
  for (const d of [opt.from, opt.to, opt.baselineFrom, opt.baselineTo]) {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d)) throw new Error(`not a date: ${d}`);
  }
  return opt;
}

const sqlString = (s) => `'${String(s).replaceAll("'", "''")}'`;

// Engine defaults (engine/config/engine_config.h).
const P = {
  utcOffset: 8 * 3600,
  intervalSeconds: 900,
  intervalsPerDay: 96,
  minCoverage: 0.75,
  maxIntervalKwh: 1e6,
  minBaselineKwh: 1.0,
  workingDayFraction: 0.1,
  rMax: 2.0,
  resumeThreshold: 0.30,
  weight: 0.5,
  minGroupSize: 3,
};

export function buildQuery(opt) {
  const files = `[${opt.readings.map(sqlString).join(', ')}]`;
  // Days are integers: days since 1970-01-01 in local time.
  const day = (d) => `(DATE ${sqlString(d)} - DATE '1970-01-01')`;
  const readings = `
    SELECT meter_id, enterprise_id, ts, kwh
    FROM read_csv(${files}, header = true, auto_detect = false, delim = ',', quote = '"',
                  ignore_errors = ${opt.ignoreErrors ? 'true' : 'false'},
                  columns = {'meter_id': 'VARCHAR', 'enterprise_id': 'VARCHAR', 'ts': 'BIGINT',
                             'kwh': 'DECIMAL(18,6)', 'kind': 'VARCHAR'})
    WHERE kind = 'interval' AND kwh >= 0 AND kwh <= ${P.maxIntervalKwh}
      AND (ts + ${P.utcOffset}) % ${P.intervalSeconds} = 0`;
  const deduped = opt.dedup
    ? `SELECT meter_id, enterprise_id, ts, max(kwh) AS kwh FROM readings GROUP BY ALL`
    : `SELECT * FROM readings`;
  return `
WITH
readings AS (${readings}),
intervals AS (${deduped}),
enterprises AS (
  SELECT enterprise_id, county_code, active_from, active_to
  FROM read_csv(${sqlString(opt.enterprises)}, header = true, auto_detect = false, delim = ',',
                quote = '"',
                columns = {'enterprise_id': 'VARCHAR', 'county_code': 'VARCHAR',
                           'industry': 'VARCHAR', 'scale': 'VARCHAR', 'tags': 'VARCHAR',
                           'active_from': 'DATE', 'active_to': 'DATE'})
),
holidays AS (
  SELECT DISTINCT date - DATE '1970-01-01' AS day
  FROM read_csv(${sqlString(opt.calendar)}, header = true, auto_detect = false, comment = '#',
                delim = ',', quote = '"',
                columns = {'date': 'DATE', 'type': 'VARCHAR', 'name': 'VARCHAR'})
  WHERE type = 'holiday'
),
-- Meter-day: intervals received and their sum. ts is the end of the interval.
-- Readings of enterprises not in the registry are dropped (after the aggregation: cheaper).
meter_day_all AS (
  SELECT enterprise_id, meter_id,
         CAST(floor((ts + ${P.utcOffset - P.intervalSeconds}) / 86400) AS INTEGER) AS day,
         count(*) AS received, sum(kwh) AS kwh_sum
  FROM intervals
  GROUP BY ALL
),
meter_day AS (
  SELECT * FROM meter_day_all WHERE enterprise_id IN (SELECT enterprise_id FROM enterprises)
),
meter_energy AS (
  SELECT enterprise_id, meter_id, day,
         CASE WHEN received >= ${P.minCoverage} * ${P.intervalsPerDay}
              THEN CAST(kwh_sum AS DOUBLE) * ${P.intervalsPerDay} / received END AS energy
  FROM meter_day
),
-- The meters each enterprise reported in the baseline window.
window_meters AS (
  SELECT DISTINCT enterprise_id, meter_id FROM meter_day
  WHERE day BETWEEN ${day(opt.baselineFrom)} AND ${day(opt.baselineTo)}
),
window_meter_count AS (
  SELECT enterprise_id, count(*) AS n FROM window_meters GROUP BY ALL
),
-- E(e, d): sum over window meters and the meters that reported on d; any of them missing or
-- silent on d makes E missing. A day without any row for the enterprise has no E at all.
enterprise_day AS (
  SELECT m.enterprise_id, m.day,
         sum(m.energy) AS e_sum,
         count(*) FILTER (WHERE m.energy IS NULL) AS n_missing,
         count(w.meter_id) AS n_window_present
  FROM meter_energy m LEFT JOIN window_meters w USING (enterprise_id, meter_id)
  GROUP BY ALL
),
energy AS (
  SELECT d.enterprise_id, d.day,
         CASE WHEN d.n_missing = 0 AND d.n_window_present = coalesce(c.n, 0) THEN d.e_sum END AS e
  FROM enterprise_day d LEFT JOIN window_meter_count c USING (enterprise_id)
),
baseline AS (
  SELECT enterprise_id, avg(e) AS bbar
  FROM energy
  WHERE day BETWEEN ${day(opt.baselineFrom)} AND ${day(opt.baselineTo)}
    AND day NOT IN (SELECT day FROM holidays)
    AND e IS NOT NULL
  GROUP BY ALL
),
days AS (
  SELECT CAST(range AS INTEGER) AS day FROM range(${day(opt.from)}, ${day(opt.to)} + 1)
),
scored AS (
  SELECT n.county_code, d.day, y.e, b.bbar,
         (y.e IS NOT NULL AND b.bbar >= ${P.minBaselineKwh}
          AND b.bbar >= ${P.workingDayFraction} * b.bbar) AS eligible
  FROM enterprises n
  CROSS JOIN days d
  LEFT JOIN energy y ON y.enterprise_id = n.enterprise_id AND y.day = d.day
  LEFT JOIN baseline b ON b.enterprise_id = n.enterprise_id
  WHERE (n.active_from IS NULL OR d.day >= n.active_from - DATE '1970-01-01')
    AND (n.active_to IS NULL OR d.day <= n.active_to - DATE '1970-01-01')
),
county_day AS (
  SELECT county_code, day,
         count(*) AS registered,
         count(*) FILTER (WHERE eligible) AS eligible,
         count(*) FILTER (WHERE eligible
                          AND least(greatest(e / bbar, 0), ${P.rMax}) >= ${P.resumeThreshold})
           AS resumed,
         sum(least(e, ${P.rMax} * bbar)) FILTER (WHERE eligible) AS recovered,
         sum(bbar) FILTER (WHERE eligible) AS baseline
  FROM scored
  GROUP BY ALL
)
SELECT strftime(DATE '1970-01-01' + day, '%Y-%m-%d') AS date, county_code AS code, registered,
       eligible, resumed,
       eligible < ${P.minGroupSize} AS suppressed,
       CASE WHEN eligible >= ${P.minGroupSize} THEN resumed / eligible END AS resumption_rate,
       CASE WHEN eligible >= ${P.minGroupSize} THEN recovered / baseline END AS load_recovery
FROM county_day
ORDER BY date, code`;
}

async function main() {
  const opt = parseArgs(process.argv);
  const config = {};
  if (opt.threads > 0) config.threads = String(opt.threads);
  if (opt.tempDir) config.temp_directory = opt.tempDir;
  const instance = await DuckDBInstance.create(':memory:', config);
  const connection = await instance.connect();
  const sql = buildQuery(opt);
  if (opt.explain) {
    const plan = await connection.runAndReadAll(`EXPLAIN ANALYZE ${sql}`);
    for (const row of plan.getRows()) process.stderr.write(`${row[1]}\n`);
  }
  const threads = (await connection.runAndReadAll(`SELECT current_setting('threads')`)).getRows()[0][0];
  const version = (await connection.runAndReadAll(`SELECT version()`)).getRows()[0][0];

  const t0 = process.hrtime.bigint();
  const reader = await connection.runAndReadAll(sql);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const rows = reader.getRowObjectsJS();

  const lines = rows.map((r) => {
    const rr = r.resumption_rate;
    const lr = r.load_recovery;
    return JSON.stringify({
      date: r.date, level: 'county', code: r.code,
      eligible: r.suppressed ? null : Number(r.eligible),
      resumed: r.suppressed ? null : Number(r.resumed),
      registered: Number(r.registered),
      resumption_rate: rr ?? null,
      load_recovery: lr ?? null,
      composite: rr == null ? null : 100 * (P.weight * rr + (1 - P.weight) * lr),
      suppressed: r.suppressed,
    });
  });
  if (opt.out) writeFileSync(opt.out, lines.join('\n') + (lines.length ? '\n' : ''));

  // Readings counted separately (not timed): the number the query read.
  const timing = {
    duckdb_version: version,
    threads: Number(threads),
    dedup: opt.dedup,
    seconds,
    county_days: rows.length,
  };
  if (opt.timing) writeFileSync(opt.timing, JSON.stringify(timing, null, 2) + '\n');
  process.stdout.write(`duckdb ${version}: ${rows.length} county-days in ${seconds.toFixed(3)} s ` +
                       `(${threads} threads${opt.dedup ? ', dedup' : ''})\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`index_mean_county: ${err.message}\n`);
    process.exit(1);
  });
}
