/**
 * The swimlane diagram of a call chain: one row (box) per lane that requests enter, with the services they
 * go through in call order and what serves them at each, so that "s3 goes v1 → v3 → v1" shows at a glance.
 * Edges carry the lane marker the request takes to the next service; a fallback is dashed.
 */
import { Diagram, DiagramCluster, DiagramEdge, DiagramNode } from './graph';
import type { ChainPathResult, Hop } from '../../simulation';
import { witnesses } from '../simulate/diff';
import { simulateChain } from '../simulate/engine';
import { percent, shortNames, workloadNames } from '../simulate/explain';
import { Mesh, RouteTable } from '../simulate/mesh';
import { Marker, pathResult } from '../simulate/results';
import { labelText } from '../validation/values';

/** The requests that enter one lane, and their ways along the chain. */
export interface LaneSwim {
  readonly lane: string;
  /** the classes of requests in this lane, with the share of each class that enters it */
  readonly requests: ReadonlyArray<{ readonly text: string; readonly share: number }>;
  readonly paths: readonly ChainPathResult[];
}

/** At most this many request classes are named in a lane's title; the others are counted. */
const NAMED_CLASSES = 3;

function hopLines(h: Hop, name: (host: string) => string): string[] {
  const service = name(h.host);
  if (h.failed) return [service, h.status === 503 ? '503 no healthy endpoints' : '404 no rule matched'];
  const subset = h.backend?.subset;
  const labels = h.labels ? labelText(h.labels) : undefined;
  return [service, `${subset ?? '(any endpoint)'}${labels ? ` (${labels})` : ''}${h.viaFallback ? ', by fallback' : ''}`, ...workloadNames(h.workloads)];
}

export function chainDiagram(entry: string, lanes: readonly LaneSwim[]): Diagram {
  const name = shortNames(lanes.flatMap(l => l.paths.flatMap(p => p.hops.map(h => h.host))));
  const clusters: DiagramCluster[] = [];
  const edges: DiagramEdge[] = [];
  lanes.forEach((swim, li) => {
    const id = `lane${li}`;
    const start = `${id}s`;
    const nodes: DiagramNode[] = [{ id: start, lines: [`enters ${entry}`], shape: 'start' }];
    const byPrefix = new Map<string, string>();
    for (const p of swim.paths) {
      let from = start;
      // Stryker disable next-line StringLiteral: the prefix is a key; what every key begins with does not matter
      let prefix = '';
      p.hops.forEach((h, k) => {
        prefix += `|${h.host}/${h.backend?.subset}/${h.failed}/${h.viaFallback}`;
        let node = byPrefix.get(prefix);
        if (!node) {
          node = `${id}h${byPrefix.size}`;
          byPrefix.set(prefix, node);
          nodes.push({ id: node, lines: hopLines(h, name), shape: h.failed ? 'failure' : 'backend' });
          const carried = k === 0 ? undefined : p.hops[k - 1].marker;
          const label = carried ? `${carried.header}: ${carried.value ?? '(unset)'}` : (h.rule !== undefined ? `rule ${h.rule}` : undefined);
          edges.push({ from, to: node, label, dashed: h.viaFallback });
        }
        from = node;
      });
    }
    const named = swim.requests.slice(0, NAMED_CLASSES).map(r => `${r.text}${r.share < 1 ? ` (${percent(r.share)})` : ''}`);
    const others = swim.requests.length - NAMED_CLASSES;
    const more = others > 0 ? [`and ${others} more ${others === 1 ? 'class' : 'classes'} of requests`] : [];
    clusters.push({ id, lines: [`lane ${swim.lane}`, ...named, ...more], nodes });
  });
  return { clusters, edges };
}

/** The lanes requests enter at `entry`, each with its classes of requests and its ways along `hosts` (every lane healthy). */
export function chainLanes(mesh: Mesh, entry: RouteTable, hosts: string[], header: Marker): LaneSwim[] {
  const health = { unhealthy: new Set<string>(), subsets: mesh.subsets };
  const lanes = new Map<string, { requests: Map<string, number>; paths: Map<string, ChainPathResult> }>();
  for (const w of witnesses([entry]).requests) {
    for (const p of simulateChain(mesh, entry, hosts, w.request, health).map(x => pathResult(mesh, x, header))) {
      // a path has a hop for every host it reached, and it reaches the first
      const lane = p.hops[0].lane ?? '(no lane)';
      let l = lanes.get(lane);
      if (!l) lanes.set(lane, l = { requests: new Map(), paths: new Map() });
      l.requests.set(w.text, (l.requests.get(w.text) ?? 0) + p.probability);
      if (!l.paths.has(p.trace)) l.paths.set(p.trace, p);
    }
  }
  return [...lanes].sort(([a], [b]) => a.localeCompare(b)).map(([lane, l]) => ({
    lane, requests: [...l.requests].map(([text, share]) => ({ text, share })), paths: [...l.paths.values()],
  }));
}
