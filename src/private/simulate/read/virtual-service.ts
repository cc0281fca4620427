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

function stringMatch(where: string, v: unknown, allowPresence: boolean): PlainStringMatch | undefined {
  const m = mapping(where, v);
  onlyKeys(where, m, ['exact', 'prefix', 'regex']);
  const kinds = (['exact', 'prefix', 'regex'] as MatchKind[]).filter(k => m[k] !== undefined && m[k] !== null);
  if (kinds.length === 0) {
    if (allowPresence) return undefined;
    fail(where, 'needs one of exact, prefix or regex');
  }
  if (kinds.length > 1) fail(where, `has ${kinds.join(' and ')}; exactly one is allowed`);
  const value = text(`${where}.${kinds[0]}`, m[kinds[0]]);
  if (kinds[0] === 'regex') {
    try {
      compileRe2(value);
    } catch (e) {
      fail(where, `regex ${show(value)} is not valid RE2: ${(e as Error).message}`);
    }
  }
  return { kind: kinds[0], value };
}

function matchBlock(where: string, v: unknown): MatchBlock {
  const m = mapping(where, v);
  onlyKeys(where, m, ['headers', 'withoutHeaders', 'uri', 'authority', 'method', 'queryParams', 'sourceLabels', 'port', 'sourceNamespace'], ['name', 'statPrefix']);
  const headers: HeaderCondition[] = [];
  for (const [field, absent] of [['headers', false], ['withoutHeaders', true]] as const) {
    for (const [name, sm] of Object.entries(optionalMapping(`${where}.${field}`, m[field]) ?? {})) {
      headers.push({ name: name.toLowerCase(), match: stringMatch(`${where}.${field}.${brief(name)}`, sm, true), absent });
    }
  }
  const queryParams: QueryCondition[] = Object.entries(optionalMapping(`${where}.queryParams`, m.queryParams) ?? {}).map(([name, sm]) => ({
    name, match: stringMatch(`${where}.queryParams.${brief(name)}`, sm, false)!,
  }));
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
    const m = request[op] === undefined || request[op] === null ? {} : textMap(`${where}.request.${op}`, request[op]);
    return Object.fromEntries(Object.entries(m).map(([k, x]) => [k.toLowerCase(), x]));
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

function route(source: string, v: unknown, i: number, qualify: Qualify): RawRoute {
  const named = v !== null && typeof v === 'object' && typeof (v as any).name === 'string' ? ` ${show((v as any).name)}` : '';
  const where = `${source} http[${i}]${named}`;
  const r = mapping(where, v);
  // read but not modelled: each is a note on the answers of the route
  const noted: { [key: string]: string } = {
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
  onlyKeys(where, r, ['name', 'match', 'route', 'headers', 'delegate'], Object.keys(noted));
  const notes = Object.keys(noted).filter(k => r[k] !== undefined && r[k] !== null).map(k => `${where}.${k}: ${noted[k]}`);
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
  const raw = destinations.map((dv, k) => {
    const w = `${where}.route[${k}]`;
    const d = mapping(w, dv);
    onlyKeys(w, d, ['destination', 'weight', 'headers', 'fallback']);
    let fallback: Backend | undefined;
    const f = optionalMapping(`${w}.fallback`, d.fallback);
    if (f) {
      onlyKeys(`${w}.fallback`, f, ['target', 'case']);
      if (f.case !== undefined) fail(`${w}.fallback`, '"case" is not supported by the lane simulation');
      fallback = backend(`${w}.fallback.target`, f.target, qualify);
    }
    const weight = d.weight === undefined || d.weight === null ? undefined : integer(`${w}.weight`, d.weight, 0, INT32_MAX);
    return { ...backend(`${w}.destination`, d.destination, qualify), weight, own: requestHeaders(`${w}.headers`, d.headers) ?? { set: {}, add: {} }, fallback };
  });
  // Istio: a single destination takes everything; otherwise weight/sum, an omitted weight is 0
  const total = raw.reduce((sum, d) => sum + (d.weight ?? 0), 0);
  if (raw.length > 1 && total <= 0) fail(where, 'total destination weight is 0');
  const out: RouteDestination[] = raw.map(({ own, ...d }) => ({
    ...d, probability: raw.length === 1 ? 1 : (d.weight ?? 0) / total, setHeaders: own.set, addHeaders: own.add,
  }));
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
