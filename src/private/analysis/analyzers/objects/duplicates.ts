/** LANE001: two objects of one kind, namespace and name; the later apply wins. */
import { locationOf, Manifest } from '../../../simulate/read/manifests';
import { AnalyzerFactory } from '../../context';

export const duplicateObjects: AnalyzerFactory = () => ({
  name: 'lanes.DuplicateObjectsAnalyzer',
  codes: ['LANE001'],
  objects(ctx, report) {
    const seen = new Map<string, Manifest>();
    for (const m of ctx.manifests) {
      const md = m.obj?.metadata ?? {};
      if (typeof m.obj?.kind !== 'string' || typeof md.name !== 'string') continue;
      // Stryker disable next-line StringLiteral: any one text stands for "no namespace" in the key
      const key = `${String(m.obj.apiVersion).split('/')[0]}/${m.obj.kind}/${md.namespace ?? ''}/${md.name}`;
      const first = seen.get(key);
      if (first) {
        report('LANE001', 'Error', locationOf(m), `has the same kind, namespace and name as ${locationOf(first)}; a cluster holds one object per kind, namespace and name (applying both keeps the later one), so give one of them another name`);
      } else {seen.set(key, m);}
    }
  },
});
