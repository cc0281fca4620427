/**
 * Schema conformance: checks a synthesized manifest against the OpenAPI schema of its CRD, read from the
 * bundles vendored in crds/ (ASM 1.21 for networking.istio.io/v1beta1, Istio 1.30.3 for v1, and the
 * schemas of ASM's lane resources for istio.alibabacloud.com/v1).
 *
 * A cluster prunes fields a structural schema does not know (or rejects them under --validate=strict),
 * so unknown fields are errors here: every object schema with `properties` and no
 * `x-kubernetes-preserve-unknown-fields` is closed. CEL rules (`x-kubernetes-validations`) are evaluated by a
 * CEL implementation (@bufbuild/cel, with the string extensions Kubernetes adds); transition rules (on `oldSelf`)
 * are left out, as for a created object; a rule using a function the evaluator does not know fails loudly.
 */
import * as fs from 'fs';
import type { CelInput, plan } from '@bufbuild/cel';
import type { ValidateFunction } from 'ajv';
import { bundlePath, readBundle } from './repo';

/**
 * What the checks build once and reuse: the parsed bundles, the compiled validators, the CEL programs. They depend
 * on the vendored bundles alone, never on the code under test. Built once per test file; in a mutation run, whose
 * environment (scripts/mutation-environment.cjs) hands every test file the same object, once per process. ajv and
 * the CEL evaluator are loaded when first needed, so a test file whose checks are all cached loads neither.
 */
interface Cache {
  bundles?: Map<string, any[]>;
  validators?: Map<string, ValidateFunction>;
  clusterScoped?: Set<string>;
  plans?: Map<string, ReturnType<typeof plan>>;
  celEnv?: unknown;
  cel?: typeof import('@bufbuild/cel');
  holds?: (rule: string, self: unknown) => boolean;
}
const cache: Cache = (globalThis as any)[Symbol.for('cdk8s-traffic-lanes.test.schema-cache')] ?? {};
const bundles = cache.bundles ??= new Map<string, any[]>();
const validators = cache.validators ??= new Map<string, ValidateFunction>();
const clusterScoped = cache.clusterScoped ??= new Set<string>();
const plans = cache.plans ??= new Map<string, ReturnType<typeof plan>>();

/*
 * The CEL evaluator is kept in the cache with the validators that call it: a validator built by an earlier test
 * file runs its rules after that file's modules are gone, when a require would fail. So is the function that
 * converts a value and evaluates a rule (`holds`): each test file has its own globals, and the evaluator knows a
 * map only when it was made with the globals of the file that loaded it.
 */
/* eslint-disable @typescript-eslint/no-require-imports */
function cel(): typeof import('@bufbuild/cel') {
  if (!cache.cel) {
    cache.cel = require('@bufbuild/cel');
    cache.holds = holds;
  }
  return cache.cel!;
}
const ajv = (): typeof import('ajv') => require('ajv');
/* eslint-enable @typescript-eslint/no-require-imports */

const BUNDLES: { [apiVersion: string]: string } = {
  'networking.istio.io/v1beta1': 'asm',
  'networking.istio.io/v1': 'istio',
  'istio.alibabacloud.com/v1': 'asm-lanes',
  'istio.alibabacloud.com/v1beta1': 'asm-lanes',
  'gateway.networking.k8s.io/v1': 'gateway-api',
  'gateway.networking.k8s.io/v1beta1': 'gateway-api',
};

function crdsOf(bundle: string): any[] {
  if (!bundles.has(bundle)) bundles.set(bundle, readBundle(bundle));
  return bundles.get(bundle)!;
}

/** CEL's reserved words: Kubernetes escapes a property with such a name as `__<name>__` (e.g. `__namespace__`). */
const CEL_RESERVED = new Set(['as', 'break', 'const', 'continue', 'else', 'false', 'for', 'function', 'if', 'import', 'in', 'let', 'loop',
  'package', 'namespace', 'null', 'return', 'true', 'var', 'void', 'while']);

/** A JSON value as CEL sees it in Kubernetes: integers are ints, objects are maps, reserved property names escaped. */
function toCel(value: unknown): CelInput {
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return Array.from(value, toCel);
  if (value && typeof value === 'object') {
    return new Map(Object.entries(value).map(([k, v]) => [CEL_RESERVED.has(k) ? `__${k}__` : k, toCel(v)]));
  }
  return value as CelInput;
}

/** The CEL environment of the bundles' rules: the standard library with Kubernetes' string extensions (split, ...). */
function celEnvironment(): any {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return cache.celEnv ??= cel().celEnv({ funcs: require('@bufbuild/cel/ext').strings });
}

/**
 * Whether `self` satisfies a CEL rule, evaluated by a CEL implementation. A rule the evaluator cannot run (a
 * function it does not know) fails loudly instead of passing; an evaluation error (a missing field) is a
 * violation, as in the API server.
 */
export function celHolds(rule: string, self: unknown): boolean {
  cel();
  return cache.holds!(rule, self);
}

function holds(rule: string, self: unknown): boolean {
  let program = plans.get(rule);
  if (!program) {
    program = cel().plan(celEnvironment(), cel().parse(rule));
    plans.set(rule, program);
  }
  const result = program({ self: toCel(self) });
  if (cel().isCelError(result)) {
    if (/unbound function|no such overload/.test(result.message)) {
      throw new Error(`schema conformance: the CEL rule ${JSON.stringify(rule)} uses what the evaluator does not know (${result.message}); add it to test/schema.ts`);
    }
    return false;
  }
  return result === true;
}

/** Closes object schemas and turns the CEL rules we know into a keyword. */
function prepare(node: any): any {
  if (Array.isArray(node)) return node.map(prepare);
  if (!node || typeof node !== 'object') return node;
  const out: any = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'x-kubernetes-validations') {
      // transition rules (on oldSelf) apply to updates only: a synthesized object is created
      const rules = (v as any[]).filter(r => !/\boldSelf\b/.test(r.rule));
      if (rules.length) out.cel = rules.map(r => ({ rule: r.rule, message: r.message }));
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

function validatorFor(apiVersion: string, kind: string): ValidateFunction {
  const key = `${apiVersion}/${kind}`;
  let validate = validators.get(key);
  if (validate) return validate;
  if (apiVersion === 'v1' || apiVersion === 'apps/v1') {
    // a core or apps object: its definition in the Kubernetes 1.33 schema (crds/k8s/)
    const definitions = JSON.parse(fs.readFileSync(bundlePath('k8s'), 'utf-8')).definitions;
    const [group, version] = apiVersion === 'v1' ? ['', 'v1'] : apiVersion.split('/');
    const name = Object.keys(definitions).find(d => definitions[d]['x-kubernetes-group-version-kind']?.some((g: any) => g.group === group && g.version === version && g.kind === kind));
    if (!name) throw new Error(`schema conformance: ${kind} (${apiVersion}) is not in the Kubernetes schema`);
    const compiler = new (ajv().default)({ allErrors: true, strict: false, validateFormats: false });
    const prepared = prepare(definitions);
    // apiVersion, kind and metadata are checked apart
    const { apiVersion: _a, kind: _k, metadata: _m, ...properties } = prepared[name].properties;
    validate = compiler.compile({ ...prepared[name], properties, definitions: prepared });
    validators.set(key, validate);
    return validate;
  }
  const bundle = BUNDLES[apiVersion];
  if (!bundle) throw new Error(`schema conformance: no CRD bundle for ${apiVersion}`);
  const [group, version] = apiVersion.split('/');
  const crd = crdsOf(bundle).find(d => d?.kind === 'CustomResourceDefinition' && d.spec.group === group && d.spec.names.kind === kind);
  if (!crd) throw new Error(`schema conformance: ${kind} (${group}) is not in the ${bundle} bundle`);
  const v = crd.spec.versions.find((x: any) => x.name === version);
  if (!v?.served) throw new Error(`schema conformance: ${kind} ${version} is not served by the ${bundle} bundle`);
  // the API server applies the schema's defaults before it evaluates the CEL rules
  // the evaluator is loaded now, while this file's modules can be required: the validator may run in a later file
  celEnvironment();
  const compiler = new (ajv().default)({ allErrors: true, strict: false, validateFormats: false, useDefaults: true });
  const celKeyword = (rules: Array<{ rule: string; message?: string }>, data: unknown): boolean => {
    const failed = rules.filter(r => !celHolds(r.rule, data));
    (celKeyword as any).errors = failed.map(r => ({ keyword: 'cel', message: `violates the CEL rule ${r.rule}${r.message ? ` (${r.message})` : ''}`, params: {} }));
    return failed.length === 0;
  };
  compiler.addKeyword({ keyword: 'cel', validate: celKeyword, errors: true });
  validate = compiler.compile(prepare(v.schema.openAPIV3Schema));
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
  // a first pass fills the schema's defaults in (the API server defaults before it validates); the second checks
  const defaulted = structuredClone(rest);
  validate(defaulted);
  if (!validate(defaulted)) {
    const errors = (validate.errors ?? []).map(e => `${e.instancePath || '/'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${(e.params as any).additionalProperty}: a cluster would prune it)` : ''}`);
    throw new Error(`schema conformance: ${where} (${apiVersion}) does not match its CRD schema:\n  ${errors.join('\n  ')}`);
  }
}
