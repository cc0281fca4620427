/**
 * Primitive checks shared by the value classes and the lane model. Each returns nothing and throws an
 * Error whose message names the field, shows the value and says what is allowed.
 */
import { RE2JS } from 're2js';

/** Istio's limit on a regex (`validateStringRegexp`). */
export const MAX_REGEX_LENGTH = 1024;

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** RFC 7230 token, lowercase only (Istio: "the header keys must be lowercase"). */
const LOWERCASE_TOKEN = /^[!#$%&'*+\-.^_`|~a-z0-9]+$/;
const ANY_CASE_TOKEN = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/** How much of a value an error message shows. */
const MAX_SHOWN = 80;

/**
 * Renders a value for an error message: strings quoted, with control characters escaped; a long value is
 * cut (`"aaaa…" (100000 characters)`), so that a message stays readable whatever the input.
 */
export function show(value: unknown): string {
  // an instance of a class (a Map, a construct) is named by its class, and a construct by its path: its JSON says nothing
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const proto = Object.getPrototypeOf(value);
    if (proto !== null && proto !== Object.prototype) {
      const name: string = proto.constructor?.name || 'object';
      const path = (value as { node?: { path?: unknown } }).node?.path;
      return `${/^[aeiou]/i.test(name) ? 'an' : 'a'} ${name}${typeof path === 'string' ? ` ${JSON.stringify(path)}` : ''}`;
    }
  }
  // JSON writes NaN and the infinities as null
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = Object.prototype.toString.call(value); // e.g. a cyclic object
  }
  if (text.length <= MAX_SHOWN) return text;
  const size = typeof value === 'string' ? `${value.length} characters` : `${text.length} characters of JSON`;
  return `${text.slice(0, MAX_SHOWN - 20)}… (${size})`;
}

/** True when every label of `selector` is on `labels` with its value (a selector of matchLabels). */
export function labelsSelect(selector: { readonly [key: string]: string }, labels: { readonly [key: string]: string }): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Labels as answers and messages write them: `app: web, version: v2`. */
export function labelText(labels: { readonly [key: string]: string }): string {
  return Object.entries(labels).map(([k, v]) => `${k}: ${v}`).join(', ');
}

/** A name as messages quote it in lists: cut when long (`aaaa…(100000 characters)`), so a message stays readable. */
export function brief(value: string): string {
  return value.length <= MAX_SHOWN ? value : `${value.slice(0, MAX_SHOWN - 20)}…(${value.length} characters)`;
}

/**
 * Names that cannot be keys of a rendered spec: `__proto__` is lost when a spec is copied (it sets the
 * prototype instead), and cdk8s refuses to synthesize an object with a `constructor` key. They are refused
 * wherever a name becomes a key (header, query-parameter and label names).
 */
export const RESERVED_KEYS = ['__proto__', 'constructor'];

export function checkNotReservedKey(what: string, value: string): void {
  if (RESERVED_KEYS.includes(value)) {
    throw new Error(`${what} ${show(value)} is reserved in JavaScript objects and cannot be a key of the rendered YAML; choose another name`);
  }
}

/** Whether a value is a DNS-1123 label (a subset's, a namespace's or a lane's name). */
export function isDnsLabel(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 63 && DNS1123_LABEL.test(value);
}

export function checkDnsLabel(what: string, value: string): void {
  if (!isDnsLabel(value)) {
    throw new Error(`${what} must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters), got ${show(value)}`);
  }
}

/** The cluster domain of Service hosts (`cluster.local`): a lowercase DNS name. */
export function checkClusterDomain(what: string, value: unknown): void {
  if (typeof value !== 'string' || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(value)) {
    throw new Error(`${what} must be a lowercase DNS name such as "cluster.local", got ${show(value)}`);
  }
}

/** A fully qualified host such as `mocka.default.svc.cluster.local` (no wildcard, no port). */
export function checkServiceHost(what: string, value: string): void {
  if (typeof value !== 'string' || value.length > 253 || !DNS1123_SUBDOMAIN.test(value)) {
    throw new Error(`${what} must be a lowercase DNS name such as "mocka.default.svc.cluster.local" (no wildcard, no port), got ${show(value)}`);
  }
  const labels = value.split('.');
  if (labels.some(l => l.length > 63)) {
    throw new Error(`${what} has a label longer than 63 characters: ${show(value)}`);
  }
  if (labels.length > 1 && /^[0-9]+$/.test(labels[labels.length - 1])) {
    throw new Error(`${what} must not end in an all-numeric label (an IP address is not a service host), got ${show(value)}`);
  }
}

/**
 * A fully qualified service host. A short name (`mocka`) would resolve against the namespace of the
 * VirtualService that names it, not the service's, so it is rejected.
 */
export function checkQualifiedHost(what: string, value: string): void {
  checkServiceHost(what, value);
  if (!value.includes('.')) {
    throw new Error(`${what} ${show(value)} is a short name, which Istio resolves against the VirtualService's namespace; write it fully qualified, e.g. "${value}.default.svc.cluster.local"`);
  }
}

/**
 * A VirtualService host: a DNS name, optionally with a wildcard first label (`*.example.com`); the lone
 * `*` only when `allowStar` (gateway-bound VirtualServices); otherwise (sidecars) fully qualified.
 */
export function checkVirtualServiceHost(what: string, value: string, allowStar: boolean): void {
  if (value === '*') {
    if (!allowStar) {
      throw new Error(`${what} "*" is only allowed on a gateway-bound VirtualService; a sidecar VirtualService needs the service's FQDN (Istio rejects "*" for the mesh gateway)`);
    }
    return;
  }
  const rest = value.startsWith('*.') ? value.slice(2) : value;
  if (allowStar) checkServiceHost(what, rest);
  else checkQualifiedHost(what, rest);
}

/** A gateway reference in `namespace/name` form. */
export function checkGatewayRef(what: string, value: string): void {
  if (value === 'mesh') {
    throw new Error(`${what} "mesh" is not a gateway: use the sidecar entry point for mesh (sidecar) routing`);
  }
  // Stryker disable next-line ArrayDeclaration: any list but of two parts is refused alike
  const parts = typeof value === 'string' ? value.split('/') : [];
  if (parts.length !== 2 || !DNS1123_LABEL.test(parts[0]) || !DNS1123_LABEL.test(parts[1]) || parts[0].length > 63 || parts[1].length > 63) {
    throw new Error(`${what} must be "namespace/name" with both parts DNS-1123 labels, e.g. "istio-system/ingressgateway", got ${show(value)}`);
  }
}

/** Pseudo-headers Istio allows as match keys in `headers` and `withoutHeaders`. */
export const MATCHABLE_PSEUDO_HEADERS = [':method', ':scheme', ':authority', ':path', ':status'];

/** A header name a match may test: a lowercase RFC 7230 token, or one of the pseudo-headers Istio allows. */
export function checkMatchHeaderName(what: string, value: string): void {
  if (typeof value === 'string' && value.startsWith(':')) {
    if (MATCHABLE_PSEUDO_HEADERS.includes(value)) return;
    throw new Error(`${what} ${show(value)} is not a pseudo-header Istio matches on (allowed: ${MATCHABLE_PSEUDO_HEADERS.join(', ')})`);
  }
  checkHeaderName(what, value);
}

/** A header name we emit or match on: lowercase RFC 7230 token. */
export function checkHeaderName(what: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0) {
    throw new Error(`${what} must be a non-empty header name, got ${show(value)}`);
  }
  if (value.startsWith(':')) {
    throw new Error(`${what} ${show(value)} is a pseudo-header; use the dedicated field (uri, method, authority) instead`);
  }
  checkNotReservedKey(what, value);
  if (!LOWERCASE_TOKEN.test(value)) {
    const hint = ANY_CASE_TOKEN.test(value) ? ` (header names must be lowercase: use ${show(value.toLowerCase())})` : ' (allowed: letters, digits and !#$%&\'*+-.^_`|~)';
    throw new Error(`${what} must be a lowercase RFC 7230 token, got ${show(value)}${hint}`);
  }
}

/** A value that lands in a header or a match: no control characters (no CR/LF header injection). */
export function checkNoControlChars(what: string, value: string): void {
  if (CONTROL_CHARS.test(value)) {
    throw new Error(`${what} must not contain control characters such as CR or LF, got ${show(value)}`);
  }
}

/**
 * A value Envoy writes into a header (`headers.request.set`): no control characters, and every `%`
 * escaped as `%%` (a lone `%` starts an Envoy substitution such as `%REQ(x)%`).
 */
export function checkHeaderValue(what: string, value: string): void {
  checkNoControlChars(what, value);
  // Stryker disable next-line StringLiteral: %% replaced by any text without a % leaves the lone ones alike
  if (/%/.test(value.replace(/%%/g, ''))) {
    throw new Error(`${what} has an unescaped "%" in ${show(value)}: write a literal percent sign as "%%"`);
  }
}

const MAX_CACHED = 10_000;

/** RE2 metacharacters quoted (`regexp.QuoteMeta`): the text matched literally. */
export function quoteMeta(s: string): string {
  return s.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&');
}

/** Compiles `value` with RE2 once per distinct valid regex (a bounded cache): a mesh repeats the same few regexes. */
export function compileRe2(value: string): RE2JS {
  return boundedCache(COMPILED, value, () => RE2JS.compile(value));
}
const COMPILED = new Map<string, RE2JS>();

/** `cache.get(key)`, else `make()` stored under `key`; the cache is emptied when it holds MAX_CACHED entries. */
export function boundedCache<V>(cache: Map<string, V>, key: string, make: () => V): V {
  let v = cache.get(key);
  if (v === undefined) {
    v = make();
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, v);
  }
  return v;
}

/** A regex that RE2 (Envoy's engine) compiles, within Istio's length limit. */
export function checkRegex(what: string, value: string): void {
  if (value.length > MAX_REGEX_LENGTH) {
    throw new Error(`${what} is ${value.length} characters long; Istio allows at most ${MAX_REGEX_LENGTH}`);
  }
  try {
    compileRe2(value);
  } catch (e) {
    throw new Error(`${what} ${show(value)} is not a valid RE2 regex (Envoy's engine; lookaround and backreferences are not supported): ${(e as Error).message}`);
  }
}

export function checkPort(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${what} must be an integer from 1 to 65535, got ${show(value)}`);
  }
}

/** Kubernetes label key (optional DNS prefix + name) and value. */
export function checkLabel(what: string, key: string, value: string): void {
  const name = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
  const parts = key.split('/');
  const keyOk = (parts.length === 1 && parts[0].length <= 63 && name.test(parts[0]))
    || (parts.length === 2 && parts[0].length <= 253 && DNS1123_SUBDOMAIN.test(parts[0]) && parts[1].length <= 63 && name.test(parts[1]));
  if (!keyOk) {
    throw new Error(`${what} key ${show(key)} is not a valid Kubernetes label key (optional "prefix/" then letters, digits, '-', '_', '.', at most 63 characters)`);
  }
  if (typeof value !== 'string' || value.length > 63 || (value.length > 0 && !name.test(value))) {
    throw new Error(`${what} value ${show(value)} for key ${show(key)} is not a valid Kubernetes label value (letters, digits, '-', '_', '.', at most 63 characters)`);
  }
}

/** Lists names for "allowed" hints: `s1, s2, s3`. */
export function list(names: readonly string[]): string {
  const MAX_LISTED = 20;
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, MAX_LISTED).map(brief).join(', ');
  return names.length > MAX_LISTED ? `${shown}, … ${names.length - MAX_LISTED} more` : shown;
}
