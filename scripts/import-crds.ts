/**
 * Regenerates the typed Istio / ASM classes in `imports/` with `cdk8s import`.
 *
 * Only the CRDs and versions the library renders are imported, so the generated code stays small:
 *   - `imports/istio-networking.istio.io.ts`: upstream Istio `networking.istio.io/v1`
 *     VirtualService and DestinationRule (no ASM-only fields).
 *   - `imports/asm-networking.istio.io.ts`: Alibaba Cloud ASM `networking.istio.io/v1beta1`
 *     VirtualService and DestinationRule, whose HTTP route destinations carry the typed `fallback`.
 *   - `imports/asm-lanes-istio.alibabacloud.com.ts`: ASM's `ASMSwimLaneGroup` and `ASMSwimLane`
 *     (`istio.alibabacloud.com/v1`), from the schemas in crds/asm-lanes/ (no published bundle has them).
 *
 * Sources default to the bundles vendored in this repository (`crds/`, see crds/README.md); override them with
 * `--istio PATH|URL` / `--asm PATH|URL` or the ISTIO_CRDS / ASM_CRDS environment variables, e.g. the
 * upstream `kubernetes/customresourcedefinitions.gen.yaml` of `istio/api` or of
 * `aliyun/alibabacloud-servicemesh-api`.
 *
 * Usage: npx projen import [--istio SRC] [--asm SRC] [--output DIR]   (DIR defaults to imports/)
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments, stringify } from 'yaml';

interface Bundle {
  /** prefix of the generated file (`<prefix>-networking.istio.io.ts`) */
  readonly prefix: string;
  readonly source: string;
  /** CRD names to keep */
  readonly crds: string[];
  /** the one version kept of each CRD (so the generated class has no version suffix) */
  readonly version: string;
}

const KINDS = ['virtualservices.networking.istio.io', 'destinationrules.networking.istio.io'];

function option(flag: string, env: string, fallback: string): string {
  const i = process.argv.indexOf(flag);
  if (i >= 0) {
    const value = process.argv[i + 1];
    if (!value) throw new Error(`${flag} needs a path or URL`);
    return value;
  }
  return process.env[env] ?? fallback;
}

async function read(source: string): Promise<string> {
  if (/^https?:\/\//.test(source)) {
    const res = await fetch(source);
    if (!res.ok) throw new Error(`cannot download ${source}: HTTP ${res.status}`);
    return res.text();
  }
  if (!fs.existsSync(source)) {
    throw new Error(`CRD bundle not found: ${source} (pass --istio/--asm PATH|URL or set ISTIO_CRDS/ASM_CRDS)`);
  }
  return fs.readFileSync(source, 'utf-8');
}

/** Keeps the named CRDs, each with only `version` (marked served and storage). */
export function filterBundle(text: string, crds: string[], version: string): string {
  const out: unknown[] = [];
  for (const doc of parseAllDocuments(text)) {
    const crd = doc.toJS() as any;
    if (crd?.kind !== 'CustomResourceDefinition' || !crds.includes(crd.metadata?.name)) continue;
    const versions = (crd.spec.versions as any[]).filter(v => v.name === version);
    if (versions.length !== 1) {
      throw new Error(`${crd.metadata.name}: version ${version} not found in the bundle`);
    }
    out.push({ ...crd, spec: { ...crd.spec, versions: [{ ...versions[0], served: true, storage: true }] } });
  }
  const missing = crds.filter(name => !out.some((c: any) => c.metadata.name === name));
  if (missing.length) throw new Error(`CRDs not found in the bundle: ${missing.join(', ')}`);
  return out.map(c => stringify(c)).join('---\n');
}

async function main() {
  const root = path.resolve(__dirname, '..');
  const vendored = (...file: string[]) => path.join(root, 'crds', ...file);
  const bundles: Bundle[] = [
    {
      prefix: 'istio',
      source: option('--istio', 'ISTIO_CRDS', vendored('istio', 'customresourcedefinitions.gen.yaml')),
      crds: KINDS,
      version: 'v1',
    },
    {
      prefix: 'asm',
      source: option('--asm', 'ASM_CRDS', vendored('asm', 'customresourcedefinitions.gen.yaml')),
      crds: KINDS,
      version: 'v1beta1',
    },
  ];

  const output = path.resolve(option('--output', 'IMPORTS_OUTPUT', path.join(root, 'imports')));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lanes-import-'));
  try {
    const laneCrds = parseAllDocuments(await read(vendored('asm-lanes', 'asm-swimlane-crds.yaml'))).map(d => stringify(d.toJS()));
    const generated = { prefix: 'asm-lanes', text: laneCrds.join('---\n') };
    const sources = [];
    for (const b of bundles) sources.push({ prefix: b.prefix, text: filterBundle(await read(b.source), b.crds, b.version) });
    for (const b of [...sources, generated]) {
      const file = path.join(tmp, `${b.prefix}.yaml`);
      fs.writeFileSync(file, b.text);
      // one bundle per call: `cdk8s import` takes a single spec; --no-save keeps cdk8s.yaml untouched
      const local = path.join(root, 'node_modules', '.bin', 'cdk8s');
      execFileSync(fs.existsSync(local) ? local : 'cdk8s', ['import', `${b.prefix}:=${file}`, '--output', output, '--language', 'typescript',
        '--no-save', '--no-check-upgrade'], { cwd: root, stdio: 'inherit' });
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch(err => {
    console.error(`import failed: ${err.message}`);
    process.exit(1);
  });
}
