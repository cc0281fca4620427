/**
 * IST0101 (ReferencedResourceNotFound) for subsets: a destination's subset (or its fallback's) that no
 * DestinationRule read defines; LANE005 (Info) once per host no DestinationRule read is for.
 */
import { AnalyzerFactory, destinationText, where } from '../../context';

export const destinationSubsets: AnalyzerFactory = () => {
  const undefinedHosts = new Set<string>();
  return {
    codes: ['IST0101', 'LANE005'],
    destination(t, d, ctx, report) {
      // Stryker disable next-line ArrayDeclaration: an entry that is not a destination has no subset to check
      for (const target of [d, ...(d.fallback ? [d.fallback] : [])]) {
        if (target.subset === undefined) continue;
        const defined = ctx.mesh.subsets.get(target.host);
        if (defined && !defined.has(target.subset)) {
          report('IST0101', 'Error', where(t), `${destinationText(d)}: no DestinationRule read defines subset ${target.subset} of ${target.host}`);
        } else if (!defined && !undefinedHosts.has(target.host)) {
          undefinedHosts.add(target.host);
          report('LANE005', 'Info', where(t), `no DestinationRule read is for host ${target.host}, so its subsets are not checked (they are defined elsewhere, e.g. by ASM)`);
        }
      }
    },
  };
};
