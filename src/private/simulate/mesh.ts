/**
 * The mesh as the simulation sees it: route tables (the HTTP routes of each VirtualService, delegation
 * resolved), the subsets DestinationRules define, and notes on what was read but has no effect.
 */
import { MatchBlock } from '../model/types';

export interface Backend {
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
}

export interface RouteDestination extends Backend {
  /** share of the route, already normalized to a probability (0..1) */
  readonly probability: number;
  readonly weight?: number;
  /** headers set on the request for this destination (route-level first, destination-level over them) */
  readonly setHeaders: { readonly [name: string]: string };
  /** ASM: where the share goes when the destination has no healthy endpoints */
  readonly fallback?: Backend;
}

export interface Route {
  readonly name?: string;
  /** empty: matches every request */
  readonly matches: readonly MatchBlock[];
  readonly destinations: readonly RouteDestination[];
}

export interface RouteTable {
  /** e.g. `VirtualService istio-system/swimlane-ingress-vs-custom`, prefixed by the file it was read from */
  readonly source: string;
  readonly name: string;
  readonly namespace?: string;
  /** the gateways it is bound to (`mesh` left out) */
  readonly gateways: readonly string[];
  /** true when it applies to sidecars: no gateways given, or `mesh` among them */
  readonly mesh: boolean;
  /** empty for a delegate (Istio: a VirtualService without hosts is only reached through a root) */
  readonly hosts: readonly string[];
  readonly routes: readonly Route[];
}

/** Subset labels read from DestinationRules: host → subset → labels. */
export type SubsetLabels = Map<string, Map<string, { readonly [key: string]: string }>>;

export interface Mesh {
  /** the tables requests enter through: gateway-bound and mesh VirtualServices with hosts */
  readonly tables: readonly RouteTable[];
  readonly subsets: SubsetLabels;
  /** what was read and has no effect, e.g. a route whose delegate does not exist (Istio ignores it) */
  readonly notes: readonly string[];
}

/** `namespace/name` of a table, or its name alone. */
export function tableName(t: { readonly name: string; readonly namespace?: string }): string {
  return `${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
}

/** The sidecar (mesh) VirtualService for `host`, if any. */
export function meshTableFor(mesh: Mesh, host: string): RouteTable | undefined {
  return mesh.tables.find(t => t.mesh && t.hosts.includes(host));
}

/** Every subset the mesh names, as `host/subset`: defined by DestinationRules, or routed to (fallbacks included). */
export function subsetsOf(mesh: Mesh): Set<string> {
  const out = new Set<string>();
  for (const [host, bySubset] of mesh.subsets) for (const s of bySubset.keys()) out.add(`${host}/${s}`);
  for (const t of mesh.tables) {
    for (const r of t.routes) {
      for (const d of r.destinations) {
        for (const b of [d, ...(d.fallback ? [d.fallback] : [])]) if (b.subset !== undefined) out.add(`${b.host}/${b.subset}`);
      }
    }
  }
  return out;
}

/** Every host the mesh names: routed (`*` left out), routed to, or given subsets by DestinationRules. */
export function hostsOf(mesh: Mesh): Set<string> {
  const out = new Set<string>(mesh.subsets.keys());
  for (const t of mesh.tables) {
    t.hosts.filter(h => h !== '*').forEach(h => out.add(h));
    t.routes.forEach(r => r.destinations.forEach(d => out.add(d.host)));
  }
  return out;
}
