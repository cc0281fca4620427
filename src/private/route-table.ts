/**
 * Route tables: the HTTP routes of one VirtualService, read from its spec (rendered by this library or
 * hand-written YAML) and compiled for fast matching. Anything that could change where a request goes
 * and that the simulation does not model is refused with a message naming it, never ignored.
 */
import { parseAllDocuments } from 'yaml';
import { compileRe2 } from './checks';
import { HeaderCondition, MatchBlock, MatchKind, PlainStringMatch, QueryCondition } from './model';

export interface RouteDestination {
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
  /** share of the route, already normalized to a probability (0..1) */
  readonly probability: number;
  readonly weight?: number;
  /** headers set on the request for this destination (route-level first, destination-level over them) */
  readonly setHeaders: { readonly [name: string]: string };
  readonly fallback?: { readonly host: string; readonly subset?: string };
}

export interface Route {
  readonly name?: string;
  /** empty: matches every request */
  readonly matches: readonly MatchBlock[];
  readonly destinations: readonly RouteDestination[];
}

export interface RouteTable {
  /** e.g. `VirtualService istio-system/swimlane-ingress-vs-custom` */
  readonly source: string;
  readonly name: string;
  readonly namespace?: string;
  /** empty: the mesh (sidecars) */
  readonly gateways: readonly string[];
  readonly hosts: readonly string[];
  readonly routes: readonly Route[];
}

/** Subset labels read from DestinationRules: host → subset → labels. */
export type SubsetLabels = Map<string, Map<string, { readonly [k: string]: string }>>;

export interface Mesh {
  readonly tables: readonly RouteTable[];
  readonly subsets: SubsetLabels;
}

/** A request as the simulation sees it; header names lowercase. */
export interface Request {
  readonly headers: { readonly [name: string]: string };
  readonly path: string;
  readonly query: { readonly [name: string]: string };
  readonly method: string;
  readonly authority?: string;
  /** labels of the calling pod (inside the mesh); undefined for a request from outside */
  readonly sourceLabels?: { readonly [key: string]: string };
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
  keysOf(where, m, ['headers', 'withoutHeaders', 'uri', 'method', 'queryParams', 'sourceLabels', 'authority', 'ignoreUriCase'], ['name', 'statPrefix']);
  if (m.ignoreUriCase) fail(where, '"ignoreUriCase" is not supported by the lane simulation');
  if (m.authority) fail(where, '"authority" is not supported by the lane simulation');
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

function setHeaders(where: string, headers: any): { [name: string]: string } {
  if (!headers) return {};
  keysOf(where, headers, ['request'], ['response']);
  if (!headers.request) return {};
  keysOf(`${where}.request`, headers.request, ['set']);
  return Object.fromEntries(Object.entries(headers.request.set ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

function destination(where: string, d: any): { host: string; subset?: string; port?: number } {
  keysOf(where, d, ['host', 'subset', 'port']);
  if (typeof d.host !== 'string') fail(where, 'host is required');
  return { host: d.host, subset: d.subset, port: d.port?.number };
}

/** Reads the HTTP routes of a VirtualService spec. */
export function routeTable(source: string, metadata: { name?: string; namespace?: string }, spec: any): RouteTable {
  keysOf(source, spec, ['hosts', 'gateways', 'http'], ['exportTo']);
  if (!Array.isArray(spec.http) || spec.http.length === 0) fail(source, 'has no http routes (the simulation models HTTP routes only)');
  const routes = spec.http.map((r: any, i: number): Route => {
    const where = `${source} http[${i}]${r?.name ? ` "${r.name}"` : ''}`;
    keysOf(where, r, ['name', 'match', 'route', 'headers'], ['timeout', 'retries', 'corsPolicy', 'mirror', 'mirrors', 'mirrorPercentage', 'mirror_percent', 'mirrorPercent', 'rewrite']);
    if (!Array.isArray(r.route) || r.route.length === 0) fail(where, 'has no route (redirect, directResponse and delegate are not supported)');
    const routeHeaders = setHeaders(`${where}.headers`, r.headers);
    const raw = r.route.map((d: any, k: number) => {
      const w = `${where}.route[${k}]`;
      keysOf(w, d, ['destination', 'weight', 'headers', 'fallback']);
      let fallback: RouteDestination['fallback'];
      if (d.fallback) {
        keysOf(`${w}.fallback`, d.fallback, ['target', 'case']);
        if (d.fallback.case !== undefined) fail(`${w}.fallback`, '"case" is not supported by the lane simulation');
        const t = destination(`${w}.fallback.target`, d.fallback.target);
        fallback = { host: t.host, subset: t.subset };
      }
      return { ...destination(`${w}.destination`, d.destination), weight: d.weight as number | undefined, setHeaders: { ...routeHeaders, ...setHeaders(`${w}.headers`, d.headers) }, fallback };
    });
    // Istio: a single destination takes everything; otherwise weight/sum, an omitted weight is 0
    const total = raw.reduce((s: number, d: any) => s + (d.weight ?? 0), 0);
    if (raw.length > 1 && total <= 0) fail(where, 'total destination weight is 0');
    const destinations = raw.map((d: any) => ({ ...d, probability: raw.length === 1 ? 1 : (d.weight ?? 0) / total }));
    return { name: r.name, matches: (r.match ?? []).map((m: any, j: number) => matchBlock(`${where}.match[${j}]`, m)), destinations };
  });
  return {
    source,
    name: metadata.name ?? '',
    namespace: metadata.namespace,
    gateways: (spec.gateways ?? []).filter((g: string) => g !== 'mesh'),
    hosts: spec.hosts ?? [],
    routes,
  };
}

/**
 * Reads every VirtualService and DestinationRule of multi-document YAML, and ASM lane resources
 * (ASMSwimLaneGroup + ASMSwimLane), whose per-service routing ASM generates: it is modelled by
 * `asmLanes` (routing header → the lane's subset, or the baseline's when the lane lacks the service).
 * Other kinds are skipped.
 */
export function parseMesh(
  files: ReadonlyArray<{ name: string; text: string }>,
  asmLanes?: (group: any, lanes: any[], source: string) => { tables: RouteTable[]; subsets: SubsetLabels },
): Mesh {
  const tables: RouteTable[] = [];
  const subsets: SubsetLabels = new Map();
  const groups: Array<{ obj: any; source: string }> = [];
  const lanes: any[] = [];
  for (const file of files) {
    const docs = parseAllDocuments(file.text);
    docs.forEach((doc, i) => {
      if (doc.errors.length) throw new Error(`${file.name}: document ${i + 1} is not valid YAML: ${doc.errors[0].message}`);
      const obj = doc.toJS();
      if (!obj || typeof obj !== 'object') return;
      const md = obj.metadata ?? {};
      const source = `${file.name}: ${obj.kind} ${md.namespace ? `${md.namespace}/` : ''}${md.name ?? '(unnamed)'}`;
      if (obj.apiVersion === 'istio.alibabacloud.com/v1' && asmLanes) {
        if (obj.kind === 'ASMSwimLaneGroup') groups.push({ obj, source });
        if (obj.kind === 'ASMSwimLane') lanes.push(obj);
        return;
      }
      if (!String(obj.apiVersion ?? '').startsWith('networking.istio.io/')) return;
      if (obj.kind === 'VirtualService') {
        tables.push(routeTable(source, md, obj.spec ?? {}));
      } else if (obj.kind === 'DestinationRule') {
        const host = obj.spec?.host;
        const bySubset = subsets.get(host) ?? new Map();
        for (const s of obj.spec?.subsets ?? []) bySubset.set(s.name, s.labels ?? {});
        subsets.set(host, bySubset);
      }
    });
  }
  for (const g of groups) {
    const modelled = asmLanes!(g.obj, lanes.filter(l => l.metadata?.labels?.['swimlane-group'] === g.obj.metadata?.name), g.source);
    tables.push(...modelled.tables);
    for (const [host, bySubset] of modelled.subsets) subsets.set(host, bySubset);
  }
  return { tables, subsets };
}

// ---- matching ------------------------------------------------------------------------------------


/** Envoy semantics: exact and prefix are case-sensitive; a regex must match the whole value. */
export function matchesString(m: PlainStringMatch, value: string): boolean {
  switch (m.kind) {
    case 'exact': return value === m.value;
    case 'prefix': return value.startsWith(m.value);
    case 'regex': return compileRe2(m.value).matches(value);
  }
}

function matchesBlock(block: MatchBlock, req: Request): boolean {
  for (const h of block.headers) {
    const value = req.headers[h.name];
    const hit = value !== undefined && (h.match === undefined || matchesString(h.match, value));
    if (hit === h.absent) return false; // withoutHeaders: a hit means no match
  }
  if (block.sourceLabels) {
    const caller = req.sourceLabels;
    if (!caller) return false;
    for (const [k, v] of Object.entries(block.sourceLabels)) if (caller[k] !== v) return false;
  }
  if (block.uri && !matchesString(block.uri, req.path)) return false;
  if (block.method && !matchesString(block.method, req.method)) return false;
  for (const q of block.queryParams) {
    const value = req.query[q.name];
    if (value === undefined || !matchesString(q.match, value)) return false;
  }
  return true;
}

/** Index of the first route that matches (first match wins), or -1. */
export function firstMatch(table: RouteTable, req: Request): number {
  const routes = table.routes;
  for (let i = 0; i < routes.length; i++) {
    const matches = routes[i].matches;
    if (matches.length === 0) return i;
    for (let j = 0; j < matches.length; j++) if (matchesBlock(matches[j], req)) return i;
  }
  return -1;
}

/** Builds a request from loose input: header names lowercased, query string split off the path. */
export interface RequestInput {
  readonly headers?: { [k: string]: string };
  readonly path?: string;
  readonly method?: string;
  readonly authority?: string;
  readonly queryParams?: { [k: string]: string };
}

export function makeRequest(input: RequestInput): Request {
  const headers: { [k: string]: string } = {};
  for (const [k, v] of Object.entries(input.headers ?? {})) headers[k.toLowerCase()] = v;
  const raw = input.path ?? '/';
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  const query: { [k: string]: string } = {};
  if (q >= 0) {
    for (const pair of raw.slice(q + 1).split('&').filter(Boolean)) {
      const eq = pair.indexOf('=');
      const [k, v] = eq >= 0 ? [pair.slice(0, eq), pair.slice(eq + 1)] : [pair, ''];
      query[decodeURIComponent(k)] = decodeURIComponent(v);
    }
  }
  Object.assign(query, input.queryParams ?? {});
  return { headers, path, query, method: input.method ?? 'GET', authority: input.authority };
}
