/**
 * The analyzer of `cdk8s-lanes check`, run once per app at synth time over every object of the app (one
 * validation on the app's root, whatever the number of routings), workloads included: synth fails on its
 * Error findings and prints its Warnings. The objects this library renders are read from their rendered
 * specs, without synthesizing them twice; every other object (and one changed through `addJsonPatch`)
 * through its `toJson()`.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { analyze, describeFinding } from './check/analyze';
import { Manifest } from './simulate/reader';

interface Registry {
  /** objects rendered by this library → their spec, rendered from the model as it is at synth */
  readonly rendered: Map<ApiObject, () => unknown>;
  /** read options a LaneGroup sets (the cluster domain, where ASM writes what it generates) */
  options: { clusterDomain?: string; asmGeneratedNamespace?: string };
}

const REGISTRIES = new WeakMap<IConstruct, Registry>();
const WARNED = new Set<string>();

/** Registers an object this library renders, with its spec, and the app-wide checks on first use. */
export function registerRendered(obj: ApiObject, spec: () => unknown): void {
  registry(obj).rendered.set(obj, spec);
}

/**
 * A spec rendered once per synth: the app-wide checks render it first (`check`) and keep it for the
 * object's synthesis (`synth`), which takes it, unless the model it was rendered from (`key`) has changed
 * since; without a check first, `synth` renders.
 */
export function renderedOnce(key: () => readonly unknown[], produce: () => unknown): { check: () => unknown; synth: () => unknown } {
  let kept: { key: readonly unknown[]; spec: unknown } | undefined;
  return {
    check: () => {
      kept = { key: key(), spec: produce() };
      return kept.spec;
    },
    synth: () => {
      const k = kept;
      kept = undefined;
      const now = key();
      return k && k.key.length === now.length && k.key.every((x, i) => x === now[i]) ? k.spec : produce();
    },
  };
}

/** Registers the read options of a lane group (the first group that sets one decides). */
export function registerReadOptions(scope: IConstruct, options: { clusterDomain?: string; asmGeneratedNamespace?: string }): void {
  const reg = registry(scope);
  reg.options = {
    clusterDomain: reg.options.clusterDomain ?? options.clusterDomain,
    asmGeneratedNamespace: reg.options.asmGeneratedNamespace ?? options.asmGeneratedNamespace,
  };
}

/** Makes sure the app-wide checks run for the app that holds `scope`. */
export function registry(scope: IConstruct): Registry {
  const root = scope.node.root;
  let reg = REGISTRIES.get(root);
  if (!reg) {
    const created: Registry = { rendered: new Map(), options: {} };
    reg = created;
    REGISTRIES.set(root, created);
    root.node.addValidation({ validate: () => appErrors(root, created) });
  }
  return reg;
}

/** The object as synthesized; for one this library renders (unpatched), its rendered spec without the rest of toJson(). */
function manifestOf(obj: ApiObject, reg: Registry): unknown {
  const spec = reg.rendered.get(obj);
  const patches: unknown = (obj as any).patches;
  if (!spec || !Array.isArray(patches) || patches.length > 0) return obj.toJson();
  return {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    metadata: { name: obj.name, ...(obj.metadata.namespace !== undefined ? { namespace: obj.metadata.namespace } : {}) },
    spec: spec(),
  };
}

/** The app's Error findings, as validation messages; its Warnings printed once (process warnings). */
export function appErrors(root: IConstruct, reg: Registry): string[] {
  const manifests: Manifest[] = [];
  const errors: string[] = [];
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    try {
      manifests.push({ path: c.node.path, obj: manifestOf(c, reg) });
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  if (errors.length > 0) return errors;
  const findings = analyze(manifests, reg.options);
  for (const f of findings.filter(x => x.level === 'Warning')) {
    const line = describeFinding(f);
    if (WARNED.has(line)) continue;
    WARNED.add(line);
    process.emitWarning(line, { code: 'CDK8S_LANES_CHECK' });
  }
  return findings.filter(f => f.level === 'Error').map(describeFinding);
}
