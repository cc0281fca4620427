/**
 * The simulator's answers: an engine outcome or chain step as a `Hop`, a chain path as a `ChainPathResult`
 * with its trace, and the lane marker each hop carries on (a routing header, or an entry of the baggage header).
 */
import { ChainPath, labelsOf, Outcome, reasonOf, Step } from './engine';
import { Mesh, RouteDestination, RouteTable, workloadsOf, workloadsUntold } from './mesh';
import { baggageEntry, changedPath, edited, hostOf, Request } from './request';
import type { ChainPathResult, ForwardedRequest, Hop, LaneMarker, SimulationOptions } from '../../simulation';
import { BAGGAGE_HEADER, isBaggageKey, parseBaggageEntryPattern } from '../model/marker';
import { DEFAULT_ROUTING_HEADER } from '../model/types';
import { labelText, list, show } from '../validation/values';

/** What carries the lane: a routing header, or an entry of the baggage header. */
export interface Marker {
  readonly header: string;
  readonly baggageKey?: string;
}

/** The marker the options name, checked against the baggage keys the routes use. */
export function markerOf(options: Pick<SimulationOptions, 'routingHeader' | 'baggageKey'>, baggageKeys: () => readonly string[]): Marker {
  const key = options.baggageKey;
  if (key !== undefined) {
    if (options.routingHeader !== undefined) throw new Error('give routingHeader or baggageKey, not both: the lane is carried in one of them');
    if (!isBaggageKey(key)) throw new Error(`baggageKey ${show(key)} is not a W3C baggage key: 1 to 64 letters, digits or !#$%&'*+-.^_|~`);
    const keys = baggageKeys();
    if (!keys.includes(key)) throw new Error(`baggageKey ${show(key)}: no route adds or matches a baggage entry with it (keys: ${list(keys)})`);
  }
  return { header: (options.routingHeader ?? DEFAULT_ROUTING_HEADER).toLowerCase(), baggageKey: key };
}

/** The lane marker a request carries: the routing header's value, or its baggage entry's. */
function laneMarker(m: Marker, req: Request): LaneMarker {
  if (m.baggageKey !== undefined) return { header: BAGGAGE_HEADER, value: baggageEntry(req.headers[BAGGAGE_HEADER], m.baggageKey) };
  return { header: m.header, value: Object.prototype.hasOwnProperty.call(req.headers, m.header) ? req.headers[m.header] : undefined };
}

/**
 * The lane of a rule that matches a lane's baggage entry (`key=<lane>`, as Propagation.baggage() renders it);
 * with several entries for the key, the first such rule in order decides, as it does in Envoy.
 */
function entryLane(route: RouteTable['routes'][number], key: string): string | undefined {
  for (const m of route.matches) {
    for (const h of m.headers) {
      if (h.name !== BAGGAGE_HEADER || h.absent || h.match?.kind !== 'regex') continue;
      const entry = parseBaggageEntryPattern(h.match.value);
      if (entry?.key === key) return entry.value;
    }
  }
  return undefined;
}

/** The lane a destination marks a request with: the routing header it sets, or the baggage entry it adds. */
function marks(m: Marker, d: RouteDestination): string | undefined {
  if (m.baggageKey !== undefined) return baggageEntry(d.addHeaders[BAGGAGE_HEADER], m.baggageKey);
  return Object.prototype.hasOwnProperty.call(d.setHeaders, m.header) ? d.setHeaders[m.header] : undefined;
}

/** The request as the backend of `d` receives it: headers edited, host and path rewritten (none: as it is). */
export function forwardedRequest(req: Request, d: RouteDestination = NO_EDIT): ForwardedRequest {
  const path = d.rewrite?.path ? changedPath(req.path, d.rewrite.path) + req.rawPath.slice(req.path.length) : req.rawPath;
  const headers = { ...edited(req.headers, d) };
  // the authority is the Host header of HTTP/1.1: a modifier that sets Host, or a rewrite, changes both
  let authority = d.setHeaders.host ?? req.authority;
  if (d.rewrite?.hostname !== undefined) {
    authority = d.rewrite.hostname;
    if (headers.host !== undefined) headers.host = authority;
  }
  return { ...(authority !== undefined ? { authority } : {}), path, headers };
}

const NO_EDIT: RouteDestination = { host: '', probability: 1, setHeaders: {}, addHeaders: {} };

/**
 * A hop for one outcome of a decision; `req` is the request as it reached the route table (`arrived` true), or as
 * it leaves it (a chain step: the destination's edits already made).
 */
export function hopOf(mesh: Mesh, table: RouteTable, routeIndex: number, o: Outcome, header: Marker, req: Request, arrived = true): Hop {
  const d = o.destination;
  const route = table.routes[routeIndex];
  const labels = labelsOf(mesh, o.served);
  const workloads = workloadsOf(mesh, o.served, labels);
  const leaving = arrived ? { ...req, headers: edited(req.headers, d) } : req;
  // a lane in baggage stays in the request (sidecars only match it): the lane whose entry the rule matched
  const set = marks(header, d) ?? (header.baggageKey !== undefined ? entryLane(route, header.baggageKey) : undefined);
  const untold = workloadsUntold(mesh, o.served);
  const notes = [...new Set([...(table.notes ?? []), ...(route.notes ?? []), ...o.notes, ...(untold ? [untold] : [])])];
  // Stryker disable next-line EqualityOperator: no answer of the simulation is a 400 (they are 200, 3xx, 404, 500, 503)
  const failed = (o.status ?? 0) >= 400; // an unknown answer (no status) is no failure
  const marker = laneMarker(header, leaving);
  return {
    host: d.redirect ? hostOf(req.authority) ?? '' : d.host,
    virtualService: table.source,
    rule: route.name,
    lane: set ?? d.subset,
    backend: o.served ? { host: o.served.host, subset: o.served.subset, port: o.served.port } : undefined,
    viaFallback: o.viaFallback,
    failed,
    ...(o.status !== undefined ? { status: o.status } : {}),
    ...(o.location !== undefined ? { location: o.location } : {}),
    ...(o.served && arrived ? { request: forwardedRequest(req, d) } : {}),
    ...(d.response && !failed ? { responseHeaders: { set: { ...d.response.set }, add: { ...d.response.add }, remove: [...d.response.remove] } } : {}),
    ...(d.mirrors ? { mirroredTo: d.mirrors.map(m => ({ backend: { host: m.host, port: m.port }, percent: m.percent })) } : {}),
    probability: o.probability,
    marker: { header: marker.header, value: set ?? marker.value },
    reason: reasonOf(table, routeIndex, o),
    labels: labels ? { ...labels } : undefined,
    ...(workloads ? { workloads } : {}),
    ...(notes.length ? { notes } : {}),
  };
}

function stepHop(mesh: Mesh, s: Step, header: Marker): Hop {
  if (s.outcome && s.table) {
    const index = s.table.routes.findIndex(r => r.destinations.includes(s.outcome!.destination));
    // Stryker disable next-line ConditionalExpression: simulateChain() gives every step with an outcome the request it received
    return hopOf(mesh, s.table, index, s.outcome, header, s.received ?? s.request, s.received !== undefined);
  }
  return {
    host: s.host,
    virtualService: s.table?.source,
    rule: s.rule,
    viaFallback: false,
    failed: s.failed,
    status: s.failed ? 404 : 200,
    ...(s.failed ? {} : { request: forwardedRequest(s.request) }),
    probability: s.probability,
    marker: laneMarker(header, s.request),
    reason: s.reason,
  };
}

/** A chain path with its hops and its trace in the notation of ASM's permissive-lane scenario. */
export function pathResult(mesh: Mesh, p: ChainPath, header: Marker): ChainPathResult {
  const hops: Hop[] = [];
  const trace: string[] = [];
  for (const s of p.steps) {
    const hop = stepHop(mesh, s, header);
    hops.push(hop);
    const name = hop.host.split('.')[0];
    if (hop.failed) {trace.push(`${name}(${hop.status})`);} else if (hop.location !== undefined) {trace.push(`${name}(${hop.status} to ${hop.location})`);} else if (hop.status === undefined) {trace.push(`${name}(unknown)`);} else if (!hop.backend?.subset) {trace.push(`${name}(any)`);} else {
      const what = hop.labels ? labelText(hop.labels) : `subset ${hop.backend.subset}`;
      trace.push(`${name}(${what}${hop.viaFallback ? `, fallback from ${s.outcome!.destination.subset}` : ''})`);
    }
  }
  return { hops, probability: p.probability, trace: trace.join(' -> ') };
}
