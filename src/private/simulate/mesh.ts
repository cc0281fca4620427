/**
 * The mesh as the simulation sees it: route tables (the HTTP routes of each VirtualService, delegation
 * resolved), the subsets DestinationRules define, and notes on what was read but has no effect.
 */
import { BAGGAGE_HEADER, parseBaggageEntryPattern } from '../model/marker';
import { MatchBlock } from '../model/types';
import { labelsSelect } from '../validation/values';

export interface Backend {
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
}

/** Header edits: set (replacing every value), add (appended), remove. */
export interface HeaderEdits {
  readonly set: { readonly [name: string]: string };
  readonly add: { readonly [name: string]: string };
  readonly remove: readonly string[];
}

/** A redirect the proxy answers with (Gateway API RequestRedirect); what is undefined keeps the request's. */
export interface Redirect {
  readonly scheme?: string;
  /** the scheme of the listener the request came through (`https` for an HTTPS listener) */
  readonly listenerScheme?: string;
  readonly hostname?: string;
  readonly port?: number;
  readonly path?: PathChange;
  readonly statusCode: number;
}

/** A new path: the whole path, or the prefix the rule matched replaced (Gateway API ReplaceFullPath, ReplacePrefixMatch). */
export interface PathChange {
  readonly full?: string;
  readonly prefix?: { readonly matched: string; readonly replacement: string };
}

/** Why a backend may not serve: a reference refused, an object the input lacks, a kind not modelled. */
export interface Unresolved {
  /** `refused` (no ReferenceGrant), `missing` (no such Service read), `kind` (a backend kind the simulation does not model), `none` (a rule without a backend: 500 whatever the cluster holds) */
  readonly why: 'refused' | 'missing' | 'kind' | 'none';
  readonly reason: string;
  /** how the share is answered when the input may not be complete */
  readonly assumed?: string;
}

export interface RouteDestination extends Backend {
  /** share of the route, already normalized to a probability (0..1) */
  readonly probability: number;
  readonly weight?: number;
  /** headers set on the request for this destination (route-level first, destination-level over them) */
  readonly setHeaders: { readonly [name: string]: string };
  /** headers the destination adds to the request (`headers.request.add`: appended to a value already there) */
  readonly addHeaders: { readonly [name: string]: string };
  /** ASM: where the share goes when the destination has no healthy endpoints */
  readonly fallback?: Backend;
  /** request headers removed for this destination (Gateway API RequestHeaderModifier `remove`) */
  readonly removeHeaders?: readonly string[];
  /** what the proxy does to the response (Gateway API ResponseHeaderModifier) */
  readonly response?: HeaderEdits;
  /** the host and path the backend receives (Gateway API URLRewrite) */
  readonly rewrite?: { readonly hostname?: string; readonly path?: PathChange };
  /** backends that receive a copy of the request (Gateway API RequestMirror); their answers are dropped */
  readonly mirrors?: ReadonlyArray<Backend & { readonly percent: number }>;
  /** instead of a backend, the proxy answers with a redirect (the destination's host is then empty) */
  readonly redirect?: Redirect;
  /** the backend may not exist or may not be used: what the input does not settle */
  readonly unresolved?: Unresolved;
  /** what the share's answer rests on that only the run time decides (the protocol to the backend, its endpoints) */
  readonly notes?: readonly string[];
}

export interface Route {
  readonly name?: string;
  /** empty: matches every request */
  readonly matches: readonly MatchBlock[];
  readonly destinations: readonly RouteDestination[];
  /** what the rule's answer rests on that only the run time decides (a timeout) */
  readonly notes?: readonly string[];
}

export interface RouteTable {
  /** e.g. `VirtualService istio-system/swimlane-ingress-vs-custom`, prefixed by the file it was read from */
  readonly source: string;
  /** where the analyzer's findings point: the source with the document's index, e.g. `out.yaml (document 3): VirtualService ...` */
  readonly location?: string;
  /** for a VirtualService that ASM generates: the lane group it generates it from */
  readonly generatedBy?: string;
  readonly name: string;
  readonly namespace?: string;
  /** the gateways it is bound to (`mesh` left out) */
  readonly gateways: readonly string[];
  /** true when it applies to sidecars: no gateways given, or `mesh` among them */
  readonly mesh: boolean;
  /** empty for a delegate (Istio: a VirtualService without hosts is only reached through a root) */
  readonly hosts: readonly string[];
  readonly routes: readonly Route[];
  /** what every answer through this table rests on, e.g. how merged HTTPRoutes are ordered without creation times */
  readonly notes?: readonly string[];
  /** read from Gateway API HTTPRoutes */
  readonly gatewayApi?: boolean;
  /** a parent the input does not hold (a Gateway not read): the table applies only if it exists */
  readonly missingParent?: string;
  /**
   * Gateway API mesh routes: their ports and consumer namespaces say which requests they are attached for; any
   * other request to the Service goes to the Service as if no route existed
   */
  readonly attachedOnly?: boolean;
}

/** Subset labels read from DestinationRules: host → subset → labels. */
export type SubsetLabels = Map<string, Map<string, { readonly [key: string]: string }>>;

/** One DestinationRule read, or generated by ASM for a lane group. */
export interface RuleSource {
  /** the object, with the document's index */
  readonly location: string;
  /** for a DestinationRule that ASM generates: the lane group it generates it from */
  readonly generatedBy?: string;
  readonly subsets: readonly string[];
}

export interface Mesh {
  /** the tables requests enter through: gateway-bound and mesh VirtualServices with hosts */
  readonly tables: readonly RouteTable[];
  readonly subsets: SubsetLabels;
  /** the headers the services of ASM lane groups forward (their traceHeader) */
  readonly forwarded?: readonly string[];
  /** every DestinationRule read, by host (a host with several: Istio merges or shadows them) */
  readonly rules?: ReadonlyMap<string, readonly RuleSource[]>;
  /** what was read and has no effect, e.g. a route whose delegate does not exist (Istio ignores it) */
  readonly notes: readonly string[];
  /** the Services read (Kubernetes `Service` objects), by host */
  readonly services?: ReadonlyMap<string, ServiceInfo>;
  /** the workloads read (Deployments, StatefulSets, Argo Rollouts): what serves a backend */
  readonly workloads?: readonly WorkloadInfo[];
}

/** What the simulation reads of a workload: its name and its pods' labels. */
export interface WorkloadInfo {
  /** `Deployment default/mocka-s2` */
  readonly name: string;
  readonly namespace: string;
  /** the labels of its pod template */
  readonly labels: { readonly [key: string]: string };
}

/**
 * Why the workloads of a backend are not told, when the input holds workloads but no Service with a selector for
 * its host (what `workloadsOf` answers undefined for); undefined otherwise.
 */
export function workloadsUntold(mesh: Mesh, backend: { readonly host: string } | undefined): string | undefined {
  if (!backend || !mesh.workloads?.length || mesh.services?.get(backend.host)?.selector) return undefined;
  return `the workloads that serve ${backend.host} are not told: the files hold no Service with a selector for it`;
}

/**
 * The workloads whose pods serve `backend`: those in the Service's namespace that its selector and the subset's
 * labels select. Undefined when the mesh holds no workload, or no Service with a selector for the host (its pods
 * cannot be told from other services' then).
 */
export function workloadsOf(
  mesh: Mesh, backend: { readonly host: string } | undefined, subsetLabels: { readonly [key: string]: string } | undefined,
): string[] | undefined {
  const selector = backend ? mesh.services?.get(backend.host)?.selector : undefined;
  if (!mesh.workloads?.length || !selector) return undefined;
  const namespace = backend!.host.split('.')[1];
  // a pod serves the subset when the Service selects it and so do the subset's labels (a key on which they
  // disagree selects nothing)
  const serves = (w: WorkloadInfo) => w.namespace === namespace && labelsSelect(selector, w.labels) && labelsSelect(subsetLabels ?? {}, w.labels);
  return mesh.workloads.filter(serves).map(w => w.name);
}

/** What the simulation reads of a Service. */
export interface ServiceInfo {
  readonly ports: readonly number[];
  /** port name → port */
  readonly portNames: ReadonlyMap<string, number>;
  /** port → its appProtocol, where one is given */
  readonly appProtocols: ReadonlyMap<number, string>;
  /** false: no selector, so its endpoints are EndpointSlices that someone else writes */
  readonly selects: boolean;
  /** its selector, when it has one */
  readonly selector?: { readonly [key: string]: string };
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
        for (const b of d.fallback ? [d, d.fallback] : [d]) if (b.subset !== undefined) out.add(`${b.host}/${b.subset}`);
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
    // a redirect has no host; a fallback's host is routed to as well
    t.routes.forEach(r => r.destinations.forEach(d => (d.fallback ? [d, d.fallback] : [d]).forEach(b => b.host && out.add(b.host))));
  }
  return out;
}

/** The headers the routes set on requests (where a lane marker is carried), sorted. */
export function routingHeadersOf(mesh: Mesh): string[] {
  const out = new Set<string>();
  for (const t of mesh.tables) for (const r of t.routes) for (const d of r.destinations) Object.keys(d.setHeaders).forEach(h => out.add(h));
  return [...out].sort();
}

/** The keys of the baggage entries the routes add or match (a lane carried in W3C baggage), sorted. */
export function baggageKeysOf(mesh: Mesh): string[] {
  const out = new Set<string>();
  for (const t of mesh.tables) {
    for (const r of t.routes) {
      for (const m of r.matches) {
        for (const h of m.headers) {
          const entry = h.name === BAGGAGE_HEADER && h.match?.kind === 'regex' ? parseBaggageEntryPattern(h.match.value) : undefined;
          if (entry) out.add(entry.key);
        }
      }
      for (const d of r.destinations) {
        const added = d.addHeaders[BAGGAGE_HEADER];
        // Stryker disable next-line ArrayDeclaration: a member without "=" adds no key, so any stand-in list of such members changes nothing
        for (const member of added?.split(',') ?? []) {
          const eq = member.indexOf('=');
          if (eq > 0) out.add(member.slice(0, eq).trim());
        }
      }
    }
  }
  return [...out].sort();
}

/** The values the routes set in their headers (lane markers). */
export function markerValuesOf(mesh: Mesh): Set<string> {
  const out = new Set<string>();
  for (const t of mesh.tables) {
    for (const r of t.routes) {
      for (const d of r.destinations) {
        Object.values(d.setHeaders).forEach(v => out.add(v));
        Object.values(d.addHeaders).forEach(v => out.add(v.slice(v.indexOf('=') + 1)));
      }
    }
  }
  return out;
}
