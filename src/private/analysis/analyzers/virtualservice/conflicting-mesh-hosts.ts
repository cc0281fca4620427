/**
 * IST0109 (ConflictingMeshGatewayVirtualServiceHosts): two mesh VirtualServices for one host, including one
 * ASM generates for a lane group; a VirtualService the reader left out still claims its hosts.
 */
import { qualifyHost } from '../../../model/group';
import { locationOf } from '../../../simulate/read/manifests';
import { AnalyzerFactory, ASM_ADVICE, where } from '../../context';

export const conflictingMeshHosts: AnalyzerFactory = () => ({
  codes: ['IST0109'],
  objects(ctx, report) {
    const claims = ctx.mesh.tables.filter(t => t.mesh)
      .flatMap(t => [...new Set(t.hosts)].map(host => ({ host, location: where(t), generatedBy: t.generatedBy })));
    for (const u of ctx.unmodelled) {
      const o = u.manifest.obj;
      // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: of what the reader leaves out, only Istio VirtualServices have spec.hosts
      if (o?.kind !== 'VirtualService' || !String(o.apiVersion).startsWith('networking.istio.io/')) continue;
      const gateways: unknown[] = Array.isArray(o.spec?.gateways) ? o.spec.gateways : [];
      if (gateways.length > 0 && !gateways.includes('mesh')) continue;
      const namespace = typeof o.metadata?.namespace === 'string' ? o.metadata.namespace : undefined;
      const hosts: unknown[] = Array.isArray(o.spec?.hosts) ? o.spec.hosts : [];
      for (const h of new Set(hosts)) {
        if (typeof h === 'string') claims.push({ host: qualifyHost(h, namespace, ctx.domain), location: locationOf(u.manifest), generatedBy: undefined });
      }
    }
    const byHost = new Map<string, typeof claims[number]>();
    for (const c of claims) {
      const first = byHost.get(c.host);
      if (!first) {
        byHost.set(c.host, c);
        continue;
      }
      const generated = [c, first].find(x => x.generatedBy !== undefined);
      const mine = generated === c ? first : c;
      report('IST0109', 'Error', mine.location, generated
        ? `is a sidecar VirtualService for host ${c.host}, for which ASM generates one from lane group ${generated.generatedBy}; Istio would merge or drop one of them. ${ASM_ADVICE}`
        : `is also a sidecar VirtualService for host ${c.host}, like ${first.location}; Istio applies only one VirtualService per host on the sidecars, so route this host from one place`);
    }
  },
});
