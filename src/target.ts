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
}
