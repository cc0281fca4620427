/**
 * IST0173 (DestinationRuleSubsetNotSelectPods): a subset that selects no pod template (the Service's selector
 * plus the subset's labels), when the input holds workloads.
 */
import { AnalyzerFactory } from '../../context';

function labelsMatch(selector: { readonly [k: string]: string }, labels: { readonly [k: string]: string }): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

export const subsetsWithoutPods: AnalyzerFactory = () => ({
  codes: ['IST0173'],
  finish(ctx, report) {
    const { templates, services } = ctx.inventory;
    if (templates.length === 0) return;
    // templates by namespace and label: a selector is tried on the templates of its rarest label only
    const byLabel = new Map<string, Array<{ labels: { readonly [k: string]: string } }>>();
    for (const t of templates) {
      for (const [k, v] of Object.entries(t.labels)) {
        const key = `${t.namespace}|${k}=${v}`;
        const bucket = byLabel.get(key);
        if (bucket) bucket.push(t);
        else byLabel.set(key, [t]);
      }
    }
    for (const [host, bySubset] of ctx.mesh.subsets) {
      const svc = services.get(host);
      const namespace = svc?.namespace ?? host.split('.')[1];
      for (const [subset, labels] of bySubset) {
        const selector = { ...svc?.selector, ...labels };
        const pools = Object.entries(selector).map(([k, v]) => byLabel.get(`${namespace}|${k}=${v}`) ?? []);
        // Stryker disable next-line ConditionalExpression,EqualityOperator: which label's templates are tried is speed only (each holds every match)
        const pool = pools.length ? pools.reduce((a, b) => (b.length < a.length ? b : a)) : templates.filter(t => t.namespace === namespace);
        if (!pool.some(t => labelsMatch(selector, t.labels))) {
          report('IST0173', 'Error', `subset ${subset} of ${host}`, `selects no pod template among the Deployments, StatefulSets and Rollouts read (labels ${Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(', ')})`);
        }
      }
    }
  },
});
