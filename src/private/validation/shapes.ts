/**
 * The shape check at the public boundary: every prop of every construct, and every argument of the public
 * methods, checked for its type, its required fields and unknown keys before anything else reads it, so a
 * JavaScript caller or config loaded from JSON or YAML gets an error naming the path
 * (`rules[0].split[1].weight`), the value and what is allowed, never a TypeError or a silent drop. The
 * lane model (model/) then checks what the values mean, with its own messages.
 *
 * The shapes are zod schemas mirroring the jsii interfaces; a test compares their keys with the jsii
 * assembly, so a prop added to an interface and forgotten here fails the build.
 */
import type { Duration } from 'cdk8s';
import { z } from 'zod';
import { BAGGAGE_OPTIONS, list, made, num, strict, stringMap, text, TEXT } from './shape';
import { DiagramFormat } from '../../diagram';
import { HeaderMatch, QueryParamMatch, StringMatch } from '../../match';
import { Mode } from '../../mode';
import { Propagation } from '../../propagation';
import { RoutePlacement } from '../../route';
import { Target } from '../../target';

const stringMatch = made(() => StringMatch, 'StringMatch.exact(), .prefix() or .regex()');
const requestMatch = strict({
  headers: list(made(() => HeaderMatch, 'HeaderMatch.exact(), .prefix(), .regex(), .present() or .absent()')).optional(),
  uri: stringMatch.optional(),
  authority: stringMatch.optional(),
  method: stringMatch.optional(),
  queryParams: list(made(() => QueryParamMatch, 'QueryParamMatch.exact() or .regex()')).optional(),
  sourceLabels: stringMap.optional(),
});
// cdk8s is loaded when a duration is checked: the CLI reads manifests without it
// eslint-disable-next-line @typescript-eslint/no-require-imports
const duration = made<Duration>(() => (require('cdk8s') as typeof import('cdk8s')).Duration, 'Duration.seconds(), .millis() or another cdk8s Duration factory');
const retryPolicy = strict({ attempts: num, perTryTimeout: duration.optional(), retryOn: text.optional() });
const routeOptionsShape = { timeout: duration.optional(), retries: retryPolicy.optional() };
const routeOptions = strict(routeOptionsShape);
const customDestination = strict({ host: text, subset: text.optional(), port: num.optional(), weight: num.optional() });
const customRoute = strict({ ...routeOptionsShape, name: text, matches: list(requestMatch), destinations: list(customDestination) });
const laneDestination = strict({ lane: text, weight: num.optional(), fallbackLane: text.optional() });
const laneRule = strict({ name: text, matches: list(requestMatch), split: list(laneDestination) });
const lane = strict({ name: text, podLabels: stringMap.optional(), servedBy: text.optional(), serviceName: text.optional() });
const laneServicePort = strict({ port: num, targetPort: num.optional(), name: text.optional() });
const laneServices = strict({ selector: stringMap, ports: list(laneServicePort) });
const gatewayEntryPoint = strict({ gateways: list(text), hosts: list(text).optional(), namespace: text.optional(), name: text.optional() });
const sidecarEntryPoint = strict({ hosts: list(text).optional(), namespace: text.optional(), name: text.optional() });
const destinationRuleOptions = strict({ namespace: text.optional(), name: text.optional() });
const laneGroupService = strict({ name: text, namespace: text, port: num.optional(), laneServices: laneServices.optional() });
const laneGroupLane = strict({ name: text, services: list(text), podLabels: stringMap });
const laneGroupIngress = strict({
  gateway: text,
  entryService: text,
  rules: list(laneRule).optional(),
  hosts: list(text).optional(),
  namespace: text.optional(),
  name: text.optional(),
  defaultRouteName: text.optional(),
});
const yamlSource = strict({ name: text, yaml: text });
const target = z.enum(Target);
const mode = z.enum(Mode);

/**
 * The shape of every struct of the public API, by its name in the jsii assembly (a test checks that each
 * has exactly the assembly's properties), and of the other arguments the public methods take.
 */
export const SHAPES = {
  LaneRoutingProps: strict({
    host: text,
    port: num.optional(),
    lanes: list(lane),
    baseline: text,
    target,
    mode: mode.optional(),
    routingHeader: text.optional(),
    laneServices: laneServices.optional(),
    propagation: made(() => Propagation, 'Propagation.traceId(), .customHeader() or .baggage()').optional(),
    rules: list(laneRule).optional(),
    defaultRouteName: text.optional(),
    routeOptions: routeOptions.optional(),
    routesBefore: list(customRoute).optional(),
    routesAfter: list(customRoute).optional(),
    gateway: gatewayEntryPoint.optional(),
    sidecar: sidecarEntryPoint.optional(),
    destinationRule: destinationRuleOptions.optional(),
  }),
  LaneGroupProps: strict({
    name: text,
    target,
    services: list(laneGroupService),
    lanes: list(laneGroupLane),
    baseline: text,
    mode: mode.optional(),
    routingHeader: text.optional(),
    propagation: made(() => Propagation, 'Propagation.traceId(), .customHeader() or .baggage()').optional(),
    traceHeader: text.optional(),
    clusterDomain: text.optional(),
    asmGeneratedNamespace: text.optional(),
    ingress: laneGroupIngress.optional(),
    routeOptions: routeOptions.optional(),
  }),
  Lane: lane,
  LaneDestination: laneDestination,
  LaneRule: laneRule,
  RequestMatch: requestMatch,
  RouteOptions: routeOptions,
  RetryPolicy: retryPolicy,
  CustomDestination: customDestination,
  CustomRoute: customRoute,
  GatewayEntryPoint: gatewayEntryPoint,
  SidecarEntryPoint: sidecarEntryPoint,
  DestinationRuleOptions: destinationRuleOptions,
  LaneGroupService: laneGroupService,
  LaneGroupLane: laneGroupLane,
  LaneGroupIngress: laneGroupIngress,
  SimulatedRequest: strict({
    headers: stringMap.optional(),
    multiValueHeaders: z.record(z.string(), list(text)).optional(),
    path: text.optional(),
    method: text.optional(),
    port: num.optional(),
    scheme: text.optional(),
  }),
  SimulationOptions: strict({
    unhealthyLanes: list(text).optional(),
    routingHeader: text.optional(),
    baggageKey: text.optional(),
    gateway: text.optional(),
    host: text.optional(),
    sourceNamespace: text.optional(),
    complete: z.boolean().optional(),
  }),
  MeshReadOptions: strict({ clusterDomain: text.optional(), asmGeneratedNamespace: text.optional(), listenerIsolation: z.boolean().optional() }),
  DiffOptions: strict({ chain: list(text).optional(), complete: z.boolean().optional() }),
  LaneServices: laneServices,
  LaneServicePort: laneServicePort,
  BaggageOptions: BAGGAGE_OPTIONS,
  DiagramOptions: strict({
    host: text.optional(),
    lane: text.optional(),
    chain: list(text).min(1).optional(),
    baggageKey: text.optional(),
    routingHeader: text.optional(),
    format: z.enum(DiagramFormat).optional(),
  }),
  YamlSource: yamlSource,
  // arguments that are not structs
  RoutePlacement: z.enum(RoutePlacement),
  YamlSources: z.array(yamlSource),
  Services: list(text).min(1),
  Text: TEXT,
};

