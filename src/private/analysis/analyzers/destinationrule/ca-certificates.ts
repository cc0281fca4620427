/**
 * Istio's `destinationrule.CaCertificateAnalyzer`: a DestinationRule whose TLS mode is SIMPLE or MUTUAL and that
 * sets no `caCertificates` (nor a `credentialName` with a workload selector), so the server's certificate is not
 * verified: IST0128 (NoServerCertificateVerificationDestinationLevel) for its traffic policy, IST0129
 * (NoServerCertificateVerificationPortLevel) for a port's.
 */
import { AnalyzerFactory } from '../../context';
import { Resource } from '../../istio/resources';

function unverified(dr: Resource, tls: unknown): string | undefined {
  const t = dr.map(tls);
  const mode = dr.str(t.mode);
  if (mode !== 'SIMPLE' && mode !== 'MUTUAL') return undefined;
  const selected = dr.spec.workloadSelector !== undefined && dr.spec.workloadSelector !== null;
  return dr.str(t.caCertificates) === '' && !(dr.str(t.credentialName) !== '' && selected) ? mode : undefined;
}

export const caCertificates: AnalyzerFactory = () => ({
  name: 'destinationrule.CaCertificateAnalyzer',
  codes: ['IST0128', 'IST0129'],
  objects(ctx, report) {
    for (const dr of ctx.of('networking.istio.io', 'DestinationRule')) {
      const policy = dr.map(dr.spec.trafficPolicy);
      const host = dr.str(dr.spec.host);
      const mode = unverified(dr, policy.tls);
      if (mode) {
        report('IST0128', 'Warning', dr.location, `trafficPolicy.tls: mode ${mode} without caCertificates: the identity of host ${host} is not verified; set caCertificates`, dr.object);
      }
      dr.list(policy.portLevelSettings).forEach((p, i) => {
        const portMode = unverified(dr, dr.map(p).tls);
        if (!portMode) return;
        const port = dr.map(dr.map(p).port).number;
        report('IST0129', 'Warning', dr.location,
          `trafficPolicy.portLevelSettings[${i}].tls: mode ${portMode} without caCertificates: the identity of host ${host} at port ${port ?? '(none)'} is not verified; set caCertificates`, dr.object);
      });
    }
  },
});
