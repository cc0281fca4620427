/**
 * OpenAPI schemas of ASM's lane resources, `ASMSwimLaneGroup` and `ASMSwimLane`
 * (`istio.alibabacloud.com/v1`, cluster-scoped), written from the Go types of
 * aliyun/alibabacloud-servicemesh-api (alibabacloudservicemesh/v1/asmswimlanegroup_types.go and
 * asmswimlane_types.go). No published CRD bundle holds them; `npx projen import` turns these into
 * CustomResourceDefinitions and imports them like the Istio ones, and the schema-conformance tests read
 * them from here.
 */

const str = { type: 'string' };
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const rawJson = { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true };

const stringMatch = {
  type: 'object',
  description: 'Only one of exact, prefix or regex should be used.',
  properties: { exact: str, prefix: str, regex: str },
};

const clusterServiceRef = {
  type: 'object',
  required: ['name', 'namespace'],
  properties: {
    name: { type: 'string', description: 'Kubernetes Service name.' },
    namespace: { type: 'string', description: 'Namespace of the Service.' },
    cluster: { type: 'object', properties: { region: str, name: str, id: str } },
    trafficPolicyPatch: { ...rawJson, description: 'Raw JSON merged into the trafficPolicy of the DestinationRule ASM generates.' },
    httpRoutePatch: { ...rawJson, description: 'Raw JSON merged into the http route of the VirtualService ASM generates.' },
  },
};

const requestMatch = {
  type: 'object',
  properties: { uri: stringMatch, headers: { type: 'object', additionalProperties: stringMatch } },
};

const routeDestination = {
  type: 'object',
  required: ['host'],
  properties: { host: str, portNum: { type: 'integer', minimum: 0, maximum: 4294967295 } },
};

const groupSpec = {
  type: 'object',
  required: ['services', 'ingress'],
  properties: {
    services: { type: 'array', items: clusterServiceRef, description: 'Services that get lane isolation.' },
    ingress: {
      type: 'object',
      properties: {
        gateway: {
          type: 'object',
          properties: { name: str, namespace: str, type: { type: 'string', enum: ['ASM', 'ingress'] } },
        },
        ingressRouting: {
          type: 'object',
          properties: {
            ingressRoutingStrategy: { type: 'string', enum: ['rule_based', 'weighted'] },
            weightedRoutingRule: {
              type: 'object',
              properties: { hosts: { type: 'array', items: str }, requestMatches: { type: 'array', items: requestMatch } },
            },
          },
        },
      },
    },
    isPermissive: { type: 'boolean', description: 'Permissive mode: lanes may hold a subset of the services.' },
    permissiveModeConfiguration: {
      type: 'object',
      properties: {
        fallbackTarget: { type: 'string', description: 'Name of the baseline lane.' },
        serviceLevelFallbackTarget: { ...stringMap, description: 'Service namespaced name to lane; overrides fallbackTarget (ASM 1.21+).' },
        traceHeader: { type: 'string', description: 'End-to-end pass-through request header.' },
        routeHeader: { type: 'string', description: 'Request routing header, e.g. x-asm-prefer-tag.' },
      },
    },
    defaultTrafficPolicyPatch: rawJson,
    defaultHttpRoutePatch: rawJson,
    autoUpdate: { type: 'boolean' },
  },
};

const laneSpec = {
  type: 'object',
  properties: {
    labelSelector: { ...stringMap, description: 'Pod labels that put workloads into this lane.' },
    services: { type: 'array', items: clusterServiceRef, description: 'Services present in this lane.' },
    ingressRules: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          name: str,
          online: { type: 'boolean' },
          hosts: { type: 'array', items: str },
          match: requestMatch,
          route: { type: 'object', properties: { destination: routeDestination } },
        },
      },
    },
    ingressWeight: {
      type: 'object',
      properties: { destination: routeDestination, weight: { type: 'integer', minimum: 0 } },
    },
  },
};

function crd(kind: string, plural: string, spec: object): object {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.istio.alibabacloud.com` },
    spec: {
      group: 'istio.alibabacloud.com',
      names: { kind, listKind: `${kind}List`, plural, singular: kind.toLowerCase() },
      scope: 'Cluster',
      versions: [{
        name: 'v1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: { spec, status: { 'type': 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        },
      }],
    },
  };
}

export const ASM_LANE_CRDS: object[] = [
  crd('ASMSwimLaneGroup', 'asmswimlanegroups', groupSpec),
  crd('ASMSwimLane', 'asmswimlanes', laneSpec),
];
