/**
 * Reads Gateway API HTTPRoutes (`gateway.networking.k8s.io/v1`, synthesized by this library or hand-written)
 * into the route tables the simulation runs on, with the Gateway API's semantics:
 * - a route bound to a Gateway attaches to its listeners (gateway.ts); the Gateway's table holds every attached
 *   route, each match conditioned on its listener's port and on the hostnames it takes there. A request is routed
 *   by the most specific hostname that matches it (Envoy's virtual hosts), and, with listener isolation, only
 *   by the most specific listener that matches it;
 * - a route bound to a Service (GAMMA) routes that Service's host in the mesh, on the parentRef's port if it
 *   names one; a route in another namespace than the Service's is a consumer route, for callers of its namespace
 *   only, and overrides the Service's own routes for them;
 * - matches are ordered by precedence: an exact path, the longest prefix, a method, the most header matches, the
 *   most query matches; then the oldest route (without creation times: namespace/name, said in a note); then the
 *   rule and match order;
 * - a PathPrefix matches whole path segments; backends are Services with weights (default 1); filters are
 *   read by filters.ts. A backend the input does not settle (no ReferenceGrant, no Service read, a kind not
 *   modelled) is marked, and answered by the simulation's view (`complete`).
 * Anything else that could change where a request goes is refused by name.
 */
import { AttachContext, Attachment, attachments } from './attachment';
import { Grant, readBackendRef, readGrant } from './backends';
import { fail, integer, list, mapping, onlyKeys, optionalList, optionalMapping, optionalText, text } from './fields';
import { Filters, layered, readFilters } from './filters';
import { covers, Listener, moreSpecific } from './gateway';
import { readMatch } from './route-match';
import { RawRoute, RawTable } from './virtual-service';
import { MatchBlock } from '../../model/types';
import { brief } from '../../validation/values';
import { PathChange, RouteDestination } from '../mesh';

export interface HttpRouteSource {
  /** how results name it, e.g. `out.yaml: HTTPRoute default/web` */
  readonly source: string;
  readonly location: string;
  readonly obj: any;
}

/** What the routes are read against: the other objects of the input. */
export interface RouteContext extends AttachContext {
  readonly grants?: readonly any[];
  /** a request is handled by the most specific listener that matches it only (default true) */
  readonly listenerIsolation?: boolean;
}

export type Context = RouteContext & { readonly granted?: readonly Grant[] };

interface Entry {
  readonly route: string;
  readonly created?: string;
  readonly rule: number;
  readonly match: number;
  readonly precedence: readonly number[];
  readonly raw: RawRoute;
}

/** The destinations of one match of a rule: its backends, or the redirect it answers with. */
function destinations(
  where: string, rule: { [key: string]: unknown }, filters: Filters, prefix: string | undefined,
  namespace: string, clusterDomain: string, context: Context, mesh: boolean,
): RouteDestination[] {
  const pathChange = (p: Pick<NonNullable<Filters['rewrite']>, 'path'>): PathChange | undefined => {
    if (!p.path) return undefined;
    if (p.path.type === 'ReplaceFullPath') return { full: p.path.value };
    if (prefix === undefined) fail(`${where}.filters`, 'ReplacePrefixMatch needs a PathPrefix match on every match of the rule');
    return { prefix: { matched: prefix, replacement: p.path.value } };
  };
  const mirrors = filters.mirrors.map(m => {
    onlyKeys(m.where, m.ref, ['name', 'namespace', 'port', 'group', 'kind']);
    return { ...readBackendRef(m.where, m.ref, namespace, clusterDomain, context, mesh), percent: m.percent };
  });
  // a mirror the input does not settle: said on every share (its copies change no answer)
  const mirrorNotes = mirrors.flatMap(m => [...(m.unresolved ? [`${m.unresolved.reason}; the mirror's copies are taken as sent`] : []), ...(m.notes ?? [])]);
  const common = {
    ...(mirrors.length ? { mirrors: mirrors.map(({ unresolved, notes, ...b }) => b) } : {}),
    ...(mirrorNotes.length ? { notes: mirrorNotes } : {}),
  };
  if (filters.redirect) {
    const { path, ...redirect } = filters.redirect;
    return [{
      host: '',
      probability: 1,
      weight: 1,
      setHeaders: {},
      addHeaders: {},
      ...common,
      ...(filters.response ? { response: filters.response } : {}),
      redirect: { ...redirect, path: pathChange({ path }) },
    }];
  }
  const refs = optionalList(`${where}.backendRefs`, rule.backendRefs).map((bv, bi) => {
    const w = `${where}.backendRefs[${bi}]`;
    const b = mapping(w, bv);
    onlyKeys(w, b, ['name', 'namespace', 'port', 'weight', 'filters', 'group', 'kind']);
    const own = readFilters(`${w}.filters`, b.filters, true);
    const request = layered(filters.request, own.request)!;
    const response = layered(filters.response, own.response);
    const backend = readBackendRef(w, b, namespace, clusterDomain, context, mesh);
    const notes = [...(backend.notes ?? []), ...(common.notes ?? [])];
    return {
      ...backend,
      weight: b.weight === undefined ? 1 : integer(`${w}.weight`, b.weight, 0, 1_000_000),
      setHeaders: request.set,
      addHeaders: request.add,
      ...common,
      ...(notes.length ? { notes } : {}),
      ...(request.remove.length ? { removeHeaders: request.remove } : {}),
      ...(response ? { response } : {}),
      ...(filters.rewrite ? { rewrite: { hostname: filters.rewrite.hostname, path: pathChange(filters.rewrite) } } : {}),
    };
  });
  const total = refs.reduce((n, b) => n + b.weight, 0);
  if (total === 0) {
    // no backend (a total of 0 too), or every weight 0: the Gateway API answers 500
    const reason = `${where}: the rule has no backend with a weight, so the Gateway API answers 500`;
    return [{ host: '', probability: 1, weight: 1, setHeaders: {}, addHeaders: {}, unresolved: { why: 'none', reason } }];
  }
  return refs.map(b => ({ ...b, probability: b.weight / total }));
}

/** The rules of a route as entries (one per match), without the conditions of where it attaches. */
function readEntries(
  r: HttpRouteSource, md: { [key: string]: unknown }, namespace: string, name: string, spec: { [key: string]: unknown },
  clusterDomain: string, context: Context,
): Entry[] {
  // bound to Services only: a mesh route
  const mesh = Array.isArray(spec.parentRefs) && spec.parentRefs.length > 0 && spec.parentRefs.every((p: any) => p?.kind === 'Service');
  const entries: Entry[] = [];
  list(`${r.source} spec.rules`, spec.rules ?? [{}]).forEach((rv, ri) => {
    const where = `${r.source} rules[${ri}]`;
    const rule = mapping(where, rv);
    onlyKeys(where, rule, ['name', 'matches', 'backendRefs', 'filters', 'timeouts', 'sessionPersistence']);
    const filters = readFilters(`${where}.filters`, rule.filters, false);
    const timeouts = optionalMapping(`${where}.timeouts`, rule.timeouts);
    if (timeouts) onlyKeys(`${where}.timeouts`, timeouts, ['request', 'backendRequest']);
    const runTime = [
      ...(timeouts && Object.keys(timeouts).length
        ? [`${where}.timeouts (${Object.entries(timeouts).map(([k, v]) => `${k} ${String(v)}`).join(', ')}): a backend slower than that gets the request a 504, which only the run time decides`] : []),
      ...(rule.sessionPersistence !== undefined && rule.sessionPersistence !== null
        ? [`${where}.sessionPersistence: a returning client keeps the backend it was given, which only the run time decides; the shares are those of new sessions`] : []),
    ];
    const notes = runTime.length ? runTime : undefined;
    const matches = optionalList(`${where}.matches`, rule.matches);
    (matches.length ? matches : [{}]).forEach((mv, mi) => {
      const read = readMatch(`${where}.matches[${mi}]`, mv);
      const ruleName = optionalText(`${where}.name`, rule.name) ?? `${brief(name)}-rule-${ri + 1}`;
      entries.push({
        route: `${namespace}/${name}`,
        created: optionalText(`${r.source} metadata.creationTimestamp`, md.creationTimestamp),
        rule: ri,
        match: mi,
        precedence: read.precedence,
        raw: {
          name: ruleName,
          matches: [read.block],
          destinations: destinations(where, rule, filters, read.prefix, namespace, clusterDomain, context, mesh),
          where: `${where}.matches[${mi}]`,
          ...(notes ? { notes } : {}),
        },
      });
    });
  });
  return entries;
}


export interface Read {
  readonly r: HttpRouteSource;
  /** `namespace/name` of the route */
  readonly route: string;
  readonly namespace: string;
  readonly entries: readonly Entry[];
  readonly attachment: Attachment;
}

/** Where a request is routed by hostname: one listener (with isolation), or one port of a Gateway (without). */
function scopeOf(a: Attachment, isolation: boolean): Listener | string {
  return isolation ? a.listener! : `${a.parent}:${a.listener!.port}`;
}

/**
 * The entries of one attachment, conditioned on where it attaches: a listener's port and the hostnames the route
 * takes there, less those a more specific hostname of its scope (or, isolated, a more specific listener) takes; a
 * Service's port and callers.
 */
function conditioned(
  read: Read, scopes: ReadonlyMap<Listener | string, ReadonlyArray<string | undefined>>, isolation: boolean, consumers: ReadonlySet<string>,
): Entry[] {
  const a = read.attachment;
  const extra: { -readonly [K in keyof MatchBlock]?: MatchBlock[K] } = {};
  if (a.listener) {
    const l = a.listener;
    const excluded = moreSpecific(a.hostnames, scopes.get(scopeOf(a, isolation))!);
    if (isolation) {
      // the listener's own hostname among them is no more specific than itself: moreSpecific() leaves it out
      const siblings = a.gateway!.listeners.filter(x => x.port === l.port).map(x => x.hostname);
      excluded.push(...moreSpecific([l.hostname], siblings).filter(h => !excluded.includes(h)));
    }
    extra.port = l.port;
    if (excluded.length) extra.notHostnames = excluded.sort();
  } else if (a.serviceNamespace !== undefined) {
    // Stryker disable next-line ConditionalExpression: a port set to undefined is no port; every reader asks port !== undefined
    if (a.port !== undefined) extra.port = a.port;
    if (read.namespace !== a.serviceNamespace) extra.sourceNamespace = read.namespace;
    else if (consumers.size) extra.notSourceNamespaces = [...consumers].sort();
  }
  if (!a.hostnames.includes(undefined)) extra.hostnames = a.hostnames as string[];
  // a redirect keeps the scheme of the listener the request came through (https for HTTPS) unless it names one
  const scheme = a.listener ? (a.listener.protocol === 'HTTPS' ? 'https' : 'http') : undefined;
  const throughTls = (ds: readonly RouteDestination[]) => (scheme
    ? ds.map(d => (d.redirect ? { ...d, redirect: { ...d.redirect, listenerScheme: scheme } } : d)) : ds);
  return read.entries.map(e => ({
    ...e, raw: { ...e.raw, matches: [{ ...e.raw.matches[0], ...extra }], destinations: throughTls(e.raw.destinations) },
  }));
}

/** Whether a block matches every request (then the route lists no match block). */
function isEmpty(b: MatchBlock): boolean {
  return b.headers.length === 0 && b.queryParams.length === 0 && !b.uri && !b.method && !b.authority && b.port === undefined
    && b.sourceNamespace === undefined && !b.notSourceNamespaces && !b.hostnames && !b.notHostnames;
}

/** The context routes are read in, with what the ReferenceGrants read permit. */
export function routeContext(given: RouteContext): Context {
  // Stryker disable next-line ArrayDeclaration: readGrant() reads any placeholder as granting nothing (undefined), which is filtered out
  return { ...given, granted: (given.grants ?? []).map(readGrant).filter((g): g is Grant => g !== undefined) };
}

/**
 * One HTTPRoute: its rules and where it attaches, and the notes on it (added to `notes` only when the whole route
 * is read; a route the simulation refuses throws, naming the field).
 */
export function readHttpRoute(r: HttpRouteSource, clusterDomain: string, context: Context, notes: string[]): Read[] {
  const own: string[] = [];
  const reads: Read[] = [];
  const md = optionalMapping(`${r.source} metadata`, r.obj.metadata) ?? {};
  const namespace = optionalText(`${r.source} metadata.namespace`, md.namespace) ?? 'default';
  const name = text(`${r.source} metadata.name`, md.name);
  const spec = mapping(`${r.source} spec`, r.obj.spec);
  onlyKeys(`${r.source} spec`, spec, ['parentRefs', 'hostnames', 'rules']);
  const hostnames = optionalList(`${r.source} spec.hostnames`, spec.hostnames).map((h, i) => text(`${r.source} spec.hostnames[${i}]`, h).toLowerCase());
  const entries = readEntries(r, md, namespace, name, spec, clusterDomain, context);
  // what the Gateway API refuses whatever the cluster holds, or the simulation cannot answer: said once for the input
  const told = new Set<string>();
  for (const d of entries.flatMap(e => e.raw.destinations)) {
    const u = d.unresolved;
    if (u && (u.why === 'refused' || u.why === 'kind') && !told.has(u.reason)) {
      told.add(u.reason);
      own.push(u.why === 'refused' ? `${u.reason}: with complete, its share of the requests fails with 500` : `${u.reason}: ${u.assumed}`);
    }
  }
  for (const attachment of attachments(r, namespace, hostnames, spec, clusterDomain, context, own)) {
    reads.push({ r, route: `${namespace}/${name}`, namespace, entries, attachment });
  }
  notes.push(...own);
  return reads;
}

/** The route tables of a set of HTTPRoutes: one per parent (a Gateway, a Service), merged and ordered by precedence. */
export function readHttpRoutes(routes: readonly HttpRouteSource[], clusterDomain: string, notes: string[], given: RouteContext = {}): RawTable[] {
  const context = routeContext(given);
  return routeTables(routes.flatMap(r => readHttpRoute(r, clusterDomain, context, notes)), context, notes);
}

/** The tables of the routes read: one per parent, merged and ordered by precedence. */
export function routeTables(reads: readonly Read[], context: RouteContext, notes: string[]): RawTable[] {
  const isolation = context.listenerIsolation ?? true;
  const byParent = new Map<string, Read[]>();
  for (const read of reads) {
    const parts = byParent.get(read.attachment.parent);
    if (parts) parts.push(read);
    else byParent.set(read.attachment.parent, [read]);
  }
  const tables: RawTable[] = [];
  for (const [parent, parts] of byParent) {
    const mesh = parent.startsWith('mesh:');
    const serviceNs = parts[0].attachment.serviceNamespace;
    const consumers = new Set(parts.filter(p => mesh && p.namespace !== serviceNs).map(p => p.namespace));
    const scopes = new Map<Listener | string, Array<string | undefined>>();
    for (const p of parts.filter(x => x.attachment.listener)) {
      const key = scopeOf(p.attachment, isolation);
      scopes.set(key, [...(scopes.get(key) ?? []), ...p.attachment.hostnames]);
    }
    const entries = parts.flatMap(p => conditioned(p, scopes, isolation, consumers));
    const sources = [...new Set(parts.map(p => p.r))];
    // a route with no rules (`rules: []`) is attached and routes nothing
    const names = [...new Set(parts.map(p => p.route))];
    const tableNotes: string[] = [];
    if (names.length > 1 && entries.some(e => e.created === undefined)) {
      // Stryker disable next-line Regex: every parent starts with mesh: or gateway:, so the first occurrence is at the start
      tableNotes.push(`${parent.replace(/^(mesh|gateway):/, '')}: HTTPRoutes ${names.join(', ')} merge; between equally specific matches the oldest route wins, and without creation times the simulation takes them by namespace/name`);
    }
    const listeners = parts[0].attachment.gateway?.listeners;
    if (isolation && listeners?.some(l => listeners.some(o => o !== l && o.port === l.port && covers(o.hostname, l.hostname)))) {
      tableNotes.push(`${parent.slice('gateway:'.length)}: listener isolation (GatewayHTTPListenerIsolation) applies: a request is handled only by the most specific listener whose hostname matches it`);
    }
    notes.push(...tableNotes);
    const missing = parts[0].attachment.missing;
    const ordered = [...entries].sort((a, b) => {
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
    const [first] = sources;
    const [ns, name] = names[0].split('/');
    const hostnames = new Set(parts.flatMap(p => p.attachment.hostnames));
    tables.push({
      source: sources.length === 1 ? first.source : `${first.source} (merged with ${sources.length - 1} more)`,
      location: first.location,
      name,
      namespace: ns,
      gateways: mesh ? [] : [parent.slice('gateway:'.length)],
      mesh,
      hosts: mesh ? [parent.slice('mesh:'.length)] : (hostnames.has(undefined) ? ['*'] : [...hostnames as Set<string>].sort()),
      routes: ordered.map(e => (isEmpty(e.raw.matches[0]) ? { ...e.raw, matches: [] } : e.raw)),
      ...(tableNotes.length ? { notes: tableNotes } : {}),
      gatewayApi: true,
      ...(missing ? { missingParent: `Gateway ${missing}` } : {}),
      ...(mesh ? { attachedOnly: true } : {}),
    });
  }
  return tables;
}
