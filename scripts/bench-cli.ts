/**
 * The benchmark's end-to-end CLI rows (`npx projen bench`, or `--cli` for these rows alone): each command of the
 * built `cdk8s-lanes` (lib/, so run after a compile) as a whole process on the one-file output of a `cdk8s synth` chart
 * of 1,000 and 10,000 services × 8 lanes, against a baseline process of the same run that only reads and
 * `JSON.parse`s the same objects written as JSON. Rounds are interleaved (each command once per round, the baseline
 * included), so that a slow spell of the machine hits them alike; ratios are medians of the per-round ratios.
 *
 * Targets (issue: every CLI command on 1,000 services in half a second): simulate, explain, check and diagram --host
 * ≤ 3.5× the baseline, diff of two versions ≤ 7×; the same on 10,000 services with peak RSS ≤ 1 GiB; growth from
 * 1,000 to 10,000 services ≤ 11×.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { loadAll } from 'js-yaml';

const BIN = path.join(__dirname, '..', 'lib', 'src', 'cli', 'main.js');
const HOST = 'svc0.team0.svc.cluster.local';

interface Run { ms: number; rssMiB: number }

/** One process: wall time, and its peak RSS (written by a preloaded hook when it exits). */
function runProcess(args: string[], dir: string): Run {
  const rssFile = path.join(dir, 'rss');
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-r', path.join(dir, 'rss.js'), ...args], { env: { ...process.env, RSS_FILE: rssFile }, maxBuffer: 2 ** 30 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // diff exits 1 (traffic changed) and check may exit 1 (a finding): an answer; 2 is a failure of the bench
  if (r.status !== 0 && r.status !== 1) throw new Error(`bench: ${args.join(' ')} exited ${r.status}: ${r.stderr.toString().slice(0, 500)}`);
  return { ms, rssMiB: Number(fs.readFileSync(rssFile, 'utf-8')) / 1024 };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * The CLI rows for charts made by `chartOf(services)` (an App with one chart of that many LaneRoutings), each
 * command `reps` rounds.
 */
export function cliRows(chartOf: (services: number) => App, quick: boolean): void {
  if (!fs.existsSync(BIN)) throw new Error(`bench: ${BIN} is missing: compile first (npx projen compile)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-cli-'));
  fs.writeFileSync(path.join(dir, 'rss.js'), "process.on('exit', () => require('fs').writeFileSync(process.env.RSS_FILE, String(process.resourceUsage().maxRSS)));\n");
  try {
    console.log('\nCLI, each command as a whole process on one file of a synth chart (services x 8 lanes), against a process that reads and JSON.parses the same objects');
    console.log('times: median of interleaved rounds; ratios: median of the per-round ratios to the baseline; RSS: the largest peak of the rounds');
    const medians = new Map<string, Map<number, number>>();
    for (const services of [1000, 10000]) {
      const yaml = chartOf(services).synthYaml();
      // the second version: in one document of 100, the first split is 60/40 instead of 50/50
      const yaml2 = yaml.split('\n---\n').map((doc, i) => (i % 100 === 0 ? doc.replace('weight: 50\n', 'weight: 60\n').replace('weight: 50\n', 'weight: 40\n') : doc)).join('\n---\n');
      if (yaml2 === yaml) throw new Error('bench: the second version of the chart changes nothing');
      const files = { yaml: path.join(dir, 'chart.k8s.yaml'), yaml2: path.join(dir, 'chart-v2.k8s.yaml'), json: path.join(dir, 'chart.json') };
      fs.writeFileSync(files.yaml, yaml);
      fs.writeFileSync(files.yaml2, yaml2);
      fs.writeFileSync(files.json, JSON.stringify(loadAll(yaml)));
      const commands: { [name: string]: string[] } = {
        'baseline': ['-e', `JSON.parse(require('fs').readFileSync(${JSON.stringify(files.json)}, 'utf-8'))`],
        'simulate': [BIN, 'simulate', files.yaml, '--host', HOST, '-H', 'env: dev'],
        'explain': [BIN, 'explain', files.yaml],
        'check': [BIN, 'check', files.yaml],
        'diagram --host': [BIN, 'diagram', files.yaml, '--host', HOST],
        'diff': [BIN, 'diff', files.yaml, files.yaml2],
      };
      const names = Object.keys(commands);
      const reps = quick ? 2 : services === 1000 ? 5 : 3;
      const runs: { [name: string]: Run[] } = Object.fromEntries(names.map(n => [n, []]));
      names.forEach(n => runProcess(commands[n], dir)); // warm-up: the file system's cache
      for (let r = 0; r < reps; r++) for (const n of names) runs[n].push(runProcess(commands[n], dir));
      console.log(`\n${services.toLocaleString('en-US')} services: ${(yaml.length / 2 ** 20).toFixed(1)} MiB of YAML, ${(fs.statSync(files.json).size / 2 ** 20).toFixed(1)} MiB of JSON`);
      console.log('  command          time     ratio  target  peak RSS');
      for (const n of names) {
        const ms = median(runs[n].map(x => x.ms));
        (medians.get(n) ?? medians.set(n, new Map()).get(n)!).set(services, ms);
        const ratio = median(runs[n].map((x, i) => x.ms / runs.baseline[i].ms));
        const target = n === 'baseline' ? '' : n === 'diff' ? '≤ 7' : '≤ 3.5';
        const rss = Math.max(...runs[n].map(x => x.rssMiB));
        console.log(`  ${n.padEnd(15)} ${`${ms.toFixed(0)} ms`.padStart(8)}  ${n === 'baseline' ? '     ' : ratio.toFixed(2).padStart(5)}  ${target.padEnd(6)}  ${rss.toFixed(0)} MiB${services === 10000 ? ' (≤ 1024)' : ''}`);
      }
    }
    console.log('\ngrowth from 1,000 to 10,000 services (target ≤ 11x): '
      + [...medians].map(([n, m]) => `${n} ${(m.get(10000)! / m.get(1000)!).toFixed(1)}x`).join(', '));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
