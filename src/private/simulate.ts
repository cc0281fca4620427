/**
 * The lane simulation engine: Istio semantics on route tables. Rules in order, first match wins; a
 * rule's destinations share its requests by weight; a destination whose lane has no healthy endpoints
 * sends its share to its ASM fallback, if any, else the share fails (503). Pure functions.
 */
import { firstMatch, Mesh, Request, RouteTable, SubsetLabels } from './route-table';

export interface Outcome {
  readonly host: string;
  /** the lane (subset) the rule chose */
  readonly lane?: string;
  /** the lane that serves the request after fallback; undefined: no healthy endpoints */
  readonly servingLane?: string;
  readonly servingHost?: string;
  readonly viaFallback: boolean;
  readonly probability: number;
  /** headers the destination sets on the request (what the next hop sees) */
  readonly setHeaders: { readonly [name: string]: string };
}

export interface Decision {
  readonly table: RouteTable;
  /** index of the matched route; -1 when no route matches (Istio answers 404) */
  readonly routeIndex: number;
  readonly outcomes: readonly Outcome[];
}

/**
 * Which lanes have no healthy endpoints: those named unhealthy (`s3`, or `host/s3`), and subsets that
 * no DestinationRule defines for a host whose DestinationRules are known.
 */
export interface Health {
  readonly unhealthy: ReadonlySet<string>;
  readonly subsets?: SubsetLabels;
}

function down(health: Health, host: string, subset: string | undefined): boolean {
  if (subset === undefined) return false;
  if (health.unhealthy.has(subset) || health.unhealthy.has(`${host}/${subset}`)) return true;
  const defined = health.subsets?.get(host);
  return defined !== undefined && !defined.has(subset);
}

/** Where one request goes through one VirtualService. */
export function decide(table: RouteTable, req: Request, health: Health): Decision {
  const routeIndex = firstMatch(table, req);
  if (routeIndex < 0) return { table, routeIndex, outcomes: [] };
  const outcomes: Outcome[] = [];
  for (const d of table.routes[routeIndex].destinations) {
    if (d.probability === 0) continue; // Istio skips 0-weight destinations
    let servingLane = d.subset;
    let servingHost: string | undefined = d.host;
    let viaFallback = false;
    if (down(health, d.host, d.subset)) {
      if (d.fallback && !down(health, d.fallback.host, d.fallback.subset)) {
        servingLane = d.fallback.subset;
        servingHost = d.fallback.host;
        viaFallback = true;
      } else {
        servingLane = undefined;
        servingHost = undefined;
      }
    }
    outcomes.push({ host: d.host, lane: d.subset, servingLane, servingHost, viaFallback, probability: d.probability, setHeaders: d.setHeaders });
  }
  return { table, routeIndex, outcomes };
}

export interface Hop {
  readonly host: string;
  /** the VirtualService that routed this hop; undefined: none, any endpoint of the host */
  readonly table?: RouteTable;
  readonly rule?: string;
  readonly lane?: string;
  readonly servingLane?: string;
  readonly viaFallback: boolean;
  /** true when the request failed here (no route matched, or no healthy endpoints) */
  readonly failed: boolean;
}

export interface ChainPath {
  readonly hops: readonly Hop[];
  readonly probability: number;
}

/** The sidecar (mesh) VirtualService for `host`, if any. */
export function meshTableFor(mesh: Mesh, host: string): RouteTable | undefined {
  return mesh.tables.find(t => t.gateways.length === 0 && t.hosts.includes(host));
}

/**
 * Follows a request along a call chain: the entry table routes to the first service; each later
 * service is called with the headers the previous hop set (permissive lanes: the routing header is
 * carried along the trace) and routed by its sidecar VirtualService, if it has one.
 */
export function simulateChain(mesh: Mesh, entry: RouteTable, services: readonly string[], req: Request, health: Health): ChainPath[] {
  const paths: ChainPath[] = [];
  const walk = (table: RouteTable | undefined, index: number, request: Request, hops: Hop[], probability: number) => {
    const host = services[index];
    if (!table) {
      const next = [...hops, { host, viaFallback: false, failed: false }];
      if (index + 1 < services.length) walk(meshTableFor(mesh, services[index + 1]), index + 1, request, next, probability);
      else paths.push({ hops: next, probability });
      return;
    }
    const decision = decide(table, request, health);
    const rule = decision.routeIndex >= 0 ? table.routes[decision.routeIndex].name : undefined;
    if (decision.outcomes.length === 0) {
      paths.push({ hops: [...hops, { host, table, rule, viaFallback: false, failed: true }], probability });
      return;
    }
    for (const o of decision.outcomes) {
      const hop: Hop = {
        host: o.servingHost ?? o.host,
        table,
        rule,
        lane: o.lane,
        servingLane: o.servingLane,
        viaFallback: o.viaFallback,
        failed: o.servingLane === undefined && o.lane !== undefined,
      };
      const next = [...hops, hop];
      if (hop.failed || index + 1 >= services.length) {
        paths.push({ hops: next, probability: probability * o.probability });
      } else {
        // the next call leaves from the serving pod: it carries the headers set here and the pod's labels
        const sourceLabels = o.servingLane !== undefined ? mesh.subsets.get(o.servingHost ?? o.host)?.get(o.servingLane) : undefined;
        const carried: Request = { ...request, headers: { ...request.headers, ...o.setHeaders }, sourceLabels };
        walk(meshTableFor(mesh, services[index + 1]), index + 1, carried, next, probability * o.probability);
      }
    }
  };
  walk(entry, 0, req, [], 1);
  return paths;
}
