/**
 * What the analyzer reports: findings with Istio's levels, in one line each as `check` prints them and
 * synth reports them.
 */
export type Level = 'Error' | 'Warning' | 'Info';
export const LEVELS: readonly Level[] = ['Error', 'Warning', 'Info'];

export interface Finding {
  readonly code: string;
  readonly level: Level;
  /** e.g. `out.yaml (document 2): VirtualService default/web` */
  readonly resource: string;
  readonly message: string;
  /** the object it is about, as Istio names it: `Kind namespace/name` (none: a finding about a route table) */
  readonly object?: string;
}

/** Reports a finding. */
export type Report = (code: string, level: Level, resource: string, message: string, object?: string) => void;

/** A finding in one line, as `check` prints it and synth reports it: `[CODE] (resource) message`. */
export function describeFinding(f: Finding): string {
  return `[${f.code}] (${f.resource}) ${f.message}`;
}
