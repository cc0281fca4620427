/**
 * The routing diagram: one box per VirtualService holding its rules in order and the backends they send
 * requests to; edges labelled by share and by the lane marker each destination sets; fallbacks dashed.
 */
import { Diagram, DiagramCluster, DiagramEdge, DiagramNode } from './graph';
import { labelsOf } from '../simulate/engine';
import { describeMatch, hostsOf, percent, shortNames, tableTitle, workloadNames } from '../simulate/explain';
import { Backend, Mesh, RouteDestination, RouteTable, workloadsOf } from '../simulate/mesh';

export interface RoutingFilter {
  /** only the VirtualServices of this host (full name), and the rules of others that route to it */
  readonly host?: string;
  /** only the destinations in this lane: its subset, or the lane marker value they set */
  readonly lane?: string;
}

function inLane(d: RouteDestination, lane: string): boolean {
  return d.subset === lane || d.fallback?.subset === lane || Object.values(d.setHeaders).includes(lane)
    || Object.values(d.addHeaders).some(v => v.endsWith(`=${lane}`));
}

function backendText(b: Backend, name: (host: string) => string): string {
  return `${name(b.host)}/${b.subset ?? '(any)'}${b.port !== undefined ? `:${b.port}` : ''}`;
}

/** The share and the headers a destination sets (the lane marker), as an edge label. */
function edgeLabel(d: RouteDestination): string {
  return [percent(d.probability), ...Object.entries(d.setHeaders).map(([k, v]) => `${k}: ${v}`), ...Object.entries(d.addHeaders).map(([k, v]) => `${k} += ${v}`)].join(' · ');
}

export function routingDiagram(mesh: Mesh, filter: RoutingFilter = {}): Diagram {
  const name = shortNames(hostsOf(mesh.tables));
  const clusters: DiagramCluster[] = [];
  const edges: DiagramEdge[] = [];
  mesh.tables.forEach((t, ti) => {
    const own = filter.host === undefined || t.hosts.includes(filter.host);
    const routes = t.routes
      .map((r, ri) => ({
        r,
        ri,
        destinations: r.destinations.filter(d => d.probability > 0
          && (filter.lane === undefined || inLane(d, filter.lane))
          && (own || d.host === filter.host || d.fallback?.host === filter.host)),
      }))
      .filter(x => x.destinations.length > 0);
    if (routes.length === 0) return;
    clusters.push(tableCluster(t, `vs${ti}`, routes, edges, b => workloadsOf(mesh, b, labelsOf(mesh, b)), name));
  });
  return { clusters, edges };
}

function tableCluster(
  t: RouteTable,
  id: string,
  routes: ReadonlyArray<{ r: RouteTable['routes'][number]; ri: number; destinations: readonly RouteDestination[] }>,
  edges: DiagramEdge[],
  workloads: (b: Backend) => string[] | undefined,
  name: (host: string) => string,
): DiagramCluster {
  const nodes: DiagramNode[] = [];
  const backends = new Map<string, string>();
  const backend = (b: Backend): string => {
    const text = backendText(b, name);
    let nodeId = backends.get(text);
    if (!nodeId) {
      nodeId = `${id}b${backends.size}`;
      backends.set(text, nodeId);
      nodes.push({ id: nodeId, lines: [text, ...workloadNames(workloads(b))], shape: 'backend' });
    }
    return nodeId;
  };
  const seen = new Set<string>();
  const edge = (e: DiagramEdge) => {
    const key = `${e.from}|${e.to}|${e.label}|${e.dashed}`;
    if (!seen.has(key)) {
      seen.add(key);
      edges.push(e);
    }
  };
  for (const { r, ri, destinations } of routes) {
    const rule = `${id}r${ri}`;
    nodes.push({ id: rule, lines: [`${ri + 1}. ${r.name ?? '(unnamed)'}`, r.matches.length ? r.matches.map(describeMatch).join(' OR ') : 'any request'], shape: 'rule' });
    for (const d of destinations) {
      const to = backend(d);
      edge({ from: rule, to, label: edgeLabel(d) });
      if (d.fallback) edge({ from: to, to: backend(d.fallback), label: 'fallback (no healthy endpoints)', dashed: true });
    }
  }
  // the file a table was read from, on a line of its own
  const [source, where] = tableTitle(t);
  // Stryker disable next-line Regex: a source is one line, and the lazy match from its start is found first: the anchors change nothing
  const file = /^(.+?\.(?:ya?ml|json)): (.*)$/.exec(source);
  return { id, lines: file ? [file[1], file[2], where] : [source, where], nodes };
}
