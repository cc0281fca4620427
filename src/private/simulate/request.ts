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
  readonly scheme: string;
  /** raw parameter name → raw first value ("" for `?flag`) */
  readonly query: { readonly [name: string]: string };
  readonly method: string;
  /** labels of the calling pod (inside the mesh); undefined for a request from outside */
  readonly sourceLabels?: { readonly [key: string]: string };
}

export interface RequestInput {
  readonly headers?: { readonly [name: string]: string };
  readonly multiValueHeaders?: { readonly [name: string]: readonly string[] };
  readonly path?: string;
  readonly method?: string;
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
  return {
    headers,
    path: q >= 0 ? raw.slice(0, q) : raw,
    rawPath: raw,
    authority: pseudo[':authority'] ?? headers.host,
    scheme: pseudo[':scheme'] ?? 'http',
    query: q >= 0 ? parseQuery(raw.slice(q + 1)) : dictionary<string>(),
    method: input.method ?? pseudo[':method'] ?? 'GET',
  };
}

/**
 * The request the next hop receives, from the serving pod: the headers a destination set (replacing every
 * value) and adds (a value appended to those already there, which Envoy's header matchers see joined by ",").
 */
export function forward(
  req: Request, setHeaders: { readonly [name: string]: string }, addHeaders: { readonly [name: string]: string }, sourceLabels: Request['sourceLabels'],
): Request {
  const headers = dictionary<string>();
  Object.assign(headers, req.headers, setHeaders);
  for (const [k, v] of Object.entries(addHeaders)) headers[k] = headers[k] !== undefined ? `${headers[k]},${v}` : v;
  return { ...req, headers, sourceLabels };
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

/** The same request sent to `host` (its authority). */
export function sentTo(req: Request, host: string): Request {
  return { ...req, authority: host };
}

/** The value a header condition tests: a header, or a pseudo-header's field. */
export function headerValue(req: Request, name: string): string | undefined {
  if (name.charCodeAt(0) !== 58 /* ':' */) return req.headers[name];
  switch (name) {
    case ':method': return req.method;
    case ':path': return req.rawPath;
    case ':authority': return req.authority;
    case ':scheme': return req.scheme;
    default: return undefined; // :status is a response pseudo-header
  }
}
