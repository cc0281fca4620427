/**
 * How a request is kept in its lane after the entry point.
 */
export enum Mode {
  /**
   * Every routed destination also sets the routing header to its lane (`headers.request.set`), so the
   * rest of the trace stays in the lane (ASM permissive lanes, or apps that propagate the header).
   */
  PERMISSIVE = 'PERMISSIVE',
  /**
   * Destinations carry only the lane's subset; no header is set (ASM strict lanes keep the lane themselves).
   */
  STRICT = 'STRICT',
}
