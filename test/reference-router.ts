/**
 * A small reference router for the differential test, written from Istio's and Envoy's documented
 * semantics and deliberately sharing no code with the library (no parser, matcher or engine of src/):
 *
 * - VirtualService `http` routes are tried in order; the first route with a matching block wins (a route
 *   without `match` matches everything); conditions inside a block AND, blocks OR.
 *   https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPMatchRequest
 * - StringMatch: `exact` and `prefix` are case-sensitive; `regex` is RE2 and must match the whole value
 *   (Envoy `safe_regex` full match). Header names are case-insensitive; a header sent several times is
 *   matched as its values joined by "," (Envoy `getAllOfHeaderAsString`).
 * - `withoutHeaders` is the negation of the header match; a missing header is matched as "" (Istio sets
 *   `treat_missing_header_as_empty` on the inverted Envoy matcher); an empty StringMatch means presence.
 * - Query parameters: Envoy's `parseQueryString` splits the raw query on "&" and "=", without decoding,
 *   and a matcher reads the first value of a repeated parameter.
 * - Weights: a single destination takes everything; otherwise weight / sum of weights (0 is no traffic).
 * - A destination subset that a DestinationRule of the host does not define, or that is marked unhealthy,
 *   has no endpoints: ASM's `fallback.target` serves it when healthy, else the request fails (503).
 * - Headers `request.set` on the route and on the destination (destination wins) replace the header.
 */

export interface ReferenceRequest {
  /** [name, value] pairs; a name may repeat */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly path: string;
  readonly method: string;
}

export interface ReferenceShare {
  /** the serving subset, or '503' */
  readonly served: string;
  readonly probability: number;
  /** the value of `markerHeader` after the destination's headers were set */
  readonly marker?: string;
}

export interface ReferenceDecision {
  /** the matched route's name, or null for a 404 */
  readonly rule: string | null | undefined;
  readonly shares: ReferenceShare[];
}

function headerValue(req: ReferenceRequest, name: string): string | undefined {
  const values = req.headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  return values.length ? values.join(',') : undefined;
}

function queryValue(req: ReferenceRequest, name: string): string | undefined {
  const q = req.path.indexOf('?');
  if (q < 0) return undefined;
  for (const part of req.path.slice(q + 1).split('&')) {
    if (part.length === 0) continue;
    const eq = part.indexOf('=');
    const key = eq < 0 ? part : part.slice(0, eq);
    if (key === name) return eq < 0 ? '' : part.slice(eq + 1);
  }
  return undefined;
}

function stringMatches(m: any, value: string): boolean {
  if (m.exact !== undefined) return value === m.exact;
  if (m.prefix !== undefined) return value.startsWith(m.prefix);
  if (m.regex !== undefined) return new RegExp(`^(?:${m.regex})$`).test(value);
  throw new Error(`reference router: unexpected StringMatch ${JSON.stringify(m)}`);
}

function isPresence(m: any): boolean {
  return m.exact === undefined && m.prefix === undefined && m.regex === undefined;
}

function blockMatches(block: any, req: ReferenceRequest): boolean {
  for (const [name, m] of Object.entries<any>(block.headers ?? {})) {
    const v = headerValue(req, name);
    if (v === undefined) return false;
    if (!isPresence(m) && !stringMatches(m, v)) return false;
  }
  for (const [name, m] of Object.entries<any>(block.withoutHeaders ?? {})) {
    const v = headerValue(req, name);
    if (isPresence(m)) {
      if (v !== undefined) return false;
    } else if (stringMatches(m, v ?? '')) {
      return false;
    }
  }
  const path = req.path.split('?')[0];
  if (block.uri && !stringMatches(block.uri, path)) return false;
  if (block.method && !stringMatches(block.method, req.method)) return false;
  for (const [name, m] of Object.entries<any>(block.queryParams ?? {})) {
    const v = queryValue(req, name);
    if (v === undefined || !stringMatches(m, v)) return false;
  }
  return true;
}

/** Routes `req` through the VirtualService `vs`, with the subsets DestinationRules define per host. */
export function referenceRoute(
  vs: any,
  subsets: ReadonlyMap<string, ReadonlySet<string>>,
  unhealthy: ReadonlySet<string>,
  req: ReferenceRequest,
  markerHeader: string,
): ReferenceDecision {
  const route = (vs.spec.http as any[]).find(r => !r.match || r.match.some((b: any) => blockMatches(b, req)));
  if (!route) return { rule: null, shares: [] };
  const dests: any[] = route.route;
  const total = dests.reduce((s, d) => s + (d.weight ?? 0), 0);
  const ok = (t: any) => t.subset === undefined || (!unhealthy.has(t.subset) && (!subsets.has(t.host) || subsets.get(t.host)!.has(t.subset)));
  const shares: ReferenceShare[] = [];
  for (const d of dests) {
    const probability = dests.length === 1 ? 1 : (d.weight ?? 0) / total;
    if (probability === 0) continue;
    const set = { ...route.headers?.request?.set, ...d.headers?.request?.set };
    const marker = set[markerHeader] ?? headerValue(req, markerHeader);
    let served: string;
    if (ok(d.destination)) served = d.destination.subset ?? '(any)';
    else if (d.fallback && ok(d.fallback.target)) served = d.fallback.target.subset ?? '(any)';
    else served = '503';
    shares.push({ served, probability, marker });
  }
  return { rule: route.name, shares };
}
