/**
 * The command line: the usage text, each command's options, and argv parsed into checked options.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs as nodeParseArgs } from 'util';
import { Level, LEVELS } from '../private/analysis/findings';
import { DEFAULT_ROUTING_HEADER } from '../private/model/types';
import { checkClusterDomain, checkDnsLabel, checkGatewayRef, checkHeaderName, checkNoControlChars, checkServiceHost, checkVirtualServiceHost, show } from '../private/validation/values';

export const USAGE = `usage:
  cdk8s-lanes simulate FILES... [-H 'name: value']... [--path P] [--method M] [--port N] [--scheme http|https]
                       [-n N] [--seed N] [--down LANE]... [--gateway NS/NAME | --host HOST] [--chain HOST,HOST,...]
                       [--source-namespace NS] [--complete] [--routing-header NAME] [--json]
  cdk8s-lanes explain FILES...
  cdk8s-lanes diagram FILES... [--host HOST] [--lane LANE] [--chain HOST,HOST,...] [--routing-header NAME]
                      [--format mermaid|markdown|svg]
  cdk8s-lanes diff OLD NEW [--chain HOST,HOST,...] [--complete] [--format table|markdown|json] [--json]
  cdk8s-lanes check FILES... [--failure-threshold Error|Warning|Info] [--output-threshold LEVEL] [--complete] [--json]

  every command also takes [--cluster-domain DOMAIN] [--asm-generated-namespace NS] (ASM lane groups)
                           [--no-listener-isolation] (a request may reach any Gateway listener its host matches)
  FILES are YAML or JSON manifests, or directories (every .yaml, .yml and .json file under them)

simulate   where a request goes: the matching rule, the exact lane probabilities and N sampled requests
           (--down marks a lane as having no healthy endpoints; --chain follows a call chain hop by hop;
           --complete: the files hold every object of the cluster, so a backend they lack fails with 500)
explain    the rule table of every VirtualService
diagram    one box per VirtualService: its rules, and edges labelled by share and lane marker (fallbacks dashed);
           --chain draws the chain's lanes as swimlanes; --host and --lane keep a large mesh readable;
           Mermaid (default), Markdown (a fenced block) or SVG (laid out by Graphviz, no browser needed)
check      an offline analyzer: Istio's VirtualService and DestinationRule analyzers (IST codes) and the
           project's LANE codes (exit 1 when a finding reaches the failure threshold, default Error);
           --complete: the files hold the whole cluster, so a reference to an object they lack is an Error
diff       what a change does to traffic: per entry point and class of requests, where requests go before
           and after (exit 1 when traffic changed, 0 when not, 2 for usage or bad input)

exit status: 0 done; 1 the answer is no (diff: traffic changed; check: a finding at the failure threshold);
             2 usage (flags), or input that cannot be read or is invalid (a file, a field, a reference)`;

/** A flag or argument the command does not take: exit 2, with the usage. */
export class UsageError extends Error {}

/** `value` once `check` accepts it; what it refuses is a usage error. */
function usage<T>(check: () => void, value: T): T {
  try {
    check();
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return value;
}

/** The hosts of `--chain`, comma-separated; an empty one is a usage error (a typo such as `a,,b`). */
function chainOf(text: string): string[] {
  const hosts = text.split(',').map(x => x.trim());
  if (hosts.some(h => h === '')) throw new UsageError(`--chain needs host names separated by commas, without an empty one, got ${show(text)}`);
  for (const h of hosts) usage(() => checkServiceHost('--chain host', h), h);
  return hosts;
}

/** A request's path: from `/`, without blanks or control characters (a query after `?` is part of it). */
function checkRequestPath(what: string, value: string): void {
  if (!/^\/[^\s\u0000-\u001f\u007f]*$/.test(value)) throw new Error(`${what} needs a path that starts with "/" and has no blanks or control characters, got ${show(value)}`);
}

/** A request's method: an HTTP token (GET, POST, PURGE ...). */
function checkMethod(what: string, value: string): void {
  if (!/^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/.test(value)) throw new Error(`${what} needs an HTTP method such as GET or POST, got ${show(value)}`);
}

/** A flag's value once `check` (a construct's check, given the flag's name) accepts it; else a usage error. */
function checked(flag: string, value: unknown, check: (what: string, value: string) => void): string | undefined {
  return value === undefined ? undefined : usage(() => check(flag, value as string), value as string);
}

/**
 * What the API names (its parameters) in a message, as the command line names it (its flags): the one place where
 * an error of LaneSimulator reaches the user of the CLI.
 */
const FLAGS_OF_PARAMETERS: Array<[string, string]> = [
  ['(request.port)', '(--port)'],
  ['LaneSimulator.diagramSvg(): ', 'diagram --format svg: '],
  ['filter it with host, lane or chain', 'filter it with --host, --lane or --chain'],
  ['diagram: lane ', '--lane '],
  ['diagram: no request enters lane ', '--lane: no request enters lane '],
];

/** An error's message, in the command line's words. */
export function inFlags(message: string): string {
  return FLAGS_OF_PARAMETERS.reduce((m, [api, flag]) => m.replace(api, flag), message);
}

/** Most samples `-n` draws (a few seconds on a laptop). */
export const MAX_SAMPLES = 10_000_000;

/** The options of a command line, parsed and checked. */
export interface Options {
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
  port?: number;
  scheme?: string;
  sourceNamespace?: string;
  complete: boolean;
  listenerIsolation: boolean;
}

/** The options of each command (util.parseArgs specs); every command also takes the COMMON ones. */
export const COMMON = {
  'cluster-domain': { type: 'string' },
  'asm-generated-namespace': { type: 'string' },
  'no-listener-isolation': { type: 'boolean' },
  'help': { type: 'boolean', short: 'h' },
} as const;
export const OPTIONS = {
  simulate: {
    'header': { type: 'string', short: 'H', multiple: true },
    'path': { type: 'string' },
    'method': { type: 'string' },
    'port': { type: 'string' },
    'scheme': { type: 'string' },
    'source-namespace': { type: 'string' },
    'complete': { type: 'boolean' },
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
    complete: { type: 'boolean' },
  },
  check: {
    'failure-threshold': { type: 'string' },
    'output-threshold': { type: 'string' },
    'json': { type: 'boolean' },
    'complete': { type: 'boolean' },
  },
} as const;
export type Command = keyof typeof OPTIONS;
export const COMMANDS = Object.keys(OPTIONS) as Command[];

/** One command's part of the usage text: each line it takes comes with the more deeply indented lines that continue it. */
export function commandHelp(command: Command): string {
  // Stryker disable next-line ArrayDeclaration: a placeholder entry is a string, whose first character starts no line taken
  const entries: string[][] = [];
  for (const line of USAGE.split('\n')) {
    if (line.startsWith('   ')) entries[entries.length - 1].push(line);
    else entries.push([line]);
  }
  const take = (...starts: string[]) => entries.filter(e => starts.some(s => e[0].startsWith(s))).flat();
  return ['usage:', ...take(`  cdk8s-lanes ${command} `), '', ...take('  every command also takes', '  FILES are'), '', ...take(`${command} `), '', ...take('exit status:')].join('\n');
}

/** `--help`, `help` or `--version`: the text goes to stdout, exit 0. */
export class HelpRequest extends Error {}

export function parseArgs(argv: string[]): Options {
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
  let parsed: { values: { [name: string]: string | boolean | string[] | undefined }; positionals: string[]; tokens: Token[] };
  try {
    parsed = nodeParseArgs({ args: rest, options: all, allowPositionals: true, strict: true, tokens: true }) as any;
  } catch (e) {
    const message = (e as Error).message;
    // Stryker disable next-line OptionalChaining,StringLiteral: each error parseArgs throws here quotes the option it is about
    const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
    if ((e as any).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') throw new UsageError(`unknown option ${quoted}`);
    // the only other error parseArgs throws with positionals allowed (ERR_PARSE_ARGS_INVALID_OPTION_VALUE): a value missing
    // ('--seed <value>', '-H, --header <value>'), or given to a flag that takes none
    // Stryker disable next-line Regex: the first word is '-H,' or '--name'; an option name has no comma
    const flag = quoted.split(' ')[0].replace(/,$/, '');
    throw new UsageError(message.includes('does not take an argument') ? `${flag} takes no value` : `${flag} needs a value`);
  }
  for (const t of parsed.tokens) {
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
    gateway: checked('--gateway', v.gateway, checkGatewayRef),
    // a short name (mocka), a qualified one, or a gateway's host (*.example.com, *)
    host: checked('--host', v.host, (what, h) => checkVirtualServiceHost(what, h, true)),
    chain: v.chain === undefined ? undefined : chainOf(v.chain as string),
    routingHeader: checked('--routing-header', ((v['routing-header'] as string | undefined) ?? DEFAULT_ROUTING_HEADER).toLowerCase(), checkHeaderName)!,
    routingHeaderGiven: v['routing-header'] !== undefined,
    json: v.json === true,
    path: checked('--path', v.path, checkRequestPath),
    method: checked('--method', v.method, checkMethod),
    clusterDomain: v['cluster-domain'] === undefined ? undefined : usage(() => checkClusterDomain('--cluster-domain', v['cluster-domain']), v['cluster-domain'] as string),
    asmGeneratedNamespace: checked('--asm-generated-namespace', v['asm-generated-namespace'], checkDnsLabel),
    port: v.port === undefined ? undefined : integer('--port', v.port as string, 1, 65535),
    sourceNamespace: checked('--source-namespace', v['source-namespace'], checkDnsLabel),
    complete: v.complete === true,
    listenerIsolation: v['no-listener-isolation'] !== true,
  };
  if (v.scheme !== undefined) {
    if (v.scheme !== 'http' && v.scheme !== 'https') throw new UsageError(`--scheme needs http or https, got ${show(v.scheme)}`);
    o.scheme = v.scheme;
  }
  for (const h of (v.header as string[] | undefined) ?? []) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new UsageError(`-H needs "name: value", got ${show(h)}`);
    const name = checked('-H header name', h.slice(0, colon).trim().toLowerCase(), checkHeaderName)!;
    (o.headers[name] ??= []).push(checked('-H header value', h.slice(colon + 1).trim(), checkNoControlChars)!);
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
  if (command === 'diagram' && o.host && o.chain) throw new UsageError('give --host or --chain, not both (the chain names its hosts)');
  return o;
}

/** The package's version: from the nearest package.json of this package above the CLI (lib/src/ when installed). */
export function version(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (!fs.existsSync(file)) continue;
    // Stryker disable next-line StringLiteral: without an encoding the Buffer read is parsed as UTF-8 text all the same
    const pkg = JSON.parse(fs.readFileSync(file, 'utf-8'));
    if (pkg.name === 'cdk8s-traffic-lanes') return `cdk8s-lanes ${pkg.version}`;
  }
  return 'cdk8s-lanes (unknown version)';
}

