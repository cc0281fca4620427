/**
 * LANE006: two DestinationRules for one host. Istio merges them (the first one's traffic policy, duplicate
 * subsets dropped) in one namespace, and a client's namespace shadows the service's: an Error when a subset is
 * defined twice or one of them is ASM's, else a Warning.
 */
import { AnalyzerFactory, ASM_ADVICE } from '../../context';

export const multipleDestinationRules: AnalyzerFactory = () => ({
  name: 'lanes.MultipleDestinationRulesAnalyzer',
  codes: ['LANE006'],
  objects(ctx, report) {
    // Stryker disable next-line ArrayDeclaration: readMesh() always sets rules; the fallback is for the type only
    for (const [host, rules] of ctx.mesh.rules ?? []) {
      // Stryker disable next-line ConditionalExpression: one DestinationRule has no others to compare with
      if (rules.length < 2) continue;
      const [first, ...others] = rules;
      for (const r of others) {
        const twice = r.subsets.filter(s => rules.some(o => o !== r && o.subsets.includes(s)));
        const generated = [r, first].find(x => x.generatedBy !== undefined);
        const mine = generated === r ? first : r;
        const problem = generated
          ? `is a DestinationRule for host ${host}, for which ASM generates one from lane group ${generated.generatedBy}; Istio would merge or drop one of them. ${ASM_ADVICE}`
          : `is also a DestinationRule for host ${host}, like ${first.location}; Istio merges them, keeps the first one's traffic policy and drops duplicate subsets${twice.length ? ` (here ${twice.join(', ')})` : ''}, so define the host's subsets in one place`;
        report('LANE006', twice.length > 0 || generated ? 'Error' : 'Warning', mine.location, problem);
      }
    }
  },
});
