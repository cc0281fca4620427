/**
 * The VirtualService parser: reads the HTTP routes of one VirtualService spec (rendered by this library or
 * hand-written). Anything that could change where a request goes and that the simulation does not model is
 * refused with a message naming it, never ignored.
 */
import { fail, integer, mapping, onlyKeys, optionalList, optionalMapping, optionalText, text, textMap } from './fields';
import { qualifyHost } from '../../model/group';
import { HeaderCondition, MatchBlock, MatchKind, PlainStringMatch, QueryCondition } from '../../model/types';
import { brief, compileRe2, show } from '../../validation/values';
import { Backend, Route, RouteDestination, RouteTable } from '../mesh';

/** A route as written: either destinations, or a delegate (resolved in delegation.ts). */
export interface RawRoute extends Route {
  readonly delegate?: { readonly name: string; readonly namespace?: string };
  /** route-level `headers.request`; undefined when the route has none (a delegate's then come from its root) */
  readonly headers?: RequestHeaders;
  readonly where: string;
}

/** A VirtualService as written: its routes may delegate. */
export interface RawTable extends Omit<RouteTable, 'routes'> {
  readonly routes: readonly RawRoute[];
}

const MATCH_KINDS: readonly MatchKind[] = ['exact', 'prefix', 'regex'];
const MATCH_FIELDS = ['headers', 'withoutHeaders', 'uri', 'authority', 'method', 'queryParams', 'sourceLabels', 'port', 'sourceNamespace'];
const MATCH_IGNORED = ['name', 'statPrefix'];

function stringMatch(where: string, v: unknown, allowPresence: boolean): PlainStringMatch | undefined {
  const m = mapping(where, v);
  onlyKeys(where, m, MATCH_KINDS);
  let kind: MatchKind | undefined;
  for (const k of MATCH_KINDS) {
    if (m[k] === undefined || m[k] === null) continue;
    if (kind !== undefined) fail(where, `has ${MATCH_KINDS.filter(x => m[x] !== undefined && m[x] !== null).join(' and ')}; exactly one is allowed`);
    kind = k;
  }
  if (kind === undefined) {
    if (allowPresence) return undefined;
    fail(where, 'needs one of exact, prefix or regex');
  }
  const value = text(`${where}.${kind}`, m[kind]);
  if (kind === 'regex') {
    try {
      compileRe2(value);
    } catch (e) {
      fail(where, `regex ${show(value)} is not valid RE2: ${(e as Error).message}`);
    }
  }
  return { kind, value };
}

/** The conditions of a match's `headers` (or `withoutHeaders`, `absent`), appended to `out`. */
function headerConditions(where: string, v: unknown, absent: boolean, out: HeaderCondition[]): void {
  if (v === undefined || v === null) return;
  const m = mapping(where, v);
  for (const name of Object.keys(m)) out.push({ name: name.toLowerCase(), match: stringMatch(`${where}.${brief(name)}`, m[name], true), absent });
}

function matchBlock(where: string, v: unknown): MatchBlock {
  const m = mapping(where, v);
  onlyKeys(where, m, MATCH_FIELDS, MATCH_IGNORED);
  const headers: HeaderCondition[] = [];
  headerConditions(`${where}.headers`, m.headers, false, headers);
  headerConditions(`${where}.withoutHeaders`, m.withoutHeaders, true, headers);
  const queryParams: QueryCondition[] = [];
  if (m.queryParams !== undefined && m.queryParams !== null) {
    const q = mapping(`${where}.queryParams`, m.queryParams);
    for (const name of Object.keys(q)) queryParams.push({ name, match: stringMatch(`${where}.queryParams.${brief(name)}`, q[name], false)! });
  }
  const labels = m.sourceLabels === undefined || m.sourceLabels === null ? undefined : textMap(`${where}.sourceLabels`, m.sourceLabels);
  const field = (name: 'uri' | 'authority' | 'method') => (m[name] === undefined || m[name] === null ? undefined : stringMatch(`${where}.${name}`, m[name], false));
  const port = m.port === undefined || m.port === null ? undefined : integer(`${where}.port`, m.port, 1, 65535);
  const sourceNamespace = optionalText(`${where}.sourceNamespace`, m.sourceNamespace);
  return {
    headers,
    sourceLabels: labels ? { ...labels } : undefined,
    uri: field('uri'),
    authority: field('authority'),
    method: field('method'),
    queryParams,
    ...(port !== undefined ? { port } : {}),
    ...(sourceNamespace !== undefined ? { sourceNamespace } : {}),
  };
}

/** The request headers a route or destination sets (replacing every value) and adds (appended, Envoy's `append`). */
export interface RequestHeaders {
  readonly set: { readonly [name: string]: string };
  readonly add: { readonly [name: string]: string };
}

/** `headers.request.set` and `.add` of a route or destination; undefined when there is no `headers` at all. */
function requestHeaders(where: string, v: unknown): RequestHeaders | undefined {
  const headers = optionalMapping(where, v);
  if (!headers) return undefined;
  onlyKeys(where, headers, ['request'], ['response']);
  const request = optionalMapping(`${where}.request`, headers.request);
  if (!request) return { set: {}, add: {} };
  onlyKeys(`${where}.request`, request, ['set', 'add']);
  const read = (op: 'set' | 'add') => {
    const out: { [name: string]: string } = {};
    if (request[op] === undefined || request[op] === null) return out;
    const m = textMap(`${where}.request.${op}`, request[op]);
    // an own property even for a name such as __proto__ (an assignment would set the prototype)
    for (const k of Object.keys(m)) {
      // Stryker disable next-line BooleanLiteral: writable and configurable as an assignment makes them; nothing writes or deletes them later
      Object.defineProperty(out, k.toLowerCase(), { value: m[k], enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  return { set: read('set'), add: read('add') };
}

/** The CRD type of a weight: int32. */
const INT32_MAX = 2147483647;

/** How hosts written in one object resolve (Istio's short-name rule, see `qualifyHost`). */
type Qualify = (host: string) => string;

function backend(where: string, v: unknown, qualify: Qualify): Backend {
  const d = mapping(where, v);
  onlyKeys(where, d, ['host', 'subset', 'port']);
  const port = optionalMapping(`${where}.port`, d.port);
  if (port) onlyKeys(`${where}.port`, port, ['number']);
  return {
    host: qualify(text(`${where}.host`, d.host)),
    subset: optionalText(`${where}.subset`, d.subset),
    port: port?.number === undefined ? undefined : integer(`${where}.port.number`, port.number, 1, 65535),
  };
}

/** Route fields read but not modelled: each is a note on the answers of the route. */
const NOTED: { readonly [key: string]: string } = {
  timeout: 'a backend slower than that gets the request a 504, which only the run time decides',
  retries: 'a failed attempt is tried again, which only the run time decides',
  corsPolicy: 'the proxy answers CORS preflight requests itself, which the simulation does not show',
  mirror: 'a copy of each request goes to another host, which the simulation does not show',
  mirrors: 'copies of the requests go to other hosts, which the simulation does not show',
  mirrorPercentage: 'a share of the requests is mirrored, which the simulation does not show',
  mirror_percent: 'a share of the requests is mirrored, which the simulation does not show',
  mirrorPercent: 'a share of the requests is mirrored, which the simulation does not show',
  rewrite: 'the path or authority the backend receives is rewritten, which the simulation does not show',
};
const NOTED_KEYS = Object.keys(NOTED);
const ROUTE_KEYS = ['name', 'match', 'route', 'headers', 'delegate'];
const DESTINATION_KEYS = ['destination', 'weight', 'headers', 'fallback'];
const FALLBACK_KEYS = ['target', 'case'];

function route(source: string, v: unknown, i: number, qualify: Qualify): RawRoute {
  const named = v !== null && typeof v === 'object' && typeof (v as any).name === 'string' ? ` ${show((v as any).name)}` : '';
  const where = `${source} http[${i}]${named}`;
  const r = mapping(where, v);
  onlyKeys(where, r, ROUTE_KEYS, NOTED_KEYS);
  const notes: string[] = [];
  for (const k of NOTED_KEYS) if (r[k] !== undefined && r[k] !== null) notes.push(`${where}.${k}: ${NOTED[k]}`);
  const name = optionalText(`${where}.name`, r.name);
  const matches = optionalList(`${where}.match`, r.match).map((m, j) => matchBlock(`${where}.match[${j}]`, m));
  const headers = requestHeaders(`${where}.headers`, r.headers);
  if (r.delegate !== undefined && r.delegate !== null) {
    const d = mapping(`${where}.delegate`, r.delegate);
    onlyKeys(`${where}.delegate`, d, ['name', 'namespace']);
    if (r.route !== undefined) fail(where, 'has both route and delegate; Istio allows one of them');
    const delegate = { name: text(`${where}.delegate.name`, d.name), namespace: optionalText(`${where}.delegate.namespace`, d.namespace) };
    return { name, matches, destinations: [], delegate, headers, where, ...(notes.length ? { notes } : {}) };
  }
  const destinations = optionalList(`${where}.route`, r.route);
  if (destinations.length === 0) fail(where, 'has no route (redirect and directResponse are not supported)');
  const out: Array<{ -readonly [K in keyof RouteDestination]: RouteDestination[K] }> = destinations.map((dv, k) => {
    const w = `${where}.route[${k}]`;
    const d = mapping(w, dv);
    onlyKeys(w, d, DESTINATION_KEYS);
    let fallback: Backend | undefined;
    if (d.fallback !== undefined && d.fallback !== null) {
      const f = mapping(`${w}.fallback`, d.fallback);
      onlyKeys(`${w}.fallback`, f, FALLBACK_KEYS);
      if (f.case !== undefined) fail(`${w}.fallback`, '"case" is not supported by the lane simulation');
      fallback = backend(`${w}.fallback.target`, f.target, qualify);
    }
    const weight = d.weight === undefined || d.weight === null ? undefined : integer(`${w}.weight`, d.weight, 0, INT32_MAX);
    const to = backend(`${w}.destination`, d.destination, qualify);
    const own = requestHeaders(`${w}.headers`, d.headers);
    // the probability is set below, once the total weight is known
    const [setHeaders, addHeaders] = own ? [own.set, own.add] : [{}, {}];
    return { host: to.host, subset: to.subset, port: to.port, weight, fallback, probability: 1, setHeaders, addHeaders };
  });
  // Istio: a single destination takes everything; otherwise weight/sum, an omitted weight is 0
  let total = 0;
  for (const d of out) total += d.weight ?? 0;
  if (out.length > 1 && total <= 0) fail(where, 'total destination weight is 0');
  if (out.length > 1) for (const d of out) d.probability = (d.weight ?? 0) / total;
  return { name, matches, destinations: out, headers, where, ...(notes.length ? { notes } : {}) };
}

/** Reads the HTTP routes of a VirtualService spec; short host names resolve in its namespace. */
export function readVirtualService(
  source: string, metadata: { name?: string; namespace?: string }, specValue: unknown, clusterDomain?: string,
): RawTable {
  const spec = mapping(`${source} spec`, specValue ?? {});
  onlyKeys(source, spec, ['hosts', 'gateways', 'http'], ['exportTo']);
  const http = optionalList(`${source} http`, spec.http);
  if (http.length === 0) fail(source, 'has no http routes (the simulation models HTTP routes only)');
  const qualify: Qualify = h => qualifyHost(h, metadata.namespace, clusterDomain);
  const gateways = optionalList(`${source} gateways`, spec.gateways).map((g, i) => text(`${source} gateways[${i}]`, g));
  return {
    source,
    name: metadata.name ?? '',
    namespace: metadata.namespace,
    gateways: gateways.filter(g => g !== 'mesh'),
    mesh: gateways.length === 0 || gateways.includes('mesh'),
    hosts: optionalList(`${source} hosts`, spec.hosts).map((h, i) => qualify(text(`${source} hosts[${i}]`, h))),
    routes: http.map((r, i) => route(source, r, i, qualify)),
  };
}
