/**
 * Text views of route tables: the rule table (`explain`) and a Mermaid flowchart (`diagram`).
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
  ];
  return parts.join(' AND ');
}

function short(host: string): string {
  return host.split('.')[0];
}

function percent(p: number): string {
  const v = Math.round(p * 10000) / 100;
  return `${v}%`;
}

function destination(d: RouteDestination): string {
  const set = Object.entries(d.setHeaders).map(([k, v]) => `${k}=${v}`).join(', ');
  return [
    `${short(d.host)}/${d.subset ?? '(any)'} ${percent(d.probability)}`,
    d.fallback ? `fallback ${short(d.fallback.host)}/${d.fallback.subset ?? '(any)'}` : '',
    set ? `set ${set}` : '',
  ].filter(Boolean).join(', ');
}

/** Where a table applies: its gateways, and the mesh (sidecars). */
function appliesTo(t: RouteTable, gatewaysLabel: string, meshLabel: string): string {
  return [...(t.gateways.length ? [`${gatewaysLabel} ${t.gateways.join(', ')}`] : []), ...(t.mesh ? [meshLabel] : [])].join(' + ');
}

function title(t: RouteTable): string {
  const where = appliesTo(t, 'gateways:', 'mesh (sidecars)');
  return `${t.source}\n  ${where}; hosts: ${t.hosts.join(', ')}`;
}

/** The rule table of every VirtualService. */
export function explain(mesh: Mesh): string {
  const out: string[] = [];
  for (const t of mesh.tables) {
    out.push(title(t));
    const rows = t.routes.map((r, i) => [
      String(i + 1),
      r.name ?? '(unnamed)',
      r.matches.length ? r.matches.map(describeMatch).join(' OR ') : '(any request)',
      r.destinations.map(destination).join('; '),
    ]);
    const head = ['#', 'rule', 'match', 'destinations'];
    const widths = head.map((h, c) => Math.max(h.length, ...rows.map(r => r[c].length)));
    const line = (cells: string[]) => `  ${cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padEnd(widths[c]))).join('  ')}`.trimEnd();
    out.push(line(head), ...rows.map(line), '');
  }
  return out.join('\n');
}

/** Mermaid-safe label text. */
function label(text: string): string {
  return text.replace(/"/g, '#quot;');
}

/** A Mermaid flowchart: entry points → rules (in order) → lanes, with weights and fallbacks. */
export function diagram(mesh: Mesh): string {
  const lines = ['flowchart LR'];
  const lanes = new Map<string, string>();
  const laneNode = (host: string, subset: string | undefined) => {
    const key = `${host}/${subset ?? '*'}`;
    let id = lanes.get(key);
    if (!id) {
      id = `lane${lanes.size}`;
      lanes.set(key, id);
      lines.push(`  ${id}(["${label(`${short(host)} · ${subset ?? 'any'}`)}"])`);
    }
    return id;
  };
  mesh.tables.forEach((t, ti) => {
    const entry = `vs${ti}`;
    const where = appliesTo(t, 'gateway', 'sidecars');
    lines.push(`  ${entry}["${label(`${t.namespace ? `${t.namespace}/` : ''}${t.name}<br/>${where}<br/>hosts: ${t.hosts.join(', ')}`)}"]`);
    t.routes.forEach((r, ri) => {
      const rule = `vs${ti}r${ri}`;
      const cond = r.matches.length ? r.matches.map(describeMatch).join(' OR ') : 'any request';
      lines.push(`  ${rule}{"${label(`${ri + 1}. ${r.name ?? '(unnamed)'}<br/>${cond}`)}"}`);
      lines.push(`  ${entry} --> ${rule}`);
      for (const d of r.destinations) {
        if (d.probability === 0) continue;
        const target = laneNode(d.host, d.subset);
        lines.push(`  ${rule} -- "${percent(d.probability)}" --> ${target}`);
        if (d.fallback) lines.push(`  ${target} -. "fallback (no healthy endpoints)" .-> ${laneNode(d.fallback.host, d.fallback.subset)}`);
      }
    });
  });
  return [...new Set(lines)].join('\n') + '\n';
}
