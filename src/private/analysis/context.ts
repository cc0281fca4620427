/**
 * What every analyzer reads: the objects of the input as Istio's analyzers read them (resources), the mesh the
 * simulator reads from them (and what it could not model), and the view: whether the input is the whole cluster.
 */
import { Level, Report } from './findings';
import { serviceHosts, ServiceHosts } from './istio/hosts';
import { Resource } from './istio/resources';
import { Mesh, RouteDestination, RouteTable } from '../simulate/mesh';
import { Manifest, Unmodelled } from '../simulate/read/manifests';

/**
 * How much of the cluster the input holds:
 * - `complete`: every object (`check --complete`); what it lacks does not exist;
 * - `partial`: some (`check`, the default); what it lacks may exist elsewhere;
 * - `synth`: one app at synth, partial, and a synth fails only on what is wrong whatever else the cluster holds.
 */
export type View = 'complete' | 'partial' | 'synth';

export interface Context {
  readonly manifests: readonly Manifest[];
  /** every object, in the input's order (with istioctl's defaults in the complete view) */
  readonly resources: readonly Resource[];
  readonly mesh: Mesh;
  readonly unmodelled: readonly Unmodelled[];
  /** the cluster domain of service hosts */
  readonly domain: string;
  readonly view: View;
  /** the objects of one kind (API group and kind), in the input's order */
  of(group: string, kind: string): readonly Resource[];
  /** the hosts of ServiceEntries and Services, scoped by the namespaces that see them (hosts.ts) */
  serviceHosts(): ServiceHosts;
}

/** Builds the context's lookups over the resources. */
export function contextOf(base: Omit<Context, 'of' | 'serviceHosts'>): Context {
  const byKind = new Map<string, Resource[]>();
  for (const r of base.resources) {
    const key = `${r.group}/${r.kind}`;
    const bucket = byKind.get(key);
    if (bucket) bucket.push(r);
    else byKind.set(key, [r]);
  }
  let hosts: ServiceHosts | undefined;
  return {
    ...base,
    of: (group, kind) => byKind.get(`${group}/${kind}`) ?? [],
    serviceHosts: () => (hosts ??= serviceHosts(base.resources, base.domain)),
  };
}

/**
 * How a reference to an object the input lacks is reported: Istio's level when the input is the whole cluster;
 * otherwise Info, with a note that the object was looked for only among those read (it may live elsewhere). Returns
 * the level and the note, which follows "not found" in the message.
 */
export function missing(ctx: Context, level: Level): [Level, string] {
  return ctx.view === 'complete' ? [level, ''] : ['Info', ' among the objects read (it may live elsewhere; --complete says the input is the whole cluster)'];
}

/**
 * One analyzer: the codes it reports, and what it looks at. The runner (analyze.ts) walks the input once,
 * calling every analyzer's hooks in the order of its list: `objects` before the walk, `table` for each route
 * table and then `destination` for each of its destinations, `finish` after the walk.
 */
export interface Analyzer {
  /** Istio's name for the analyzer it transcribes (e.g. `virtualservice.GatewayAnalyzer`), else the project's */
  readonly name: string;
  readonly codes: readonly string[];
  /** it reports nothing above Info at synth (what it looks for may live elsewhere), so synth skips it */
  readonly infoAtSynth?: boolean;
  objects?(ctx: Context, report: Report): void;
  table?(t: RouteTable, ctx: Context, report: Report): void;
  destination?(t: RouteTable, d: RouteDestination, ctx: Context, report: Report): void;
  finish?(ctx: Context, report: Report): void;
}

/** Analyzers are made anew for every analysis (some keep state along the walk). */
export type AnalyzerFactory = () => Analyzer;

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
