import { DiagramFormat } from '../../diagram';
import { LaneSimulator } from '../../lane-simulator';
import { Options } from '../args';

/** Mermaid's default limits (its maxEdges and maxTextSize settings): a larger diagram is not rendered. */
const MERMAID_MAX_EDGES = 500;
const MERMAID_MAX_TEXT = 50_000;

/** The edges of a Mermaid flowchart, one per line: `a --> b`, `a -.-> b`, `a -- label --> b`, `a -. label .-> b`. */
export function mermaidEdgeCount(text: string): number {
  return text.split('\n').filter(l => / (?:-\.?|\.)-> /.test(l)).length;
}

/** `cdk8s-lanes diagram FILES...`: Mermaid, Markdown, or SVG (drawn asynchronously: a promise). */
export function diagramCommand(sim: LaneSimulator, o: Options, out: (s: string) => void, err: (s: string) => void): void | Promise<void> {
  const options = { host: o.host, lane: o.lane, chain: o.chain, routingHeader: o.routingHeaderGiven ? o.routingHeader : undefined };
  if (o.format === 'svg') return sim.diagramSvg(options).then(svg => out(svg.trimEnd()));
  const text = sim.diagram({ ...options, format: o.format === 'markdown' ? DiagramFormat.MARKDOWN : DiagramFormat.MERMAID });
  const edges = mermaidEdgeCount(text);
  if (edges > MERMAID_MAX_EDGES || text.length > MERMAID_MAX_TEXT) {
    err(`note: the diagram has ${edges} edges and ${text.length.toLocaleString('en-US')} characters; Mermaid renders at most ${MERMAID_MAX_EDGES} edges and `
      + `${MERMAID_MAX_TEXT.toLocaleString('en-US')} characters by default (its maxEdges and maxTextSize settings): filter it with --host, --lane or --chain`);
  }
  out(text.trimEnd());
}

