/**
 * Reads manifests (YAML text, or the objects a construct synthesizes) into the mesh the simulation runs
 * on: every VirtualService (parser.ts), every DestinationRule's subsets, and the routing ASM generates for
 * its lane resources (asm.ts); then resolves delegation (delegation.ts).
 */
import { parseAllDocuments } from 'yaml';
import { modelAsmLaneGroups } from './asm';
import { resolveDelegation } from './delegation';
import { Mesh, SubsetLabels } from './mesh';
import { RawTable, readVirtualService } from './parser';
import { qualifyHost } from '../model/group';
import { DEFAULT_ASM_GENERATED_NAMESPACE, DEFAULT_CLUSTER_DOMAIN } from '../model/types';

/** One Kubernetes object, and where it comes from (a file name; undefined: a construct). */
export interface Manifest {
  readonly origin?: string;
  readonly obj: any;
}

export interface ReadOptions {
  /** the cluster domain of service hosts (ASM lane groups name services, not hosts) */
  readonly clusterDomain?: string;
  /** where ASM writes the VirtualServices it generates for lane groups */
  readonly asmGeneratedNamespace?: string;
}

/** Every document of multi-document YAML sources, each named by its source. */
export function parseYaml(sources: ReadonlyArray<{ readonly name: string; readonly text: string }>): Manifest[] {
  const out: Manifest[] = [];
  for (const file of sources) {
    parseAllDocuments(file.text).forEach((doc, i) => {
      if (doc.errors.length) throw new Error(`${file.name}: document ${i + 1} is not valid YAML: ${doc.errors[0].message}`);
      const obj = doc.toJS();
      if (obj && typeof obj === 'object') out.push({ origin: file.name, obj });
    });
  }
  return out;
}

function sourceOf(m: Manifest): string {
  const md = m.obj.metadata ?? {};
  const name = `${m.obj.kind} ${md.namespace ? `${md.namespace}/` : ''}${md.name ?? '(unnamed)'}`;
  return m.origin !== undefined ? `${m.origin}: ${name}` : name;
}

/**
 * The mesh of a set of manifests: VirtualServices and DestinationRules (`networking.istio.io/*`), and ASM
 * lane resources (ASMSwimLaneGroup and its ASMSwimLanes), whose per-service routing is modelled. Delegation
 * is resolved. Other kinds are skipped.
 */
export function readMesh(manifests: readonly Manifest[], options: ReadOptions = {}): Mesh {
  const clusterDomain = options.clusterDomain ?? DEFAULT_CLUSTER_DOMAIN;
  const tables: RawTable[] = [];
  const subsets: SubsetLabels = new Map();
  const groups: Manifest[] = [];
  const lanes: Manifest[] = [];
  for (const m of manifests) {
    const obj = m.obj;
    if (obj.apiVersion === 'istio.alibabacloud.com/v1') {
      if (obj.kind === 'ASMSwimLaneGroup') groups.push(m);
      if (obj.kind === 'ASMSwimLane') lanes.push(m);
      continue;
    }
    if (!String(obj.apiVersion ?? '').startsWith('networking.istio.io/')) continue;
    if (obj.kind === 'VirtualService') {
      tables.push(readVirtualService(sourceOf(m), obj.metadata ?? {}, obj.spec ?? {}, clusterDomain));
    } else if (obj.kind === 'DestinationRule') {
      const host = qualifyHost(String(obj.spec?.host), obj.metadata?.namespace, clusterDomain);
      const bySubset = subsets.get(host) ?? new Map();
      for (const s of obj.spec?.subsets ?? []) bySubset.set(s.name, s.labels ?? {});
      subsets.set(host, bySubset);
    }
  }
  const generated = modelAsmLaneGroups(
    groups.map(g => ({ source: sourceOf(g), obj: g.obj })),
    lanes.map(l => l.obj),
    {
      clusterDomain,
      asmGeneratedNamespace: options.asmGeneratedNamespace ?? DEFAULT_ASM_GENERATED_NAMESPACE,
    },
  );
  for (const [host, bySubset] of generated.subsets) subsets.set(host, bySubset);
  const resolved = resolveDelegation(tables, generated.tables);
  return { tables: resolved.tables, subsets, notes: resolved.notes };
}
