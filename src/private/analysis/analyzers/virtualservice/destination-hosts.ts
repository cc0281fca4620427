/**
 * Istio's `virtualservice.DestinationHostAnalyzer`:
 * - IST0101 (ReferencedResourceNotFound): a route or mirror destination whose host no Service or ServiceEntry
 *   visible from the VirtualService's namespace is (exportTo honoured, wildcard hosts matched), or whose port
 *   that service does not expose;
 * - IST0112 (VirtualServiceDestinationPortSelectorRequired): no port on a destination whose service has several;
 * - IST0140 (IngressRouteRulesNotAffected): a gateway VirtualService routes to a host without a subset while a
 *   VirtualService for that host routes to its subsets: the subsets do not apply to the gateway's requests.
 */
import { Destination, mirrorDestinations, routeDestinations } from './destinations';
import { AnalyzerFactory, Context, missing } from '../../context';
import { Report } from '../../findings';
import { destinationService } from '../../istio/hosts';
import { Resource } from '../../istio/resources';

function checkHost(vs: Resource, d: Destination, what: string, ctx: Context, report: Report): void {
  const svc = destinationService(ctx.serviceHosts(), vs.namespace, vs.strings(vs.spec.exportTo), d.host, ctx.domain);
  if (!svc) {
    const [level, note] = missing(ctx, 'Error');
    report('IST0101', level, vs.location, `${d.at}: the ${what} ${JSON.stringify(d.host)} is not found${note}`, vs.object);
    return;
  }
  // at synth a ServiceEntry of another repository could stand for the host, with other ports
  const level = ctx.view === 'synth' ? 'Warning' : 'Error';
  if (d.port === undefined) {
    if (svc.ports.length > 1) {
      report('IST0112', level, vs.location, `${d.at}: ${d.host} exposes ports ${svc.ports.join(', ')} (${svc.resource.object}); name one with port.number`, vs.object);
    }
  } else if (!svc.ports.includes(d.port)) {
    report('IST0101', level, vs.location, `${d.at}: the host:port ${d.host}:${d.port} is not found: ${svc.resource.object} exposes ${svc.ports.join(', ') || 'no port'}`, vs.object);
  }
}

/** IST0140: a gateway route without a subset to a host that a VirtualService for it routes to subsets of. */
function subsetsBypassed(vs: Resource, withSubsets: ReadonlyMap<string, readonly Resource[]>, report: Report): void {
  if (vs.strings(vs.spec.gateways).length === 0) return;
  for (const d of routeDestinations(vs)) {
    if (!d.at.startsWith('http') || d.subset !== '') continue;
    for (const other of withSubsets.get(d.host) ?? []) {
      report('IST0140', 'Warning', vs.location,
        `${d.at}: the subsets that ${other.object} routes ${d.host} to have no effect on this gateway's requests, which go to the host without a subset; route to the subsets here`, vs.object);
    }
  }
}

export const destinationHosts: AnalyzerFactory = () => ({
  name: 'virtualservice.DestinationHostAnalyzer',
  codes: ['IST0101', 'IST0112', 'IST0140'],
  objects(ctx, report) {
    const vss = ctx.of('networking.istio.io', 'VirtualService');
    // by host, the VirtualServices that route it to a subset (once per such HTTP destination), when it is one of their hosts
    const withSubsets = new Map<string, Resource[]>();
    for (const vs of vss) {
      for (const d of routeDestinations(vs)) {
        if (d.at.startsWith('http') && d.subset !== '' && vs.strings(vs.spec.hosts).includes(d.host)) withSubsets.set(d.host, [...(withSubsets.get(d.host) ?? []), vs]);
      }
    }
    for (const vs of vss) {
      for (const d of routeDestinations(vs)) checkHost(vs, d, 'host', ctx, report);
      for (const d of mirrorDestinations(vs)) checkHost(vs, d, 'mirror host', ctx, report);
      subsetsBypassed(vs, withSubsets, report);
    }
  },
});
