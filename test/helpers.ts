import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing, Yaml } from 'cdk8s';
import { parse, parseAllDocuments } from 'yaml';
import { assertConforms } from './schema';
import { SHARED_DIR } from './shared';

export { SHARED_DIR };

/** The manifests a chart synthesizes, as plain objects; each is checked against its CRD schema. */
export function synth(chart: Chart): any[] {
  const manifests = Testing.synth(chart);
  manifests.forEach(assertConforms);
  return manifests;
}

/** The YAML a whole app synthesizes (every chart); each manifest is checked against its CRD schema. */
export function synthApp(app: App): string {
  const yaml = app.synthYaml();
  parseAllDocuments(yaml).forEach(d => assertConforms(d.toJS()));
  return yaml;
}

/** The manifests a chart synthesizes, as the YAML text `cdk8s synth` writes; each is checked against its CRD schema. */
export function synthYaml(chart: Chart): string {
  return Yaml.stringify(...synth(chart));
}

/**
 * The YAML manifests embedded in the seed document: each runs from `apiVersion:` to the next line that
 * is blank or is prose (neither indented nor a top-level `key:`).
 */
export function seedManifests(transform: (text: string) => string = t => t): any[] {
  const text = fs.readFileSync(path.join(SHARED_DIR, 'seeds', '000_3266f5f1b721f654.txt'), 'utf-8');
  const blocks: string[] = [];
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('apiVersion:')) current = [];
    if (current) {
      if (line.trim() === '' || !/^(\s|[A-Za-z]+:)/.test(line)) {
        blocks.push(current.join('\n'));
        current = undefined;
      } else {
        current.push(line);
      }
    }
  }
  if (current) blocks.push(current.join('\n'));
  return blocks.map(b => parse(transform(b)));
}

/** Finds the one manifest of `kind` named `name`. */
export function find(manifests: any[], kind: string, name: string): any {
  const found = manifests.filter(m => m.kind === kind && m.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  return found[0];
}
