/**
 * The mesh the generated resources are for.
 */
export enum Target {
  /**
   * Alibaba Cloud Service Mesh: `networking.istio.io/v1beta1` resources that may carry ASM-only fields such as a
   * destination's `fallback` (ASM Enterprise or Ultimate 1.17.2.22 or later), and a LaneGroup's lane resources
   * (permissive mode: ASM 1.18.2.111 or later; `Propagation.baggage()`: 1.21.6.54 or later).
   */
  ASM = 'ASM',
  /**
   * Upstream Istio (≥ 1.22, where `networking.istio.io/v1` is served): `networking.istio.io/v1` resources
   * with no ASM-only field. Asking for an ASM-only feature (a fallback lane) is an error, never a silent drop.
   */
  ISTIO = 'ISTIO',
  /**
   * The Kubernetes Gateway API (v1.4.0 standard channel): HTTPRoutes (`gateway.networking.k8s.io/v1`) bound to
   * the ingress Gateway and, for mesh traffic (GAMMA), to the Service; each lane is a Service of its own. No
   * fallback lanes, strict mode, caller labels, absent, presence or prefix header matches, path prefixes or
   * regexes, authority or pseudo-header matches, retries, `Propagation.traceId()` or `destinationRule`: asking
   * for one is an error naming the alternative. Both constructs render it: a `LaneRouting` for one service, and a `LaneGroup`, whose services each
   * give `laneServices` and get their lane Services and mesh HTTPRoute (the ingress routes to the entry service's).
   */
  GATEWAY_API = 'GATEWAY_API',
}
