// `npm run bench`: the full migration, verify and rollback of generated workbooks at 2,500 /
// 25,000 / 147,000 rows in the emulator (its documented cost model: emulator/costModel.ts),
// printed as one table and written to bench/results.json and bench/RESULTS.md.
//
// Each size runs in a child process of its own, so that its CPU time and peak RSS are its own
// and the 147,000-row world (several copies of a 10-million-cell workbook) is freed at the end.
//
//   node .build/bench.js                     all sizes
//   node .build/bench.js --sizes 2500        chosen sizes (results written only for the default set
//                                            unless --write)
//   node .build/bench.js --no-sensitivity    without the run with slower calls
//   node .build/bench.js --render            RESULTS.md again from results.json
import * as childProcess from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { COST_MODEL, DEFAULT_DIST, runSize, SizeResult } from './scenario';
import { BenchResults, header, judge, Machine, sensitivityRows, tableRows, textTable } from './report';
import { renderMarkdown } from './markdown';

const DEFAULT_SIZES = [2500, 25000, 147000];
const SLOW_FACTOR = 5;
const ROOT = path.resolve(__dirname, '..');
const BENCH_DIR = path.join(ROOT, 'bench');

function arg(name: string): string | null {
  const i = process.argv.indexOf(name);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : null;
}

function progressWriter(prefix: string): (line: string) => void {
  const tty = process.stderr.isTTY;
  let last = 0;
  return (line: string) => {
    const now = Date.now();
    // A redrawn line on a terminal; a line every few seconds in a log file.
    if (tty) process.stderr.write(`\r\x1b[K${prefix} ${line}`);
    else if (now - last > 5000) {
      process.stderr.write(`${prefix} ${line}\n`);
      last = now;
    }
  };
}

/**
 * The sensitivity run: every per-call (base) cost of the model multiplied by `factor`, per-cell
 * costs unchanged: what the published measurements quoted in emulator/costModel.ts suggest.
 */
function slowCalls(factor: number): void {
  const model = COST_MODEL as unknown as Record<string, number>;
  for (const k of Object.keys(model)) {
    if (k === 'executionLimitSeconds' || /Per(Cell|Kb)Ms$/.test(k) || k === 'uiDialogMs') continue;
    model[k] *= factor;
  }
}

/** Child mode: one size, result as JSON into the file named by --out. */
function child(): void {
  const rows = Number(arg('--child'));
  const out = arg('--out') as string;
  if (arg('--slow-calls')) slowCalls(Number(arg('--slow-calls')));
  const result = runSize({ rows, distDir: DEFAULT_DIST, progress: progressWriter(`[${rows.toLocaleString('en-US')} rows]`) });
  fs.writeFileSync(out, JSON.stringify(result));
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}

function runChild(rows: number, slow?: number): SizeResult {
  const out = path.join(os.tmpdir(), `sheet-migrator-bench-${process.pid}-${rows}.json`);
  const r = childProcess.spawnSync(
    process.execPath,
    ['--expose-gc', '--max-old-space-size=8192', __filename, '--child', String(rows), '--out', out, ...(slow ? ['--slow-calls', String(slow)] : [])],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  if (r.status !== 0 || !fs.existsSync(out)) throw new Error(`the ${rows}-row benchmark failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''})`);
  const result = JSON.parse(fs.readFileSync(out, 'utf8')) as SizeResult;
  fs.unlinkSync(out);
  return result;
}

/** What dist/Code.js would weigh unminified (for reference: the product ships it minified). */
function unminifiedBytes(): number {
  // build.js, not bundled into .build/bench.js: the same esbuild options as the shipped bundle.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const build = require(path.join(ROOT, 'build.js')) as { bundleServer(o: { minify: boolean }): { code: string } };
  return Buffer.byteLength(build.bundleServer({ minify: false }).code);
}

function machine(): Machine {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    os: `${os.type()} ${os.release()} (${os.platform()}/${os.arch()})`,
    cpu: cpus.length ? cpus[0].model.trim() : 'unknown',
    cores: cpus.length,
    node: process.version,
    memoryGB: Math.round(os.totalmem() / 1024 ** 3),
  };
}

function main(): void {
  const t0 = Date.now();
  const sizes = arg('--sizes') ? (arg('--sizes') as string).split(',').map((s) => Number(s.replace(/_/g, ''))) : DEFAULT_SIZES;
  const bundleFile = path.join(DEFAULT_DIST, 'Code.js');
  if (!fs.existsSync(bundleFile)) throw new Error('dist/Code.js is missing: run `node build.js` first (npm run bench does).');
  const bundleBytes = fs.statSync(bundleFile).size;
  const results: SizeResult[] = [];
  for (const rows of sizes) {
    process.stderr.write(`[${rows.toLocaleString('en-US')} rows] starting\n`);
    results.push(runChild(rows));
    const r = results[results.length - 1];
    process.stderr.write(`[${rows.toLocaleString('en-US')} rows] done: ${r.total.executions} executions, ${r.total.modelledSeconds.toFixed(1)} s modelled, ${(r.local.wallMs / 1000).toFixed(1)} s local\n`);
  }
  // Sensitivity: the middle size again with every call 5× slower (per-cell costs unchanged).
  let sensitivity: BenchResults['sensitivity'] = null;
  if (!process.argv.includes('--no-sensitivity')) {
    const rows = sizes.includes(25000) ? 25000 : sizes[0];
    process.stderr.write(`[${rows.toLocaleString('en-US')} rows, calls ×${SLOW_FACTOR}] starting\n`);
    sensitivity = { factor: SLOW_FACTOR, result: runChild(rows, SLOW_FACTOR) };
  }
  const partial = { machine: machine(), sensitivity, bundleBytes, bundleUnminifiedBytes: unminifiedBytes(), benchWallSeconds: (Date.now() - t0) / 1000, sizes: results };
  const res: BenchResults = { ...partial, targets: judge(partial) };
  const rows = tableRows(res);
  process.stdout.write('\n' + textTable(rows, header(res)) + '\n');
  const sens = sensitivityRows(res);
  if (sens && res.sensitivity) {
    process.stdout.write(`\nSensitivity: ${res.sensitivity.result.rows.toLocaleString('en-US')} rows with every per-call cost ×${res.sensitivity.factor} (per-cell costs unchanged)\n`);
    process.stdout.write(textTable(sens, ['', 'model as is', `calls ×${res.sensitivity.factor}`]) + '\n');
  }
  process.stdout.write('\nTargets:\n');
  for (const t of res.targets) process.stdout.write(`  ${t.met ? 'MET    ' : 'NOT MET'}  ${t.text}: ${t.detail}\n`);
  const isDefault = sizes.join(',') === DEFAULT_SIZES.join(',');
  if (isDefault || process.argv.includes('--write')) {
    fs.writeFileSync(path.join(BENCH_DIR, 'results.json'), JSON.stringify(res, null, 2) + '\n');
    fs.writeFileSync(path.join(BENCH_DIR, 'RESULTS.md'), renderMarkdown(res));
    process.stdout.write('\nWrote bench/results.json and bench/RESULTS.md\n');
  } else {
    process.stdout.write('\n(not the default sizes: bench/results.json and RESULTS.md left as they were; add --write to write them)\n');
  }
}

/** `--render`: RESULTS.md again from results.json (after a change to the report's text). */
function render(): void {
  const res = JSON.parse(fs.readFileSync(path.join(BENCH_DIR, 'results.json'), 'utf8')) as BenchResults;
  fs.writeFileSync(path.join(BENCH_DIR, 'RESULTS.md'), renderMarkdown(res));
  process.stdout.write('Wrote bench/RESULTS.md from bench/results.json\n');
}

if (arg('--child')) child();
else if (process.argv.includes('--render')) render();
else main();
