/**
 * A lane's fork of a baseline workload, from the baseline's manifest as it synthesizes: the same spec with the lane's
 * pod labels added to its selector and pod template and the lane's overrides applied. And what makes a baseline
 * impossible to fork: a selector that would also select the forks' pods.
 */
import { ApiObject, JsonPatch, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { Fork, WORKLOAD_KINDS, WorkloadPlan } from '../model/workloads';
import { labelsSelect, labelText, list, show } from '../validation/values';

type Labels = { readonly [key: string]: string };

/** A manifest's field, or undefined when it is not an object. */
function obj(x: unknown): { [k: string]: any } | undefined {
  // Stryker disable next-line ConditionalExpression: null passes for an object only to be read as none by every caller (`?? {}`, `!`)
  return x !== null && typeof x === 'object' && !Array.isArray(x) ? x as { [k: string]: any } : undefined;
}

/** Labels as the fork has them: the baseline lane's taken off (its subsets must not select the fork), the fork's lane's added. */
export function forkLabels(labels: Labels | undefined, fork: Fork): { [key: string]: string } {
  const out: { [key: string]: string } = { ...labels };
  for (const key of fork.baselineKeys) delete out[key];
  return { ...out, ...fork.podLabels };
}

/** The fork's spec: the baseline's, with the lane's labels on its selector and pod template, and its overrides. */
export function forkSpec(baselineSpec: unknown, fork: Fork): { [k: string]: any } {
  const spec = JSON.parse(JSON.stringify(baselineSpec ?? {}));
  spec.selector = { ...spec.selector, matchLabels: forkLabels(spec.selector?.matchLabels, fork) };
  spec.template = { ...spec.template, metadata: { ...spec.template?.metadata, labels: forkLabels(spec.template?.metadata?.labels, fork) } };
  const o = fork.overrides;
  if (o.replicas !== undefined) spec.replicas = o.replicas;
  if (o.image === undefined && o.env === undefined && o.container === undefined) return spec;
  const where = `lane ${show(fork.lane)} workloads.${fork.service}`;
  const containers: unknown = spec.template.spec?.containers ?? [];
  if (!Array.isArray(containers) || !containers.every(c => obj(c))) throw new Error(`${where}: the pod template's containers must be a list of containers, got ${show(containers)}`);
  const container = o.container === undefined ? containers[0] : containers.find(c => c.name === o.container);
  if (!container) {
    throw new Error(`${where}: ${o.container === undefined ? 'the pod template has no container'
      : `the pod template has no container ${show(o.container)} (containers: ${list(containers.map(c => String(c.name)))})`}`);
  }
  if (o.image !== undefined) container.image = o.image;
  if (o.env !== undefined) {
    const env: unknown = container.env ?? [];
    if (!Array.isArray(env)) throw new Error(`${where}: the container's env must be a list, got ${show(env)}`);
    for (const [name, value] of Object.entries(o.env)) {
      const at = env.findIndex(e => e.name === name);
      if (at >= 0) env[at] = { name, value };
      else env.push({ name, value });
    }
    container.env = env;
  }
  return spec;
}

/**
 * What keeps `manifest` (a service's baseline workload, as it synthesizes) from being forked into the plan's lanes:
 * no `matchLabels`, `matchExpressions`, a selector the baseline lane's labels contradict, or one that would also
 * select a fork's pods; and two forks whose selectors select each other's pods.
 */
export function baselineProblems(where: string, manifest: unknown, service: string, plan: WorkloadPlan): string[] {
  const m = obj(manifest) ?? {};
  const md = obj(m.metadata) ?? {};
  const what = `${m.kind} ${md.namespace ?? 'default'}/${md.name}`;
  const spec = obj(m.spec) ?? {};
  if (m.kind === 'Rollout' && spec.workloadRef !== undefined) {
    return [`${where}: ${what} refers to its pods' workload (workloadRef); give the workload it refers to instead`];
  }
  const canary = obj(obj(spec.strategy)?.canary) ?? {};
  const managed = ['stableService', 'canaryService', 'trafficRouting'].filter(k => canary[k] !== undefined);
  if (managed.length > 0) {
    return [`${where}: ${what} manages Services or routing of its own (spec.strategy.canary ${list(managed)}), which its forks would manage too; fork a Rollout without them (the lanes route)`];
  }
  const selector = obj(spec.selector) ?? {};
  const matchLabels = obj(selector.matchLabels);
  if (!matchLabels || Object.keys(matchLabels).length === 0) return [`${where}: ${what} has no spec.selector.matchLabels; a fork adds its lane's labels to them`];
  if (selector.matchExpressions !== undefined) return [`${where}: ${what} selects with spec.selector.matchExpressions, which a fork cannot narrow to its lane; select with matchLabels only`];
  const templateLabels: Labels = obj(obj(obj(spec.template)?.metadata)?.labels) ?? {};
  const contradicted = Object.entries(plan.baselineLabels).filter(([k, v]) => matchLabels[k] !== undefined && matchLabels[k] !== v);
  if (contradicted.length > 0) {
    return [`${where}: ${what} selects ${labelText(Object.fromEntries(contradicted.map(([k]) => [k, matchLabels[k]])))}, but its lane (the baseline) labels its pods ${labelText(Object.fromEntries(contradicted))}; make them agree`];
  }
  const forks = plan.forks.filter(f => f.service === service);
  const problems: string[] = [];
  const baselinePods = { ...templateLabels, ...plan.baselineLabels };
  // a lane whose labels hold the baseline lane's (or are held by them): no selector tells their pods apart
  const alike = forks.filter(f => labelsSelect(f.podLabels, plan.baselineLabels) || labelsSelect(plan.baselineLabels, f.podLabels));
  for (const f of alike) {
    problems.push(`${where}: lane ${show(f.lane)}'s podLabels (${labelText(f.podLabels)}) and the baseline lane's (${labelText(plan.baselineLabels)}) select each other's pods; `
      + 'give the lanes podLabels that differ on a key, such as version');
  }
  const overlapping = forks.filter(f => !alike.includes(f) && labelsSelect(matchLabels, forkLabels(templateLabels, f)));
  if (overlapping.length > 0) {
    const add = Object.fromEntries(Object.entries(plan.baselineLabels).filter(([k]) => matchLabels[k] === undefined));
    // cdk8s-plus selects its pods by a label of its own, and takes more with select()
    const plus = Object.keys(matchLabels).includes('cdk8s.io/metadata.addr') ? ` (cdk8s-plus: deployment.select(LabelSelector.of({ labels: { ${Object.entries(add).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(', ')} } })))` : '';
    const ns = md.namespace === undefined ? '' : ` -n ${md.namespace}`;
    problems.push(`${where}: the selector of ${what} (${labelText(matchLabels)}) also selects the pods of its forks (lanes ${list(overlapping.map(f => f.lane))}); `
      + `add ${labelText(add)} to its spec.selector.matchLabels${plus}. A selector cannot change in a cluster: recreate the ${m.kind} without stopping its pods `
      + `(kubectl delete ${String(m.kind).toLowerCase()} ${md.name}${ns} --cascade=orphan, apply, then delete its old ReplicaSet once the new pods are ready)`);
  }
  for (const f of forks.filter(x => !alike.includes(x))) {
    if (labelsSelect(forkLabels(matchLabels, f), baselinePods)) {
      problems.push(`${where}: the fork of lane ${show(f.lane)} would select the baseline's pods (${labelText(f.podLabels)} within ${labelText(baselinePods)}); give the lanes podLabels that tell them apart`);
    }
  }
  for (const a of forks) {
    for (const b of forks.filter(f => f !== a)) {
      if (labelsSelect(forkLabels(matchLabels, a), forkLabels(templateLabels, b))) {
        problems.push(`${where}: the fork of lane ${show(a.lane)} would select the pods of lane ${show(b.lane)}'s fork (${labelText(a.podLabels)} within ${labelText(b.podLabels)}); give the lanes podLabels that tell them apart`);
      }
    }
  }
  return problems;
}

/** The workload object of a `workload` prop: an ApiObject of a workload kind, or a cdk8s-plus workload's. */
export function workloadObject(where: string, workload: Construct, namespace: string): ApiObject {
  const inner = (workload as { apiObject?: unknown }).apiObject;
  const o = ApiObject.isApiObject(workload) ? workload : ApiObject.isApiObject(inner) ? inner : undefined;
  if (!o) throw new Error(`${where} must be a Deployment, StatefulSet or Rollout (an ApiObject, or a cdk8s-plus workload), got a construct ${show(workload.node.path)}`);
  if (!WORKLOAD_KINDS.includes(`${o.apiVersion} ${o.kind}`)) {
    throw new Error(`${where} is a ${o.apiVersion} ${o.kind} (${show(o.node.path)}); a lane forks a Deployment, StatefulSet or Rollout (${list(WORKLOAD_KINDS)})`);
  }
  const ns = o.metadata.namespace;
  if (ns !== undefined && ns !== namespace) {
    throw new Error(`${where} ${o.kind} ${ns}/${o.name} is in namespace ${show(ns)}, but its service is in ${show(namespace)}; a Service selects the pods of its own namespace only`);
  }
  return o;
}

/** A JSON pointer's segment for a label key (RFC 6901: a label key has no '~', and at most one '/'). */
const segment = (key: string) => key.replace('/', '~1');

/**
 * The forks of one service's baseline workload, one per lane of the plan that holds the service, named
 * `<workload>-<lane>` in the baseline's namespace; the baseline's pod template gets the baseline lane's labels.
 * The forks are made from the baseline as it synthesizes (later changes to it, patches included, carry over).
 */
export function forkWorkload(scope: Construct, baseline: ApiObject, service: string, plan: WorkloadPlan): ApiObject[] {
  for (const [k, v] of Object.entries(plan.baselineLabels)) baseline.addJsonPatch(JsonPatch.add(`/spec/template/metadata/labels/${segment(k)}`, v));
  const { labels, namespace } = baseline.metadata.toJson() as { labels?: Labels; namespace?: string };
  return plan.forks.filter(f => f.service === service).map(f => {
    const fork = new ApiObject(scope, `Workload-${service}-${f.lane}`, {
      apiVersion: baseline.apiVersion,
      kind: baseline.kind,
      metadata: { name: `${baseline.name}-${f.lane}`, namespace, labels: forkLabels(labels, f) },
      spec: Lazy.any({ produce: () => forkSpec((baseline.toJson() as { spec?: unknown }).spec, f) }),
    });
    // in the baseline's namespace, none included: not the group's chart's (removing an absent key does nothing)
    if (namespace === undefined) fork.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    return fork;
  });
}
