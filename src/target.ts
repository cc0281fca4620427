/**
 * The mesh the generated resources are for.
 */
export enum Target {
  /**
   * Alibaba Cloud Service Mesh (ASM ≥ 1.17.2.22): `networking.istio.io/v1beta1` resources that may carry
   * ASM-only fields such as a destination's `fallback`.
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
   * fallback lanes, strict mode, absent or prefix header matches, caller labels or retries: asking for one is an
   * error. A `LaneRouting` only, for now.
   */
  GATEWAY_API = 'GATEWAY_API',
}
