/**
 * A rendered object, checked before it is synthesized: its texts stay texts once written and read back by kubectl,
 * and its size is within the API server's limit and client-side `kubectl apply`'s.
 */
import { show } from './values';
import { kubectlNumber } from '../simulate/read/yaml';

/** etcd's default limit on one object (`--max-request-bytes`, 1.5 MiB): the API server refuses larger ones. */
export const MAX_OBJECT_BYTES = 1.5 * 1024 * 1024;
/** Client-side `kubectl apply` keeps the whole object in an annotation, which is capped at 256 KiB. */
export const WARN_OBJECT_BYTES = 256 * 1024;

const WARNED = new Set<string>();

/**
 * Checks a rendered spec before it is synthesized: a text that kubectl would read back as something else is an
 * error (readBack); over MAX_OBJECT_BYTES of JSON an error, over WARN_OBJECT_BYTES a warning on stderr. Returns the spec.
 */
export function applyChecked<T>(context: string, what: string, spec: T): T {
  readBack(context, what, spec, '');
  // Stryker disable next-line StringLiteral: utf8 is Buffer.byteLength's default encoding
  const bytes = Buffer.byteLength(JSON.stringify(spec), 'utf8');
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;
  if (bytes > MAX_OBJECT_BYTES) {
    throw new Error(`${context}: the ${what} is ${mib(bytes)} of JSON, above the ${mib(MAX_OBJECT_BYTES)} the API server accepts for one object (etcd's limit); shorten the match values or split the routing`);
  }
  if (bytes > WARN_OBJECT_BYTES && !WARNED.has(`${context}/${what}`)) {
    WARNED.add(`${context}/${what}`);
    process.emitWarning(`${context}: the ${what} is ${(bytes / 1024).toFixed(0)} KiB of JSON; client-side \`kubectl apply\` cannot store an object over 256 KiB in its last-applied annotation (use server-side apply)`, { code: 'CDK8S_LANES_SIZE' });
  }
  return spec;
}

/**
 * The texts of a spec (values and keys) that cdk8s writes without quotes (its YAML 1.1 writer quotes only what YAML
 * 1.1 reads as no text) and kubectl reads as a number (go-yaml v2: `0o17`, `-_1`, `0X1F`): an
 * error naming the field, since the cluster would get another value.
 */
function readBack(context: string, what: string, v: unknown, path: string): void {
  if (typeof v === 'string') {
    // cdk8s quotes the YAML 1.1 booleans and nulls, which go-yaml reads alike: only a number can be read otherwise
    const n = kubectlNumber(v);
    if (n !== undefined && !quotedByCdk8s(v)) {
      throw new Error(`${context}: the ${what}'s ${path || 'value'} ${show(v)} is written by cdk8s without quotes, and kubectl reads it as the number ${n}; choose another value`);
    }
  } else if (Array.isArray(v)) {
    v.forEach((x, i) => readBack(context, what, x, `${path}[${i}]`));
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      const at = path ? `${path}.${k}` : k;
      readBack(context, what, k, `${at} (its key)`);
      readBack(context, what, x, at);
    }
  }
}

/** Whether cdk8s's writer quotes a text (it does for what YAML 1.1 reads as no text: `y`, `1e3`, `0777`). */
function quotedByCdk8s(text: string): boolean {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Yaml } = require('cdk8s') as typeof import('cdk8s');
  // a plain scalar is written as the text itself; a quoted one starts with its quote
  return !Yaml.stringify(text).startsWith(text);
}
