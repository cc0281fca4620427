/**
 * The lane simulation engine: Istio semantics on route tables. Rules in order, first match wins; a rule's
 * destinations share its requests by weight; a destination whose subset has no healthy endpoints sends its
 * share to its ASM fallback, if any, else the share fails (503). Every outcome says why. Pure functions.
 */
import { attachedFor, firstMatch } from './matcher';
import { Backend, meshTableFor, Mesh, Redirect, RouteDestination, RouteTable, SubsetLabels } from './mesh';
import { changedPath, forward, hostOf, namespaceOf, Request, sentTo } from './request';

/**
 * Which subsets have no healthy endpoints: those named unhealthy (`s3`, or `host/s3`), and subsets that no
 * DestinationRule defines for a host whose DestinationRules are known.
 */
export interface Health {
  readonly unhealthy: ReadonlySet<string>;
  readonly subsets: SubsetLabels;
  /** the input holds every object of the cluster: what it lacks does not exist */
  readonly complete?: boolean;
}

function subsetName(b: Backend): string {
  return `subset ${JSON.stringify(b.subset)} of ${b.host}`;
}

/** Why `b` has no healthy endpoints, or undefined when it has. */
export function unavailable(health: Health, b: Backend): string | undefined {
  if (b.subset === undefined) return undefined;
  if (health.unhealthy.has(b.subset) || health.unhealthy.has(`${b.host}/${b.subset}`)) return `${subsetName(b)} is marked unhealthy`;
  const defined = health.subsets.get(b.host);
  if (defined !== undefined && !defined.has(b.subset)) return `no DestinationRule defines ${subsetName(b)}`;
  if (defined === undefined && health.complete) return `no DestinationRule defines ${subsetName(b)} (the input is complete, and none was read for ${b.host})`;
  return undefined;
}

export interface Outcome {
  readonly destination: RouteDestination;
  /** what serves the share: the destination, its fallback, or undefined (503) */
  readonly served?: Backend;
  readonly viaFallback: boolean;
  readonly probability: number;
  /** why the destination has no healthy endpoints, and why its fallback has none either */
  readonly down?: string;
  readonly fallbackDown?: string;
  /**
   * The status the caller gets: 200 served, a redirect's 3xx, 500 for a backend that cannot be used, 503 for no
   * healthy endpoints; undefined when the answer is unknown (a backend kind the simulation does not model).
   */
  readonly status?: number;
  /** a redirect's Location */
  readonly location?: string;
  /** what this share's answer rests on that the input does not settle */
  readonly notes: readonly string[];
}

const DEFAULT_PORTS: { readonly [scheme: string]: number } = { http: 80, https: 443 };

/** The Location of a redirect from `req` (Gateway API RequestRedirect: the port follows a new scheme, default ports left out). */
export function redirectLocation(r: Redirect, req: Request): string {
  const scheme = r.scheme ?? r.listenerScheme ?? req.scheme;
  // Stryker disable next-line ConditionalExpression: without a scheme, DEFAULT_PORTS[undefined] is undefined and req.port is taken either way
  const port = r.port ?? (r.scheme !== undefined ? DEFAULT_PORTS[r.scheme] ?? req.port : req.port);
  const host = r.hostname ?? hostOf(req.authority) ?? '';
  const path = r.path ? changedPath(req.path, r.path) : req.path;
  const query = req.rawPath.slice(req.path.length);
  return `${scheme}://${host}${port === undefined || port === DEFAULT_PORTS[scheme] ? '' : `:${port}`}${path}${query}`;
}

/** The outcome of a destination the input does not settle, or undefined when it does. */
function unresolvedOutcome(d: RouteDestination, health: Health): Outcome | undefined {
  const u = d.unresolved;
  if (!u) return undefined;
  const base = { destination: d, viaFallback: false, probability: d.probability };
  if (u.why === 'none') return { ...base, status: 500, down: u.reason, notes: [] };
  if (health.complete) return { ...base, status: 500, down: `${u.reason}; the input is complete, so the share fails`, notes: [] };
  if (u.why === 'kind') return { ...base, served: d, notes: [`${u.reason}: ${u.assumed}`] };
  return undefined;
}

export interface Decision {
  readonly table: RouteTable;
  /** index of the matched route; -1 when no route matches (Istio answers 404) */
  readonly routeIndex: number;
  readonly outcomes: readonly Outcome[];
}

/** Why a share went where it went: the rule and weight, the fallback, or why it failed (written only when asked for). */
export function reasonOf(table: RouteTable, routeIndex: number, o: Outcome): string {
  const route = table.routes[routeIndex];
  const rule = route.name !== undefined ? `rule ${JSON.stringify(route.name)}` : `rule ${routeIndex + 1}`;
  const live = route.destinations.filter(x => x.probability > 0);
  const total = route.destinations.reduce((sum, x) => sum + (x.weight ?? 0), 0);
  const why = live.length === 1 ? `${rule} matched` : `${rule} matched, weight ${o.destination.weight ?? 0} of ${total}`;
  if (o.location !== undefined) return `${why}: redirect ${o.status} to ${o.location}`;
  if (o.status === 500) return `${why}; ${o.down} (500)`;
  if (o.down === undefined) return why;
  const fallback = o.destination.fallback;
  if (o.viaFallback) return `${why}; ${o.down}, so the fallback ${subsetName(fallback!)} serves it`;
  return `${why}; ${o.down} ${fallback ? `and its fallback: ${o.fallbackDown}` : 'and it has no fallback'} (503)`;
}

/** Where one request goes through one VirtualService. */
export function decide(table: RouteTable, req: Request, health: Health): Decision {
  const routeIndex = firstMatch(table.routes, req);
  if (routeIndex < 0) return { table, routeIndex, outcomes: [] };
  const outcomes: Outcome[] = [];
  for (const d of table.routes[routeIndex].destinations) {
    if (d.probability === 0) continue; // Istio skips 0-weight destinations
    if (d.redirect) {
      const location = redirectLocation(d.redirect, req);
      const notes = [...(d.notes ?? [])];
      outcomes.push({ destination: d, viaFallback: false, probability: d.probability, status: d.redirect.statusCode, location, notes });
      continue;
    }
    const unresolved = unresolvedOutcome(d, health);
    if (unresolved) {
      outcomes.push(unresolved);
      continue;
    }
    // a reference the input does not settle, taken as if it held: said in a note
    const notes = [...(d.notes ?? []), ...(d.unresolved ? [`${d.unresolved.reason}; ${d.unresolved.assumed} (with complete, the share fails with 500)`] : [])];
    const down = unavailable(health, d);
    if (down === undefined) {
      outcomes.push({ destination: d, served: d, viaFallback: false, probability: d.probability, status: 200, notes });
      continue;
    }
    const fallbackDown = d.fallback ? unavailable(health, d.fallback) : undefined;
    if (d.fallback && fallbackDown === undefined) {
      outcomes.push({ destination: d, served: d.fallback, viaFallback: true, probability: d.probability, down, status: 200, notes });
    } else {
      outcomes.push({ destination: d, viaFallback: false, probability: d.probability, down, fallbackDown, status: 503, notes });
    }
  }
  return { table, routeIndex, outcomes };
}

/** One service of a chain path, as the engine sees it. */
export interface Step {
  readonly host: string;
  readonly table?: RouteTable;
  readonly rule?: string;
  readonly outcome?: Outcome;
  readonly failed: boolean;
  readonly reason: string;
  /** the request as it leaves this hop (the headers the destination set) */
  readonly request: Request;
  /** the request as it reached this hop's table */
  readonly received?: Request;
  /** share of the requests reaching this hop that take this way */
  readonly probability: number;
}

export interface ChainPath {
  readonly steps: readonly Step[];
  readonly probability: number;
}

const PORTS = new WeakMap<RouteTable, number[]>();

/** The ports a table's matches name (kept per table: a table is immutable). */
export function portsOf(table: RouteTable): number[] {
  let ports = PORTS.get(table);
  // Stryker disable next-line ConditionalExpression: the cache only saves time; the ports computed again are the same
  if (!ports) {
    const out = new Set<number>();
    for (const r of table.routes) for (const m of r.matches) if (m.port !== undefined) out.add(m.port);
    ports = [...out].sort((a, b) => a - b);
    PORTS.set(table, ports);
  }
  return ports;
}

/** The request with its port settled: as given, else the only port the table routes, else the scheme's. */
export function withPort(table: RouteTable, req: Request): Request {
  if (req.port !== undefined) return req;
  const ports = portsOf(table);
  return { ...req, port: ports.length === 1 ? ports[0] : DEFAULT_PORTS[req.scheme] ?? 80 };
}

/** Labels of the pods behind a backend, when a DestinationRule defines its subset. */
export function labelsOf(mesh: Mesh, b: Backend | undefined): { readonly [key: string]: string } | undefined {
  return b?.subset !== undefined ? mesh.subsets.get(b.host)?.get(b.subset) : undefined;
}

/**
 * Follows a request along a call chain: the entry table routes the first call; each later call leaves from
 * the pod that served the previous one, with the headers its destination set (permissive lanes: the routing
 * header travels with the trace) and that pod's labels (strict lanes), and is routed by the callee's sidecar
 * VirtualService, if it has one.
 */
export function simulateChain(mesh: Mesh, entry: RouteTable | undefined, services: readonly string[], req: Request, health: Health): ChainPath[] {
  const paths: ChainPath[] = [];
  const walk = (table: RouteTable | undefined, index: number, request: Request, steps: Step[], probability: number) => {
    const host = services[index];
    const next = (step: Step) => {
      const all = [...steps, step];
      const p = probability * step.probability;
      // a failure or a redirect answers the caller: the chain ends there
      if (step.failed || step.outcome?.location !== undefined || index + 1 >= services.length) paths.push({ steps: all, probability: p });
      else walk(meshTableFor(mesh, services[index + 1]), index + 1, sentTo(step.request, services[index + 1]), all, p);
    };
    if (!table || !attachedFor(table, withPort(table, request))) {
      const reason = table ? `no HTTPRoute of ${table.source} is attached for this request's port and caller: any endpoint of ${host} serves it` : `no VirtualService routes ${host}: any of its endpoints serves it`;
      const request2 = forward(request, { setHeaders: {}, addHeaders: {} }, undefined, namespaceOf(host));
      next({ host, failed: false, reason, request: request2, probability: 1 });
      return;
    }
    const received = withPort(table, request);
    // a call that names no port, to a Service whose routes take several: the port taken is said
    const ports = portsOf(table);
    const guessed = request.port === undefined && ports.length > 1
      ? [`${table.source}: the call to ${host} names no port, and its routes take ports ${ports.join(', ')}: taken as port ${received.port}`] : [];
    const decision = decide(table, received, health);
    if (decision.routeIndex < 0) {
      next({ host, table, failed: true, reason: `no rule of ${table.source} matches the request (404)`, request, probability: 1 });
      return;
    }
    const rule = table.routes[decision.routeIndex].name;
    for (const decided of decision.outcomes) {
      const o = guessed.length ? { ...decided, notes: [...guessed, ...decided.notes] } : decided;
      // Stryker disable next-line EqualityOperator: no answer of the simulation is a 400 (they are 200, 3xx, 404, 500, 503)
      const failed = (o.status ?? 0) >= 400; // an unknown answer (no status) is no failure
      const carried = forward(request, o.destination, labelsOf(mesh, o.served), o.served ? namespaceOf(o.served.host) : undefined);
      const served = o.served?.host ?? o.destination.host;
      const reason = reasonOf(table, decision.routeIndex, o);
      next({ host: served, table, rule, outcome: o, failed, reason, request: carried, received, probability: o.probability });
    }
  };
  walk(entry, 0, req, [], 1);
  return paths;
}
