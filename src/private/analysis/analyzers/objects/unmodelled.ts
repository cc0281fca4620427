/** LANE004: an object the analysis cannot model is left out (Info), and the analysis goes on. */
import { locationOf } from '../../../simulate/read/manifests';
import { AnalyzerFactory } from '../../context';

export const unmodelledObjects: AnalyzerFactory = () => ({
  codes: ['LANE004'],
  objects(ctx, report) {
    for (const u of ctx.unmodelled) report('LANE004', 'Info', locationOf(u.manifest), `not analyzed: ${u.message}`);
  },
});
