/**
 * Istio's `virtualservice.DestinationRuleAnalyzer`: IST0101 (ReferencedResourceNotFound) for a route or mirror
 * destination's subset that no DestinationRule for its host defines (and, for ASM, a fallback target's). The
 * DestinationRules ASM generates for lane groups count as read. Unless the input is the whole cluster, a missing
 * subset is a Warning when a DestinationRule for its host is read (Istio merges a host's DestinationRules, so one
 * of another repository may define it), else an Info.
 */
import { fallbackDestinations, mirrorDestinations, routeDestinations } from './destinations';
import { AnalyzerFactory, missing } from '../../context';
import { resourceNameOf } from '../../istio/hosts';

export const destinationSubsets: AnalyzerFactory = () => ({
  name: 'virtualservice.DestinationRuleAnalyzer',
  codes: ['IST0101'],
  objects(ctx, report) {
    // `namespace/name|subset` of every subset defined, and `namespace/name` of every host a DestinationRule is for
    const defined = new Set<string>();
    for (const dr of ctx.of('networking.istio.io', 'DestinationRule')) {
      const host = resourceNameOf(dr.str(dr.spec.host), dr.namespace, ctx.domain);
      defined.add(host);
      for (const s of dr.list(dr.spec.subsets)) defined.add(`${host}|${dr.str(dr.map(s).name)}`);
    }
    // the DestinationRules the simulator reads, those ASM generates for lane groups included (the others are read above too)
    // Stryker disable next-line ArrayDeclaration: readMesh() always sets rules; the fallback is for the type only
    for (const [host, rules] of ctx.mesh.rules ?? []) {
      // Stryker disable next-line StringLiteral: the mesh's hosts are full, so no namespace is taken from the writer
      const name = resourceNameOf(host, '', ctx.domain);
      defined.add(name);
      for (const r of rules) for (const subset of r.subsets) defined.add(`${name}|${subset}`);
    }
    for (const vs of ctx.of('networking.istio.io', 'VirtualService')) {
      for (const [what, ds] of [['subset', routeDestinations(vs)], ['mirror subset', mirrorDestinations(vs)], ['fallback subset', fallbackDestinations(vs)]] as const) {
        for (const d of ds) {
          const host = resourceNameOf(d.host, vs.namespace, ctx.domain);
          if (d.subset === '' || defined.has(`${host}|${d.subset}`)) continue;
          // partial: with a DestinationRule for the host read, a Warning (a misspelt subset?); without one, the host's are elsewhere
          const [level, note] = ctx.view !== 'complete' && defined.has(host)
            ? ['Warning' as const, ' among the DestinationRules read for the host (Istio merges a host\'s DestinationRules, so one read elsewhere may define it)']
            : missing(ctx, 'Error');
          report('IST0101', level, vs.location, `${d.at}: the ${what} ${d.subset} of ${d.host} is not found${note}`, vs.object);
        }
      }
    }
  },
});
