/**
 * The shape check's machinery: `checkShape`, which reports the first problem of a value with its path, its
 * value and what is allowed, and the primitive shapes every struct shape is built of (shapes.ts).
 */
import { z } from 'zod';
import { brief, RESERVED_KEYS, show } from './values';

/** Upper bounds on list sizes: far above any real mesh, low enough that a runaway input fails fast. */
export const MAX_LIST = 1_000;

/** An object whose keys are exactly `shape`'s: an unknown key is an error that lists the known ones. */
export function strict<T extends z.ZodRawShape>(shape: T) {
  const known = Object.keys(shape).join(', ');
  return z.strictObject(shape, {
    error: iss => (iss.code === 'unrecognized_keys' ? `has unknown ${iss.keys.length > 1 ? 'properties' : 'property'} ${iss.keys.map(k => show(k)).join(', ')} (known: ${known})` : undefined),
  });
}

export const text = z.string();
export const list = <T extends z.ZodType>(item: T) => z.array(item).max(MAX_LIST);
export const stringMap = z.record(z.string(), z.string());
export const num = z.number();
/** A value made by a class's factories (`instanceof`); the class is taken when a value is checked (cdk8s's is loaded then). */
export const made = <T>(cls: () => { prototype: T }, how: string) => z.custom<T>(v => v instanceof (cls() as unknown as Function), { error: `must be made with ${how}` });

/** A string argument. */
export const TEXT = text;
/** `BaggageOptions` (Propagation.baggage()). */
export const BAGGAGE_OPTIONS = strict({ key: text.optional() });

/** `rules[0].split[1].weight` */
function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${brief(String(p))}`)).join('');
}

/** `a string`, `an object`. */
function aOrAn(noun: string): string {
  return `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
}

function valueAt(value: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v: any = value;
  // zod reports no issue below a null or an undefined value: the guard only keeps a future shape from a TypeError
  // Stryker disable next-line ConditionalExpression,LogicalOperator: see above
  for (const p of path) v = v === null || v === undefined ? undefined : v[p as any];
  return v;
}

/** The first own reserved key (`__proto__`, `constructor`) anywhere in `value` (cycles stop the walk), as a path. */
function reservedKeyPath(value: unknown, path: PropertyKey[] = [], seen = new Set<unknown>()): PropertyKey[] | undefined {
  if (value === null || typeof value !== 'object' || seen.has(value)) return undefined;
  seen.add(value);
  for (const k of RESERVED_KEYS) if (Object.prototype.hasOwnProperty.call(value, k)) return [...path, k];
  const isList = Array.isArray(value);
  for (const k of Object.keys(value)) {
    const v = (value as { [k: string]: unknown })[k];
    // only objects are walked (and get a path)
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: a value that is no object has no key, so walking it finds nothing (only slower)
    if (v === null || typeof v !== 'object') continue;
    path.push(isList ? Number(k) : k);
    const found = reservedKeyPath(v, path, seen);
    path.pop();
    if (found) return found;
  }
  return undefined;
}

/**
 * Checks `value` against a shape; throws `${context}: ${what}${path} …, got …` for the first problem.
 * `what` names the argument (`props`, `rule`, ...), so the path reads `props.rules[0].name`.
 */
export function checkShape(context: string, what: string, shape: z.ZodType, value: unknown): void {
  const reserved = reservedKeyPath(value);
  if (reserved) {
    const at = reserved.length > 1 ? `.${pathOf(reserved.slice(0, -1))}`.replace('.[', '[') : '';
    throw new Error(`${context}: ${what}${at} has the key ${show(reserved[reserved.length - 1])}, which is reserved in JavaScript objects and cannot be a key of the rendered YAML; choose another name`);
  }
  const result = shape.safeParse(value);
  if (result.success) return;
  const issue = result.error.issues[0];
  const at = pathOf(issue.path);
  const where = `${what}${at ? (at.startsWith('[') ? at : `.${at}`) : ''}`;
  const got = valueAt(value, issue.path);
  let problem: string;
  switch (issue.code) {
    case 'invalid_type':
      problem = got === undefined ? `is required (${aOrAn(issue.expected)})` : `must be ${issue.expected === 'array' ? 'a list' : aOrAn(issue.expected)}`;
      break;
    case 'invalid_value':
      problem = `must be one of ${issue.values.map(v => show(v)).join(', ')}`;
      break;
    case 'too_big':
      problem = `has ${(got as unknown[]).length} entries; at most ${issue.maximum} are allowed`; // only lists have a maximum
      break;
    case 'too_small':
      problem = `needs at least ${issue.minimum} ${issue.minimum === 1 ? 'entry' : 'entries'}`;
      break;
    default:
      problem = issue.message;
  }
  const shown = ['unrecognized_keys', 'too_big', 'too_small'].includes(issue.code) || got === undefined ? '' : `, got ${show(got)}`;
  throw new Error(`${context}: ${where} ${problem}${shown}`);
}

