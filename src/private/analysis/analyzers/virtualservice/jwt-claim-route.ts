/**
 * Istio's `virtualservice.JWTClaimRouteAnalyzer`, IST0149 (JwtClaimBasedRoutingWithoutRequestAuthN): a gateway
 * VirtualService routes on a JWT claim (a header match on `@request.auth.claims.NAME` or `@request.auth.claims[NAME]`),
 * and a pod of that Gateway has no RequestAuthentication (of istio-system or of its namespace) that selects it, so
 * no claim is validated and made available for routing.
 */
import { gatewaysOf } from './destinations';
import { selects } from '../../../simulate/read/gateway';
import { AnalyzerFactory, missing } from '../../context';
import { Resource } from '../../istio/resources';

const CLAIM = '@request.auth.claims';

/** Whether a header name routes on a JWT claim, as Istio reads it. */
export function isClaimHeader(name: string): boolean {
  if (!name.toLowerCase().startsWith(CLAIM)) return false;
  const rest = name.slice(CLAIM.length);
  return (rest.startsWith('.') && rest.length > 1) || (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2);
}

/** The first header of a match that routes on a claim, if any. */
function claimKey(vs: Resource): string | undefined {
  for (const rule of vs.list(vs.spec.http)) {
    for (const m of vs.list(vs.map(rule).match)) {
      const match = vs.map(m);
      const key = [...Object.keys(vs.map(match.headers)), ...Object.keys(vs.map(match.withoutHeaders))].find(isClaimHeader);
      if (key !== undefined) return key;
    }
  }
  return undefined;
}

export const jwtClaimRoutes: AnalyzerFactory = () => ({
  name: 'virtualservice.JWTClaimRouteAnalyzer',
  codes: ['IST0149'],
  infoAtSynth: true,
  objects(ctx, report) {
    const authn = new Map<string, Array<{ matchLabels: { [k: string]: string }; matchExpressions: [] }>>();
    for (const ra of ctx.of('security.istio.io', 'RequestAuthentication')) {
      const selector = { matchLabels: ra.labelMap(ra.map(ra.spec.selector).matchLabels), matchExpressions: [] as [] };
      const list = authn.get(ra.namespace);
      if (list) list.push(selector);
      else authn.set(ra.namespace, [selector]);
    }
    const gateways = new Map(ctx.of('networking.istio.io', 'Gateway').map(g => [`${g.namespace}/${g.name}`, g]));
    for (const vs of ctx.of('networking.istio.io', 'VirtualService')) {
      const key = claimKey(vs);
      if (key === undefined) continue;
      for (const ref of gatewaysOf(vs)) {
        if (ref === 'mesh') continue;
        const gwName = ref.includes('/') ? ref : `${vs.namespace}/${ref}`;
        const gw = gateways.get(gwName);
        if (!gw) continue;
        // Stryker disable next-line ArrayDeclaration: a string in matchExpressions has no operator, which selects() ignores
        const selector = { matchLabels: gw.labelMap(gw.spec.selector), matchExpressions: [] };
        for (const pod of ctx.of('', 'Pod')) {
          if (!selects(selector, pod.labels)) continue;
          const selectors = [...(authn.get('istio-system') ?? []), ...(authn.get(pod.namespace) ?? [])];
          if (selectors.some(s => selects(s, pod.labels))) continue;
          const [level, note] = missing(ctx, 'Error');
          report('IST0149', level, vs.location,
            `routes on the JWT claim ${key}, but a RequestAuthentication that selects pod ${pod.name} of gateway ${gwName} is not found${note}: `
            + 'the claim is never validated nor available for routing; add a RequestAuthentication for the gateway\'s pods', vs.object);
        }
      }
    }
  },
});
