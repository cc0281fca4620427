/**
 * The VirtualService parser: reads the HTTP routes of one VirtualService spec (rendered by this library or
 * hand-written). Anything that could change where a request goes and that the simulation does not model is
 * refused with a message naming it, never ignored.
 */
import { Backend, Route, RouteDestination, RouteTable } from './mesh';
import { compileRe2 } from '../checks';
import { qualifyHost } from '../model/group';
import { HeaderCondition, MatchBlock, MatchKind, PlainStringMatch, QueryCondition } from '../model/types';

/** A route as written: either destinations, or a delegate (resolved in delegation.ts). */
export interface RawRoute extends Route {
  readonly delegate?: { readonly name: string; readonly namespace?: string };
  /** route-level `headers.request.set`; undefined when the route sets none (a delegate's then come from its root) */
  readonly headers?: { readonly [name: string]: string };
  readonly where: string;
}

/** A VirtualService as written: its routes may delegate. */
export interface RawTable extends Omit<RouteTable, 'routes'> {
  readonly routes: readonly RawRoute[];
}

function fail(where: string, what: string): never {
  throw new Error(`${where}: ${what}`);
}

function keysOf(where: string, obj: any, known: readonly string[], ignored: readonly string[] = []): void {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) fail(where, `expected an object, got ${JSON.stringify(obj)}`);
  for (const k of Object.keys(obj)) {
    if (!known.includes(k) && !ignored.includes(k)) {
      fail(where, `"${k}" is not supported by the lane simulation (it could change where requests go); supported here: ${known.join(', ')}`);
    }
  }
}

function stringMatch(where: string, m: any, allowPresence: boolean): PlainStringMatch | undefined {
  keysOf(where, m, ['exact', 'prefix', 'regex']);
  const kinds = (['exact', 'prefix', 'regex'] as MatchKind[]).filter(k => m[k] !== undefined);
  if (kinds.length === 0) {
    if (allowPresence) return undefined;
    fail(where, 'needs one of exact, prefix or regex');
  }
  if (kinds.length > 1) fail(where, `has ${kinds.join(' and ')}; exactly one is allowed`);
  const value = String(m[kinds[0]]);
  if (kinds[0] === 'regex') {
    try {
      compileRe2(value);
    } catch (e) {
      fail(where, `regex ${JSON.stringify(value)} is not valid RE2: ${(e as Error).message}`);
    }
  }
  return { kind: kinds[0], value };
}

function matchBlock(where: string, m: any): MatchBlock {
  keysOf(where, m, ['headers', 'withoutHeaders', 'uri', 'method', 'queryParams', 'sourceLabels'], ['name', 'statPrefix']);
  const headers: HeaderCondition[] = [];
  for (const [field, absent] of [['headers', false], ['withoutHeaders', true]] as const) {
    for (const [name, sm] of Object.entries(m[field] ?? {})) {
      headers.push({ name: name.toLowerCase(), match: stringMatch(`${where}.${field}.${name}`, sm, true), absent });
    }
  }
  const queryParams: QueryCondition[] = Object.entries(m.queryParams ?? {}).map(([name, sm]) => ({
    name, match: stringMatch(`${where}.queryParams.${name}`, sm, false)!,
  }));
  return {
    headers,
    sourceLabels: m.sourceLabels ? { ...m.sourceLabels } : undefined,
    uri: m.uri ? stringMatch(`${where}.uri`, m.uri, false) : undefined,
    method: m.method ? stringMatch(`${where}.method`, m.method, false) : undefined,
    queryParams,
  };
}

function setHeaders(where: string, headers: any): { [name: string]: string } | undefined {
  if (!headers) return undefined;
  keysOf(where, headers, ['request'], ['response']);
  if (!headers.request) return {};
  keysOf(`${where}.request`, headers.request, ['set']);
  return Object.fromEntries(Object.entries(headers.request.set ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

/** How hosts written in one object resolve (Istio's short-name rule, see `qualifyHost`). */
type Qualify = (host: string) => string;

function backend(where: string, d: any, qualify: Qualify): Backend {
  keysOf(where, d, ['host', 'subset', 'port']);
  if (typeof d.host !== 'string') fail(where, 'host is required');
  return { host: qualify(d.host), subset: d.subset, port: d.port?.number };
}

function route(source: string, r: any, i: number, qualify: Qualify): RawRoute {
  const where = `${source} http[${i}]${r?.name ? ` "${r.name}"` : ''}`;
  const ignored = ['timeout', 'retries', 'corsPolicy', 'mirror', 'mirrors', 'mirrorPercentage', 'mirror_percent', 'mirrorPercent', 'rewrite'];
  keysOf(where, r, ['name', 'match', 'route', 'headers', 'delegate'], ignored);
  const matches = (r.match ?? []).map((m: any, j: number) => matchBlock(`${where}.match[${j}]`, m));
  const headers = setHeaders(`${where}.headers`, r.headers);
  if (r.delegate !== undefined) {
    keysOf(`${where}.delegate`, r.delegate, ['name', 'namespace']);
    if (typeof r.delegate.name !== 'string') fail(`${where}.delegate`, 'name is required');
    if (r.route !== undefined) fail(where, 'has both route and delegate; Istio allows one of them');
    return { name: r.name, matches, destinations: [], delegate: { name: r.delegate.name, namespace: r.delegate.namespace }, headers, where };
  }
  if (!Array.isArray(r.route) || r.route.length === 0) fail(where, 'has no route (redirect and directResponse are not supported)');
  const raw = r.route.map((d: any, k: number) => {
    const w = `${where}.route[${k}]`;
    keysOf(w, d, ['destination', 'weight', 'headers', 'fallback']);
    let fallback: Backend | undefined;
    if (d.fallback) {
      keysOf(`${w}.fallback`, d.fallback, ['target', 'case']);
      if (d.fallback.case !== undefined) fail(`${w}.fallback`, '"case" is not supported by the lane simulation');
      const t = backend(`${w}.fallback.target`, d.fallback.target, qualify);
      fallback = { host: t.host, subset: t.subset, port: t.port };
    }
    return { ...backend(`${w}.destination`, d.destination, qualify), weight: d.weight as number | undefined, own: setHeaders(`${w}.headers`, d.headers) ?? {}, fallback };
  });
  // Istio: a single destination takes everything; otherwise weight/sum, an omitted weight is 0
  const total = raw.reduce((s: number, d: any) => s + (d.weight ?? 0), 0);
  if (raw.length > 1 && total <= 0) fail(where, 'total destination weight is 0');
  const destinations: RouteDestination[] = raw.map(({ own, ...d }: any) => ({
    ...d, probability: raw.length === 1 ? 1 : (d.weight ?? 0) / total, setHeaders: own,
  }));
  return { name: r.name, matches, destinations, headers, where };
}

/** Reads the HTTP routes of a VirtualService spec; short host names resolve in its namespace. */
export function readVirtualService(source: string, metadata: { name?: string; namespace?: string }, spec: any, clusterDomain?: string): RawTable {
  keysOf(source, spec, ['hosts', 'gateways', 'http'], ['exportTo']);
  if (!Array.isArray(spec.http) || spec.http.length === 0) fail(source, 'has no http routes (the simulation models HTTP routes only)');
  const qualify: Qualify = h => qualifyHost(h, metadata.namespace, clusterDomain);
  const gateways: string[] = spec.gateways ?? [];
  return {
    source,
    name: metadata.name ?? '',
    namespace: metadata.namespace,
    gateways: gateways.filter(g => g !== 'mesh'),
    mesh: gateways.length === 0 || gateways.includes('mesh'),
    hosts: (spec.hosts ?? []).map(qualify),
    routes: spec.http.map((r: any, i: number) => route(source, r, i, qualify)),
  };
}
