/**
 * The analyzer of `cdk8s-lanes check`, run once per app at synth time over every object of the app (one
 * validation on the app's root, whatever the number of routings), workloads included: synth fails on its
 * Error findings and prints its Warnings. The objects this library renders are read from their rendered
 * specs, without synthesizing them twice; every other object (and one changed through `addJsonPatch`)
 * through its `toJson()`.
 */
import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { analyze } from './analyze';
import { describeFinding } from './findings';
import { locationOf, Manifest } from '../simulate/read/manifests';

interface Registry {
  /** objects rendered by this library → their spec, rendered from the model as it is at synth */
  readonly rendered: Map<ApiObject, () => unknown>;
  /** read options a LaneGroup sets (the cluster domain, where ASM writes what it generates) */
  options: { clusterDomain?: string; asmGeneratedNamespace?: string };
  /** the last analysis, and the state of the app it analyzed */
  last?: { readonly state: readonly unknown[]; readonly errors: string[] };
  /** the last analysis' Errors about each object, reported by the object's own validation */
  readonly byObject: Map<IConstruct, string[]>;
}

const REGISTRIES = new WeakMap<IConstruct, Registry>();
const WARNED = new Set<string>();
/** objects whose validation reports their findings */
const VALIDATED = new WeakSet<IConstruct>();

/** Registers an object this library renders, with its spec, and the app-wide checks on first use. */
export function registerRendered(obj: ApiObject, spec: () => unknown): void {
  registry(obj).rendered.set(obj, spec);
}

/**
 * A spec rendered once per state of its model (`key`): cdk8s validates the whole app once per synth and
 * again for every chart it synthesizes, and the app-wide checks and the object's synthesis share the
 * rendered spec.
 */
export function renderedOnce(key: () => readonly unknown[], produce: () => unknown): () => unknown {
  let kept: { key: readonly unknown[]; spec: unknown } | undefined;
  return () => {
    const now = key();
    if (!kept || !sameItems(kept.key, now)) kept = { key: now, spec: produce() };
    return kept.spec;
  };
}

function sameItems(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Registers the read options of a lane group (the first group that sets one decides). */
export function registerReadOptions(scope: IConstruct, options: { clusterDomain?: string; asmGeneratedNamespace?: string }): void {
  const reg = registry(scope);
  reg.options = {
    clusterDomain: reg.options.clusterDomain ?? options.clusterDomain,
    // Stryker disable next-line LogicalOperator: no finding at synth names where ASM writes the VirtualServices it generates
    asmGeneratedNamespace: reg.options.asmGeneratedNamespace ?? options.asmGeneratedNamespace,
  };
}

/** Makes sure the app-wide checks run for the app that holds `scope`. */
export function registry(scope: IConstruct): Registry {
  const root = scope.node.root;
  let reg = REGISTRIES.get(root);
  if (!reg) {
    const created: Registry = { rendered: new Map(), options: {}, byObject: new Map() };
    reg = created;
    REGISTRIES.set(root, created);
    root.node.addValidation({ validate: () => appErrors(root, created) });
  }
  return reg;
}

/**
 * The object as synthesized, and what identifies that state: for an (unpatched) object this library renders,
 * its rendered spec without the rest of toJson() (the spec object changes when its model does); for any other
 * object, its toJson() as JSON text.
 */
function manifestOf(obj: ApiObject, reg: Registry): { obj: unknown; state: unknown } {
  const spec = reg.rendered.get(obj);
  const patches: unknown = (obj as any).patches;
  // Stryker disable next-line ConditionalExpression,BooleanLiteral,EqualityOperator: toJson() of an unpatched object gives the same manifest, only slower
  if (!spec || !Array.isArray(patches) || patches.length > 0) {
    const json = obj.toJson();
    return { obj: json, state: JSON.stringify(json) };
  }
  const rendered = spec();
  const manifest = {
    apiVersion: obj.apiVersion,
    kind: obj.kind,
    // Stryker disable next-line ConditionalExpression: a namespace key holding undefined reads as no namespace
    metadata: { name: obj.name, ...(obj.metadata.namespace !== undefined ? { namespace: obj.metadata.namespace } : {}) },
    spec: rendered,
  };
  return { obj: manifest, state: rendered };
}

/**
 * The app's Error findings, as validation messages; its Warnings printed once (process warnings). An app in
 * the state it was last analyzed in (cdk8s validates it again for every chart) gets the same answer.
 *
 * Runs as the root's validation, which cdk8s runs first (it validates the tree root first). A finding about an
 * object is handed to that object's own validation, so that cdk8s prefixes it with the object's path, not the
 * root's empty one; the root returns only what names no object.
 */
export function appErrors(root: IConstruct, reg: Registry): string[] {
  // Stryker disable next-line ArrayDeclaration: a placeholder is read as a document that is no object, an Info finding, which synth does not report
  const manifests: Manifest[] = [];
  // Stryker disable next-line ArrayDeclaration: read options change only with a new LaneGroup, whose objects change the state too
  const state: unknown[] = [reg.options.clusterDomain, reg.options.asmGeneratedNamespace];
  const errors: string[] = [];
  const objects = new Map<string, IConstruct>();
  for (const c of root.node.findAll()) {
    if (!ApiObject.isApiObject(c)) continue;
    try {
      const m = manifestOf(c, reg);
      const manifest: Manifest = { path: c.node.path, obj: m.obj };
      manifests.push(manifest);
      objects.set(locationOf(manifest), c);
      state.push(c, m.state);
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  if (errors.length > 0) return errors;
  if (reg.last && sameItems(reg.last.state, state)) return reg.last.errors;
  const findings = analyze(manifests, { ...reg.options, synth: true });
  for (const f of findings.filter(x => x.level === 'Warning')) {
    const line = describeFinding(f);
    if (WARNED.has(line)) continue;
    WARNED.add(line);
    process.emitWarning(line, { code: 'CDK8S_LANES_CHECK' });
  }
  reg.byObject.clear();
  const unplaced: string[] = [];
  for (const f of findings.filter(x => x.level === 'Error')) {
    const owner = objects.get(f.resource);
    // Stryker disable next-line ConditionalExpression,BlockStatement: every Error at synth is about an object of the app; kept so that one that is not would still fail synth
    if (!owner) {
      unplaced.push(describeFinding(f));
      continue;
    }
    reg.byObject.set(owner, [...(reg.byObject.get(owner) ?? []), describeFinding(f)]);
    if (!VALIDATED.has(owner)) {
      VALIDATED.add(owner);
      owner.node.addValidation({ validate: () => reg.byObject.get(owner) ?? [] });
    }
  }
  reg.last = { state, errors: unplaced };
  return unplaced;
}
