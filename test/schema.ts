/**
 * Schema conformance: checks a synthesized manifest against the OpenAPI schema of its CRD, read from the
 * bundles vendored in crds/ (ASM 1.21 for networking.istio.io/v1beta1, Istio 1.30.3 for v1, and the
 * schemas of ASM's lane resources for istio.alibabacloud.com/v1).
 *
 * A cluster prunes fields a structural schema does not know (or rejects them under --validate=strict),
 * so unknown fields are errors here: every object schema with `properties` and no
 * `x-kubernetes-preserve-unknown-fields` is closed. CEL rules (`x-kubernetes-validations`) are checked
 * for the rules these bundles use (durations ≥ 1ms, no wildcard in selectors); any other rule fails loudly instead of being
 * skipped.
 */
import Ajv, { ValidateFunction } from 'ajv';
import { readBundle } from './repo';

const BUNDLES: { [apiVersion: string]: string } = {
  'networking.istio.io/v1beta1': 'asm',
  'networking.istio.io/v1': 'istio',
  'istio.alibabacloud.com/v1': 'asm-lanes',
  'istio.alibabacloud.com/v1beta1': 'asm-lanes',
};

const bundles = new Map<string, any[]>();

function crdsOf(bundle: string): any[] {
  if (!bundles.has(bundle)) bundles.set(bundle, readBundle(bundle));
  return bundles.get(bundle)!;
}

const GO_DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

function durationMs(value: string): number {
  const units: { [u: string]: number } = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1e3, m: 6e4, h: 3.6e6 };
  let total = 0;
  for (const [, n, , u] of value.matchAll(/([0-9]+(\.[0-9]+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(n) * units[u];
  return total;
}

/** The CEL rules of these bundles, as JavaScript predicates on the value (`self`). */
const CEL: { [rule: string]: (self: any) => boolean } = {
  "duration(self) >= duration('1ms')": self => typeof self === 'string' && GO_DURATION.test(self) && durationMs(self) >= 1,
  '!self.contains("*")': self => !String(self).includes('*'),
  'self.all(key, !key.contains("*"))': self => Object.keys(self).every(key => !key.includes('*')),
  'self.all(key, key.size() != 0)': self => Object.keys(self).every(key => key.length !== 0),
};

/** Closes object schemas and turns the CEL rules we know into a keyword. */
function prepare(node: any): any {
  if (Array.isArray(node)) return node.map(prepare);
  if (!node || typeof node !== 'object') return node;
  const out: any = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'x-kubernetes-validations') {
      out.cel = (v as any[]).map(rule => {
        if (!CEL[rule.rule]) {
          throw new Error(`schema conformance: unsupported CEL rule ${JSON.stringify(rule.rule)}; teach test/schema.ts to check it`);
        }
        return rule.rule;
      });
    } else if (k === 'properties' && node.type === 'object') {
      out.properties = Object.fromEntries(Object.entries(v as any).map(([p, s]) => [p, prepare(s)]));
    } else if (k.startsWith('x-kubernetes-') || k === 'nullable') {
      // structural-schema markers with no validation effect here (preserve-unknown-fields handled below)
    } else {
      out[k] = prepare(v);
    }
  }
  if (node.type === 'object' && node.properties && !node['x-kubernetes-preserve-unknown-fields'] && node.additionalProperties === undefined) {
    out.additionalProperties = false;
  }
  return out;
}

const validators = new Map<string, ValidateFunction>();
const clusterScoped = new Set<string>();

function validatorFor(apiVersion: string, kind: string): ValidateFunction {
  const key = `${apiVersion}/${kind}`;
  let validate = validators.get(key);
  if (validate) return validate;
  const bundle = BUNDLES[apiVersion];
  if (!bundle) throw new Error(`schema conformance: no CRD bundle for ${apiVersion}`);
  const [group, version] = apiVersion.split('/');
  const crd = crdsOf(bundle).find(d => d?.kind === 'CustomResourceDefinition' && d.spec.group === group && d.spec.names.kind === kind);
  if (!crd) throw new Error(`schema conformance: ${kind} (${group}) is not in the ${bundle} bundle`);
  const v = crd.spec.versions.find((x: any) => x.name === version);
  if (!v?.served) throw new Error(`schema conformance: ${kind} ${version} is not served by the ${bundle} bundle`);
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false });
  ajv.addKeyword({
    keyword: 'cel',
    validate: (rules: string[], data: unknown) => rules.every(rule => CEL[rule](data)),
    errors: false,
  });
  validate = ajv.compile(prepare(v.schema.openAPIV3Schema));
  validators.set(key, validate);
  if (crd.spec.scope === 'Cluster') clusterScoped.add(key);
  return validate;
}

/** Throws with every violation when `manifest` does not conform to its CRD schema. */
export function assertConforms(manifest: any): void {
  const { apiVersion, kind, metadata, ...rest } = manifest;
  const where = `${kind} ${metadata?.namespace ?? ''}/${metadata?.name ?? ''}`;
  if (!metadata?.name) throw new Error(`schema conformance: ${where} has no metadata.name`);
  const validate = validatorFor(apiVersion, kind);
  if (clusterScoped.has(`${apiVersion}/${kind}`) && metadata.namespace !== undefined) {
    throw new Error(`schema conformance: ${where} is cluster-scoped and must not have metadata.namespace`);
  }
  if (!validate(rest)) {
    const errors = (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${(e.params as any).additionalProperty}: a cluster would prune it)` : ''}`);
    throw new Error(`schema conformance: ${where} (${apiVersion}) does not match its CRD schema:\n  ${errors.join('\n  ')}`);
  }
}
