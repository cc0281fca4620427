/**
 * A diagram as boxes (clusters) of nodes and labelled edges, written once and rendered as Mermaid text or as a
 * Graphviz graph (laid out to SVG by Graphviz compiled to WebAssembly, `@viz-js/viz`).
 */

/** The graph object `@viz-js/viz` lays out (its `Graph`, of which this uses a part). */
interface VizGraph {
  readonly directed: boolean;
  readonly graphAttributes: Attributes;
  readonly nodeAttributes: Attributes;
  readonly edgeAttributes: Attributes;
  readonly subgraphs: ReadonlyArray<{
    readonly name: string;
    readonly graphAttributes: Attributes;
    readonly nodes: ReadonlyArray<{ readonly name: string; readonly attributes: Attributes }>;
  }>;
  readonly edges: ReadonlyArray<{ readonly tail: string; readonly head: string; readonly attributes: Attributes }>;
}
type Attributes = { readonly [name: string]: string | number | { readonly html: string } };

/** What this uses of `@viz-js/viz` (an ES module with a CommonJS build, loaded on first use). */
interface Viz {
  instance(): Promise<{ renderString(graph: VizGraph, options: { format: 'svg' }): string }>;
}

export type Shape = 'rule' | 'backend' | 'failure' | 'start';

export interface DiagramNode {
  readonly id: string;
  /** the label, a line per entry */
  readonly lines: readonly string[];
  readonly shape: Shape;
}

export interface DiagramEdge {
  readonly from: string;
  readonly to: string;
  readonly label?: string;
  /** a fallback: drawn dashed */
  readonly dashed?: boolean;
}

export interface DiagramCluster {
  readonly id: string;
  readonly lines: readonly string[];
  readonly nodes: readonly DiagramNode[];
}

export interface Diagram {
  readonly clusters: readonly DiagramCluster[];
  readonly edges: readonly DiagramEdge[];
}

/** The number of nodes of a diagram. */
export function nodeCount(d: Diagram): number {
  return d.clusters.reduce((n, c) => n + c.nodes.length, 0);
}

/** Mermaid label text: quotes and angle brackets as entities, lines joined by `<br/>`. */
function mermaidText(lines: readonly string[]): string {
  return lines.map(l => l.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')).join('<br/>');
}

const MERMAID_SHAPES: { [s in Shape]: [string, string] } = {
  rule: ['{{', '}}'],
  backend: ['([', '])'],
  failure: ['[[', ']]'],
  start: ['>', ']'],
};

/** A Mermaid flowchart: one subgraph per cluster. */
export function toMermaid(d: Diagram): string {
  const lines = ['flowchart LR'];
  for (const c of d.clusters) {
    lines.push(`  subgraph ${c.id}["${mermaidText(c.lines)}"]`, '    direction LR');
    for (const n of c.nodes) {
      const [open, close] = MERMAID_SHAPES[n.shape];
      lines.push(`    ${n.id}${open}"${mermaidText(n.lines)}"${close}`);
    }
    lines.push('  end');
  }
  for (const e of d.edges) {
    const label = e.label !== undefined ? `"${mermaidText([e.label])}"` : undefined;
    if (e.dashed) lines.push(label ? `  ${e.from} -. ${label} .-> ${e.to}` : `  ${e.from} -.-> ${e.to}`);
    else lines.push(label ? `  ${e.from} -- ${label} --> ${e.to}` : `  ${e.from} --> ${e.to}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * Graphviz label text: backslashes kept literal (Graphviz reads `\n`, `\l`, `\N` ... in labels), a line per
 * entry, centred (`\n`) or left-justified (`\l`).
 */
// Stryker disable next-line StringLiteral: any default other than 'left' centres the lines
function dotText(lines: readonly string[], align: 'centre' | 'left' = 'centre'): string {
  const escaped = lines.map(l => l.replace(/\\/g, '\\\\'));
  return align === 'left' ? escaped.map(l => `${l}\\l`).join('') : escaped.join('\\n');
}

const DOT_SHAPES: { [s in Shape]: { [k: string]: string } } = {
  rule: { shape: 'box' }, // drawn as a row of its box's rules table
  backend: { shape: 'box', style: 'rounded,filled', fillcolor: '#e8f4ea' },
  failure: { shape: 'box', style: 'filled', fillcolor: '#fbe9e7', color: '#c62828' },
  start: { shape: 'cds', style: 'filled', fillcolor: '#fff8e1', margin: '0.25,0.05' },
};

/** HTML-like label text: markup characters as entities, backslashes kept literal (Graphviz reads them in every label). */
function html(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The rules of a box as one table, a row per rule in order; each row is a port its edges leave from. */
function rulesTable(rules: readonly DiagramNode[]): { html: string } {
  const rows = rules.map(r => {
    const [head, ...rest] = r.lines.map(html);
    return `<TR><TD PORT="${r.id}" ALIGN="LEFT" BALIGN="LEFT">${[`<B>${head}</B>`, ...rest].join('<BR/>')}</TD></TR>`;
  });
  // Stryker disable next-line StringLiteral: Graphviz drops text between the rows of a table, so the SVG is the same
  const body = rows.join('');
  return { html: `<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" BGCOLOR="#f3f6fb">${body}</TABLE>` };
}

/**
 * The face Graphviz lays text out with: DejaVu Sans, the widest of the common free sans-serif faces, whose widths
 * Graphviz knows (it knows Helvetica's too, but DejaVu Sans, Debian's default, is about an eighth wider and spilt out).
 */
const LAYOUT_FONT = 'DejaVu Sans';

/** The faces the SVG asks for: the one laid out with first, then narrower ones (Liberation Sans has Arial's widths). */
const SVG_FONTS = 'DejaVu Sans,Liberation Sans,Arial,Helvetica,sans-serif';

/** A Graphviz graph (left to right, one cluster per box, its rules in one table), as `@viz-js/viz` takes it. */
function toVizGraph(d: Diagram): VizGraph {
  const ruleTable = new Map<string, string>();
  const subgraphs = [...d.clusters].map(c => {
    const rules = c.nodes.filter(n => n.shape === 'rule');
    const table = `${c.id}_rules`;
    rules.forEach(r => ruleTable.set(r.id, table));
    const nodes = c.nodes.filter(n => n.shape !== 'rule').map(n => ({ name: n.id, attributes: { label: dotText(n.lines), ...DOT_SHAPES[n.shape] } }));
    return {
      name: `cluster_${c.id}`,
      graphAttributes: { label: dotText(c.lines, 'left'), labeljust: 'l', style: 'rounded', color: '#90a4ae' },
      nodes: rules.length ? [{ name: table, attributes: { shape: 'plain', label: rulesTable(rules) } }, ...nodes] : nodes,
    };
  });
  return {
    directed: true,
    graphAttributes: { rankdir: 'LR', fontname: LAYOUT_FONT, fontsize: 11, nodesep: 0.3, ranksep: 0.6 },
    nodeAttributes: { fontname: LAYOUT_FONT, fontsize: 10 },
    edgeAttributes: { fontname: LAYOUT_FONT, fontsize: 9 },
    subgraphs,
    // given last first, the edges leave the boxes stacked top down in the order of the diagram
    edges: [...d.edges].reverse().map(e => {
      const table = ruleTable.get(e.from);
      return {
        tail: table ?? e.from,
        head: e.to,
        attributes: {
          ...(table ? { tailport: `${e.from}:e` } : {}),
          ...(e.label !== undefined ? { label: dotText([e.label]) } : {}),
          ...(e.dashed ? { style: 'dashed' } : {}),
        },
      };
    }),
  };
}

/**
 * The diagram laid out by Graphviz and drawn as SVG. Graphviz can fail on a diagram within the node limit (a box of
 * about a thousand rules runs its WebAssembly out of memory): that is an error that says what to do, not Graphviz's.
 */
export async function toSvg(d: Diagram): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const viz: Viz = require('@viz-js/viz');
  const instance = await viz.instance();
  try {
    return instance.renderString(toVizGraph(d), { format: 'svg' }).replaceAll(`font-family="${LAYOUT_FONT}"`, `font-family="${SVG_FONTS}"`);
  } catch (e) {
    throw new Error(`Graphviz could not lay this diagram out (${(e as Error).message}): filter it with host, lane or chain, or draw it as Mermaid`);
  }
}
