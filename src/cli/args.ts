/**
 * The command line: the usage text, each command's options, and argv parsed into checked options.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs as nodeParseArgs } from 'util';
import { closest, distance } from 'fastest-levenshtein';
import { COMMANDS, commandHelp, Command, FLAGS, flagsOf, USAGE } from './help';
import { Level, LEVELS } from '../private/analysis/findings';
import { DEFAULT_ROUTING_HEADER } from '../private/model/types';
import { checkClusterDomain, checkDnsLabel, checkGatewayRef, checkHeaderName, checkNoControlChars, checkServiceHost, checkVirtualServiceHost, show } from '../private/validation/values';


/** A flag or argument the command does not take: exit 2, with the usage (the command's, when it is known). */
export class UsageError extends Error {
  public command?: Command;
}

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
  for (const h of hosts) checked('--chain host', h, checkServiceHost);
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
  ['choose one with a gateway (namespace/name) or a host', 'choose one with --gateway NS/NAME or --host HOST'],
  ['choose one with a host', 'choose one with --host HOST'],
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

/** Each flag as util.parseArgs takes it: every flag of every command, so that one of another command is named as such. */
const PARSER_OPTIONS = Object.fromEntries(FLAGS.map(f => [f.name, {
  type: f.value === undefined ? 'boolean' : 'string',
  ...(f.short !== undefined ? { short: f.short } : {}),
  ...(f.multiple ? { multiple: true } : {}),
}])) as { [name: string]: { type: 'string' | 'boolean'; short?: string; multiple?: boolean } };

/** The closest of `known` to `typed`, within two edits (a typo), as a hint: ` (did you mean "x"?)`, or nothing. */
function didYouMean(typed: string, known: readonly string[]): string {
  const best = closest(typed, [...known]);
  return distance(typed, best) <= 2 ? ` (did you mean ${best}?)` : '';
}

/** One of `values` as given in any case, written as `values` writes it; else a usage error naming the flag. */
function oneOf<T extends string>(flag: string, given: string, values: readonly T[]): T {
  const found = values.find(x => x.toLowerCase() === given.toLowerCase());
  if (found === undefined) throw new UsageError(`${flag} needs ${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}, got ${show(given)}`);
  return found;
}

/** `--help`, `help` or `--version`: the text goes to stdout, exit 0. */
export class HelpRequest extends Error {}

export function parseArgs(argv: string[]): Options {
  try {
    return parse(argv);
  } catch (e) {
    // a usage error of a known command comes with that command's usage
    if (e instanceof UsageError && COMMANDS.includes(argv[0] as Command)) e.command = argv[0] as Command;
    throw e;
  }
}

function parse(argv: string[]): Options {
  const [command, ...rest] = argv;
  if (command === '-h' || command === '--help') throw new HelpRequest(USAGE);
  if (command === '--version' || command === '-V' || command === '-v') throw new HelpRequest(version());
  const known = (c: string) => {
    if (!COMMANDS.includes(c as Command)) throw new UsageError(`unknown command ${show(c)}${didYouMean(c, COMMANDS)}`);
    return c as Command;
  };
  if (command === 'help') {
    const topic = rest[0];
    if (topic === undefined) throw new HelpRequest(USAGE);
    throw new HelpRequest(commandHelp(known(topic)));
  }
  if (!command) throw new UsageError('no command');
  known(command);
  const own = flagsOf(command as Command).map(f => f.name);
  type Token = { kind: string; name?: string; rawName?: string };
  let parsed: { values: { [name: string]: string | boolean | string[] | undefined }; positionals: string[]; tokens: Token[] };
  try {
    parsed = nodeParseArgs({ args: rest, options: PARSER_OPTIONS, allowPositionals: true, strict: true, tokens: true }) as any;
  } catch (e) {
    const message = (e as Error).message;
    // Stryker disable next-line OptionalChaining,StringLiteral: each error parseArgs throws here quotes the option it is about
    const quoted = /'([^']+)'/.exec(message)?.[1] ?? '';
    if ((e as any).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      throw new UsageError(`unknown option ${quoted}${didYouMean(quoted, own.map(n => `--${n}`))}`);
    }
    // the only other error parseArgs throws with positionals allowed (ERR_PARSE_ARGS_INVALID_OPTION_VALUE): a value missing
    // ('--seed <value>', '-H, --header <value>'), or given to a flag that takes none
    // Stryker disable next-line Regex: the first word is '-H,' or '--name'; an option name has no comma
    const flag = quoted.split(' ')[0].replace(/,$/, '');
    throw new UsageError(message.includes('does not take an argument') ? `${flag} takes no value` : `${flag} needs a value`);
  }
  for (const t of parsed.tokens) {
    if (t.kind === 'option' && !own.includes(t.name!)) {
      const owners = COMMANDS.filter(c => flagsOf(c).some(f => f.name === t.name));
      throw new UsageError(`${t.rawName} is an option of ${owners.length > 1 ? `${owners.slice(0, -1).join(', ')} and ${owners[owners.length - 1]}` : owners[0]}, not of ${command}`);
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
    clusterDomain: checked('--cluster-domain', v['cluster-domain'], checkClusterDomain),
    asmGeneratedNamespace: checked('--asm-generated-namespace', v['asm-generated-namespace'], checkDnsLabel),
    port: v.port === undefined ? undefined : integer('--port', v.port as string, 1, 65535),
    sourceNamespace: checked('--source-namespace', v['source-namespace'], checkDnsLabel),
    complete: v.complete === true,
    listenerIsolation: v['no-listener-isolation'] !== true,
  };
  if (v.scheme !== undefined) o.scheme = oneOf('--scheme', v.scheme as string, ['http', 'https']);
  for (const h of (v.header as string[] | undefined) ?? []) {
    const colon = h.indexOf(':');
    if (colon <= 0) throw new UsageError(`-H needs "name: value", got ${show(h)}`);
    const name = checked('-H header name', h.slice(0, colon).trim().toLowerCase(), checkHeaderName)!;
    (o.headers[name] ??= []).push(checked('-H header value', h.slice(colon + 1).trim(), checkNoControlChars)!);
  }
  // enumerations are taken in any case: error, ERROR and Error are one level
  if (v['failure-threshold'] !== undefined) o.failureThreshold = oneOf('--failure-threshold', v['failure-threshold'] as string, LEVELS);
  if (v['output-threshold'] !== undefined) o.outputThreshold = oneOf('--output-threshold', v['output-threshold'] as string, LEVELS);
  if (v.format !== undefined) {
    const formats = command === 'diagram' ? ['mermaid', 'markdown', 'svg'] as const : ['table', 'markdown', 'json'] as const;
    o.format = oneOf('--format', v.format as string, formats);
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

