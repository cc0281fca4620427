import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { bundlePath, ROOT } from './repo';
import { filterBundle } from '../scripts/import-crds';

const BUNDLE = bundlePath;
const KINDS = ['virtualservices.networking.istio.io', 'destinationrules.networking.istio.io'];

describe('imports/', () => {
  test('filterBundle keeps the two CRDs with only the requested version', () => {
    const text = filterBundle(fs.readFileSync(BUNDLE('asm'), 'utf-8'), Object.fromEntries(KINDS.map(k => [k, 'v1beta1'])));
    const crds = parseAllDocuments(text).map(d => d.toJS());
    expect(crds.map(c => [c.metadata.name, c.spec.versions.map((v: any) => v.name)])).toEqual([
      ['destinationrules.networking.istio.io', ['v1beta1']],
      ['virtualservices.networking.istio.io', ['v1beta1']],
    ]);
  });

  test('filterBundle names a missing version', () => {
    expect(() => filterBundle(fs.readFileSync(BUNDLE('asm'), 'utf-8'), Object.fromEntries(KINDS.map(k => [k, 'v1'])))).toThrow(
      'destinationrules.networking.istio.io: version v1 not found in the bundle');
  });

  test('the committed files are exactly what `npx projen import` generates from the bundles', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'imports-'));
    try {
      execFileSync(path.join(ROOT, 'node_modules', '.bin', 'ts-node'),
        ['--project', 'tsconfig.dev.json', 'scripts/import-crds.ts', '--output', out], { cwd: ROOT, stdio: 'pipe' });
      const generated = fs.readdirSync(out).sort();
      expect(generated).toEqual(['asm-lanes-istio.alibabacloud.com.ts', 'asm-networking.istio.io.ts', 'gateway-api-gateway.networking.k8s.io.ts', 'istio-networking.istio.io.ts', 'k8s.ts']);
      for (const file of generated) {
        expect(fs.readFileSync(path.join(out, file), 'utf-8')).toEqual(fs.readFileSync(path.join(ROOT, 'imports', file), 'utf-8'));
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 60_000);

  test('the ASM VirtualService route destination has a typed fallback; the upstream one has none', () => {
    const asm = fs.readFileSync(path.join(ROOT, 'imports', 'asm-networking.istio.io.ts'), 'utf-8');
    const istio = fs.readFileSync(path.join(ROOT, 'imports', 'istio-networking.istio.io.ts'), 'utf-8');
    expect(asm).toContain('readonly fallback?: VirtualServiceSpecHttpRouteFallback;');
    expect(asm).toContain("apiVersion: 'networking.istio.io/v1beta1'");
    expect(istio).not.toContain('VirtualServiceSpecHttpRouteFallback');
    expect(istio).toContain("apiVersion: 'networking.istio.io/v1'");
  });
});
