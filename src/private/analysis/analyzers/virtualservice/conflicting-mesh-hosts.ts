/**
 * Istio's `virtualservice.ConflictingMeshGatewayHostsAnalyzer`, IST0109 (ConflictingMeshGatewayVirtualServiceHosts):
 * sidecar VirtualServices (no gateways, or `mesh` among them) that claim one host for one namespace that sees them
 * (exportTo honoured; a VirtualService exported to all conflicts with any whose host its own matches). Every party
 * is reported. A VirtualService that ASM generates for a lane group is a party too.
 */
import { gatewaysOf } from './destinations';
import { AnalyzerFactory, ASM_ADVICE } from '../../context';
import { EXPORT_TO_ALL, hostsMatch, isWildcard, scoped, splitScoped, visibleTo } from '../../istio/hosts';
import { Resource } from '../../istio/resources';

export const conflictingMeshHosts: AnalyzerFactory = () => ({
  name: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
  codes: ['IST0109'],
  objects(ctx, report) {
    const claims = new Map<string, Resource[]>();
    for (const vs of ctx.of('networking.istio.io', 'VirtualService')) {
      const gateways = gatewaysOf(vs);
      if (gateways.length > 0 && !gateways.includes('mesh')) continue;
      for (const scope of visibleTo(vs.strings(vs.spec.exportTo), vs.namespace)) {
        for (const h of vs.strings(vs.spec.hosts)) {
          const key = scoped(scope, vs.namespace, h, ctx.domain);
          // a VirtualService naming one host twice (short and in full) claims it twice, and conflicts with itself, as in Istio
          const list = claims.get(key);
          if (list) list.push(vs);
          else claims.set(key, [vs]);
        }
      }
    }
    const reported = new Set<Resource>();
    // the claims exported to all: by host, and those of wildcard hosts
    const exported = new Map<string, Resource[]>();
    // Stryker disable next-line ArrayDeclaration: an entry that is no [host, claims] pair matches no host
    const wildcards: Array<[string, Resource[]]> = [];
    for (const [key, list] of claims) {
      const [scope, host] = splitScoped(key);
      if (scope !== EXPORT_TO_ALL) continue;
      exported.set(host, list);
      // Stryker disable next-line ConditionalExpression: an exact host in the wildcard list too only names its parties twice, and each is named and reported once
      if (isWildcard(host)) wildcards.push([host, list]);
    }
    const matching = (host: string): Resource[] => (isWildcard(host)
      ? [...exported].filter(([h]) => hostsMatch(host, h)).flatMap(([, list]) => list)
      : [...(exported.get(host) ?? []), ...wildcards.filter(([h]) => hostsMatch(host, h)).flatMap(([, list]) => list)]);
    for (const [key, own] of claims) {
      const [scope, host] = splitScoped(key);
      // a namespace's claim also meets every claim exported to all whose host matches it
      const parties = scope === EXPORT_TO_ALL ? own : [...own, ...matching(host)];
      if (parties.length < 2) continue;
      const names = [...new Set(parties.map(p => `${p.namespace}/${p.name}`))].sort().join(', ');
      for (const vs of parties) {
        if (reported.has(vs)) continue;
        reported.add(vs);
        report('IST0109', 'Error', vs.location,
          `the sidecar VirtualServices ${names} all claim host ${host} (for ${scope === EXPORT_TO_ALL ? 'every namespace' : `namespace ${scope}`}); Istio applies one of them, so route this host from one VirtualService`, vs.object);
      }
    }
    // the sidecar VirtualServices ASM generates for a lane group's services (it generates no other; the tables of
    // the other VirtualServices read have no generatedBy)
    const generated = new Map(ctx.mesh.tables.flatMap(t => t.hosts.map(h => [h, t.generatedBy] as const)));
    for (const [key, list] of claims) {
      const [, host] = splitScoped(key);
      const group = generated.get(host);
      if (group === undefined) continue;
      for (const vs of new Set(list)) {
        report('IST0109', 'Error', vs.location,
          `is a sidecar VirtualService for host ${host}, for which ASM generates one from lane group ${group}; Istio would merge or drop one of them. ${ASM_ADVICE}`, vs.object);
      }
    }
  },
});
