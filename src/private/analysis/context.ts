/**
 * What every analyzer reads: the manifests, the mesh the simulator reads from them (and what it could not
 * model), and an inventory of the objects routing refers to (Services, ServiceEntries, Gateways, workloads).
 */
import { Report } from './findings';
import { Mesh, RouteDestination, RouteTable } from '../simulate/mesh';
import { Manifest, Unmodelled } from '../simulate/read/manifests';

export interface Service {
  readonly host: string;
  readonly namespace: string;
  readonly selector: { readonly [k: string]: string };
  readonly ports: number;
}

/** The objects routing refers to, as read. */
export interface Inventory {
  /** Services by host */
  readonly services: ReadonlyMap<string, Service>;
  readonly serviceEntryHosts: ReadonlySet<string>;
  /** Istio Gateways, `namespace/name` */
  readonly gateways: ReadonlySet<string>;
  /** the pod templates of Deployments, StatefulSets and Rollouts */
  readonly templates: ReadonlyArray<{ readonly namespace: string; readonly labels: { readonly [k: string]: string } }>;
}

export interface Context {
  readonly manifests: readonly Manifest[];
  readonly mesh: Mesh;
  readonly unmodelled: readonly Unmodelled[];
  readonly inventory: Inventory;
  /** the cluster domain of service hosts */
  readonly domain: string;
  /** the input holds every object of the cluster: what it lacks does not exist */
  readonly complete?: boolean;
}

/**
 * One analyzer: the codes it reports, and what it looks at. The runner (analyze.ts) walks the input once,
 * calling every analyzer's hooks in the order of its list: `objects` before the walk, `table` for each route
 * table and then `destination` for each of its destinations, `finish` after the walk.
 */
export interface Analyzer {
  readonly codes: readonly string[];
  objects?(ctx: Context, report: Report): void;
  table?(t: RouteTable, ctx: Context, report: Report): void;
  destination?(t: RouteTable, d: RouteDestination, ctx: Context, report: Report): void;
  finish?(ctx: Context, report: Report): void;
}

/** Analyzers are made anew for every analysis (some keep state along the walk). */
export type AnalyzerFactory = () => Analyzer;

const WORKLOADS = ['Deployment', 'StatefulSet', 'Rollout'];

/** The inventory of the manifests. */
export function inventoryOf(manifests: readonly Manifest[], domain: string): Inventory {
  const services = new Map<string, Service>();
  const serviceEntryHosts = new Set<string>();
  const gateways = new Set<string>();
  const templates: Array<{ namespace: string; labels: { readonly [k: string]: string } }> = [];
  for (const m of manifests) {
    const o = m.obj ?? {};
    const ns = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : 'default';
    if (o.kind === 'Service' && o.apiVersion === 'v1' && typeof o.metadata?.name === 'string') {
      const host = `${o.metadata.name}.${ns}.svc.${domain}`;
      services.set(host, { host, namespace: ns, selector: o.spec?.selector ?? {}, ports: Array.isArray(o.spec?.ports) ? o.spec.ports.length : 0 });
    }
    // Stryker disable next-line ConditionalExpression: the set is only asked for destination hosts, strings, which a non-string entry never equals
    if (o.kind === 'ServiceEntry' && Array.isArray(o.spec?.hosts)) o.spec.hosts.forEach((h: unknown) => typeof h === 'string' && serviceEntryHosts.add(h));
    if (o.kind === 'Gateway' && typeof o.metadata?.name === 'string' && String(o.apiVersion).startsWith('networking.istio.io/')) gateways.add(`${ns}/${o.metadata.name}`);
    if (WORKLOADS.includes(o.kind) && o.spec?.template?.metadata?.labels) templates.push({ namespace: ns, labels: o.spec.template.metadata.labels });
  }
  return { services, serviceEntryHosts, gateways, templates };
}

/** Where a table's findings point: its document, else its name. */
export function where(t: RouteTable): string {
  return t.location ?? t.source;
}

/** `destination host/subset`, as findings about a destination begin. */
export function destinationText(d: RouteDestination): string {
  return `destination ${d.host}${d.subset !== undefined ? `/${d.subset}` : ''}`;
}

/** What to do when a routing collides with what ASM generates for a lane group. */
export const ASM_ADVICE = 'Use the lane group for this service (LaneGroup.addCustomRoute, routeOptions: a root VirtualService delegating to ASM\'s), or leave the service out of the group';
