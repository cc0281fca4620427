/**
 * Text views of route tables: the rule table (`explain`); the diagrams are in ../diagram.
 */
import { Mesh, RouteDestination, RouteTable } from './mesh';
import { HeaderCondition, MatchBlock, PlainStringMatch } from '../model/types';

function sm(m: PlainStringMatch): string {
  return `${m.kind} ${JSON.stringify(m.value)}`;
}

function header(h: HeaderCondition): string {
  if (h.absent) return h.match ? `${h.name} not ${sm(h.match)}` : `${h.name} absent`;
  return h.match ? `${h.name} ${sm(h.match)}` : `${h.name} present`;
}

/** One match block as text: its conditions joined by AND. */
export function describeMatch(block: MatchBlock): string {
  const parts = [
    ...Object.entries(block.sourceLabels ?? {}).map(([k, v]) => `caller ${k}=${v}`),
    ...block.headers.map(header),
    ...(block.uri ? [`uri ${sm(block.uri)}`] : []),
    ...(block.authority ? [`authority ${sm(block.authority)}`] : []),
    ...(block.method ? [`method ${sm(block.method)}`] : []),
    ...block.queryParams.map(q => `?${q.name} ${sm(q.match)}`),
    ...(block.hostnames ? [`hostname ${block.hostnames.join(' or ')}`] : []),
    ...(block.notHostnames ? [`hostname not ${block.notHostnames.join(' or ')}`] : []),
    ...(block.port !== undefined ? [`port ${block.port}`] : []),
    ...(block.sourceNamespace !== undefined ? [`caller namespace ${block.sourceNamespace}`] : []),
    ...(block.notSourceNamespaces?.length ? [`caller namespace not ${block.notSourceNamespaces.join(', ')}`] : []),
  ];
  return parts.join(' AND ');
}

/**
 * Names for hosts as one answer shows them: a host's first label, or `name.namespace` for a service host
 * (`<name>.<namespace>.svc.<domain>`) whose name another service of `hosts` has in another namespace.
 */
export function shortNames(hosts: Iterable<string>): (host: string) => string {
  const namespaces = new Map<string, Set<string>>();
  for (const h of hosts) {
    const [name, namespace, svc] = h.split('.');
    if (svc === 'svc') (namespaces.get(name) ?? namespaces.set(name, new Set()).get(name)!).add(namespace);
  }
  return host => {
    const [name, namespace, svc] = host.split('.');
    return svc === 'svc' && namespaces.get(name)!.size > 1 ? `${name}.${namespace}` : name;
  };
}

/** Every host the tables of a mesh send requests to (fallbacks included). */
export function hostsOf(tables: readonly RouteTable[]): string[] {
  const hosts = tables.flatMap(t => t.routes.flatMap(r => r.destinations.flatMap(d => [d.host, d.fallback?.host])));
  return hosts.filter((h): h is string => h !== undefined);
}

/**
 * The workloads that serve a backend as they are shown (`Deployment mocka-s2`: the namespace is the service's), or
 * "no workload" when none does; none at all when the input does not tell them.
 */
export function workloadNames(names: readonly string[] | undefined): string[] {
  if (names === undefined) return [];
  return names.length ? names.map(n => n.replace(/ [^/]+\//, ' ')) : ['no workload'];
}

/** A share as a percentage, to two decimals. */
export function percent(p: number): string {
  const v = Math.round(p * 10000) / 100;
  return `${v}%`;
}

function destination(d: RouteDestination, name: (host: string) => string): string {
  const set = [
    ...Object.entries(d.setHeaders).map(([k, v]) => `${k}=${v}`),
    ...Object.entries(d.addHeaders).map(([k, v]) => `${k}+=${v}`),
  ].join(', ');
  return [
    `${name(d.host)}/${d.subset ?? '(any)'} ${percent(d.probability)}`,
    d.fallback ? `fallback ${name(d.fallback.host)}/${d.fallback.subset ?? '(any)'}` : '',
    set ? `set ${set}` : '',
  ].filter(Boolean).join(', ');
}

/** Where a table applies: its gateways, and the mesh (sidecars). */
function appliesTo(t: RouteTable, gatewaysLabel: string, meshLabel: string): string {
  return [...(t.gateways.length ? [`${gatewaysLabel} ${t.gateways.join(', ')}`] : []), ...(t.mesh ? [meshLabel] : [])].join(' + ');
}

/** How a table is named in `explain` and in diagrams: where it comes from, and where it applies to which hosts. */
export function tableTitle(t: RouteTable): [string, string] {
  return [t.source, `${appliesTo(t, 'gateways:', 'mesh (sidecars)')}; hosts: ${t.hosts.join(', ')}`];
}

/**
 * The headers every service must forward for requests to keep their lane along a chain: the trace headers of
 * ASM lane groups (ASM re-attaches the routing header), else `baggage` when routes add baggage entries, else the
 * routing headers the routes set (the services forward them).
 */
export function forwardedHeaders(mesh: Mesh): string[] {
  if (mesh.forwarded && mesh.forwarded.length > 0) return [...new Set(mesh.forwarded)].sort();
  const destinations = mesh.tables.flatMap(t => t.routes.flatMap(r => r.destinations));
  if (destinations.some(d => 'baggage' in d.addHeaders)) return ['baggage'];
  return [...new Set(destinations.flatMap(d => Object.keys(d.setHeaders)))].sort();
}

/** The rule table of every VirtualService. */
export function explain(mesh: Mesh): string {
  const out: string[] = [];
  const name = shortNames(hostsOf(mesh.tables));
  for (const t of mesh.tables) {
    const [source, where] = tableTitle(t);
    out.push(`${source}\n  ${where}`);
    const rows = t.routes.map((r, i) => [
      String(i + 1),
      r.name ?? '(unnamed)',
      r.matches.length ? r.matches.map(describeMatch).join(' OR ') : '(any request)',
      r.destinations.map(d => destination(d, name)).join('; '),
    ]);
    const head = ['#', 'rule', 'match', 'destinations'];
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map(r => r[c].length)));
    // the last cell's padding is trimmed with the rest of the line's end
    const line = (cells: string[]) => `  ${cells.map((cell, c) => cell.padEnd(widths[c])).join('  ')}`.trimEnd();
    // what the table rests on that the input does not settle (ASM's generated routing is inferred, ...)
    const notes = [...new Set([...(t.notes ?? []), ...t.routes.flatMap(r => r.notes ?? [])])];
    out.push(line(head), ...rows.map(line), ...notes.map(n => `  note: ${n}`), '');
  }
  const forwarded = forwardedHeaders(mesh);
  if (forwarded.length) out.push(`propagation: every service forwards ${forwarded.join(', ')} from each request it receives to the calls it makes, so that requests keep their lane`);
  return out.join('\n');
}
