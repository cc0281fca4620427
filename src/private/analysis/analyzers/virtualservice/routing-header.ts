/**
 * LANE002: a lane destination that does not set the routing header most lane destinations of its table set,
 * so the rest of the trace leaves the lane.
 */
import { AnalyzerFactory, destinationText, where } from '../../context';

export const routingHeader: AnalyzerFactory = () => {
  let header: string | undefined;
  return {
    name: 'lanes.RoutingHeaderAnalyzer',
    codes: ['LANE002'],
    table(t) {
      const setters = new Map<string, number>();
      const lanes = t.routes.flatMap(r => r.destinations).filter(d => d.subset !== undefined);
      for (const d of lanes) Object.keys(d.setHeaders).forEach(h => setters.set(h, (setters.get(h) ?? 0) + 1));
      header = [...setters].sort((a, b) => b[1] - a[1])[0]?.[0];
    },
    destination(t, d, _ctx, report) {
      if (header !== undefined && d.subset !== undefined && !(header in d.setHeaders)) {
        report('LANE002', 'Warning', where(t), `${destinationText(d)} does not set the routing header ${header} that the table's other lane destinations set, so the rest of the trace leaves the lane`);
      }
    },
  };
};
