/**
 * Istio's `destinationrule.SubsetSelectPodAnalyzer`:
 * - IST0174 (UnknownDestinationRuleHost): a DestinationRule whose host no Service or ServiceEntry visible from its
 *   namespace is;
 * - IST0173 (DestinationRuleSubsetNotSelectPods): a subset whose labels (with a ServiceEntry's workload selector)
 *   select no pod. Pods are read with the topology labels of their node (region, zone, subzone, hostname), as
 *   Istio adds them; the pod templates of Deployments, StatefulSets and Rollouts count as pods.
 */
import { selects } from '../../../simulate/read/gateway';
import { AnalyzerFactory, missing } from '../../context';
import { destinationService } from '../../istio/hosts';
import { Resource } from '../../istio/resources';

const REGION = 'topology.kubernetes.io/region';
const ZONE = 'topology.kubernetes.io/zone';
const SUBZONE = 'topology.istio.io/subzone';
const WORKLOADS = ['Deployment', 'StatefulSet', 'Rollout'];

/** A pod's labels with its node's topology, as Istio augments them (a subzone counts only after a zone). */
function podLabels(pod: Resource, nodes: ReadonlyMap<string, { readonly [k: string]: string }>): { [k: string]: string } {
  const out: { [k: string]: string } = { ...pod.labels };
  const nodeName = pod.str(pod.spec.nodeName);
  const node = nodes.get(nodeName);
  if (node) {
    // Istio writes the node's locality as region/zone/subzone (a subzone only after a zone) and reads it back
    if (node[REGION]) out[REGION] = node[REGION];
    if (node[ZONE]) {
      out[ZONE] = node[ZONE];
      if (node[SUBZONE]) out[SUBZONE] = node[SUBZONE];
    }
  }
  if (nodeName) out['kubernetes.io/hostname'] = nodeName;
  return out;
}

/** The pod templates' labels of the workloads read. */
function templateLabels(r: Resource): { [k: string]: string } | undefined {
  if (!WORKLOADS.includes(r.kind) || (r.group !== 'apps' && r.group !== 'argoproj.io')) return undefined;
  return r.labelMap(r.map(r.map(r.spec.template).metadata).labels);
}

export const subsetsWithoutPods: AnalyzerFactory = () => ({
  name: 'destinationrule.SubsetSelectPodAnalyzer',
  codes: ['IST0173', 'IST0174'],
  infoAtSynth: true,
  objects(ctx, report) {
    const nodes = new Map(ctx.of('', 'Node').map(n => [n.name, n.labels]));
    const pods = [
      ...ctx.of('', 'Pod').map(p => podLabels(p, nodes)),
      ...ctx.resources.map(templateLabels).filter((l): l is { [k: string]: string } => l !== undefined),
    ];
    // pods by label: a selector is tried on the pods of its rarest label only
    const byLabel = new Map<string, Array<{ [k: string]: string }>>();
    for (const labels of pods) {
      for (const [k, v] of Object.entries(labels)) {
        const bucket = byLabel.get(`${k}=${v}`);
        if (bucket) bucket.push(labels);
        else byLabel.set(`${k}=${v}`, [labels]);
      }
    }
    const anyPod = (selector: { [k: string]: string }) => {
      // Stryker disable next-line ArrayDeclaration: a pool of a text, not of labels, selects nothing, as the empty one
      const pools = Object.entries(selector).map(([k, v]) => byLabel.get(`${k}=${v}`) ?? []);
      // Stryker disable next-line ConditionalExpression,EqualityOperator: which label's pods are tried is speed only (each holds every match)
      const pool = pools.length ? pools.reduce((a, b) => (b.length < a.length ? b : a)) : pods;
      // Stryker disable next-line ArrayDeclaration: an expression without an operator constrains nothing, as none
      return pool.some(labels => selects({ matchLabels: selector, matchExpressions: [] }, labels));
    };
    for (const dr of ctx.of('networking.istio.io', 'DestinationRule')) {
      const host = dr.str(dr.spec.host);
      const svc = destinationService(ctx.serviceHosts(), dr.namespace, dr.strings(dr.spec.exportTo), host, ctx.domain);
      if (!svc) {
        const [level, note] = missing(ctx, 'Warning');
        report('IST0174', level, dr.location, `host: ${host} is not found${note}: no Service or ServiceEntry is this host`, dr.object);
        continue;
      }
      for (const s of dr.list(dr.spec.subsets)) {
        const subset = dr.map(s);
        const selector = { ...svc.workloadLabels, ...dr.labelMap(subset.labels) };
        if (anyPod(selector)) continue;
        const [level, note] = missing(ctx, 'Error');
        const shown = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(', ') || '(none)';
        report('IST0173', level, dr.location,
          `subset ${dr.str(subset.name)}: no pod with labels ${shown} is found${note}; requests to the subset would fail (503 UH)`, dr.object);
      }
    }
  },
});
