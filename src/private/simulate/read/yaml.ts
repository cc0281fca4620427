/**
 * Reading YAML as strictly as the API server, and fast: js-yaml with the YAML 1.2 core schema (a date stays a
 * string, as in JSON), duplicate keys, control characters and invalid escapes refused, nesting bounded; then the
 * aliases' expansion bounded by the size of the text (an alias bomb parses in milliseconds and would explode in
 * whatever walks it), and an alias that contains itself refused. Every error names the file, the document, the line
 * and the column.
 */
import { CORE_SCHEMA, loadAll, YAMLException } from 'js-yaml';

/** Deepest nesting read (a Kubernetes object nests about 20 levels): deeper is "nested too deeply", never a stack overflow. */
export const MAX_DEPTH = 100;
/** Values the aliases of a text may expand it to: this many per character of the text, and a floor for short texts. */
const VALUES_PER_CHARACTER = 2;
const MIN_VALUES = 100_000;

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
    if (v === null || typeof v !== 'object') return { size: 1, levels: 0 };
    const seen = known.get(v);
    // a collection measured before (an alias to it) nests as deep here as it does
    if (above + (seen ? seen.levels : 1) > MAX_DEPTH) throw new Error(`${where()}: nested too deeply (more than ${MAX_DEPTH} levels, aliases included)`);
    if (seen) return seen;
    if (open.has(v)) throw new Error(`${where()}: an alias refers to a collection that contains it`);
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
  try {
    // js-yaml's defaults, written out so that a change of default changes nothing here
    // Stryker disable next-line ObjectLiteral: js-yaml 5 defaults to the core schema and a depth of 100
    values = loadAll(text, { schema: CORE_SCHEMA, maxDepth: MAX_DEPTH });
  } catch (e) {
    // js-yaml gives every error in a text a mark; anything else is no error of the text
    // Stryker disable next-line ConditionalExpression,LogicalOperator: see above
    if (!(e instanceof YAMLException) || !e.mark) throw e;
    const reason = e.reason.startsWith('nesting exceeded maxDepth') ? `nested too deeply (more than ${MAX_DEPTH} levels)` : e.reason;
    throw new Error(`${name} (document ${documentAt(text, e.mark.line)}): not valid YAML: ${reason} at line ${e.mark.line + 1}, column ${e.mark.column + 1}`);
  }
  return values.map((value, i) => {
    const where = () => `${name} (document ${i + 1})`;
    budget.left -= measure(value, where).size;
    if (budget.left < 0) {
      throw new Error(`${where()}: its aliases expand what is read to too many values (at most ${VALUES_PER_CHARACTER} per character read, and ${MIN_VALUES.toLocaleString('en-US')} for short files); an alias bomb?`);
    }
    return { index: i + 1, value };
  });
}
