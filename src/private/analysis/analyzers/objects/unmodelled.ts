/** LANE004: an object the simulator cannot model is left out of the lane checks (Info); Istio's analyzers still read it. */
import { locationOf } from '../../../simulate/read/manifests';
import { AnalyzerFactory } from '../../context';

export const unmodelledObjects: AnalyzerFactory = () => ({
  name: 'lanes.UnmodelledObjectsAnalyzer',
  codes: ['LANE004'],
  infoAtSynth: true,
  objects(ctx, report) {
    for (const u of ctx.unmodelled) report('LANE004', 'Info', locationOf(u.manifest), `not simulated, nor read by the lane checks: ${u.message}`);
  },
});
