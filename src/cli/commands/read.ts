/**
 * The commands that read the files into a LaneSimulator: `simulate`, `explain` and `diagram`.
 */
import { diagramCommand } from './diagram';
import { explainCommand } from './explain';
import { simulate } from './simulate';
import { LaneSimulator } from '../../lane-simulator';
import { Options } from '../args';
import { manifestFiles, readManifestFiles } from '../files';
import { failed } from '../output';

/** `simulate`, `explain` or `diagram` on the files of `o`: the exit code, or a promise of it (`diagram --format svg`). */
export function simulatorCommand(o: Options, out: (s: string) => void, err: (s: string) => void): number | Promise<number> {
  try {
    const files = readManifestFiles(o.files.flatMap(manifestFiles));
    const sim = LaneSimulator.fromYamlSources(files, {
      clusterDomain: o.clusterDomain, asmGeneratedNamespace: o.asmGeneratedNamespace, listenerIsolation: o.listenerIsolation,
    });
    for (const note of sim.notes) err(`note: ${note}`);
    if (o.command === 'explain') {
      explainCommand(sim, out);
    } else if (o.command === 'diagram') {
      const drawn = diagramCommand(sim, o, out, err);
      if (drawn) return drawn.then(() => 0, e => failed(e, err));
    } else {
      simulate(sim, o, out, err);
    }
    return 0;
  } catch (e) {
    return failed(e, err);
  }
}
