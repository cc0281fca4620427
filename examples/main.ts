/**
 * The example app: `npx projen example` (or `cdk8s synth`) writes one folder per scenario:
 * cdk8s.out/seed/, cdk8s.out/custom-header/, cdk8s.out/strict/.
 */
import * as path from 'path';
import { App } from 'cdk8s';
import { MockaLanes, SCENARIOS } from './scenarios';

const outdir = process.env.CDK8S_OUTDIR ?? 'cdk8s.out';
for (const [name, props] of Object.entries(SCENARIOS)) {
  const app = new App({ outdir: path.join(outdir, name) });
  new MockaLanes(app, 'mocka-lanes', props);
  app.synth();
}
