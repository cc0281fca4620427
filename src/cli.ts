#!/usr/bin/env node
/**
 * cdk8s-lanes: simulate, explain and draw lane routing from VirtualService YAML (synthesized by this
 * library or hand-written).
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs as nodeParseArgs } from 'util';
import { DiagramFormat } from './diagram-format';
import { analyze, describeFinding, Finding, Level, LEVELS } from './private/check/analyze';
import { brief, list, show } from './private/checks';
import { DEFAULT_ROUTING_HEADER } from './private/model/types';
import { parseYaml } from './private/simulate/reader';
import { Hop, LaneSimulator, SimulatedRequest, TrafficDiff, TrafficShare } from './simulation';

const USAGE = `usage:
  cdk8s-lanes simulate FILES... [-H 'name: value']... [--path P] [--method M] [-n N] [--seed N]
                       [--down LANE]... [--gateway NS/NAME | --host HOST] [--chain HOST,HOST,...]
                       [--routing-header NAME] [--json]
  cdk8s-lanes explain FILES...
  cdk8s-lanes diagram FILES... [--host HOST] [--lane LANE] [--chain HOST,HOST,...] [--routing-header NAME]
                      [--format mermaid|markdown|svg]
  cdk8s-lanes diff OLD NEW [--chain HOST,HOST,...] [--format table|markdown|json] [--json]
  cdk8s-lanes check FILES... [--failure-threshold Error|Warning|Info] [--output-threshold LEVEL] [--json]

  every command also takes [--cluster-domain DOMAIN] [--asm-generated-namespace NS] (ASM lane groups)
  FILES are YAML or JSON manifests, or directories (every .yaml, .yml and .json file under them)

simulate   where a request goes: the matching rule, the exact lane probabilities and N sampled requests
           (--down marks a lane as having no healthy endpoints; --chain follows a call chain hop by hop)
explain    the rule table of every VirtualService
diagram    one box per VirtualService: its rules, and edges labelled by share and lane marker (fallbacks dashed);
           --chain draws the chain's lanes as swimlanes; --host and --lane keep a large mesh readable;
           Mermaid (default), Markdown (a fenced block) or SVG (laid out by Graphviz, no browser needed)
check      an offline analyzer with Istio's codes (IST0101, IST0109, IST0112, IST0130, IST0131, IST0173) and the
           project's LANE codes (exit 1 when a finding reaches the failure threshold, default Error)
diff       what a change does to traffic: per entry point and class of requests, where requests go before
           and after (exit 1 when traffic changed, 0 when not, 2 for usage or bad input)

exit status: 0 done, 1 bad input (a file, a field, a reference), 2 usage (flags);
             diff: 0 no traffic change, 1 traffic changed, 2 usage or bad input`;

class UsageError extends Error {}

/** Most samples `-n` draws (a few seconds on a laptop). */
const MAX_SAMPLES = 10_000_000;
/** Largest file read; memory stays bounded whatever is given (a parsed document takes several times its size). */
const MAX_FILE_BYTES = 16 * 1024 * 1024;
/** What `cdk8s-lanes` reads in a directory (recursively), as `kubectl apply -f DIR -R` does. */
const MANIFEST_FILE = /\.(ya?ml|json)$/;

/** The manifest files a path names: the file itself, or every .yaml, .yml and .json file under a directory. */
function manifestFiles(name: string): string[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(name);
  } catch {
    throw new Error(`${name}: no such file or directory`);
  }
  if (stat.isDirectory()) {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (entry.isFile() && MANIFEST_FILE.test(entry.name)) found.push(file);
      }
    };
    walk(name);
    if (found.length === 0) throw new Error(`${name}: a directory without .yaml, .yml or .json files`);
    return found;
  }
  if (!stat.isFile()) throw new Error(`${name}: not a regular file`);
  return [name];
}

/** Most bytes read in all: memory stays bounded whatever directories are given. */
const MAX_TOTAL_BYTES = 64 * 1024 * 1024;

/** Reads the files, each within MAX_FILE_BYTES and all within MAX_TOTAL_BYTES, checked before anything is read. */
function readManifestFiles(names: readonly string[]): Array<{ name: string; yaml: string }> {
  const total = names.reduce((sum, n) => sum + fs.statSync(n).size, 0);
  if (total > MAX_TOTAL_BYTES) {
    throw new Error(`the ${names.length} files given hold ${(total / 1024 / 1024).toFixed(1)} MiB; cdk8s-lanes reads at most ${MAX_TOTAL_BYTES / 1024 / 1024} MiB in all`);
  }
  return names.map(readManifestFile);
}

function readManifestFile(name: string): { name: string; yaml: string } {
  const size = fs.statSync(name).size;
  if (size > MAX_FILE_BYTES) {
    throw new Error(`${name}: ${(size / 1024 / 1024).toFixed(1)} MiB; cdk8s-lanes reads files of at most ${MAX_FILE_BYTES / 1024 / 1024} MiB (split it, or give the directory of a cdk8s synth output)`);
  }
  return { name, yaml: fs.readFileSync(name, 'utf-8') };
}

interface Options {
  command: string;
  files: string[];
  headers: { [name: string]: string[] };
  path?: string;
  method?: string;
  n: number;
  seed: number;
  down: string[];
  gateway?: string;
  host?: string;
  chain?: string[];
  routingHeader: string;
  routingHeaderGiven: boolean;
  format?: 'table' | 'markdown' | 'json' | 'mermaid' | 'svg';
  lane?: string;
  failureThreshold?: Level;
  outputThreshold?: Level;
  json: boolean;
  clusterDomain?: string;
  asmGeneratedNamespace?: string;
}

/** The options of each command (util.parseArgs specs); every command also takes the COMMON ones. */
const COMMON = {
  'cluster-domain': { type: 'string' },
  'asm-generated-namespace': { type: 'string' },
  'help': { type: 'boolean', short: 'h' },
} as const;
const OPTIONS = {
  simulate: {
    'header': { type: 'string', short: 'H', multiple: true },
    'path': { type: 'string' },
    'method': { type: 'string' },
    'n': { type: 'string', short: 'n' },
    'seed': { type: 'string' },
    'down': { type: 'string', multiple: true },
    'gateway': { type: 'string' },
    'host': { type: 'string' },
    'chain': { type: 'string' },
    'routing-header': { type: 'string' },
    'json': { type: 'boolean' },
  },
  explain: {},
  diagram: {
    'host': { type: 'string' },
    'lane': { type: 'string' },
    'chain': { type: 'string' },
    'routing-header': { type: 'string' },
    'format': { type: 'string' },
  },
  diff: {
    format: { type: 'string' },
    json: { type: 'boolean' },
    chain: { type: 'string' },
  },
  check: {
    'failure-threshold': { type: 'string' },
    'output-threshold': { type: 'string' },
    'json': { type: 'boolean' },
  },
} as const;
type Command = keyof typeof OPTIONS;
const COMMANDS = Object.keys(OPTIONS) as Command[];

/** One command's part of the usage text. */
function commandHelp(command: Command): string {
  const lines = USAGE.split('\n');
  const usage = lines.filter((l, i) => l.startsWith(`  cdk8s-lanes ${command} `) || (i > 0 && lines[i - 1].startsWith(`  cdk8s-lanes ${command} `) && l.startsWith('     ')));
  const about = lines.filter((l, i) => l.startsWith(`${command} `) || (l.startsWith('           ') && lines.slice(0, i).reverse().find(x => !x.startsWith('           '))?.startsWith(`${command} `)));
  const common = lines.filter(l => l.startsWith('  every command also takes') || l.startsWith('  FILES are'));
  return ['usage:', ...usage, '', ...common, '', ...about, '', lines.slice(-1)[0]].join('\n');
}

class HelpRequest extends Error {}

function parseArgs(argv: string[]): Options {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help') throw new HelpRequest(USAGE);
  if (command === '--version' || command === '-V') throw new HelpRequest(version());
  if (command === 'help') {
    const topic = rest[0];
    if (topic === undefined) throw new HelpRequest(USAGE);
    if (!COMMANDS.includes(topic as Command)) throw new UsageError(`unknown command ${show(topic)}`);
    throw new HelpRequest(commandHelp(topic as Command));
  }
  if (!command) throw new UsageError('no command');
  if (!COMMANDS.includes(command as Command)) throw new UsageError(`unknown command ${show(command)}`);
  const own: { [name: string]: unknown } = OPTIONS[command as Command];
  // every option of every command is known to the parser, so that one of another command is named as such
  const all = { ...COMMON, ...OPTIONS.simulate, ...OPTIONS.diff, ...OPTIONS.check, ...OPTIONS.diagram };
  type Token = { kind: string; name?: string; rawName?: string };
  let parsed: { values: { [name: string]: string | boolean | string[] | undefined }; positionals: string[]; tokens?: Token[] };
  try {
    parsed = nodeParseArgs({ args: rest, options: all, allowPositionals: true, strict: true, tokens: true }) as any;
  } catch (e) {
    const message = (e as Error).message;
    const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
    if ((e as any).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${quoted}`);
    if ((e as any).code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') throw new UsageError(`${quoted.split(' ')[0].replace(/,$/, '')} needs a value`);
    throw new UsageError(message);
  }
  for (const t of parsed.tokens ?? []) {
    if (t.kind === 'option' && !(t.name! in own) && !(t.name! in COMMON)) {
      const owner = COMMANDS.find(c => t.name! in OPTIONS[c]);
      throw new UsageError(`${t.rawName} is an option of ${owner}, not of ${command}`);
    }
  }
  const v = parsed.values;
  if (v.help) throw new HelpRequest(commandHelp(command as Command));
  const integer = (flag: string, value: string, min: number, max: number) => {
    if (!/^-?[0-9]+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new UsageError(`${flag} needs an integer from ${min} to ${max.toLocaleString('en-US')}, got ${show(value)}`);
    }
    return Number(value);
  };
  const o: Options = {
    command,
    files: parsed.positionals,
    headers: {},
    n: v.n === undefined ? 100 : integer('-n', v.n as string, 0, MAX_SAMPLES),
    seed: v.seed === undefined ? 1 : integer('--seed', v.seed as string, 0, 2 ** 32 - 1),
    down: (v.down as string[] | undefined) ?? [],
    gateway: v.gateway as string | undefined,
    host: v.host as string | undefined,
    chain: v.chain === undefined ? undefined : (v.chain as string).split(',').map(x => x.trim()).filter(Boolean),
    routingHeader: ((v['routing-header'] as string | undefined) ?? DEFAULT_ROUTING_HEADER).toLowerCase(),
    routingHeaderGiven: v['routing-header'] !== undefined,
    json: v.json === true,
    path: v.path as string | undefined,
    method: v.method as string | undefined,
    clusterDomain: v['cluster-domain'] as string | undefined,
    asmGeneratedNamespace: v['asm-generated-namespace'] as string | undefined,
  };
  for (const h of (v.header as string[] | undefined) ?? []) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new UsageError(`-H needs "name: value", got ${show(h)}`);
    (o.headers[h.slice(0, colon).trim().toLowerCase()] ??= []).push(h.slice(colon + 1).trim());
  }
  for (const flag of ['failure-threshold', 'output-threshold'] as const) {
    const level = v[flag] as string | undefined;
    if (level === undefined) continue;
    if (!(LEVELS as readonly string[]).includes(level)) throw new UsageError(`--${flag} needs Error, Warning or Info, got ${show(level)}`);
    if (flag === 'failure-threshold') o.failureThreshold = level as Level;
    else o.outputThreshold = level as Level;
  }
  if (v.format !== undefined) {
    const formats = command === 'diagram' ? ['mermaid', 'markdown', 'svg'] : ['table', 'markdown', 'json'];
    if (!formats.includes(v.format as string)) throw new UsageError(`--format needs ${formats.slice(0, -1).join(', ')} or ${formats[formats.length - 1]}, got ${show(v.format)}`);
    o.format = v.format as Options['format'];
  }
  o.lane = v.lane as string | undefined;
  if (o.files.length === 0) throw new UsageError(`${command} needs at least one YAML file`);
  if (command === 'diff' && o.files.length !== 2) throw new UsageError(`diff needs two inputs, OLD and NEW (files or directories), got ${o.files.length}`);
  if (o.gateway && o.host) throw new UsageError('give --gateway or --host, not both');
  return o;
}

/** The package's version: from the nearest package.json of this package above the CLI (lib/src/ when installed). */
function version(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    const pkg = JSON.parse(fs.readFileSync(file, 'utf-8'));
    if (pkg.name === 'cdk8s-traffic-lanes') return `cdk8s-lanes ${pkg.version}`;
  }
  return 'cdk8s-lanes (unknown version)';
}

/** Small seeded PRNG (mulberry32): the same seed gives the same samples. */
/* eslint-disable no-bitwise */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */

/** Draws `n` samples from a distribution over labels. */
function sample(dist: Array<[string, number]>, n: number, seed: number, progress: (done: number) => void): Map<string, number> {
  const counts = new Map<string, number>(dist.map(([k]) => [k, 0]));
  const rnd = random(seed);
  const step = Math.max(1, Math.floor(n / 10));
  for (let i = 0; i < n; i++) {
    let r = rnd();
    let pick = dist[dist.length - 1][0];
    for (const [k, p] of dist) {
      if (r < p) { pick = k; break; }
      r -= p;
    }
    counts.set(pick, counts.get(pick)! + 1);
    if (n >= 1_000_000 && (i + 1) % step === 0) progress(i + 1);
  }
  return counts;
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
const COLOUR = process.stdout.isTTY === true && !process.env.NO_COLOR;
const RED = '31';
function paint(text: string, code: string): string {
  return COLOUR && code ? `\u001b[${code}m${text}\u001b[0m` : text;
}

function pct(p: number): string {
  return `${Math.round(p * 10000) / 100}%`;
}

/** Aligned columns; colour codes take no width. */
function table(rows: string[][]): string {
  // eslint-disable-next-line no-control-regex
  const width = (cell: string) => cell.replace(/\u001b\[[0-9;]*m/g, '').length;
  const widths = rows[0].map((_, c) => Math.max(...rows.map(r => width(r[c]))));
  return rows.map(r => r.map((cell, c) => (c === r.length - 1 ? cell : cell + ' '.repeat(widths[c] - width(cell)))).join('  ').trimEnd()).join('\n');
}

function simulate(sim: LaneSimulator, given: Options, out: (s: string) => void, err: (s: string) => void): void {
  let o = given;
  const request: SimulatedRequest = { multiValueHeaders: o.headers, path: o.path, method: o.method };
  // flags that name what the files hold must name something they hold
  const subsets = sim.subsets;
  for (const d of o.down) {
    if (!subsets.includes(d.slice(d.lastIndexOf('/') + 1))) throw new UsageError(`--down ${brief(d)}: no such subset in the files read (subsets: ${list(subsets)})`);
  }
  const headers = sim.routingHeaders;
  if (o.routingHeaderGiven && !headers.includes(o.routingHeader)) {
    throw new UsageError(`--routing-header ${brief(o.routingHeader)}: no route in the files read sets it (headers the routes set: ${list(headers)})`);
  }
  // the routing header: as given, else the one the routes set (the default when they set several or none)
  if (!o.routingHeaderGiven && headers.length > 1 && !headers.includes(DEFAULT_ROUTING_HEADER)) {
    throw new UsageError(`the routes set several headers (${list(headers)}); choose the routing header with --routing-header`);
  }
  const routingHeader = o.routingHeaderGiven ? o.routingHeader : headers.length === 1 ? headers[0] : DEFAULT_ROUTING_HEADER;
  // a lane carried in baggage: the routes set no routing header, and add the entries of one key
  const keys = sim.baggageKeys;
  const baggageKey = !o.routingHeaderGiven && headers.length === 0 && keys.length === 1 ? keys[0] : undefined;
  o = { ...o, routingHeader: baggageKey !== undefined ? 'baggage' : routingHeader };
  const options = { unhealthyLanes: o.down, ...(baggageKey !== undefined ? { baggageKey } : { routingHeader }), gateway: o.gateway, host: o.host };
  const progress = (done: number) => err(`sampled ${done}/${o.n} requests`);
  const requestLine = `${o.method ?? 'GET'} ${o.path ?? '/'}${Object.entries(o.headers).flatMap(([k, vs]) => vs.map(v => ` ${k}: ${v}`)).join('')}`;

  if (o.chain) {
    const paths = sim.simulateChain(o.chain, request, options);
    const counts = sample(paths.map(p => [p.trace, p.probability]), o.n, o.seed, progress);
    if (o.json) {
      out(JSON.stringify({ request: { ...request, method: o.method ?? 'GET', path: o.path ?? '/' }, chain: o.chain, paths: paths.map(p => ({ ...p, sampled: counts.get(p.trace) })), n: o.n, seed: o.seed }, null, 2));
      return;
    }
    out(`request: ${requestLine}`);
    out(`chain:   ${o.chain.join(' -> ')}${o.down.length ? ` (no healthy endpoints: ${o.down.join(', ')})` : ''}`);
    out('');
    out(table([['trace', 'probability', `sampled (n=${o.n}, seed ${o.seed})`], ...paths.map(p => [paint(p.trace, p.hops.some(h => h.failed) ? RED : ''), pct(p.probability), String(counts.get(p.trace))])]));
    // every 503, 404 and fallback with its reason
    const explained = new Set<string>();
    for (const p of paths) {
      for (const h of p.hops.filter(x => x.failed || x.viaFallback)) {
        const line = `${h.host.split('.')[0]}: ${h.reason}`;
        if (!explained.has(line)) out(`${explained.size === 0 ? '\n' : ''}${line}`);
        explained.add(line);
      }
    }
    return;
  }

  const result = sim.simulate(request, options);
  // one row per serving subset (or any endpoint, or 503), in outcome order
  const UNAVAILABLE = '503 (no healthy endpoints)';
  const served = (x: Hop) => (x.failed ? UNAVAILABLE : x.backend?.subset ?? '(any endpoint)');
  const shares = new Map<string, number>();
  for (const x of result.outcomes) shares.set(served(x), (shares.get(served(x)) ?? 0) + x.probability);
  const dist: Array<[string, number]> = [...shares];
  const counts = dist.length > 0 ? sample(dist, o.n, o.seed, progress) : new Map<string, number>();
  if (o.json) {
    out(JSON.stringify({ request: { ...request, method: o.method ?? 'GET', path: o.path ?? '/' }, ...result, sampled: Object.fromEntries(counts), n: o.n, seed: o.seed }, null, 2));
    return;
  }
  out(`request: ${requestLine}`);
  out(`entry:   ${result.virtualService}`);
  if (!result.matched) {
    out('rule:    none matched (Istio answers 404)');
    return;
  }
  out(`rule:    ${result.rule ?? '(unnamed)'}`);
  out('');
  const rows = [['subset', 'probability', `sampled (n=${o.n}, seed ${o.seed})`, `lane marker ${o.routingHeader}`]];
  for (const [key, p] of dist) {
    const markers = [...new Set(result.outcomes.filter(x => served(x) === key).map(x => x.marker.value ?? '(unset)'))];
    rows.push([paint(key, key === UNAVAILABLE ? RED : ''), pct(p), String(counts.get(key)), markers.join(', ')]);
  }
  out(table(rows));
  for (const x of result.outcomes.filter(y => y.viaFallback || y.failed)) out(`\n${pct(x.probability)}: ${x.reason}`);
}

function describeShares(all: readonly TrafficShare[]): string {
  if (all.length === 0) return '(no route)';
  return all.map(s => `${s.target} ${pct(s.probability)}${s.sets ? ` [${s.sets}]` : ''}${s.fallback ? ` fallback ${s.fallback}` : ''}`).join('; ');
}

/** `cdk8s-lanes check FILES...`: exit 1 when a finding reaches the failure threshold, 2 for usage or unreadable input. */
function checkCommand(o: Options, out: (s: string) => void, err: (s: string) => void): number {
  let findings: Finding[];
  try {
    const files = readManifestFiles(o.files.flatMap(manifestFiles));
    const manifests = parseYaml(files.map(f => ({ name: f.name, text: f.yaml })));
    findings = analyze(manifests, { clusterDomain: o.clusterDomain, asmGeneratedNamespace: o.asmGeneratedNamespace });
  } catch (e) {
    err(`cdk8s-lanes: ${(e as Error).message}`);
    return 2;
  }
  const rank = (l: Level) => LEVELS.indexOf(l);
  const shown = findings.filter(f => rank(f.level) <= rank(o.outputThreshold ?? 'Info'));
  if (o.json) out(JSON.stringify(shown, null, 2));
  else if (shown.length === 0) out('no findings');
  else for (const f of shown) out(`${paint(f.level, f.level === 'Error' ? RED : '')} ${describeFinding(f)}`);
  return findings.some(f => rank(f.level) <= rank(o.failureThreshold ?? 'Error')) ? 1 : 0;
}

/** Mermaid's default limits (its maxEdges and maxTextSize settings): a larger diagram is not rendered. */
const MERMAID_MAX_EDGES = 500;
const MERMAID_MAX_TEXT = 50_000;

/** `cdk8s-lanes diagram FILES...`: Mermaid, Markdown or SVG. */
async function diagramCommand(sim: LaneSimulator, o: Options, out: (s: string) => void, err: (s: string) => void): Promise<void> {
  const options = { host: o.host, lane: o.lane, chain: o.chain, routingHeader: o.routingHeaderGiven ? o.routingHeader : undefined };
  if (o.format === 'svg') {
    out((await sim.diagramSvg(options)).trimEnd());
    return;
  }
  const text = sim.diagram({ ...options, format: o.format === 'markdown' ? DiagramFormat.MARKDOWN : DiagramFormat.MERMAID });
  const edges = text.split('\n').filter(l => / --> | \.-> |-- .* --> |-\. .* \.-> /.test(l)).length;
  if (edges > MERMAID_MAX_EDGES || text.length > MERMAID_MAX_TEXT) {
    err(`note: the diagram has ${edges} edges and ${text.length.toLocaleString('en-US')} characters; Mermaid renders at most ${MERMAID_MAX_EDGES} edges and `
      + `${MERMAID_MAX_TEXT.toLocaleString('en-US')} characters by default (its maxEdges and maxTextSize settings): filter it with --host, --lane or --chain`);
  }
  out(text.trimEnd());
}

/** `cdk8s-lanes diff OLD NEW`: exit 0 no traffic change, 1 traffic changed, 2 usage or bad input. */
function diffCommand(o: Options, out: (s: string) => void, err: (s: string) => void): number {
  let d: TrafficDiff;
  try {
    const options = { clusterDomain: o.clusterDomain, asmGeneratedNamespace: o.asmGeneratedNamespace };
    const read = (input: string) => {
      const sim = LaneSimulator.fromYamlSources(readManifestFiles(manifestFiles(input)), options);
      for (const note of sim.notes) err(`note: ${note}`);
      return sim;
    };
    d = read(o.files[0]).diff(read(o.files[1]), { chain: o.chain });
  } catch (e) {
    err(`cdk8s-lanes: ${(e as Error).message}`);
    return 2;
  }
  const format = o.json ? 'json' : o.format ?? 'table';
  if (format === 'json') {
    out(JSON.stringify(d, null, 2));
    return d.changed ? 1 : 0;
  }
  const md = format === 'markdown';
  const lines: string[] = [md ? '### Traffic changes' : `traffic: ${d.changed ? 'changed' : 'no change'}`];
  if (md && !d.changed) lines.push('', 'No request is routed differently.');
  // one block per entry point (and chain): a heading, then its classes before and after
  const block = (heading: string, classes: Array<[string, string, string]>) => {
    lines.push('', md ? `**${heading}**` : heading);
    if (md) lines.push('', '| requests | before | after |', '|---|---|---|', ...classes.map(r => `| ${r.map(x => x.replace(/\|/g, '\\|')).join(' | ')} |`));
    else lines.push(...table([['requests', 'before', 'after'], ...classes]).split('\n').map(l => `  ${l}`));
  };
  for (const e of d.entries) block(`${e.entry} (${e.status})`, e.classes.map(c => [c.request, describeShares(c.before), describeShares(c.after)]));
  if (d.chains.length) block(`chain ${o.chain!.join(' -> ')}`, d.chains.map(c => [c.request, c.before.join('; '), c.after.join('; ')]));
  const named = (what: string, xs: readonly string[]) => { if (xs.length) lines.push('', `${what}: ${xs.join(', ')}`); };
  named('subsets added', d.subsetsAdded);
  named('subsets removed', d.subsetsRemoved);
  named('hosts added', d.hostsAdded);
  named('hosts removed', d.hostsRemoved);
  if (d.approximate) lines.push('', 'approximate: regex conditions were compared through witness strings taken from their patterns (or there were too many fields to combine every value), so a change may go unreported');
  out(lines.join('\n'));
  return d.changed ? 1 : 0;
}

export async function main(argv: string[], out: (s: string) => void = s => process.stdout.write(`${s}\n`), err: (s: string) => void = s => process.stderr.write(`${s}\n`)): Promise<number> {
  let o: Options;
  try {
    o = parseArgs(argv);
  } catch (e) {
    if (e instanceof HelpRequest) {
      out(e.message); // help and --version go to stdout
      return 0;
    }
    err(`cdk8s-lanes: ${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (o.command === 'diff') return diffCommand(o, out, err);
  if (o.command === 'check') return checkCommand(o, out, err);
  try {
    const files = readManifestFiles(o.files.flatMap(manifestFiles));
    const sim = LaneSimulator.fromYamlSources(files, { clusterDomain: o.clusterDomain, asmGeneratedNamespace: o.asmGeneratedNamespace });
    for (const note of sim.notes) err(`note: ${note}`);
    if (o.command === 'explain') out(sim.explain().trimEnd());
    else if (o.command === 'diagram') await diagramCommand(sim, o, out, err);
    else simulate(sim, o, out, err);
    return 0;
  } catch (e) {
    // a flag that names nothing in the files is a usage error (2); a bad file, field or reference is bad input (1)
    err(`cdk8s-lanes: ${(e as Error).message}`);
    return e instanceof UsageError ? 2 : 1;
  }
}

if (require.main === module) {
  void main(process.argv.slice(2)).then(code => process.exitCode = code);
}
