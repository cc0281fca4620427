/** LANE003 (Info): a gateway VirtualService whose Gateway is not in the input (it usually lives elsewhere). */
import { AnalyzerFactory, where } from '../../context';

export const missingGateways: AnalyzerFactory = () => ({
  codes: ['LANE003'],
  finish(ctx, report) {
    for (const t of ctx.mesh.tables) {
      // HTTPRoutes: their Gateway was read (gateway.networking.k8s.io), or the table says it was not
      if (t.gatewayApi) {
        if (t.missingParent !== undefined) report('LANE003', 'Info', where(t), `its gateway ${t.gateways[0]} is not among the objects read (it usually lives elsewhere)`);
        continue;
      }
      for (const g of t.gateways) {
        const ref = g.includes('/') ? g : `${t.namespace ?? 'default'}/${g}`;
        if (!ctx.inventory.gateways.has(ref)) report('LANE003', 'Info', where(t), `its gateway ${ref} is not among the objects read (it usually lives elsewhere)`);
      }
    }
  },
});
