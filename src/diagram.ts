/**
 * The text formats of `LaneSimulator.diagram()`.
 */
export enum DiagramFormat {
  /** A Mermaid flowchart. */
  MERMAID = 'mermaid',
  /** The Mermaid flowchart in a fenced block (renders on GitHub and in most Markdown viewers). */
  MARKDOWN = 'markdown',
}

/**
 * What a diagram shows, and how.
 */
export interface DiagramOptions {
  /**
   * Only this host's VirtualServices, and the rules of others (e.g. the gateway's) that route to it. Short
   * names work.
   * @default - every VirtualService
   */
  readonly host?: string;
  /**
   * Only the destinations in this lane (its subset, or the lane marker value they set); with `chain`, only
   * this lane's row.
   * @default - every lane
   */
  readonly lane?: string;
  /**
   * Draw this call chain (hosts in call order; short names work) as swimlanes: one row per lane that requests
   * enter, through every service of the chain, entered as `simulateChain()` enters it (every lane healthy).
   * @default - the routing diagram
   */
  readonly chain?: string[];
  /**
   * The header that carries the lane along the chain (the lane marker shown on its edges).
   * @default "x-asm-prefer-tag"
   */
  readonly routingHeader?: string;
  /**
   * The lane is carried in the W3C `baggage` header, as the entry with this key (the marker shown on the edges).
   * @default - the lane is carried in the routing header
   */
  readonly baggageKey?: string;
  /**
   * The text format (`diagram()` only; `diagramSvg()` draws SVG).
   * @default DiagramFormat.MERMAID
   */
  readonly format?: DiagramFormat;
}
