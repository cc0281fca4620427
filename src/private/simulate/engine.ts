/**
 * The lane simulation engine: Istio semantics on route tables. Rules in order, first match wins; a rule's
 * destinations share its requests by weight; a destination whose subset has no healthy endpoints sends its
 * share to its ASM fallback, if any, else the share fails (503). Every outcome says why. Pure functions.
 */
import { firstMatch } from './matcher';
import { Backend, meshTableFor, Mesh, RouteDestination, RouteTable, SubsetLabels } from './mesh';
import { forward, Request, sentTo } from './request';

/**
 * Which subsets have no healthy endpoints: those named unhealthy (`s3`, or `host/s3`), and subsets that no
 * DestinationRule defines for a host whose DestinationRules are known.
 */
export interface Health {
  readonly unhealthy: ReadonlySet<string>;
  readonly subsets: SubsetLabels;
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
    const down = unavailable(health, d);
    if (down === undefined) {
      outcomes.push({ destination: d, served: d, viaFallback: false, probability: d.probability });
      continue;
    }
    const fallbackDown = d.fallback ? unavailable(health, d.fallback) : undefined;
    if (d.fallback && fallbackDown === undefined) {
      outcomes.push({ destination: d, served: d.fallback, viaFallback: true, probability: d.probability, down });
    } else {
      outcomes.push({ destination: d, viaFallback: false, probability: d.probability, down, fallbackDown });
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
  /** share of the requests reaching this hop that take this way */
  readonly probability: number;
}

export interface ChainPath {
  readonly steps: readonly Step[];
  readonly probability: number;
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
      if (step.failed || index + 1 >= services.length) paths.push({ steps: all, probability: p });
      else walk(meshTableFor(mesh, services[index + 1]), index + 1, sentTo(step.request, services[index + 1]), all, p);
    };
    if (!table) {
      const reason = `no VirtualService routes ${host}: any of its endpoints serves it`;
      next({ host, failed: false, reason, request: forward(request, {}, {}, undefined), probability: 1 });
      return;
    }
    const decision = decide(table, request, health);
    if (decision.routeIndex < 0) {
      next({ host, table, failed: true, reason: `no rule of ${table.source} matches the request (404)`, request, probability: 1 });
      return;
    }
    const rule = table.routes[decision.routeIndex].name;
    for (const o of decision.outcomes) {
      const failed = o.served === undefined;
      const carried = forward(request, o.destination.setHeaders, o.destination.addHeaders, labelsOf(mesh, o.served));
      const served = o.served?.host ?? o.destination.host;
      const reason = reasonOf(table, decision.routeIndex, o);
      next({ host: served, table, rule, outcome: o, failed, reason, request: carried, probability: o.probability });
    }
  };
  walk(entry, 0, req, [], 1);
  return paths;
}
