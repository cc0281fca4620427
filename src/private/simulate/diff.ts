/**
 * What a change does to traffic: two meshes compared by their decisions, not their text. For every entry
 * point (a gateway-bound VirtualService, a sidecar host) the requests are split into the classes the rules
 * of both versions tell apart, and each class is simulated on both sides. Classes are exact for exact,
 * prefix, presence and absence conditions: per request field, one witness value for every region those
 * conditions cut the field into; the product of the fields covers every combination. Regex conditions get
 * witness strings taken from their patterns, and the result says it is then approximate.
 */
import { decide, Health, withPort } from './engine';
import { attachedFor } from './matcher';
import { hostsOf, Mesh, RouteDestination, RouteTable, subsetsOf } from './mesh';
import { dictionary, hostOf, Request } from './request';
import type { EntryTrafficDiff, RequestClassDiff, TrafficDiff, TrafficShare } from '../../diff';
import { MatchBlock, PlainStringMatch } from '../model/types';
import { compileRe2 } from '../validation/values';

/** Most requests simulated per entry point; above it the classes are sampled (and the result approximate). */
const MAX_COMBINATIONS = 4096;

/** The traffic difference of two meshes, in the public result type (the verdict and the chains are added by the caller). */
export type MeshDiff = Omit<TrafficDiff, 'changed' | 'chains'>;


/** The entry points of a mesh: gateway-bound tables by gateways and hosts, sidecar tables by host. */
function entries(mesh: Mesh, complete: boolean): Map<string, RouteTable> {
  const out = new Map<string, RouteTable>();
  // a second VirtualService for the same entry (Istio keeps one of them) is compared under its own name
  const set = (key: string, t: RouteTable) => out.set(out.has(key) ? `${key} [${t.namespace ? `${t.namespace}/` : ''}${t.name}]` : key, t);
  // with a complete input, routes bound to a Gateway it lacks are attached nowhere
  for (const t of mesh.tables.filter(x => !complete || x.missingParent === undefined)) {
    // a Gateway's HTTPRoutes are one table whatever hostnames they take: keyed by the Gateway alone
    if (t.gatewayApi && t.gateways.length > 0) set(`gateway ${t.gateways[0]}`, t);
    else if (t.gateways.length > 0) set(`gateway ${[...t.gateways].sort().join(', ')} (hosts: ${[...t.hosts].sort().join(', ')})`, t);
    if (t.mesh) for (const h of t.hosts) set(`sidecar ${h}`, t);
  }
  return out;
}

type Field = { readonly kind: 'header' | 'query' | 'label'; readonly name: string } | { readonly kind: 'uri' | 'method' | 'authority' | 'scheme' | 'port' | 'namespace' };

function fieldKey(f: Field): string {
  return 'name' in f ? `${f.kind}:${f.name}` : f.kind;
}

/** A string not yet taken after `base`: its next character differs from every listed value's. */
function fresh(base: string, values: readonly string[]): string {
  for (const c of ['~', 'z', '0', '_', '-', '.', 'Z', '9', 'q']) {
    if (!values.some(v => v.startsWith(base) && v[base.length] === c)) return base + c;
  }
  return `${base}~~`;
}

/** Strings that the regex matches, read off its pattern (a heuristic: only those that do match are kept). */
function regexWitnesses(pattern: string): string[] {
  const re = compileRe2(pattern);
  const simplify = (s: string) => s
    .replace(/^\^|\$$/g, '')
    .replace(/\\d/g, '0').replace(/\\w/g, 'a').replace(/\\s/g, ' ')
    .replace(/\[\^[^\]]*\]/g, '~')
    .replace(/\[([^\]])[^\]]*\]/g, '$1')
    .replace(/\(\?:/g, '(')
    .replace(/\(([^()|]*)\|[^()]*\)/g, '$1')
    .replace(/[()]/g, '')
    .replace(/(.)\{(\d+)(,\d*)?\}/g, (_m, c: string, n: string) => c.repeat(Number(n)))
    .replace(/\.\+/g, 'x').replace(/\.\*/g, '').replace(/\.\?/g, '')
    .replace(/(.)\*/g, '').replace(/(.)\?/g, '').replace(/\+/g, '')
    .replace(/\\(.)/g, '$1');
  const tries = [simplify(pattern), ...pattern.split('|').map(simplify), pattern.replace(/[\\^$.*+?()[\]{}|]/g, '')];
  return [...new Set(tries)].filter(w => re.matches(w));
}

/** Witness values of one string field: one per region its conditions cut it into (plus regex witnesses). */
function candidates(matches: readonly PlainStringMatch[], optional: boolean): { values: Array<string | undefined>; approximate: boolean } {
  const exact = matches.filter(m => m.kind === 'exact').map(m => m.value);
  const prefixes = matches.filter(m => m.kind === 'prefix').map(m => m.value);
  const regexes = matches.filter(m => m.kind === 'regex').map(m => m.value);
  const all = [...exact, ...prefixes];
  const values = new Set<string | undefined>(optional ? [undefined] : []);
  exact.forEach(v => values.add(v));
  values.add(fresh('', all));
  for (const p of prefixes) {
    values.add(p);
    values.add(fresh(p, all));
  }
  for (const r of regexes) regexWitnesses(r).forEach(w => values.add(w));
  return { values: [...values], approximate: regexes.length > 0 };
}

/** The fields the blocks of these tables test, with their conditions; pseudo-headers count as the fields they are. */
function fieldsOf(tables: readonly RouteTable[]): Map<string, { field: Field; matches: PlainStringMatch[] }> {
  const out = new Map<string, { field: Field; matches: PlainStringMatch[] }>();
  const add = (field: Field, m?: PlainStringMatch) => {
    const key = fieldKey(field);
    // Stryker disable next-line ArrayDeclaration: a match without a kind is never read (candidates() takes matches by kind)
    const entry = out.get(key) ?? { field, matches: [] };
    if (m) entry.matches.push(m);
    out.set(key, entry);
  };
  const PSEUDO: { [name: string]: Field } = { ':authority': { kind: 'authority' }, ':method': { kind: 'method' }, ':path': { kind: 'uri' }, ':scheme': { kind: 'scheme' } };
  const blocks: MatchBlock[] = tables.flatMap(t => t.routes.flatMap(r => r.matches));
  // a redirect that keeps the request's scheme answers http and https requests differently
  const keepsScheme = (d: RouteDestination) => d.redirect && d.redirect.scheme === undefined && d.redirect.listenerScheme === undefined;
  if (tables.some(t => t.routes.some(r => r.destinations.some(keepsScheme)))) {
    add({ kind: 'scheme' }, { kind: 'exact', value: 'http' });
    add({ kind: 'scheme' }, { kind: 'exact', value: 'https' });
  }
  for (const b of blocks) {
    for (const h of b.headers) {
      if (h.name === ':status') continue; // a response pseudo-header: never on a request
      add(Object.prototype.hasOwnProperty.call(PSEUDO, h.name) ? PSEUDO[h.name] : { kind: 'header', name: h.name }, h.match);
    }
    for (const q of b.queryParams) add({ kind: 'query', name: q.name }, q.match);
    if (b.uri) add({ kind: 'uri' }, b.uri);
    if (b.method) add({ kind: 'method' }, b.method);
    if (b.authority) add({ kind: 'authority' }, b.authority);
    for (const [k, v] of Object.entries(b.sourceLabels ?? {})) add({ kind: 'label', name: k }, { kind: 'exact', value: v });
    if (b.port !== undefined) {
      // Stryker disable next-line StringLiteral: witnesses() reads the port field's values alone, whatever their kind
      const port: PlainStringMatch = { kind: 'exact', value: String(b.port) };
      add({ kind: 'port' }, port);
    }
    // a wildcard hostname's witness: a label no listed hostname has, before its suffix
    for (const h of [...(b.hostnames ?? []), ...(b.notHostnames ?? [])]) add({ kind: 'authority' }, { kind: 'exact', value: h.startsWith('*.') ? `witness.${h.slice(2)}` : h });
    for (const n of [...(b.sourceNamespace !== undefined ? [b.sourceNamespace] : []), ...(b.notSourceNamespaces ?? [])]) add({ kind: 'namespace' }, { kind: 'exact', value: n });
  }
  return out;
}

export interface Witness {
  readonly request: Request;
  readonly text: string;
}

/** Requests that cover every class the tables' rules tell apart. */
export function witnesses(tables: readonly RouteTable[]): { requests: Witness[]; approximate: boolean; sampled: boolean } {
  const fields = [...fieldsOf(tables).values()];
  let approximate = false;
  const options: Array<Array<{ apply: (r: MutableRequest) => void; text?: string }>> = fields.map(({ field, matches }) => {
    if (field.kind === 'scheme' && matches.every(m => m.kind === 'exact')) {
      // the schemes exact conditions name, and http: every value is a scheme a request can have
      const schemes = [...new Set([...matches.map(m => m.value), 'http'])];
      return schemes.map(v => ({ apply: (r: MutableRequest) => { r.scheme = v; }, text: `scheme ${v}` }));
    }
    if (field.kind === 'port') {
      // every port a condition names, and one no condition names
      const ports = [...new Set(matches.map(m => Number(m.value)))];
      return [...ports, Math.max(...ports) + 1].map(p => ({ apply: (r: MutableRequest) => { r.port = p; }, text: `port ${p}` }));
    }
    const c = candidates(matches, !['uri', 'method', 'scheme'].includes(field.kind));
    approximate ||= c.approximate;
    return c.values.map(v => {
      switch (field.kind) {
        case 'header': return { apply: (r: MutableRequest) => { if (v !== undefined) r.headers[field.name] = v; }, text: v === undefined ? `${field.name} absent` : `${field.name}: ${v}` };
        case 'query': return { apply: (r: MutableRequest) => { if (v !== undefined) r.query[field.name] = v; }, text: v === undefined ? undefined : `?${field.name}=${v}` };
        case 'label': return { apply: (r: MutableRequest) => { if (v !== undefined) r.sourceLabels = { ...r.sourceLabels, [field.name]: v }; }, text: v === undefined ? undefined : `caller ${field.name}=${v}` };
        case 'uri': return { apply: (r: MutableRequest) => { r.path = v!; }, text: `path ${v}` };
        case 'method': return { apply: (r: MutableRequest) => { r.method = v!; }, text: `method ${v}` };
        case 'scheme': return { apply: (r: MutableRequest) => { r.scheme = v!; }, text: `scheme ${v}` };
        case 'namespace': return { apply: (r: MutableRequest) => { r.sourceNamespace = v; }, text: v === undefined ? undefined : `caller namespace ${v}` };
        default: return { apply: (r: MutableRequest) => { r.authority = v; r.host = hostOf(v)?.toLowerCase(); }, text: v === undefined ? undefined : `authority ${v}` };
      }
    });
  });
  const total = options.reduce((n, o) => n * o.length, 1);
  const combos: number[][] = [];
  const sampled = total > MAX_COMBINATIONS;
  if (!sampled) {
    const walk = (i: number, picked: number[]) => {
      if (i === options.length) combos.push(picked);
      else options[i].forEach((_, k) => walk(i + 1, [...picked, k]));
    };
    walk(0, []);
  } else {
    // too many fields to combine: every value of every field, the others at their first value
    approximate = true;
    combos.push(options.map(() => 0));
    options.forEach((o, i) => o.forEach((_, k) => { if (k > 0) combos.push(options.map((__, j) => (j === i ? k : 0))); }));
  }
  const requests = combos.map(picked => {
    const r: MutableRequest = {
      headers: dictionary<string>(),
      query: dictionary<string>(),
      path: '/',
      method: 'GET',
      scheme: 'http',
      // Stryker disable next-line StringLiteral: rawPath is rebuilt below from the path and the query, whatever it starts as
      rawPath: '/',
    };
    const texts: string[] = [];
    picked.forEach((k, i) => {
      const o = options[i][k];
      o.apply(r);
      if (o.text !== undefined) texts.push(o.text);
    });
    // a path witness may carry a query string (from a `:path` condition): the request's parts agree with it
    const q = r.path.indexOf('?');
    const extra = q >= 0 ? r.path.slice(q + 1) : '';
    if (q >= 0) r.path = r.path.slice(0, q);
    const params = [extra, ...Object.entries(r.query).map(([k, v]) => `${k}=${v}`)].filter(x => x !== '');
    r.rawPath = params.length ? `${r.path}?${params.join('&')}` : r.path;
    for (const part of extra.split('&').filter(Boolean)) {
      const eq = part.indexOf('=');
      const name = eq >= 0 ? part.slice(0, eq) : part;
      if (!(name in r.query)) r.query[name] = eq >= 0 ? part.slice(eq + 1) : '';
    }
    return { request: r as Request, text: texts.join('; ') || 'any request' };
  });
  return { requests, approximate, sampled };
}

type MutableRequest = { -readonly [K in keyof Request]: Request[K] } & { headers: { [k: string]: string }; query: { [k: string]: string } };

/** A decision as the next hop sees it: where each share goes and what it carries, rule names left out. */
function sharesOf(table: RouteTable | undefined, given: Request, health: Health): TrafficShare[] {
  if (!table) return [];
  const req = withPort(table, given);
  // a mesh route not attached for this port or caller: the Service itself serves the request
  if (!attachedFor(table, req)) return [{ target: `${table.hosts[0]} (no route attached)`, probability: 1, sets: '' }];
  const d = decide(table, req, health);
  if (d.routeIndex < 0) return [{ target: '404', probability: 1, sets: '' }];
  const merged = new Map<string, TrafficShare>();
  for (const o of d.outcomes) {
    const port = o.served?.port !== undefined ? `:${o.served.port}` : '';
    const dest = o.destination;
    const target = o.location !== undefined ? `${o.status} ${o.location}` : o.served ? `${o.served.host}${port}${o.served.subset !== undefined ? `/${o.served.subset}` : ''}` : String(o.status ?? 503);
    const sets = [
      ...Object.entries(dest.setHeaders).sort().map(([k, v]) => `${k}=${v}`),
      ...Object.entries(dest.addHeaders).sort().map(([k, v]) => `${k}+=${v}`),
      ...(dest.removeHeaders ?? []).map(k => `-${k}`),
      ...(dest.rewrite?.hostname !== undefined ? [`host=${dest.rewrite.hostname}`] : []),
      ...(dest.rewrite?.path ? [`path=${JSON.stringify(dest.rewrite.path)}`] : []),
      ...(dest.mirrors ?? []).map(m => `mirror ${m.host}${m.port !== undefined ? `:${m.port}` : ''} ${m.percent}%`),
      ...(dest.response ? [`response ${JSON.stringify(dest.response)}`] : []),
    ].join(', ');
    const f = o.destination.fallback;
    const fallback = f ? `${f.host}${f.port !== undefined ? `:${f.port}` : ''}/${f.subset ?? '*'}` : undefined;
    const key = `${target}|${sets}|${fallback ?? ''}`;
    const prev = merged.get(key);
    merged.set(key, { target, sets, fallback, probability: (prev?.probability ?? 0) + o.probability });
  }
  // in the order of their keys (distinct: shares with one key are merged), UTF-16 code unit order
  return [...merged.keys()].sort().map(k => {
    const s = merged.get(k)!;
    return { ...s, probability: Math.round(s.probability * 1e9) / 1e9 };
  });
}

function same(a: readonly TrafficShare[], b: readonly TrafficShare[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * A table's routing as text: what decides where its requests go, where it was read from and notes left out; undefined when it
 * holds anything but plain data, which text may not tell apart (then its requests are compared one by one).
 */
function routingText(t: RouteTable): string | undefined {
  let plain = true;
  const text = JSON.stringify(t, function (this: unknown, key: string, value: unknown) {
    if ((this === t && PROVENANCE.includes(key)) || key === 'notes') return undefined;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) plain = false;
    }
    return value;
  });
  return plain ? text : undefined;
}

/** What names where a table was read, and changes no decision (nor do the notes of a table, a rule or a share, which name it too). */
const PROVENANCE = ['source', 'location', 'generatedBy'];

/** The hosts a table's shares reach (their fallbacks' too): their subsets decide what serves. */
function hostsReached(t: RouteTable): Set<string> {
  const hosts = new Set<string>();
  for (const r of t.routes) {
    for (const d of r.destinations) {
      hosts.add(d.host);
      if (d.fallback) hosts.add(d.fallback.host);
    }
  }
  return hosts;
}

/** The subsets a mesh defines for a host with their labels, in the order of their names, as text (none: `null`). */
function subsetsText(mesh: Mesh, host: string): string {
  const subsets = mesh.subsets.get(host);
  return JSON.stringify(subsets ? [...subsets.keys()].sort().map(k => [k, subsets.get(k)]) : null);
}

/**
 * Whether two tables decide alike for every request: the same routing, and the same subsets for every host they
 * reach (a share's subset defined or not decides whether it is served). Then no request needs to be compared.
 */
export function decidesAlike(ta: RouteTable, tb: RouteTable, before: Mesh, after: Mesh): boolean {
  const text = routingText(ta);
  if (text === undefined || text !== routingText(tb)) return false;
  for (const host of hostsReached(ta)) if (subsetsText(before, host) !== subsetsText(after, host)) return false;
  return true;
}

/** The traffic difference between two meshes, every lane healthy (declared fallbacks compared as such). */
export function diffMeshes(before: Mesh, after: Mesh, complete: boolean): MeshDiff {
  const a = entries(before, complete);
  const b = entries(after, complete);
  const out: EntryTrafficDiff[] = [];
  let approximate = false;
  const healthA: Health = { unhealthy: new Set(), subsets: before.subsets, complete };
  const healthB: Health = { unhealthy: new Set(), subsets: after.subsets, complete };
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const ta = a.get(key);
    const tb = b.get(key);
    // the same routing to the same subsets: no request goes elsewhere (most entries of a change)
    // Stryker disable next-line ConditionalExpression,LogicalOperator: a shortcut for speed; without it the requests are compared and none differs
    if (ta && tb && decidesAlike(ta, tb, before, after)) continue;
    const w = witnesses([ta, tb].filter((t): t is RouteTable => t !== undefined));
    approximate ||= w.approximate;
    const classes = new Map<string, RequestClassDiff>();
    for (const { request, text } of w.requests) {
      const x = sharesOf(ta, request, healthA);
      const y = sharesOf(tb, request, healthB);
      if (same(x, y)) continue;
      const key2 = JSON.stringify([x, y]);
      if (!classes.has(key2)) classes.set(key2, { request: text, before: x, after: y });
    }
    // an entry added or removed always has a class: on the side that has it every witness goes somewhere (or 404), on the other nowhere
    if (classes.size > 0) out.push({ entry: key, status: !ta ? 'added' : !tb ? 'removed' : 'changed', classes: [...classes.values()] });
  }
  const sa = subsetsOf(before);
  const sb = subsetsOf(after);
  const ha = hostsOf(before);
  const hb = hostsOf(after);
  return {
    entries: out,
    subsetsAdded: [...sb].filter(s => !sa.has(s)).sort(),
    subsetsRemoved: [...sa].filter(s => !sb.has(s)).sort(),
    hostsAdded: [...hb].filter(h => !ha.has(h)).sort(),
    hostsRemoved: [...ha].filter(h => !hb.has(h)).sort(),
    approximate,
  };
}
