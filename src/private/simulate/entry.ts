/**
 * Where a simulation enters the mesh and what it takes as given: the entry table (by gateway, by host, or the
 * only candidate), short host names resolved to the one known host they begin, and the unhealthy lanes.
 */
import { Health } from './engine';
import { hostsOf, Mesh, RouteTable } from './mesh';
import { Request } from './request';
import { forwardedRequest, Marker } from './results';
import type { SimulationOptions, SimulationResult } from '../../simulation';
import { list, show } from '../validation/values';

/** A host as given, or a short name (`mockb`) that names exactly one known host. */
export function resolveHost(mesh: Mesh, name: string): string {
  const known = hostsOf(mesh);
  for (const host of mesh.services?.keys() ?? []) known.add(host);
  if (known.has(name)) return name;
  const hits = [...known].filter(h => h.split('.')[0] === name);
  if (hits.length === 1) return hits[0];
  throw new Error(hits.length
    ? `service ${show(name)} is ambiguous: ${list(hits)}`
    : `service ${show(name)} is not routed by any VirtualService read (known hosts: ${list([...known].filter(h => h !== '*'))})`);
}

/** The unhealthy subsets, each a known subset (`s3`) or a known subset of a known host (`host/s3`). */
export function healthOf(mesh: Mesh, known: readonly string[], options: SimulationOptions): Health {
  const unhealthy = new Set<string>();
  for (const entry of options.unhealthyLanes ?? []) {
    const slash = entry.lastIndexOf('/');
    const subset = entry.slice(slash + 1); // without a slash (-1): the whole entry
    if (!known.includes(subset)) {
      throw new Error(`unhealthyLanes: ${show(entry)} names no subset of the VirtualServices and DestinationRules read (subsets: ${list(known)})`);
    }
    unhealthy.add(slash >= 0 ? `${resolveHost(mesh, entry.slice(0, slash))}/${subset}` : subset);
  }
  return { unhealthy, subsets: mesh.subsets };
}

/** The entry table: by gateway, by host, else the only gateway-bound one, else the chain's first host's or the only one. */
export function entryTable(mesh: Mesh, options: SimulationOptions, firstHost: string | undefined): RouteTable {
  if (options.gateway !== undefined && options.host !== undefined) throw new Error('give gateway or host, not both');
  // with a complete input, a route bound to a Gateway that was not read is attached nowhere
  const tables = options.complete ? mesh.tables.filter(t => t.missingParent === undefined) : mesh.tables;
  const gatewayBound = tables.filter(t => t.gateways.length > 0);
  const host = options.host !== undefined ? resolveHost(mesh, options.host) : (gatewayBound.length === 0 ? firstHost : undefined);
  let candidates: RouteTable[];
  let what: string;
  if (options.gateway !== undefined) {
    candidates = tables.filter(t => t.gateways.includes(options.gateway!));
    what = ` bound to gateway ${show(options.gateway)}`;
  } else if (host !== undefined) {
    candidates = tables.filter(t => t.mesh && t.hosts.includes(host));
    what = ` for sidecars of host ${host}`;
  } else {
    candidates = gatewayBound.length > 0 ? gatewayBound : [...tables];
    what = gatewayBound.length > 0 ? ' bound to a gateway' : '';
  }
  if (candidates.length === 1) return candidates[0];
  const described = (ts: readonly RouteTable[]) => ts.map(t => `${t.source} (${[...(t.gateways.length ? [`gateways: ${list(t.gateways)}`] : []), ...(t.mesh ? [`mesh, hosts: ${list(t.hosts)}`] : [])].join('; ')})`).join('; ');
  const found = described(tables);
  // the tables left out: those of a parent not read, with a complete input
  const unattached = mesh.tables.filter(t => !tables.includes(t) && (options.gateway === undefined || t.gateways.includes(options.gateway)));
  const missing = unattached.length ? ` (the input is complete, and ${list(unattached.map(t => `${t.source}'s ${t.missingParent}`))} was not read, so those routes are attached nowhere)` : '';
  if (candidates.length === 0) throw new Error(`no VirtualService${what}${missing}; found: ${found}`);
  throw new Error(`${candidates.length} VirtualServices${what}: ${howToChoose(candidates, options)}; they are: ${described(candidates)}`);
}

/** The file a table was read from (its source before `: Kind`), if any. */
function fileOf(t: RouteTable): string | undefined {
  return /(.+?): (?:VirtualService|HTTPRoute|ASMSwimLaneGroup) /.exec(t.source)?.[1];
}

/**
 * How to choose among tables that all take a request: a gateway only when they are bound to different ones, a host;
 * and, when they come from files in different directories (one app per target, say), one directory.
 */
function howToChoose(candidates: readonly RouteTable[], options: SimulationOptions): string {
  const gateways = new Set(candidates.map(t => JSON.stringify(t.gateways)));
  const ways = [...(options.gateway === undefined && gateways.size > 1 ? ['a gateway (namespace/name)'] : []), 'a host'];
  const dirs = [...new Set(candidates.map(fileOf).map(f => (f === undefined ? undefined : f.includes('/') ? f.slice(0, f.lastIndexOf('/')) : '.')))];
  const apart = dirs.length > 1 && !dirs.includes(undefined) ? `, or read one directory: they come from ${list(dirs as string[])} (one app each?)` : '';
  return `choose one with ${ways.join(' or ')}${apart}`;
}

/** The sidecar table of `options.host`, or undefined when a known host has none (its Service serves it); else as entryTable. */
export function entryTableOrNone(mesh: Mesh, options: SimulationOptions): RouteTable | undefined {
  const host = resolveHost(mesh, options.host!);
  if (!mesh.tables.some(t => t.mesh && t.hosts.includes(host))) return undefined;
  return entryTable(mesh, options, undefined);
}

/** What every answer through `table` rests on: its own notes, and a Gateway the input lacks. */
export function tableNotes(table: RouteTable, options: SimulationOptions): string[] {
  const notes = [...(table.notes ?? [])];
  if (table.missingParent !== undefined && !options.complete) {
    notes.push(`${table.source}: ${table.missingParent} was not read; its routes are taken as attached to a listener that takes every request (with complete, they are attached nowhere)`);
  }
  return notes;
}

/** The answer for a host no route table routes: any endpoint of its Service serves the request. */
export function serviceItself(mesh: Mesh, host: string, req: Request, header: Marker, why = `no route table routes ${host}`): SimulationResult {
  const value = Object.prototype.hasOwnProperty.call(req.headers, header.header) ? req.headers[header.header] : undefined;
  const port = req.port ?? mesh.services?.get(host)?.ports[0] ?? 80;
  return {
    matched: true,
    status: 200,
    port,
    notes: [],
    outcomes: [{
      host,
      backend: { host },
      viaFallback: false,
      failed: false,
      status: 200,
      probability: 1,
      marker: { header: header.header, value },
      reason: `${why}: any endpoint of the Service ${host} serves the request`,
      request: forwardedRequest(req),
    }],
    laneProbabilities: {},
    subsetProbabilities: {},
    unavailableProbability: 0,
  };
}

/**
 * The caller's namespace of a request entering through `table`: the option's, for a call inside the mesh; a
 * request through a gateway comes from outside, and naming a namespace for it is an error.
 */
export function callerNamespace(table: RouteTable | undefined, options: SimulationOptions): string | undefined {
  const ns = options.sourceNamespace;
  if (ns !== undefined && table && (options.gateway !== undefined || !table.mesh)) {
    throw new Error(`sourceNamespace ${show(ns)} is the namespace of a caller inside the mesh; a request through gateway ${table.gateways.join(', ')} comes from outside it`);
  }
  return ns;
}
