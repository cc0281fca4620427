/**
 * A request as the simulation sees it, built from loose input with Envoy's semantics:
 * - header names are case-insensitive; a header sent several times is matched as its values joined by
 *   "," (Envoy's `HeaderUtility::getAllOfHeaderAsString`, which route header matchers use);
 * - the query string is matched raw, not percent-decoded, and a repeated parameter matches by its first
 *   value (Envoy router: `Http::Utility::QueryParamsMulti::parseQueryString`, then
 *   `ConfigUtility::QueryParameterMatcher::matches` takes `getFirstValue`). A malformed `%` is just text.
 */

export interface Request {
  /** lowercase header name → value (several values joined by ",") */
  readonly headers: { readonly [name: string]: string };
  /** the path without the query string (what `uri` matches) */
  readonly path: string;
  /** the path with its query string (what `:path` matches) */
  readonly rawPath: string;
  /** the authority (`:authority`, or the `host` header); undefined when the request names none */
  readonly authority?: string;
  /** the authority without its port, lowercase (what Gateway API hostnames match) */
  readonly host?: string;
  readonly scheme: string;
  /** raw parameter name → raw first value ("" for `?flag`) */
  readonly query: { readonly [name: string]: string };
  readonly method: string;
  /** labels of the calling pod (inside the mesh); undefined for a request from outside */
  readonly sourceLabels?: { readonly [key: string]: string };
  /** the port it arrives on: given, or the authority's; undefined until the entry point settles it */
  readonly port?: number;
  /** the namespace of the calling workload; undefined when unknown (or from outside the mesh) */
  readonly sourceNamespace?: string;
}

export interface RequestInput {
  readonly headers?: { readonly [name: string]: string };
  readonly multiValueHeaders?: { readonly [name: string]: readonly string[] };
  readonly path?: string;
  readonly method?: string;
  readonly port?: number;
  readonly scheme?: string;
}

/** The port an authority names (`host:8080`), if any. */
export function authorityPort(authority: string | undefined): number | undefined {
  const m = authority?.match(/:([0-9]{1,5})$/);
  return m ? Number(m[1]) : undefined;
}

/** An object without a prototype, so that names such as `__proto__` or `constructor` are plain keys. */
export function dictionary<T>(): { [key: string]: T } {
  return Object.create(null);
}

/** Splits `?a=1&b=2&a=3` into raw names and first values. */
export function parseQuery(query: string): { [name: string]: string } {
  const out = dictionary<string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = eq >= 0 ? pair.slice(0, eq) : pair;
    if (!(name in out)) out[name] = eq >= 0 ? pair.slice(eq + 1) : '';
  }
  return out;
}

export function makeRequest(input: RequestInput): Request {
  if (input.port !== undefined && (!Number.isInteger(input.port) || input.port < 1 || input.port > 65535)) {
    throw new Error(`request.port must be an integer from 1 to 65535, got ${JSON.stringify(input.port)}`);
  }
  if (input.scheme !== undefined && input.scheme !== 'http' && input.scheme !== 'https') {
    throw new Error(`request.scheme must be "http" or "https", got ${JSON.stringify(input.scheme)}`);
  }
  const values = new Map<string, string[]>();
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    values.set(key, [...(values.get(key) ?? []), value]);
  };
  for (const [k, v] of Object.entries(input.headers ?? {})) add(k, v);
  for (const [k, vs] of Object.entries(input.multiValueHeaders ?? {})) for (const v of vs) add(k, v);
  // pseudo-headers are the request's own fields; the `host` header is the HTTP/1.1 authority
  const pseudo = dictionary<string>();
  const headers = dictionary<string>();
  for (const [k, vs] of values) (k.startsWith(':') ? pseudo : headers)[k] = vs.join(',');
  const raw = input.path ?? pseudo[':path'] ?? '/';
  const q = raw.indexOf('?');
  const authority = pseudo[':authority'] ?? headers.host;
  return {
    headers,
    path: q >= 0 ? raw.slice(0, q) : raw,
    rawPath: raw,
    authority,
    host: hostOf(authority)?.toLowerCase(),
    port: input.port ?? authorityPort(authority),
    scheme: input.scheme ?? pseudo[':scheme'] ?? 'http',
    query: q >= 0 ? parseQuery(raw.slice(q + 1)) : dictionary<string>(),
    method: input.method ?? pseudo[':method'] ?? 'GET',
  };
}

/**
 * The request the next hop receives, from the serving pod: the headers a destination set (replacing every
 * value) and adds (a value appended to those already there, which Envoy's header matchers see joined by ",").
 */
export function forward(req: Request, edits: HeaderChanges, sourceLabels: Request['sourceLabels'], sourceNamespace?: string): Request {
  return { ...req, headers: edited(req.headers, edits), sourceLabels, sourceNamespace };
}

/** What a destination does to the request's headers. */
export interface HeaderChanges {
  readonly setHeaders: { readonly [name: string]: string };
  readonly addHeaders: { readonly [name: string]: string };
  readonly removeHeaders?: readonly string[];
}

/** Headers after a destination's edits: set (replacing every value), add (appended after ","), then remove. */
export function edited(from: { readonly [name: string]: string }, edits: HeaderChanges): { [name: string]: string } {
  const headers = dictionary<string>();
  Object.assign(headers, from, edits.setHeaders);
  for (const [k, v] of Object.entries(edits.addHeaders)) headers[k] = headers[k] !== undefined ? `${headers[k]},${v}` : v;
  // Stryker disable next-line ArrayDeclaration: header names are lowercase everywhere (the request's and the readers' edits), so removing "Stryker was here" removes nothing
  for (const k of edits.removeHeaders ?? []) delete headers[k];
  return headers;
}

/** The namespace of a service host (`name.namespace.svc...`), if it is one. */
export function namespaceOf(host: string): string | undefined {
  const labels = host.split('.');
  return labels[2] === 'svc' ? labels[1] : undefined;
}

/**
 * The value of the first entry `key` of a W3C baggage header (entries separated by ",", optional whitespace
 * around entries and "=", properties after ";"); undefined when there is none.
 */
export function baggageEntry(baggage: string | undefined, key: string): string | undefined {
  if (baggage === undefined) return undefined;
  for (const member of baggage.split(',')) {
    const pair = member.split(';')[0];
    const eq = pair.indexOf('=');
    // W3C's optional whitespace is spaces and tabs only
    const trim = (s: string) => s.replace(/^[ \t]+|[ \t]+$/g, '');
    if (eq > 0 && trim(pair.slice(0, eq)) === key) return trim(pair.slice(eq + 1));
  }
  return undefined;
}

/** The host of an authority, without its port. */
export function hostOf(authority: string | undefined): string | undefined {
  return authority?.replace(/:[0-9]{1,5}$/, '');
}

/** The path a change gives `path`: the whole path, or the matched prefix replaced, whole segments kept. */
export function changedPath(
  path: string, change: { readonly full?: string; readonly prefix?: { readonly matched: string; readonly replacement: string } },
): string {
  if (change.full !== undefined) return change.full;
  const { matched, replacement } = change.prefix!;
  const rest = path.slice(matched.replace(/\/+$/, '').length);
  return `${replacement.replace(/\/+$/, '')}${rest}` || '/';
}

/** The same request sent to `host` (its authority). */
export function sentTo(req: Request, host: string): Request {
  return { ...req, authority: host, host: host.toLowerCase(), port: undefined };
}

/** The value a header condition tests: a header, or a pseudo-header's field. */
export function headerValue(req: Request, name: string): string | undefined {
  if (name.charCodeAt(0) !== 58 /* ':' */) return req.headers[name];
  switch (name) {
    case ':method': return req.method;
    case ':path': return req.rawPath;
    case ':authority': return req.authority;
    case ':scheme': return req.scheme;
    // Stryker disable next-line ConditionalExpression: a default without its return falls out of the switch, which returns undefined too
    default: return undefined; // :status is a response pseudo-header
  }
}
