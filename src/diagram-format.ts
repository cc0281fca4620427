/**
 * The text formats of `LaneSimulator.diagram()`.
 */
export enum DiagramFormat {
  /** A Mermaid flowchart. */
  MERMAID = 'mermaid',
  /** The Mermaid flowchart in a fenced block (renders on GitHub and in most Markdown viewers). */
  MARKDOWN = 'markdown',
}
