/**
 * The offline analyzer behind `cdk8s-lanes check` (and synth, synth-runner.ts): lane routing in any manifests
 * (synthesized, Helm or kustomize output, hand-written) checked before apply, with Istio's analyzer codes where
 * Istio has one (https://istio.io/latest/docs/reference/config/analysis/) and the project's own `LANE` codes
 * otherwise. One module per analyzer (analyzers/, by the kind it looks at, as Istio arranges them); this runner
 * reads the input once and walks it once for all of them.
 */
import { DEFAULT_CLUSTER_DOMAIN } from '../model/types';
import { multipleDestinationRules } from './analyzers/destinationrule/multiple-rules';
import { subsetsWithoutPods } from './analyzers/destinationrule/subset-pods';
import { duplicateObjects } from './analyzers/objects/duplicates';
import { unmodelledObjects } from './analyzers/objects/unmodelled';
import { unreachableRules } from './analyzers/virtualservice/conditions';
import { conflictingMeshHosts } from './analyzers/virtualservice/conflicting-mesh-hosts';
import { destinationHosts } from './analyzers/virtualservice/destination-hosts';
import { destinationSubsets } from './analyzers/virtualservice/destination-rules';
import { missingGateways } from './analyzers/virtualservice/gateways';
import { routingHeader } from './analyzers/virtualservice/routing-header';
import { AnalyzerFactory, Context, inventoryOf } from './context';
import { Finding, LEVELS, Report } from './findings';
import { Manifest, readMeshLeniently } from '../simulate/read/manifests';

/** Every analyzer, in the order their findings of one level are listed. */
export const ANALYZERS: readonly AnalyzerFactory[] = [
  unmodelledObjects,
  duplicateObjects,
  conflictingMeshHosts,
  multipleDestinationRules,
  unreachableRules,
  destinationSubsets,
  destinationHosts,
  routingHeader,
  subsetsWithoutPods,
  missingGateways,
];

/** Every finding for a set of manifests, in a stable order (errors first). */
export function analyze(
  manifests: readonly Manifest[],
  options: { clusterDomain?: string; asmGeneratedNamespace?: string; listenerIsolation?: boolean; complete?: boolean } = {},
): Finding[] {
  const domain = options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const findings: Finding[] = [];
  const report: Report = (code, level, resource, message) => findings.push({ code, level, resource, message });
  // objects the analysis cannot model are Info (LANE004), and the analysis goes on
  const { mesh, unmodelled } = readMeshLeniently(manifests, options);
  const ctx: Context = { manifests, mesh, unmodelled, inventory: inventoryOf(manifests, domain), domain, complete: options.complete };
  // each analyzer reports the codes it declares, and no other (the declaration is what the docs list)
  const analyzers = ANALYZERS.map(make => {
    const a = make();
    const own: Report = (code, ...rest) => {
      // Stryker disable next-line ConditionalExpression,StringLiteral: an invariant for analyzers to come; no analyzer breaks it
      if (!a.codes.includes(code)) throw new Error(`analyzer of ${a.codes.join(', ')} reported ${code}, which it does not declare`);
      report(code, ...rest);
    };
    return { a, report: own };
  });
  for (const { a, report: r } of analyzers) a.objects?.(ctx, r);
  for (const t of mesh.tables) {
    for (const { a, report: r } of analyzers) a.table?.(t, ctx, r);
    for (const route of t.routes) {
      for (const d of route.destinations) {
        for (const { a, report: r } of analyzers) a.destination?.(t, d, ctx, r);
      }
    }
  }
  for (const { a, report: r } of analyzers) a.finish?.(ctx, r);
  return findings.sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level));
}
