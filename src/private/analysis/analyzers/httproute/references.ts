/**
 * IST0101 (ReferencedResourceNotFound) for what an HTTPRoute refers to: its parent Gateway, and a backend Service
 * that the input does not hold (a ServiceEntry of that host counts). A redirect, or a backend of another kind,
 * names no Service.
 */
import { AnalyzerFactory, destinationText, missing, where } from '../../context';
import { splitScoped } from '../../istio/hosts';

export const httpRouteReferences: AnalyzerFactory = () => {
  let known: Set<string> | undefined;
  return {
    name: 'lanes.HTTPRouteReferenceAnalyzer',
    codes: ['IST0101'],
    infoAtSynth: true,
    table(t, ctx, report) {
      if (t.gatewayApi && t.missingParent !== undefined) {
        const [level, note] = missing(ctx, 'Error');
        report('IST0101', level, where(t), `its parent gateway ${t.gateways[0]} is not found${note}`);
      }
    },
    destination(t, d, ctx, report) {
      if (!t.gatewayApi || d.redirect || d.unresolved?.why === 'kind' || d.unresolved?.why === 'none') return;
      // the hosts of the Services and ServiceEntries read, whoever sees them (a backend is a Service's full host)
      known ??= new Set([...ctx.serviceHosts().byKey.keys()].map(k => splitScoped(k)[1]));
      if (known.has(d.host)) return;
      const [level, note] = missing(ctx, 'Error');
      report('IST0101', level, where(t), `${destinationText(d)}: the Service ${d.host} is not found${note}`);
    },
  };
};
