/**
 * Where a simulation enters the mesh and what it takes as given: the entry table (by gateway, by host, or the
 * only candidate), short host names resolved to the one known host they begin, and the unhealthy lanes.
 */
import { Health } from './engine';
import { hostsOf, Mesh, RouteTable } from './mesh';
import type { SimulationOptions } from '../../simulation';
import { list, show } from '../validation/values';

/** A host as given, or a short name (`mockb`) that names exactly one known host. */
export function resolveHost(mesh: Mesh, name: string): string {
  const known = hostsOf(mesh);
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
  const tables = mesh.tables;
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
  const found = tables.map(t => `${t.source} (${[...(t.gateways.length ? [`gateways: ${list(t.gateways)}`] : []), ...(t.mesh ? [`mesh, hosts: ${list(t.hosts)}`] : [])].join('; ')})`).join('; ');
  if (candidates.length === 0) throw new Error(`no VirtualService${what}; found: ${found}`);
  throw new Error(`${candidates.length} VirtualServices${what}: choose one with a gateway (namespace/name) or a host; found: ${found}`);
}
