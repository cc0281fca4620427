/**
 * The shape check's machinery: `checkShape`, which reports the first problem of a value with its path, its
 * value and what is allowed, and the primitive shapes every struct shape is built of (shapes.ts).
 */
import * as v from 'valibot';
import { brief, RESERVED_KEYS, show } from './values';

/** Upper bounds on list sizes: far above any real mesh, low enough that a runaway input fails fast. */
export const MAX_LIST = 1_000;

/** A shape: a valibot schema. */
export type Shape = v.GenericSchema;

/** The message of the guard that keeps lists and null out of mappings (valibot's objects take any object). */
const NOT_AN_OBJECT = 'must be an object';
const mapping = (shape: Shape): Shape => v.pipe(
  // a list, a Map or a Set is an object to valibot; what is no object at all the object itself refuses
  v.custom<object>(x => !Array.isArray(x) && !(x instanceof Map) && !(x instanceof Set), NOT_AN_OBJECT),
  shape as v.GenericSchema<object>);

/** An object whose keys are exactly `entries`'s: an unknown key is an error that lists the known ones. */
export function strict(entries: v.ObjectEntries): Shape {
  return mapping(v.strictObject(entries));
}

export const text = v.string();
export const num = v.number();
export const bool = v.boolean();
/** A value that may be absent (undefined). */
export const opt = (shape: Shape): Shape => v.optional(shape);
/** A list of at most MAX_LIST entries, and at least `min`. */
export const list = (item: Shape, min = 0): Shape => v.pipe(v.array(item), v.maxLength(MAX_LIST), v.minLength(min));
/** A mapping of names to `value`s (strings by default). */
export const map = (value: Shape = text) => mapping(v.record(v.string(), value));
export const stringMap = map();
/** One of an enumeration's values. */
export const oneOf = (values: { [key: string]: string }): Shape => v.enum(values);
/** A value made by a class's factories (`instanceof`); the class is taken when a value is checked (cdk8s's is loaded then). */
export const made = <T>(cls: () => { prototype: T }, how: string) => v.custom<T>(x => x instanceof (cls() as unknown as Function), `must be made with ${how}`);

/** A string argument. */
export const TEXT = text;
/** `BaggageOptions` (Propagation.baggage()). */
export const BAGGAGE_OPTIONS = strict({ key: opt(text) });

/** `rules[0].split[1].weight` */
function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${brief(String(p))}`)).join('');
}

/** `a string`, `an object`. */
function aOrAn(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let at: any = value;
  // no issue is reported below a null or an undefined value: the guard only keeps a future shape from a TypeError
  // Stryker disable next-line ConditionalExpression,LogicalOperator: see above
  for (const p of path) at = at === null || at === undefined ? undefined : at[p as any];
  return at;
}

/** The first own reserved key (`__proto__`, `constructor`) anywhere in `value` (cycles stop the walk), as a path. */
function reservedKeyPath(value: unknown, path: PropertyKey[] = [], seen = new Set<unknown>()): PropertyKey[] | undefined {
  if (value === null || typeof value !== 'object' || seen.has(value)) return undefined;
  seen.add(value);
  for (const k of RESERVED_KEYS) if (Object.prototype.hasOwnProperty.call(value, k)) return [...path, k];
  const isList = Array.isArray(value);
  for (const k of Object.keys(value)) {
    const x = (value as { [k: string]: unknown })[k];
    // only objects are walked (and get a path)
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: a value that is no object has no key, so walking it finds nothing (only slower)
    if (x === null || typeof x !== 'object') continue;
    path.push(isList ? Number(k) : k);
    const found = reservedKeyPath(x, path, seen);
    path.pop();
    if (found) return found;
  }
  return undefined;
}

/** The schema that decides a value: inside an optional, and after the object guard (the object or the record it guards). */
function inner(shape: Shape): any {
  const s: any = shape.type === 'optional' ? (shape as any).wrapped : shape;
  return s.message === NOT_AN_OBJECT ? s.pipe[1] : s;
}

/** The schema at `path` in `shape`, through objects, lists and mappings of names. */
function schemaAt(shape: Shape, path: ReadonlyArray<PropertyKey>): any {
  let s: any = inner(shape);
  for (const key of path) s = inner(s.type === 'array' ? s.item : s.type === 'record' ? s.value : s.entries[key as string]);
  return s;
}

/** What a schema takes, as a noun: `string`, `object`, `array`. */
function nounOf(s: any): string {
  return s.type === 'strict_object' || s.type === 'record' ? 'object' : s.type;
}

/**
 * Checks `value` against a shape; throws `${context}: ${what}${path} …, got …` for the first problem.
 * `what` names the argument (`props`, `rule`, ...), so the path reads `props.rules[0].name`.
 */
export function checkShape(context: string, what: string, shape: Shape, value: unknown): void {
  const reserved = reservedKeyPath(value);
  if (reserved) {
    const at = reserved.length > 1 ? `.${pathOf(reserved.slice(0, -1))}`.replace('.[', '[') : '';
    throw new Error(`${context}: ${what}${at} has the key ${show(reserved[reserved.length - 1])}, which is reserved in JavaScript objects and cannot be a key of the rendered YAML; choose another name`);
  }
  // only the first issue is reported: valibot may stop at it
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: every issue found, the first is the same one
  const result = v.safeParse(shape, value, { abortEarly: true });
  if (result.success) return;
  const issue = result.issues[0];
  let path: PropertyKey[] = (issue.path ?? []).map(p => p.key as PropertyKey);
  const got = valueAt(value, path);
  let problem: string;
  let shown = got !== undefined;
  if (issue.expected === 'never') {
    // an unknown key: every unknown key of the object, with the known ones
    path = path.slice(0, -1);
    const known = Object.keys(schemaAt(shape, path).entries);
    const unknown = Object.keys(valueAt(value, path) as object).filter(k => !known.includes(k));
    problem = `has unknown ${unknown.length > 1 ? 'properties' : 'property'} ${unknown.map(k => show(k)).join(', ')} (known: ${known.join(', ')})`;
    shown = false;
  } else if (issue.type === 'max_length') {
    problem = `has ${(got as unknown[]).length} entries; at most ${issue.requirement} are allowed`; // only lists have a maximum
    shown = false;
  } else if (issue.type === 'min_length') {
    problem = `needs at least ${issue.requirement} ${issue.requirement === 1 ? 'entry' : 'entries'}`;
    shown = false;
  } else if (issue.type === 'enum') {
    problem = `must be one of ${(schemaAt(shape, path).options as string[]).map(x => show(x)).join(', ')}`;
  } else if ((issue.type === 'custom' && issue.message !== NOT_AN_OBJECT) || issue.kind === 'validation') {
    problem = issue.message; // a factory's value, or a check's own message
  } else {
    // a value of another type, or none (a key missing from an object is reported at the key): what its schema takes
    const noun = nounOf(schemaAt(shape, path));
    problem = got === undefined ? `is required (${aOrAn(noun)})` : `must be ${noun === 'array' ? 'a list' : aOrAn(noun)}`;
    // a Map holds its entries where no reader looks: the plain object it stands for
    if (got instanceof Map) {
      problem = 'must be a plain object ({ name: value }), not a Map';
      shown = false;
    }
  }
  const at = pathOf(path);
  const where = `${what}${at ? (at.startsWith('[') ? at : `.${at}`) : ''}`;
  throw new Error(`${context}: ${where} ${problem}${shown ? `, got ${show(got)}` : ''}`);
}
