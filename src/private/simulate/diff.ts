/**
 * What a change does to traffic: two meshes compared by their decisions, not their text. For every entry
 * point (a gateway-bound VirtualService, a sidecar host) the requests are split into the classes the rules
 * of both versions tell apart, and each class is simulated on both sides. Classes are exact for exact,
 * prefix, presence and absence conditions: per request field, one witness value for every region those
 * conditions cut the field into; the product of the fields covers every combination. Regex conditions get
 * witness strings taken from their patterns, and the result says it is then approximate.
 */
import { decide, Health } from './engine';
import { Mesh, RouteTable } from './mesh';
import { dictionary, Request } from './request';
import type { EntryTrafficDiff, RequestClassDiff, TrafficDiff, TrafficShare } from '../../simulation';
import { compileRe2 } from '../checks';
import { MatchBlock, PlainStringMatch } from '../model/types';

/** Most requests simulated per entry point; above it the classes are sampled (and the result approximate). */
const MAX_COMBINATIONS = 4096;

/** The traffic difference of two meshes, in the public result type (the verdict and the chains are added by the caller). */
export type MeshDiff = Omit<TrafficDiff, 'changed' | 'chains'>;

function short(host: string): string {
  return host.split('.')[0];
}

/** The entry points of a mesh: gateway-bound tables by gateways and hosts, sidecar tables by host. */
function entries(mesh: Mesh): Map<string, RouteTable> {
  const out = new Map<string, RouteTable>();
  for (const t of mesh.tables) {
    if (t.gateways.length > 0) out.set(`gateway ${[...t.gateways].sort().join(', ')} (hosts: ${[...t.hosts].sort().join(', ')})`, t);
    if (t.mesh) for (const h of t.hosts) out.set(`sidecar ${h}`, t);
  }
  return out;
}

type Field = { readonly kind: 'header' | 'query'; readonly name: string } | { readonly kind: 'uri' | 'method' | 'authority' | 'labels' };

function fieldKey(f: Field): string {
  return 'name' in f ? `${f.kind}:${f.name}` : f.kind;
}

/** A string not yet taken after `base`: its next character differs from every listed value's. */
function fresh(base: string, values: readonly string[]): string {
  for (const c of ['~', 'z', '0', '_', '-', '.', 'Z', '9', 'q']) {
    if (!values.some(v => v.length > base.length && v.startsWith(base) && v[base.length] === c) && !values.includes(base + c)) return base + c;
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

/** The fields the blocks of these tables test, with their conditions. */
interface FieldConditions {
  readonly field: Field;
  readonly matches: PlainStringMatch[];
  readonly labels: Array<{ readonly [k: string]: string }>;
}

function fieldsOf(tables: readonly RouteTable[]): Map<string, FieldConditions> {
  const out = new Map<string, FieldConditions>();
  const add = (field: Field, m?: PlainStringMatch, labels?: { readonly [k: string]: string }) => {
    const key = fieldKey(field);
    const entry = out.get(key) ?? { field, matches: [], labels: [] };
    if (m) entry.matches.push(m);
    if (labels) entry.labels.push(labels);
    out.set(key, entry);
  };
  const blocks: MatchBlock[] = tables.flatMap(t => t.routes.flatMap(r => r.matches));
  for (const b of blocks) {
    for (const h of b.headers) add({ kind: 'header', name: h.name }, h.match);
    for (const q of b.queryParams) add({ kind: 'query', name: q.name }, q.match);
    if (b.uri) add({ kind: 'uri' }, b.uri);
    if (b.method) add({ kind: 'method' }, b.method);
    if (b.authority) add({ kind: 'authority' }, b.authority);
    if (b.sourceLabels) add({ kind: 'labels' }, undefined, b.sourceLabels);
  }
  return out;
}

export interface Witness {
  readonly request: Request;
  readonly text: string;
}

/** Requests that cover every class the two tables' rules tell apart. */
export function witnesses(tables: readonly RouteTable[]): { requests: Witness[]; approximate: boolean } {
  const fields = [...fieldsOf(tables).values()];
  let approximate = false;
  const options: Array<Array<{ apply: (r: MutableRequest) => void; text?: string }>> = fields.map(({ field, matches, labels }) => {
    if (field.kind === 'labels') {
      return [{ apply: () => undefined }, ...labels.map(l => ({ apply: (r: MutableRequest) => { r.sourceLabels = { ...r.sourceLabels, ...l }; }, text: `caller ${Object.entries(l).map(([k, v]) => `${k}=${v}`).join(',')}` }))];
    }
    const c = candidates(matches, field.kind !== 'uri' && field.kind !== 'method');
    approximate ||= c.approximate;
    return c.values.map(v => {
      if (field.kind === 'header') return { apply: (r: MutableRequest) => { if (v !== undefined) r.headers[field.name] = v; }, text: v === undefined ? `${field.name} absent` : `${field.name}: ${v}` };
      if (field.kind === 'query') return { apply: (r: MutableRequest) => { if (v !== undefined) r.query[field.name] = v; }, text: v === undefined ? undefined : `?${field.name}=${v}` };
      if (field.kind === 'uri') return { apply: (r: MutableRequest) => { r.path = v!; r.rawPath = v!; }, text: `path ${v}` };
      if (field.kind === 'method') return { apply: (r: MutableRequest) => { r.method = v!; }, text: `method ${v}` };
      return { apply: (r: MutableRequest) => { r.authority = v; }, text: v === undefined ? undefined : `authority ${v}` };
    });
  });
  const total = options.reduce((n, o) => n * o.length, 1);
  const combos: number[][] = [];
  if (total <= MAX_COMBINATIONS) {
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
    const r: MutableRequest = { headers: dictionary<string>(), query: dictionary<string>(), path: '/', rawPath: '/', method: 'GET', scheme: 'http' };
    const texts: string[] = [];
    picked.forEach((k, i) => {
      const o = options[i][k];
      o.apply(r);
      if (o.text !== undefined) texts.push(o.text);
    });
    return { request: r as Request, text: texts.join('; ') || 'any request' };
  });
  return { requests, approximate };
}

type MutableRequest = { -readonly [K in keyof Request]: Request[K] } & { headers: { [k: string]: string }; query: { [k: string]: string } };

/** A decision as the next hop sees it: where each share goes and what it carries, rule names left out. */
function sharesOf(table: RouteTable | undefined, req: Request, health: Health): TrafficShare[] {
  if (!table) return [];
  const d = decide(table, req, health);
  if (d.routeIndex < 0) return [{ target: '404', probability: 1, sets: '' }];
  const merged = new Map<string, TrafficShare>();
  for (const o of d.outcomes) {
    const target = o.served ? (o.served.subset !== undefined ? `${short(o.served.host)}/${o.served.subset}` : short(o.served.host)) : '503';
    const sets = Object.entries(o.destination.setHeaders).sort().map(([k, v]) => `${k}=${v}`).join(', ');
    const fallback = o.destination.fallback ? `${short(o.destination.fallback.host)}/${o.destination.fallback.subset ?? '*'}` : undefined;
    const key = `${target}|${sets}|${fallback ?? ''}`;
    const prev = merged.get(key);
    merged.set(key, { target, sets, fallback, probability: (prev?.probability ?? 0) + o.probability });
  }
  return [...merged.values()]
    .map(s => ({ ...s, probability: Math.round(s.probability * 1e9) / 1e9 }))
    .sort((a, b) => (a.target + a.sets < b.target + b.sets ? -1 : 1));
}

function same(a: readonly TrafficShare[], b: readonly TrafficShare[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function subsetsOf(mesh: Mesh): Set<string> {
  const out = new Set<string>();
  for (const [host, bySubset] of mesh.subsets) for (const s of bySubset.keys()) out.add(`${short(host)}/${s}`);
  for (const t of mesh.tables) for (const r of t.routes) for (const d of r.destinations) if (d.subset !== undefined) out.add(`${short(d.host)}/${d.subset}`);
  return out;
}

function hostsOf(mesh: Mesh): Set<string> {
  const out = new Set<string>();
  for (const t of mesh.tables) {
    t.hosts.filter(h => h !== '*').forEach(h => out.add(h));
    t.routes.forEach(r => r.destinations.forEach(d => out.add(d.host)));
  }
  return out;
}

/** The traffic difference between two meshes, every lane healthy (declared fallbacks compared as such). */
export function diffMeshes(before: Mesh, after: Mesh): MeshDiff {
  const a = entries(before);
  const b = entries(after);
  const out: EntryTrafficDiff[] = [];
  let approximate = false;
  const healthA: Health = { unhealthy: new Set(), subsets: before.subsets };
  const healthB: Health = { unhealthy: new Set(), subsets: after.subsets };
  for (const key of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const ta = a.get(key);
    const tb = b.get(key);
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
    if (!ta || !tb || classes.size > 0) out.push({ entry: key, status: !ta ? 'added' : !tb ? 'removed' : 'changed', classes: [...classes.values()] });
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
