/**
 * IST0101 (ReferencedResourceNotFound) for hosts: a destination host no Service or ServiceEntry read is (when
 * the input holds Services, or is complete); IST0112 (VirtualServiceDestinationPortSelectorRequired): no port on a destination
 * whose Service has several.
 */
import { AnalyzerFactory, destinationText, where } from '../../context';

export const destinationHosts: AnalyzerFactory = () => ({
  codes: ['IST0101', 'IST0112'],
  destination(t, d, ctx, report) {
    // a redirect has no backend; a backend of another kind than Service is no host
    if (d.redirect || d.unresolved?.why === 'kind' || d.unresolved?.why === 'none') return;
    const { services, serviceEntryHosts } = ctx.inventory;
    if ((services.size > 0 || ctx.complete) && !services.has(d.host) && !serviceEntryHosts.has(d.host)) {
      report('IST0101', 'Error', where(t), `${destinationText(d)}: no Service (or ServiceEntry) read is host ${d.host}`);
    }
    const svc = services.get(d.host);
    if (svc && svc.ports > 1 && d.port === undefined) report('IST0112', 'Error', where(t), `${destinationText(d)}: the Service has ${svc.ports} ports; name one with port.number`);
  },
});
