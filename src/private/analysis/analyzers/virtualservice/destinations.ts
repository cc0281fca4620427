/** The destinations of a VirtualService as Istio's analyzers list them: routes of TCP, TLS and HTTP rules, and HTTP mirrors. */
import { Resource } from '../../istio/resources';

export interface Destination {
  /** where it is written, e.g. `http[0].route[1]` or `http[2].mirrors[0]` */
  readonly at: string;
  readonly host: string;
  readonly subset: string;
  /** `port.number`, when given */
  readonly port?: number;
}

function destinationOf(vs: Resource, at: string, d: unknown): Destination {
  const m = vs.map(d);
  // a port given without a number is port 0, as Istio reads it
  // Stryker disable next-line ConditionalExpression,LogicalOperator: port is used only when m.port is set (next line), and an unset port reads no number anyway
  const port = m.port === undefined || m.port === null ? undefined : vs.map(m.port).number;
  return { at, host: vs.str(m.host), subset: vs.str(m.subset), port: m.port === undefined || m.port === null ? undefined : typeof port === 'number' ? port : 0 };
}

const ROUTES = new WeakMap<Resource, readonly Destination[]>();

/** The destinations of every route of the TCP, TLS and HTTP rules, in that order (a route without one: host ''); read once per object. */
export function routeDestinations(vs: Resource): readonly Destination[] {
  const kept = ROUTES.get(vs);
  // Stryker disable next-line ConditionalExpression: reading them again gives the same destinations
  if (kept) return kept;
  const out: Destination[] = [];
  for (const kind of ['tcp', 'tls', 'http']) {
    vs.list(vs.spec[kind]).forEach((rule, i) => {
      vs.list(vs.map(rule).route).forEach((route, j) => out.push(destinationOf(vs, `${kind}[${i}].route[${j}]`, vs.map(route).destination)));
    });
  }
  ROUTES.set(vs, out);
  return out;
}

/** The mirror destinations of the HTTP rules: `mirror`, then each of `mirrors`. */
export function mirrorDestinations(vs: Resource): Destination[] {
  const out: Destination[] = [];
  vs.list(vs.spec.http).forEach((rule, i) => {
    const r = vs.map(rule);
    if (r.mirror !== undefined && r.mirror !== null) out.push(destinationOf(vs, `http[${i}].mirror`, r.mirror));
    vs.list(r.mirrors).forEach((m, j) => out.push(destinationOf(vs, `http[${i}].mirrors[${j}]`, vs.map(m).destination)));
  });
  return out;
}

/** ASM's fallback targets of HTTP routes (`route[].fallback.target`, an extension Istio does not read). */
export function fallbackDestinations(vs: Resource): Destination[] {
  const out: Destination[] = [];
  vs.list(vs.spec.http).forEach((rule, i) => {
    vs.list(vs.map(rule).route).forEach((route, j) => {
      const fallback = vs.map(route).fallback;
      if (fallback !== undefined && fallback !== null) out.push(destinationOf(vs, `http[${i}].route[${j}].fallback.target`, vs.map(fallback).target));
    });
  });
  return out;
}

/** The Gateways a VirtualService names, `mesh` included. */
export function gatewaysOf(vs: Resource): string[] {
  return vs.strings(vs.spec.gateways);
}
