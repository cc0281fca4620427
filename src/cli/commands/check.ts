import { analyze } from '../../private/analysis/analyze';
import { describeFinding, Finding, Level, LEVELS } from '../../private/analysis/findings';
import { parseYaml } from '../../private/simulate/read/manifests';
import { Options } from '../args';
import { manifestFiles, readManifestFiles } from '../files';
import { failed, paint, RED } from '../output';

/** `cdk8s-lanes check FILES...`: exit 1 when a finding reaches the failure threshold, 2 for usage or unreadable input. */
export function checkCommand(o: Options, out: (s: string) => void, err: (s: string) => void): number {
  let findings: Finding[];
  try {
    const files = readManifestFiles(o.files.flatMap(manifestFiles));
    const manifests = parseYaml(files.map(f => ({ name: f.name, text: f.yaml })));
    const options = {
      clusterDomain: o.clusterDomain, asmGeneratedNamespace: o.asmGeneratedNamespace, complete: o.complete, listenerIsolation: o.listenerIsolation,
    };
    findings = analyze(manifests, options);
  } catch (e) {
    return failed(e, err);
  }
  const rank = (l: Level) => LEVELS.indexOf(l);
  const shown = findings.filter(f => rank(f.level) <= rank(o.outputThreshold ?? 'Info'));
  if (o.json) out(JSON.stringify(shown, null, 2));
  else if (shown.length === 0) out('no findings');
  else for (const f of shown) out(`${paint(f.level, f.level === 'Error' ? RED : '')} ${describeFinding(f)}`);
  return findings.some(f => rank(f.level) <= rank(o.failureThreshold ?? 'Error')) ? 1 : 0;
}

