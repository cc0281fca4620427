/**
 * Istio's `schema.ValidationAnalyzer.VirtualService`: the VirtualService validation Istio runs on every object.
 * - IST0106 (SchemaValidationError): a field of the wrong type (`http` as a string), no `http`, `tcp` or `tls`
 *   rule, hosts that overlap (or `*` on the sidecars), or a route Istio refuses (no destination, host `*`, a subset
 *   name that is no DNS label, a negative weight, weights that add up to 0). istioctl skips an object it cannot parse; here it is an Error, on purpose;
 * - IST0130 and IST0131: unreachable rules and ineffective matches (unreachable.ts).
 */
import { unreachableRules } from './unreachable';
import { isDnsLabel } from '../../../validation/values';
import { AnalyzerFactory } from '../../context';
import { hostsMatch } from '../../istio/hosts';
import { Resource } from '../../istio/resources';

type Shape = 'string' | 'integer' | 'boolean' | { readonly list: Shape } | { readonly map: Shape } | { readonly fields: { readonly [k: string]: Shape } };

const STRING_MATCH: Shape = { fields: { exact: 'string', prefix: 'string', regex: 'string' } };
const DESTINATION: Shape = { fields: { host: 'string', subset: 'string', port: { fields: { number: 'integer' } } } };
const ROUTE: Shape = { list: { fields: { destination: DESTINATION, weight: 'integer' } } };
const L4_MATCH = { destinationSubnets: { list: 'string' }, port: 'integer', sourceLabels: { map: 'string' }, gateways: { list: 'string' }, sourceNamespace: 'string' } as const;
const HTTP_MATCH_FIELDS: { readonly [k: string]: Shape } = {
  name: 'string',
  uri: STRING_MATCH,
  scheme: STRING_MATCH,
  method: STRING_MATCH,
  authority: STRING_MATCH,
  headers: { map: STRING_MATCH },
  queryParams: { map: STRING_MATCH },
  withoutHeaders: { map: STRING_MATCH },
  port: 'integer',
  sourceLabels: { map: 'string' },
  gateways: { list: 'string' },
  ignoreUriCase: 'boolean',
  sourceNamespace: 'string',
  statPrefix: 'string',
};
const HTTP_MATCH: Shape = { fields: HTTP_MATCH_FIELDS };
const SPEC: Shape = {
  fields: {
    hosts: { list: 'string' },
    gateways: { list: 'string' },
    exportTo: { list: 'string' },
    http: {
      list: {
        fields: {
          name: 'string',
          match: { list: HTTP_MATCH },
          route: ROUTE,
          mirror: DESTINATION,
          mirrors: { list: { fields: { destination: DESTINATION } } },
          delegate: { fields: { name: 'string', namespace: 'string' } },
          timeout: 'string',
        },
      },
    },
    tcp: { list: { fields: { match: { list: { fields: L4_MATCH } }, route: ROUTE } } },
    tls: { list: { fields: { match: { list: { fields: { ...L4_MATCH, sniHosts: { list: 'string' } } } }, route: ROUTE } } },
  },
};

function kindOf(x: unknown): string {
  return x === null ? 'null' : Array.isArray(x) ? 'a list' : typeof x === 'object' ? 'a mapping' : `${typeof x} ${JSON.stringify(x)}`;
}

/**
 * The fields of `x` that are not of their shape: `path: what it must be, what it is`. `path` holds the segments
 * down to `x` (`.http`, `[0]`); the text of a path is made only for a field of the wrong type.
 */
function typeErrors(x: unknown, shape: Shape, path: Array<string | number>, out: string[]): void {
  if (x === undefined) return;
  let must: string | undefined;
  if (shape === 'string') {
    if (typeof x !== 'string') must = 'a string';
  } else if (shape === 'integer') {
    if (!Number.isInteger(x)) must = 'an integer';
  } else if (shape === 'boolean') {
    if (typeof x !== 'boolean') must = 'true or false';
  } else if ('list' in shape) {
    if (!Array.isArray(x)) {must = 'a list';} else {
      for (let i = 0; i < x.length; i++) {
        path.push(i);
        typeErrors(x[i], shape.list, path, out);
        path.pop();
      }
    }
  } else if (typeof x !== 'object' || x === null || Array.isArray(x)) {
    must = 'a mapping';
  } else {
    // a map's every value, a message's fields that Istio reads
    const fields = 'map' in shape ? undefined : shape.fields;
    for (const k of Object.keys(x)) {
      const s = fields ? fields[k] : (shape as { readonly map: Shape }).map;
      if (s === undefined) continue;
      path.push(k);
      typeErrors((x as { [k: string]: unknown })[k], s, path, out);
      path.pop();
    }
  }
  if (must !== undefined) out.push(`${path.map(p => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').slice(1)}: must be ${must}, got ${kindOf(x)}`);
}

/** Istio's checks of a rule's route destinations (its validation of HTTP, TCP and TLS routes). */
function routeErrors(vs: Resource, routes: unknown, at: string, out: string[]): void {
  let total = 0;
  const list = vs.list(routes);
  list.forEach((r, j) => {
    const route = vs.map(r);
    // a null destination is a type error already (typeErrors comes first)
    if (route.destination === undefined) out.push(`${at}.route[${j}]: destination is required`);
    const d = vs.map(route.destination);
    if (d.host === '*') out.push(`${at}.route[${j}].destination.host: invalid destination host *`);
    const subset = vs.str(d.subset);
    if (subset !== '' && !isDnsLabel(subset)) out.push(`${at}.route[${j}].destination.subset: subset name is invalid: ${subset} (a DNS label: lower case letters, digits and '-')`);
    const weight = typeof route.weight === 'number' ? route.weight : 0;
    if (weight < 0) out.push(`${at}.route[${j}].weight: weight ${weight} < 0`);
    // Stryker disable next-line AssignmentOperator: the sum and its negation are 0 together, and only that is looked at
    total += weight;
  });
  if (list.length > 1 && total === 0) out.push(`${at}.route: total destination weight = 0`);
}

/** IST0106's findings for one VirtualService: its wrong types, else Istio's value checks. */
export function virtualServiceErrors(vs: Resource): string[] {
  const out: string[] = [];
  typeErrors(vs.manifest.obj.spec, SPEC, ['spec'], out);
  if (out.length > 0) return out;
  const hosts = vs.strings(vs.spec.hosts);
  const gateways = vs.strings(vs.spec.gateways);
  if ((gateways.length === 0 || gateways.includes('mesh')) && hosts.includes('*')) out.push('spec.hosts: wildcard host * is not allowed for virtual services bound to the mesh gateway');
  hosts.forEach((a, i) => hosts.slice(i + 1).forEach(b => { if (hostsMatch(a, b)) out.push(`spec.hosts: duplicate hosts in virtual service: ${a} & ${b}`); }));
  if (['http', 'tcp', 'tls'].every(k => vs.list(vs.spec[k]).length === 0)) out.push('spec: http, tcp or tls must be provided');
  for (const kind of ['http', 'tcp', 'tls']) vs.list(vs.spec[kind]).forEach((rule, i) => routeErrors(vs, vs.map(rule).route, `spec.${kind}[${i}]`, out));
  return out;
}

/** The fields of a match Istio reads, by kind of rule (its parser drops the others). */
const MATCH_FIELDS = {
  http: new Set(Object.keys(HTTP_MATCH_FIELDS)),
  tcp: new Set(Object.keys(L4_MATCH)),
  tls: new Set([...Object.keys(L4_MATCH), 'sniHosts']),
};

export const virtualServiceValidation: AnalyzerFactory = () => ({
  name: 'schema.ValidationAnalyzer.VirtualService',
  codes: ['IST0106', 'IST0130', 'IST0131'],
  objects(ctx, report) {
    for (const vs of ctx.of('networking.istio.io', 'VirtualService')) {
      for (const e of virtualServiceErrors(vs)) report('IST0106', 'Error', vs.location, `schema validation error: ${e}`, vs.object);
      for (const kind of ['http', 'tcp', 'tls'] as const) {
        unreachableRules(vs, kind, MATCH_FIELDS[kind],
          (rule, reason) => report('IST0130', 'Warning', vs.location, `${kind} rule ${rule} is never used (${reason})`, vs.object),
          (rule, match, earlier) => report('IST0131', 'Info', vs.location, `${kind} rule ${rule} match ${match} is never used (an earlier match in rule ${earlier} takes its requests)`, vs.object));
      }
    }
  },
});
