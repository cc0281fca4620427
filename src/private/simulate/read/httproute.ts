/**
 * Reads Gateway API HTTPRoutes (`gateway.networking.k8s.io/v1`, synthesized by this library or hand-written)
 * into the route tables the simulation runs on, with the Gateway API's semantics:
 * - a route bound to a Gateway is a gateway table; one bound to a Service (GAMMA) routes that Service's host in
 *   the mesh;
 * - every HTTPRoute bound to one parent merges into one table, whose matches are ordered by precedence: an exact
 *   path, the longest prefix, a method, the most header matches, the most query matches; then the oldest route
 *   (offline, without creation times: namespace/name, said in a note); then the rule and match order;
 * - a PathPrefix matches whole path segments; backends are Services, with weights (default 1) and the headers
 *   their RequestHeaderModifier filters set and add.
 * Anything else that could change where a request goes is refused by name.
 */
import { fail, integer, list, mapping, onlyKeys, optionalList, optionalMapping, optionalText, text } from './fields';
import { RouteDestination } from '../mesh';
import { RawRoute, RawTable } from './virtual-service';
import { qualifyHost, serviceHost } from '../../model/group';
import { HeaderCondition, MatchBlock, PlainStringMatch, QueryCondition } from '../../model/types';
import { brief, compileRe2, quoteMeta, show } from '../../validation/values';

export interface HttpRouteSource {
  /** how results name it, e.g. `out.yaml: HTTPRoute default/web` */
  readonly source: string;
  readonly location: string;
  readonly obj: any;
}

interface Entry {
  readonly route: string;
  readonly created?: string;
  readonly rule: number;
  readonly match: number;
  readonly precedence: readonly number[];
  readonly raw: RawRoute;
}


function matchValue(where: string, m: { [key: string]: unknown }, regexType: string): PlainStringMatch {
  const type = optionalText(`${where}.type`, m.type) ?? 'Exact';
  const value = text(`${where}.value`, m.value);
  if (type === 'Exact') return { kind: 'exact', value };
  if (type === regexType) {
    try {
      compileRe2(value);
    } catch (e) {
      fail(where, `regex ${show(value)} is not valid RE2: ${(e as Error).message}`);
    }
    return { kind: 'regex', value };
  }
  return fail(`${where}.type`, `must be Exact or ${regexType}, got ${show(type)}`);
}

/** One HTTPRoute match as a match block, and its precedence (highest first). */
function readMatch(where: string, v: unknown): { block: MatchBlock; precedence: number[] } {
  const m = mapping(where, v);
  onlyKeys(where, m, ['path', 'headers', 'queryParams', 'method']);
  let uri: PlainStringMatch | undefined;
  let precedence = [1, 1];
  const path = optionalMapping(`${where}.path`, m.path);
  if (path) {
    onlyKeys(`${where}.path`, path, ['type', 'value']);
    const type = optionalText(`${where}.path.type`, path.type) ?? 'PathPrefix';
    const value = optionalText(`${where}.path.value`, path.value) ?? '/';
    if (type === 'Exact') {
      uri = { kind: 'exact', value };
      precedence = [2, value.length];
    } else if (type === 'PathPrefix') {
      // whole segments: "/api" takes "/api" and "/api/x", not "/apix"; a trailing "/" is ignored
      const prefix = value.replace(/\/+$/, '');
      uri = prefix === '' ? undefined : { kind: 'regex', value: `${quoteMeta(prefix)}(?:/.*)?` };
      precedence = [1, value.length];
    } else if (type === 'RegularExpression') {
      uri = matchValue(`${where}.path`, path, 'RegularExpression');
      precedence = [0, 0];
    } else {
      fail(`${where}.path.type`, `must be Exact, PathPrefix or RegularExpression, got ${show(type)}`);
    }
  }
  const headers: HeaderCondition[] = optionalList(`${where}.headers`, m.headers).map((h, i) => {
    const hm = mapping(`${where}.headers[${i}]`, h);
    onlyKeys(`${where}.headers[${i}]`, hm, ['type', 'name', 'value']);
    return { name: text(`${where}.headers[${i}].name`, hm.name).toLowerCase(), match: matchValue(`${where}.headers[${i}]`, hm, 'RegularExpression'), absent: false };
  });
  const queryParams: QueryCondition[] = optionalList(`${where}.queryParams`, m.queryParams).map((q, i) => {
    const qm = mapping(`${where}.queryParams[${i}]`, q);
    onlyKeys(`${where}.queryParams[${i}]`, qm, ['type', 'name', 'value']);
    return { name: text(`${where}.queryParams[${i}].name`, qm.name), match: matchValue(`${where}.queryParams[${i}]`, qm, 'RegularExpression') };
  });
  const method = optionalText(`${where}.method`, m.method);
  return {
    block: { headers, uri, queryParams, method: method !== undefined ? { kind: 'exact', value: method } : undefined },
    precedence: [...precedence, method !== undefined ? 1 : 0, headers.length, queryParams.length],
  };
}

/** The headers a list of filters sets and adds (RequestHeaderModifier); any other filter is refused. */
function readFilters(where: string, v: unknown): { set: { [k: string]: string }; add: { [k: string]: string } } {
  const set: { [k: string]: string } = {};
  const add: { [k: string]: string } = {};
  optionalList(where, v).forEach((f, i) => {
    const fm = mapping(`${where}[${i}]`, f);
    const type = text(`${where}[${i}].type`, fm.type);
    if (type !== 'RequestHeaderModifier') fail(`${where}[${i}]`, `filter ${show(type)} is not supported by the lane simulation (it could change where requests go)`);
    const mod = mapping(`${where}[${i}].requestHeaderModifier`, fm.requestHeaderModifier);
    onlyKeys(`${where}[${i}].requestHeaderModifier`, mod, ['set', 'add']);
    for (const [op, into] of [['set', set], ['add', add]] as const) {
      optionalList(`${where}[${i}].requestHeaderModifier.${op}`, mod[op]).forEach((h, j) => {
        const hm = mapping(`${where}[${i}].requestHeaderModifier.${op}[${j}]`, h);
        into[text(`${where}[${i}].requestHeaderModifier.${op}[${j}].name`, hm.name).toLowerCase()] = text(`${where}[${i}].requestHeaderModifier.${op}[${j}].value`, hm.value);
      });
    }
  });
  return { set, add };
}

/** An authority condition for a route's hostnames (a leading `*.` takes any one or more labels), port ignored. */
function hostnameCondition(hostnames: readonly string[]): PlainStringMatch | undefined {
  if (hostnames.length === 0) return undefined;
  const one = (h: string) => (h.startsWith('*.') ? `[^.:]+(?:\\.[^.:]+)*${quoteMeta(h.slice(1))}` : quoteMeta(h));
  return { kind: 'regex', value: `(?:${hostnames.map(one).join('|')})(?::[0-9]+)?` };
}

function readRoute(
  r: HttpRouteSource, clusterDomain: string, grants: readonly Grant[], notes: string[],
): Array<{ parent: string; hostnames: string[]; entries: Entry[] }> {
  const md = optionalMapping(`${r.source} metadata`, r.obj.metadata) ?? {};
  const namespace = optionalText(`${r.source} metadata.namespace`, md.namespace) ?? 'default';
  const name = text(`${r.source} metadata.name`, md.name);
  const spec = mapping(`${r.source} spec`, r.obj.spec);
  onlyKeys(`${r.source} spec`, spec, ['parentRefs', 'hostnames', 'rules']);
  const hostnames = optionalList(`${r.source} spec.hostnames`, spec.hostnames).map((h, i) => text(`${r.source} spec.hostnames[${i}]`, h).toLowerCase());
  const authority = hostnameCondition(hostnames);
  const entries: Entry[] = [];
  list(`${r.source} spec.rules`, spec.rules ?? [{}]).forEach((rv, ri) => {
    const where = `${r.source} rules[${ri}]`;
    const rule = mapping(where, rv);
    onlyKeys(where, rule, ['name', 'matches', 'backendRefs', 'filters'], ['timeouts', 'sessionPersistence']);
    const ruleHeaders = readFilters(`${where}.filters`, rule.filters);
    const refs = optionalList(`${where}.backendRefs`, rule.backendRefs).map((bv, bi) => {
      const w = `${where}.backendRefs[${bi}]`;
      const b = mapping(w, bv);
      onlyKeys(w, b, ['name', 'namespace', 'port', 'weight', 'filters', 'group', 'kind']);
      const kind = optionalText(`${w}.kind`, b.kind) ?? 'Service';
      const group = optionalText(`${w}.group`, b.group) ?? '';
      if (kind !== 'Service' || group !== '') fail(w, `a backend of kind ${show(`${group}/${kind}`)} is not supported by the lane simulation (Services only)`);
      const own = readFilters(`${w}.filters`, b.filters);
      const backendNs = optionalText(`${w}.namespace`, b.namespace) ?? namespace;
      const backendName = text(`${w}.name`, b.name);
      const permits = (g: Grant) => g.namespace === backendNs && g.from.includes(namespace) && (g.to === undefined || g.to.includes(backendName));
      if (backendNs !== namespace && !grants.some(permits)) {
        notes.push(`${w}: Service ${backendNs}/${backendName} is in another namespace, and no ReferenceGrant read lets HTTPRoutes of ${namespace} refer to it; the Gateway API refuses the reference (RefNotPermitted), so its share of the requests fails`);
      }
      return {
        host: serviceHost(backendName, backendNs, clusterDomain),
        port: b.port === undefined ? undefined : integer(`${w}.port`, b.port, 1, 65535),
        weight: b.weight === undefined ? 1 : integer(`${w}.weight`, b.weight, 0, 1_000_000),
        setHeaders: { ...ruleHeaders.set, ...own.set },
        addHeaders: { ...ruleHeaders.add, ...own.add },
      };
    });
    const total = refs.reduce((n, b) => n + b.weight, 0);
    // no backend, or all weights 0: the Gateway API answers 500; the simulation has no route for it
    if (refs.length === 0 || total === 0) fail(where, 'has no backend with a weight (the Gateway API answers 500); the lane simulation does not model it');
    const destinations: RouteDestination[] = refs.map(b => ({ ...b, probability: b.weight / total }));
    const matches = optionalList(`${where}.matches`, rule.matches);
    (matches.length ? matches : [{}]).forEach((mv, mi) => {
      const read = readMatch(`${where}.matches[${mi}]`, mv);
      const precedence = read.precedence;
      const block: MatchBlock = authority ? { ...read.block, authority } : read.block;
      const ruleName = optionalText(`${where}.name`, rule.name) ?? `${brief(name)}-rule-${ri + 1}`;
      const empty = block.headers.length === 0 && block.queryParams.length === 0 && !block.uri && !block.method && !block.authority;
      entries.push({
        route: `${namespace}/${name}`,
        created: optionalText(`${r.source} metadata.creationTimestamp`, md.creationTimestamp),
        rule: ri,
        match: mi,
        precedence,
        raw: { name: ruleName, matches: empty ? [] : [block], destinations, where: `${where}.matches[${mi}]` },
      });
    });
  });
  return list(`${r.source} spec.parentRefs`, spec.parentRefs).map((pv, pi) => {
    const w = `${r.source} spec.parentRefs[${pi}]`;
    const p = mapping(w, pv);
    onlyKeys(w, p, ['name', 'namespace', 'group', 'kind', 'port', 'sectionName']);
    const kind = optionalText(`${w}.kind`, p.kind) ?? 'Gateway';
    const group = optionalText(`${w}.group`, p.group) ?? 'gateway.networking.k8s.io';
    if (kind === 'Service' && group !== '') fail(w, `a Service parent needs group "" (the core group); got ${show(group)}`);
    const parentNs = optionalText(`${w}.namespace`, p.namespace) ?? namespace;
    const parentName = text(`${w}.name`, p.name);
    // Stryker disable next-line ArrayDeclaration: a mesh table's host is its parent Service's; hostnames are never read for it
    if (kind === 'Service') return { parent: `mesh:${qualifyHost(parentName, parentNs, clusterDomain)}`, hostnames: [], entries };
    if (kind !== 'Gateway') fail(w, `a parent of kind ${show(kind)} is not supported by the lane simulation (Gateway or Service)`);
    return { parent: `gateway:${parentNs}/${parentName}`, hostnames, entries };
  });
}

interface Grant {
  readonly namespace: string;
  /** namespaces whose HTTPRoutes may refer */
  readonly from: readonly string[];
  /** the Services they may refer to; undefined: every Service */
  readonly to?: readonly string[];
}

/** What a ReferenceGrant lets HTTPRoutes refer to (Services); undefined when it grants nothing of the kind. */
function readGrant(obj: any): Grant | undefined {
  // Stryker disable next-line ArrayDeclaration: the fallback list is filtered to HTTPRoute entries, which any placeholder is not
  const from = (Array.isArray(obj?.spec?.from) ? obj.spec.from : []).filter((f: any) => f?.group === 'gateway.networking.k8s.io' && f.kind === 'HTTPRoute').map((f: any) => String(f.namespace));
  // Stryker disable next-line ArrayDeclaration: the fallback list is filtered to Service entries, which any placeholder is not
  const to = (Array.isArray(obj?.spec?.to) ? obj.spec.to : []).filter((t: any) => (t?.group ?? '') === '' && t?.kind === 'Service');
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a grant with no from or no to permits nothing either way (permits needs both to list the reference)
  if (from.length === 0 || to.length === 0) return undefined;
  const namespace = typeof obj.metadata?.namespace === 'string' ? obj.metadata.namespace : 'default';
  return { namespace, from, to: to.some((t: any) => t.name === undefined) ? undefined : to.map((t: any) => String(t.name)) };
}

/** The route tables of a set of HTTPRoutes: one per parent (and hostnames), merged and ordered by precedence. */
export function readHttpRoutes(
  // Stryker disable next-line ArrayDeclaration: a placeholder in the default list is no ReferenceGrant, so it grants nothing either
  routes: readonly HttpRouteSource[], clusterDomain: string, notes: string[], grantObjects: readonly any[] = [],
): RawTable[] {
  const grants = grantObjects.map(readGrant).filter((g): g is Grant => g !== undefined);
  const byParent = new Map<string, { sources: HttpRouteSource[]; hostnames: Set<string> | undefined; entries: Entry[] }>();
  for (const r of routes) {
    for (const p of readRoute(r, clusterDomain, grants, notes)) {
      const key = p.parent;
      const t = byParent.get(key) ?? { sources: [], hostnames: new Set<string>(), entries: [] };
      // a route bound twice to one parent (two of a Gateway's listeners, two of a Service's ports) is read once
      if (t.sources.includes(r)) continue;
      t.sources.push(r);
      t.entries.push(...p.entries);
      // the table's hosts: the union of the routes' hostnames, or every host when a route names none
      t.hostnames = t.hostnames && p.hostnames.length ? new Set([...t.hostnames, ...p.hostnames]) : undefined;
      byParent.set(key, t);
    }
  }
  const tables: RawTable[] = [];
  for (const [key, t] of byParent) {
    const parent = key.split('|')[0];
    const names = [...new Set(t.entries.map(e => e.route))];
    if (names.length > 1 && t.entries.some(e => e.created === undefined)) {
      // Stryker disable next-line Regex: a parent always starts with "mesh:" or "gateway:", so the first match is at the start anyway
      notes.push(`${parent.replace(/^(mesh|gateway):/, '')}: HTTPRoutes ${names.join(', ')} merge; between equally specific matches the oldest route wins, and without creation times the simulation takes them by namespace/name`);
    }
    const ordered = [...t.entries].sort((a, b) => {
      // Stryker disable next-line EqualityOperator: every precedence has five numbers; one past the end both are undefined, so equal
      for (let i = 0; i < a.precedence.length; i++) {
        if (a.precedence[i] !== b.precedence[i]) return b.precedence[i] - a.precedence[i];
      }
      if (a.route !== b.route) {
        if (a.created !== undefined && b.created !== undefined && a.created !== b.created) {
          // Stryker disable next-line EqualityOperator: the times differ here, so < and <= agree
          return a.created < b.created ? -1 : 1;
        }
        // Stryker disable next-line EqualityOperator: the routes differ here, so < and <= agree
        return a.route < b.route ? -1 : 1;
      }
      return a.rule - b.rule || a.match - b.match;
    });
    const [first] = t.sources;
    const [ns, name] = names[0].split('/');
    const mesh = parent.startsWith('mesh:');
    tables.push({
      source: t.sources.length === 1 ? first.source : `${first.source} (merged with ${t.sources.length - 1} more)`,
      location: first.location,
      name,
      namespace: ns,
      gateways: mesh ? [] : [parent.slice('gateway:'.length)],
      mesh,
      hosts: mesh ? [parent.slice('mesh:'.length)] : (t.hostnames?.size ? [...t.hostnames].sort() : ['*']),
      routes: ordered.map(e => e.raw),
    });
  }
  return tables;
}
