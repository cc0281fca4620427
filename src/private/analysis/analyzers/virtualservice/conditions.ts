/**
 * IST0130 (VirtualServiceUnreachableRule) and IST0131 (VirtualServiceIneffectiveMatch): a rule whose every
 * match an earlier rule takes (or that follows a catch-all), and a match block an earlier rule takes.
 */
import { matchKey } from '../../../model/routes';
import { AnalyzerFactory, where } from '../../context';

export const unreachableRules: AnalyzerFactory = () => ({
  codes: ['IST0130', 'IST0131'],
  table(t, _ctx, report) {
    const earlier = new Set<string>();
    let catchAll = false;
    t.routes.forEach((r, i) => {
      const name = r.name !== undefined ? `rule ${JSON.stringify(r.name)}` : `rule ${i + 1}`;
      const keys = r.matches.map(matchKey);
      if (catchAll || (keys.length > 0 && keys.every(k => earlier.has(k)))) {
        report('IST0130', 'Warning', where(t), `${name} is unreachable: earlier rules take every request it matches`);
      } else {
        keys.forEach((k, j) => { if (earlier.has(k)) report('IST0131', 'Info', where(t), `${name} match ${j + 1} is ineffective: an earlier rule takes the requests it matches`); });
      }
      keys.forEach(k => earlier.add(k));
      if (r.matches.length === 0) catchAll = true;
    });
  },
});
