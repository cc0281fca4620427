/**
 * The command line's flags, in one table: each flag's commands, value, description and default. The parser's
 * options (args.ts), the overview (USAGE) and each command's help are all made from it.
 */
import { DEFAULT_ASM_GENERATED_NAMESPACE, DEFAULT_CLUSTER_DOMAIN, DEFAULT_ROUTING_HEADER } from '../private/model/types';

export type Command = 'simulate' | 'explain' | 'diagram' | 'diff' | 'check';

/** One flag of the command line. */
export interface Flag {
  /** the long name, without `--` */
  readonly name: string;
  readonly short?: string;
  /** what its value is (`N`, `HOST`); none for a switch */
  readonly value?: string;
  /** given more than once, each value counts */
  readonly multiple?: boolean;
  /** the commands that take it; none: every command */
  readonly commands?: readonly Command[];
  readonly description: string;
  /** its value when it is not given, as the help shows it */
  readonly default?: string;
  /** what differs for a command that takes it */
  readonly per?: { readonly [C in Command]?: Partial<Pick<Flag, 'value' | 'description' | 'default'>> };
}

/** What each command does: its arguments and the lines of its description. */
export const COMMAND_HELP: { readonly [C in Command]: { readonly args: string; readonly summary: string; readonly more?: string } } = {
  simulate: {
    args: 'FILES...',
    summary: 'where a request goes: the matching rule, the exact lane probabilities and sampled requests',
    more: 'with --chain, hop by hop along a call chain',
  },
  explain: { args: 'FILES...', summary: 'the rule table of every VirtualService' },
  diagram: {
    args: 'FILES...',
    summary: 'one box per VirtualService: its rules, and edges labelled by share and lane marker (fallbacks dashed)',
    more: 'Mermaid, Markdown (a fenced block) or SVG (laid out by Graphviz, no browser needed)',
  },
  diff: {
    args: 'OLD NEW',
    summary: 'what a change does to traffic: per entry point and class of requests, where requests go before and after',
    more: 'exit 1 when traffic changed, 0 when not',
  },
  check: {
    args: 'FILES...',
    summary: 'an offline analyzer: Istio\'s VirtualService and DestinationRule analyzers (IST codes) and LANE codes',
    more: 'exit 1 when a finding reaches the failure threshold',
  },
};
export const COMMANDS = Object.keys(COMMAND_HELP) as Command[];

const LEVELS_TEXT = 'Error, Warning or Info';

/** Every flag: the commands' own first, then the ones every command takes. */
export const FLAGS: readonly Flag[] = [
  { name: 'header', short: 'H', value: "'NAME: VALUE'", multiple: true, commands: ['simulate'], description: 'a header of the request' },
  { name: 'path', value: 'PATH', commands: ['simulate'], description: 'the request\'s path, with its query', default: '/' },
  { name: 'method', value: 'METHOD', commands: ['simulate'], description: 'the request\'s method', default: 'GET' },
  { name: 'port', value: 'N', commands: ['simulate'], description: 'the port the request arrives on', default: 'the Host header\'s port, else the routes\' one port, else 80 (443 for https)' },
  { name: 'scheme', value: 'http|https', commands: ['simulate'], description: 'the request\'s scheme', default: 'http' },
  { name: 'source-namespace', value: 'NS', commands: ['simulate'], description: 'the namespace of the calling workload (a sidecar\'s request)' },
  { name: 'n', short: 'n', value: 'N', commands: ['simulate'], description: 'how many requests to sample, at most 10,000,000', default: '100' },
  { name: 'seed', value: 'N', commands: ['simulate'], description: 'where the random samples start: the same number draws the same samples', default: '1' },
  { name: 'down', value: 'LANE', multiple: true, commands: ['simulate'], description: 'a lane (or HOST/LANE) with no healthy endpoints' },
  { name: 'gateway', value: 'NS/NAME', commands: ['simulate'], description: 'enter through the VirtualServices bound to this gateway' },
  {
    name: 'host',
    value: 'HOST',
    commands: ['simulate', 'diagram'],
    description: 'enter at the route table of this host (a short name works)',
    per: { diagram: { description: 'draw only the route tables of this host (a short name works)' } },
  },
  { name: 'lane', value: 'LANE', commands: ['diagram'], description: 'draw only the routes to this lane' },
  {
    name: 'chain',
    value: 'HOST,HOST,...',
    commands: ['simulate', 'diagram', 'diff'],
    description: 'follow a call chain hop by hop (its hosts in call order)',
    per: { diagram: { description: 'draw the lanes of a call chain as swimlanes' }, diff: { description: 'compare the paths along a call chain too' } },
  },
  { name: 'routing-header', value: 'NAME', commands: ['simulate', 'diagram'], description: 'the header that carries the lane', default: `the one the routes set, else ${DEFAULT_ROUTING_HEADER}` },
  {
    name: 'complete',
    commands: ['simulate', 'diff', 'check'],
    description: 'the files hold every object of the cluster: a backend they lack fails with 500',
    per: { check: { description: 'the files hold every object of the cluster: a reference to one they lack is an Error' } },
  },
  {
    name: 'format',
    value: 'mermaid|markdown|svg',
    commands: ['diagram', 'diff'],
    description: 'Mermaid, Markdown (a fenced block) or SVG',
    default: 'mermaid',
    per: { diff: { value: 'table|markdown|json', description: 'a table, Markdown (for a pull-request comment) or JSON', default: 'table' } },
  },
  { name: 'failure-threshold', value: 'LEVEL', commands: ['check'], description: `exit 1 when a finding is at this level or above: ${LEVELS_TEXT}`, default: 'Error' },
  { name: 'output-threshold', value: 'LEVEL', commands: ['check'], description: `print the findings at this level or above: ${LEVELS_TEXT}`, default: 'Info' },
  { name: 'json', commands: ['simulate', 'diff', 'check'], description: 'the answer as JSON', per: { diff: { description: 'the answer as JSON (--format json)' } } },
  { name: 'cluster-domain', value: 'DOMAIN', description: 'the cluster domain of Service hosts', default: DEFAULT_CLUSTER_DOMAIN },
  { name: 'asm-generated-namespace', value: 'NS', description: 'where ASM writes the objects it generates for a lane group', default: DEFAULT_ASM_GENERATED_NAMESPACE },
  { name: 'no-listener-isolation', description: 'a request may reach any Gateway listener its host matches' },
  { name: 'help', short: 'h', description: 'this help' },
];

/** The flags a command takes, as that command takes them. */
export function flagsOf(command: Command): Flag[] {
  return FLAGS.filter(f => f.commands === undefined || f.commands.includes(command)).map(f => ({ ...f, ...f.per?.[command] }));
}

/** How a flag is written in help: `-H, --header 'NAME: VALUE'`, `-n N`. */
export function flagText(f: Flag): string {
  const long = f.name.length === 1 ? `-${f.name}` : `--${f.name}`;
  const names = f.short !== undefined && f.short !== f.name ? `-${f.short}, ${long}` : long;
  return f.value !== undefined ? `${names} ${f.value}` : names;
}

/** Help is written for 100 columns: a longer line goes on under its description's column. */
const COLUMNS = 100;

/** `text` after a first column of `indent` characters, in lines of at most COLUMNS (a word longer than a line stays whole). */
function wrapped(first: string, text: string, indent: number): string[] {
  const [head, ...words] = text.split(' ');
  const lines = [first + head];
  for (const word of words) {
    const last = lines[lines.length - 1];
    if (last.length + 1 + word.length > COLUMNS) lines.push(' '.repeat(indent) + word);
    else lines[lines.length - 1] = `${last} ${word}`;
  }
  return lines;
}

const EXIT_STATUS = `exit status: 0 done; 1 the answer is no (diff: traffic changed; check: a finding at the threshold);
             2 a usage error (a flag), or input that cannot be read or is invalid (a file, a field)`;
const FILES = 'FILES are YAML or JSON manifests, or directories (every .yaml, .yml and .json file under them)';

/** The overview: each command with what it does. */
export const USAGE = [
  'usage: cdk8s-lanes COMMAND ARGS... [FLAGS]',
  '',
  ...COMMANDS.flatMap(c => wrapped(`  ${c.padEnd(10)}`, COMMAND_HELP[c].summary, 12)),
  '',
  'cdk8s-lanes help COMMAND (or COMMAND --help) lists its flags; cdk8s-lanes -v prints the version.',
  FILES,
  '',
  EXIT_STATUS,
].join('\n');

/** A command's usage line, and where its flags are listed (after a usage error). */
export function commandUsage(command: Command): string {
  return `usage: cdk8s-lanes ${command} ${COMMAND_HELP[command].args} [FLAGS]   (cdk8s-lanes help ${command} lists the flags)`;
}

/** A command's help: its usage, what it does, every flag it takes with its default, and the exit status. */
export function commandHelp(command: Command): string {
  const h = COMMAND_HELP[command];
  const flags = flagsOf(command);
  const own = flags.filter(f => f.commands !== undefined);
  const width = Math.max(...flags.map(f => flagText(f).length));
  const line = (f: Flag) => {
    // no flag is both repeatable and defaulted
    const note = f.multiple ? ' (repeatable)' : f.default !== undefined ? ` (default: ${f.default})` : '';
    return wrapped(`  ${flagText(f).padEnd(width)}  `, `${f.description}${note}`, width + 4);
  };
  return [
    `usage: cdk8s-lanes ${command} ${h.args} [FLAGS]`,
    '',
    ...wrapped('', `${h.summary}${h.more ? `; ${h.more}` : ''}`, 0),
    '',
    ...(own.length ? ['flags:', ...own.flatMap(line), ''] : []),
    'flags of every command:',
    ...flags.filter(f => f.commands === undefined).flatMap(line),
    '',
    FILES,
    '',
    EXIT_STATUS,
  ].join('\n');
}
