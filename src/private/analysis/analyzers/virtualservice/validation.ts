/**
 * Istio's `schema.ValidationAnalyzer.VirtualService`: the VirtualService validation Istio runs on every object.
 * - IST0106 (SchemaValidationError): a field of the wrong type (`http` as a string), else a value Istio's validation
 *   refuses (validation-values.ts). istioctl skips an object it cannot parse; here it is an Error, on purpose;
 * - IST0130 and IST0131: unreachable rules and ineffective matches (unreachable.ts).
 */
import { unreachableRules } from './unreachable';
import { valueErrors } from './validation-values';
import { AnalyzerFactory } from '../../context';
import { Resource } from '../../istio/resources';

type Shape = 'string' | 'integer' | 'number' | 'boolean' | { readonly list: Shape } | { readonly map: Shape } | { readonly fields: { readonly [k: string]: Shape } };

const STRING_MATCH: Shape = { fields: { exact: 'string', prefix: 'string', regex: 'string' } };
const DESTINATION: Shape = { fields: { host: 'string', subset: 'string', port: { fields: { number: 'integer' } } } };
const HEADER_OPERATIONS: Shape = { fields: { set: { map: 'string' }, add: { map: 'string' }, remove: { list: 'string' } } };
const HEADERS: Shape = { fields: { request: HEADER_OPERATIONS, response: HEADER_OPERATIONS } };
const PERCENT: Shape = { fields: { value: 'number' } };
const ROUTE: Shape = { list: { fields: { destination: DESTINATION, weight: 'integer' } } };
const HTTP_ROUTE: Shape = { list: { fields: { destination: DESTINATION, weight: 'integer', headers: HEADERS } } };
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
          route: HTTP_ROUTE,
          headers: HEADERS,
          mirror: DESTINATION,
          mirrors: { list: { fields: { destination: DESTINATION, percentage: PERCENT } } },
          mirrorPercentage: PERCENT,
          delegate: { fields: { name: 'string', namespace: 'string' } },
          timeout: 'string',
          retries: { fields: { attempts: 'integer', perTryTimeout: 'string', retryOn: 'string', backoff: 'string' } },
          fault: {
            fields: {
              abort: { fields: { httpStatus: 'integer', grpcStatus: 'string', percentage: PERCENT } },
              delay: { fields: { fixedDelay: 'string', exponentialDelay: 'string', percentage: PERCENT } },
            },
          },
        },
      },
    },
    tcp: { list: { fields: { match: { list: { fields: L4_MATCH } }, route: ROUTE } } },
    tls: { list: { fields: { match: { list: { fields: { ...L4_MATCH, sniHosts: { list: 'string' } } } }, route: ROUTE } } },
  },
};

const LEAVES = { string: 'a string', integer: 'an integer', number: 'a number', boolean: 'true or false' };

function kindOf(x: unknown): string {
  return x === null ? 'null' : Array.isArray(x) ? 'a list' : typeof x === 'object' ? 'a mapping' : `${typeof x} ${JSON.stringify(x)}`;
}

/** Whether `shape` is a leaf (a string, an integer, a number, a boolean) and `x` is of it; never for a list or a mapping. */
function leafOk(x: unknown, shape: Shape): boolean {
  return shape === 'integer' ? Number.isInteger(x) : typeof x === shape;
}

/**
 * The fields of `x` that are not of their shape: `path: what it must be, what it is`. `path` holds the segments
 * down to `x` (`.http`, `[0]`); the text of a path is made only for a field of the wrong type, and a leaf of the
 * right type is not walked into.
 */
function typeErrors(x: unknown, shape: Shape, path: Array<string | number>, out: string[]): void {
  if (x === undefined) return;
  let must: string | undefined;
  if (typeof shape === 'string') {
    // a leaf gets here only when it is of the wrong type: the walk below skips the others
    must = LEAVES[shape];
  } else if ('list' in shape) {
    if (!Array.isArray(x)) {must = 'a list';} else {
      x.forEach((v, i) => {
        // a leaf of the right type is skipped (typeErrors reports every leaf it is given)
        if (leafOk(v, shape.list)) return;
        path.push(i);
        typeErrors(v, shape.list, path, out);
        path.pop();
      });
    }
  } else if (typeof x !== 'object' || x === null || Array.isArray(x)) {
    must = 'a mapping';
  } else {
    // a map's every value, a message's fields that Istio reads
    for (const k of Object.keys(x)) {
      const s = 'map' in shape ? shape.map : shape.fields[k];
      const v = (x as { [k: string]: unknown })[k];
      if (s === undefined) continue;
      // as above
      if (leafOk(v, s)) continue;
      path.push(k);
      typeErrors(v, s, path, out);
      path.pop();
    }
  }
  if (must !== undefined) out.push(`${path.map(p => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').slice(1)}: must be ${must}, got ${kindOf(x)}`);
}

/** IST0106's findings for one VirtualService: its wrong types, else Istio's value checks (validation-values.ts). */
export function virtualServiceErrors(vs: Resource): string[] {
  const out: string[] = [];
  typeErrors(vs.manifest.obj.spec, SPEC, ['spec'], out);
  return out.length > 0 ? out : valueErrors(vs);
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
