/**
 * The offline analyzer behind `cdk8s-lanes check` (and synth, synth-runner.ts): lane routing in any manifests
 * (synthesized, Helm or kustomize output, hand-written) checked before apply, with Istio's analyzer codes where
 * Istio has one (https://istio.io/latest/docs/reference/config/analysis/) and the project's own `LANE` codes
 * otherwise. One module per analyzer (analyzers/, by the kind it looks at, as Istio arranges them); this runner
 * reads the input once and walks it once for all of them.
 */
import { DEFAULT_CLUSTER_DOMAIN } from '../model/types';
import { caCertificates } from './analyzers/destinationrule/ca-certificates';
import { multipleDestinationRules } from './analyzers/destinationrule/multiple-rules';
import { subsetsWithoutPods } from './analyzers/destinationrule/subset-pods';
import { httpRouteReferences } from './analyzers/httproute/references';
import { duplicateObjects } from './analyzers/objects/duplicates';
import { unmodelledObjects } from './analyzers/objects/unmodelled';
import { conflictingMeshHosts } from './analyzers/virtualservice/conflicting-mesh-hosts';
import { destinationHosts } from './analyzers/virtualservice/destination-hosts';
import { destinationSubsets } from './analyzers/virtualservice/destination-rules';
import { vsGateways } from './analyzers/virtualservice/gateways';
import { jwtClaimRoutes } from './analyzers/virtualservice/jwt-claim-route';
import { routingHeader } from './analyzers/virtualservice/routing-header';
import { virtualServiceValidation } from './analyzers/virtualservice/validation';
import { AnalyzerFactory, contextOf, View } from './context';
import { Finding, LEVELS, Report } from './findings';
import { ISTIOCTL_DEFAULTS, resourcesOf } from './istio/resources';
import { Manifest, readMeshLeniently } from '../simulate/read/manifests';

/** Every analyzer, in the order their findings of one level are listed. */
export const ANALYZERS: readonly AnalyzerFactory[] = [
  virtualServiceValidation,
  unmodelledObjects,
  duplicateObjects,
  conflictingMeshHosts,
  multipleDestinationRules,
  destinationSubsets,
  destinationHosts,
  vsGateways,
  httpRouteReferences,
  jwtClaimRoutes,
  routingHeader,
  subsetsWithoutPods,
  caCertificates,
];

export interface AnalyzeOptions {
  readonly clusterDomain?: string;
  readonly asmGeneratedNamespace?: string;
  readonly listenerIsolation?: boolean;
  /** the input holds every object of the cluster (`check --complete`); istioctl's defaults are added to it */
  readonly complete?: boolean;
  /** an app's objects at synth: partial, and sure of what it fails on */
  readonly synth?: boolean;
  /** the namespace of an object that names none (default: `default`) */
  readonly defaultNamespace?: string;
  /** only the analyzers of these names (Istio's names, e.g. `virtualservice.GatewayAnalyzer`) */
  readonly only?: readonly string[];
}

/** Every finding for a set of manifests, in a stable order (errors first). */
export function analyze(manifests: readonly Manifest[], options: AnalyzeOptions = {}): Finding[] {
  const domain = options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const findings: Finding[] = [];
  // Stryker disable next-line StringLiteral: any other text than 'complete' and 'synth' is the partial view
  const view: View = options.complete ? 'complete' : options.synth ? 'synth' : 'partial';
  // as in Istio, a finding said twice is said once
  const said = new Set<string>();
  const report: Report = (code, level, resource, message, object) => {
    // synth reports no Info
    if (level === 'Info' && view === 'synth') return;
    const key = JSON.stringify([code, level, resource, message, object]);
    if (said.has(key)) return;
    said.add(key);
    findings.push({ code, level, resource, message, ...(object !== undefined ? { object } : {}) });
  };
  // objects the analysis cannot model are Info (LANE004), and the analysis goes on
  const { mesh, unmodelled } = readMeshLeniently(manifests, options);
  // istioctl reads its defaults first: an object of the input with the same name replaces one
  const resources = resourcesOf(view === 'complete' ? [...ISTIOCTL_DEFAULTS, ...manifests] : manifests, options.defaultNamespace ?? 'default');
  const ctx = contextOf({ manifests, resources, mesh, unmodelled, domain, view });
  // each analyzer reports the codes it declares, and no other (the declaration is what the docs list)
  const analyzers = ANALYZERS.map(make => make())
    .filter(a => (!options.only || options.only.includes(a.name)) && !(view === 'synth' && a.infoAtSynth))
    .map(a => {
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
