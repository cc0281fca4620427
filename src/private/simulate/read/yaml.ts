/**
 * Reading YAML as strictly as the API server, and fast: js-yaml, its plain scalars resolved as kubectl resolves them
 * (KUBECTL_SCHEMA), duplicate keys, control characters and invalid escapes refused, nesting bounded; then the
 * aliases' expansion bounded by the size of the text (an alias bomb parses in milliseconds and would explode in
 * whatever walks it), and an alias that contains itself refused. Every error names the file, the document, the line
 * and the column.
 */
import { FAILSAFE_SCHEMA, loadAll, LoadOptions, Type, YAMLException } from 'js-yaml';

/** Deepest nesting read (a Kubernetes object nests about 20 levels): deeper is "nested too deeply", never a stack overflow. */
export const MAX_DEPTH = 100;
/** Values the aliases of a text may expand it to: this many per character of the text, and a floor for short texts. */
const VALUES_PER_CHARACTER = 2;
const MIN_VALUES = 100_000;

/**
 * A plain scalar as a number, as kubectl reads it (sigs.k8s.io/yaml's YAML 1.1 reader, go-yaml v2): Go's integer
 * syntax once underscores are removed (`0777` is octal, `0o17`, `0x1F` and `0b101` too), then a decimal float;
 * `.inf` and `.nan` (refused later: JSON cannot hold them). No base-60 numbers (`1:20` stays text), and a
 * date stays text (kubectl keeps its text when the target is not a date).
 */
export function kubectlNumber(source: string): number | undefined {
  // go-yaml tries a number only for a plain scalar that starts with a digit, a sign or a dot
  // Stryker disable next-line ConditionalExpression: a shortcut for speed: no other text is a number below either
  if (!NUMBER_START.test(source)) return undefined;
  const special = SPECIAL_FLOATS[source];
  if (special !== undefined) return special;
  // a dot starts a float read as written (underscores are removed only after a digit or a sign)
  const plain = source[0] === '.' ? source : source.replace(/_/g, '');
  const int = GO_INTEGER.exec(plain);
  if (int) {
    const [, sign, hex, octal, binary, leadingZero, decimal] = int;
    const [digits, radix] = hex !== undefined ? [hex, 16]
      : binary !== undefined ? [binary, 2]
        : decimal !== undefined ? [decimal, 10] : [octal ?? leadingZero, 8];
    const magnitude = parseInt(digits, radix);
    // no negative zero: Go's integer 0 has no sign
    return sign === '-' && magnitude !== 0 ? -magnitude : magnitude;
  }
  // a decimal float (yamlStyleFloat: `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`): what JavaScript's Number
  // reads of a text without blanks and not an integer above, but for Infinity; beyond a float64's range Go's ParseFloat
  // fails, and the scalar stays text
  const value = Number(plain);
  return Number.isFinite(value) ? value : undefined;
}

/** Go's `strconv.ParseInt(s, 0, 64)` syntax: a sign, then a hex, octal (`0o` or a leading 0), binary or decimal number. */
const GO_INTEGER = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]+)|(0|[1-9][0-9]*))$/;
const SPECIAL_FLOATS: { [source: string]: number } = Object.fromEntries([
  ...['.inf', '.Inf', '.INF'].flatMap(s => [[s, Infinity], [`+${s}`, Infinity], [`-${s}`, -Infinity]]),
  ...['.nan', '.NaN', '.NAN'].map(s => [s, NaN]),
]);

/**
 * The scalars kubectl reads (YAML 1.1 as go-yaml v2 resolves it): null, the YAML 1.1 booleans (`yes`, `no`, `on`,
 * `off`, `y`, `n` in three cases; `true`, `false`), and kubectlNumber's numbers; everything else is text. No merge
 * keys (`<<` is a plain key, refused when read) and no explicit tags but the failsafe ones.
 */
export const KUBECTL_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [
    // every plain scalar is tried: the length first, so that no long text is looked up
    // Stryker disable next-line ConditionalExpression: a text longer than 4 is no null word (a shortcut for speed)
    new Type('tag:yaml.org,2002:null', { kind: 'scalar', resolve: (source: string) => source.length <= 4 && NULLS.includes(source), construct: () => null }),
    new Type('tag:yaml.org,2002:bool', {
      kind: 'scalar',
      // Stryker disable next-line ConditionalExpression: a text longer than 5 is no boolean word (a shortcut for speed)
      resolve: (source: string) => source.length <= 5 && source in YAML11_BOOLEANS,
      construct: (source: string) => YAML11_BOOLEANS[source],
    }),
    new Type('tag:yaml.org,2002:float', {
      kind: 'scalar',
      resolve: (source: string) => kubectlNumber(source) !== undefined,
      construct: (source: string) => kubectlNumber(source),
    }),
  ],
});

const NUMBER_START = /^[-+.0-9]/;
/** go-yaml's nulls (an empty plain scalar is one: `key:` with no value). */
const NULLS = ['', '~', 'null', 'Null', 'NULL'];
/** The YAML 1.1 booleans go-yaml v2 resolves: its table, word for word. */
const YAML11_BOOLEANS: { [source: string]: boolean } = Object.assign(Object.create(null), Object.fromEntries([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map(s => [s, true]),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map(s => [s, false]),
]));

/**
 * What YAML does not allow in a stream (js-yaml's pattern, as the YAML 1.2 spec's printable set): C0 controls but tab,
 * LF and CR, DEL, C1 controls but NEL, U+FFFE, U+FFFF and unpaired surrogates.
 */
// eslint-disable-next-line no-control-regex
const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?:[^\uD800-\uDBFF]|^)[\uDC00-\uDFFF]/;

/** One document of a text: its place (from 1) and its value (null for an empty document). */
export interface YamlDocument {
  readonly index: number;
  readonly value: unknown;
}

/** The document (from 1) that holds `line` (from 0): one more for each document start (`---`) before it, but the first. */
export function documentAt(text: string, line: number): number {
  const lines = text.split('\n', line + 1);
  let starts = 0;
  let content = false;
  for (const l of lines) {
    if (/^---(\s|$)/.test(l)) {
      // a `---` before any content starts the first document
      if (content) starts++;
      content = true;
    } else if (!/^\s*(#.*)?$/.test(l) && !l.startsWith('%')) {
      content = true;
    }
  }
  return starts + 1;
}

/**
 * The size of a value as its aliases expand it (its values, collections included) and its depth (its levels of
 * collections, as js-yaml's maxDepth counts them: the document's own is the first), each shared collection measured once.
 */
function measure(value: unknown, where: () => string): { size: number; levels: number } {
  const known = new Map<object, { size: number; levels: number }>();
  const open = new Set<object>();
  /** `above`: the levels of collections that hold `v` */
  const walk = (v: unknown, above: number): { size: number; levels: number } => {
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new Error(`${where()}: .inf and .nan are not numbers JSON can hold (kubectl refuses them)`);
      return { size: 1, levels: 0 };
    }
    const seen = known.get(v);
    // a collection measured before (an alias to it) nests as deep here as it does
    if (above + (seen ? seen.levels : 1) > MAX_DEPTH) throw new Error(`${where()}: nested too deeply (more than ${MAX_DEPTH} levels, aliases included)`);
    if (seen) return seen;
    if (open.has(v)) throw new Error(`${where()}: an alias refers to a collection that contains it`);
    if (!Array.isArray(v) && Object.prototype.hasOwnProperty.call(v, '<<')) {
      throw new Error(`${where()}: a merge key (<<) is not read; write the merged keys out`);
    }
    open.add(v);
    let size = 1;
    let below = 0;
    for (const x of Array.isArray(v) ? v : Object.values(v)) {
      const m = walk(x, above + 1);
      size += m.size;
      below = Math.max(below, m.levels);
    }
    open.delete(v);
    const result = { size, levels: below + 1 };
    known.set(v, result);
    return result;
  };
  return walk(value, 0);
}

/** What the aliases of the texts read by one command may still expand them to (in values). */
export interface AliasBudget {
  left: number;
}

/** The budget of a command that reads texts of `characters` characters in all. */
export function aliasBudget(characters: number): AliasBudget {
  return { left: Math.max(MIN_VALUES, VALUES_PER_CHARACTER * characters) };
}

/**
 * Every document of a YAML text; an error names `name`, the document, the line and the column. The documents'
 * values, aliases expanded, are taken from `budget` (shared by the texts of one command).
 */
export function parseYamlText(name: string, text: string, budget: AliasBudget = aliasBudget(text.length)): YamlDocument[] {
  let values: unknown[];
  // js-yaml refuses these before it reads, without their place: found here, with it
  const bad = NON_PRINTABLE.exec(text);
  if (bad) {
    // the character itself: the last of the match (an unpaired low surrogate is matched with the character before it)
    const at = bad.index + bad[0].length - 1;
    const line = text.slice(0, at).split('\n').length - 1;
    const column = at - (text.lastIndexOf('\n', at - 1) + 1);
    const what = bad[0] === '\u0000' ? 'null byte is not allowed in input' : 'the stream contains non-printable characters';
    throw new Error(`${name} (document ${documentAt(text, line)}): not valid YAML: ${what} at line ${line + 1}, column ${column + 1}`);
  }
  try {
    // js-yaml's default depth, written out so that a change of default changes nothing here
    values = loadAll(text, undefined, { schema: KUBECTL_SCHEMA, maxDepth: MAX_DEPTH } as LoadOptions);
  } catch (e) {
    // js-yaml gives every error in a text a mark; anything else is no error of the text
    // Stryker disable next-line ConditionalExpression,LogicalOperator: see above
    if (!(e instanceof YAMLException) || !e.mark) throw e;
    const reason = e.reason.startsWith('nesting exceeded maxDepth') ? `nested too deeply (more than ${MAX_DEPTH} levels)` : e.reason;
    throw new Error(`${name} (document ${documentAt(text, e.mark.line)}): not valid YAML: ${reason} at line ${e.mark.line + 1}, column ${e.mark.column + 1}`);
  }
  // without an anchor there is no alias, nothing shared, and at most a value per character: nothing to measure, unless
  // the text may hold a merge key or a number JSON cannot hold
  // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral,Regex: measuring what needs no measure finds nothing (a shortcut for speed)
  if (!text.includes('&') && !text.includes('<<') && !/\.(?:inf|nan)/i.test(text)) return values.map((value, i) => ({ index: i + 1, value }));
  return values.map((value, i) => {
    const where = () => `${name} (document ${i + 1})`;
    budget.left -= measure(value, where).size;
    if (budget.left < 0) {
      throw new Error(`${where()}: its aliases expand what is read to too many values (at most ${VALUES_PER_CHARACTER} per character read, and ${MIN_VALUES.toLocaleString('en-US')} for short files); an alias bomb?`);
    }
    return { index: i + 1, value };
  });
}
