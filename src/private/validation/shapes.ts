/**
 * The shape check at the public boundary: every prop of every construct, and every argument of the public
 * methods, checked for its type, its required fields and unknown keys before anything else reads it, so a
 * JavaScript caller or config loaded from JSON or YAML gets an error naming the path
 * (`rules[0].split[1].weight`), the value and what is allowed, never a TypeError or a silent drop. The
 * lane model (model/) then checks what the values mean, with its own messages.
 *
 * The shapes are valibot schemas mirroring the jsii interfaces; a test compares their keys with the jsii
 * assembly, so a prop added to an interface and forgotten here fails the build.
 */
import type { Duration } from 'cdk8s';
import { BAGGAGE_OPTIONS, bool, list, made, map, num, oneOf, opt, strict, stringMap, text, TEXT } from './shape';
import { DiagramFormat } from '../../diagram';
import { HeaderMatch, QueryParamMatch, StringMatch } from '../../match';
import { Mode } from '../../mode';
import { Propagation } from '../../propagation';
import { RoutePlacement } from '../../route';
import { Target } from '../../target';
import { LaneClock } from '../../workload';

const stringMatch = made(() => StringMatch, 'StringMatch.exact(), .prefix() or .regex()');
const requestMatch = strict({
  headers: opt(list(made(() => HeaderMatch, 'HeaderMatch.exact(), .prefix(), .regex(), .present() or .absent()'))),
  uri: opt(stringMatch),
  authority: opt(stringMatch),
  method: opt(stringMatch),
  queryParams: opt(list(made(() => QueryParamMatch, 'QueryParamMatch.exact() or .regex()'))),
  sourceLabels: opt(stringMap),
});
// cdk8s is loaded when a duration is checked: the CLI reads manifests without it
// eslint-disable-next-line @typescript-eslint/no-require-imports
const duration = made<Duration>(() => (require('cdk8s') as typeof import('cdk8s')).Duration, 'Duration.seconds(), .millis() or another cdk8s Duration factory');
const retryPolicy = strict({ attempts: num, perTryTimeout: opt(duration), retryOn: opt(text) });
const routeOptionsShape = { timeout: opt(duration), retries: opt(retryPolicy) };
const routeOptions = strict(routeOptionsShape);
const customDestination = strict({ host: text, subset: opt(text), port: opt(num), weight: opt(num) });
const customRoute = strict({ ...routeOptionsShape, name: text, matches: list(requestMatch), destinations: list(customDestination) });
const laneDestination = strict({ lane: text, weight: opt(num), fallbackLane: opt(text) });
const laneRule = strict({ name: text, matches: list(requestMatch), split: list(laneDestination) });
const lane = strict({ name: text, podLabels: opt(stringMap), servedBy: opt(text), serviceName: opt(text) });
const laneServicePort = strict({ port: num, targetPort: opt(num), name: opt(text) });
const laneServices = strict({ selector: stringMap, ports: list(laneServicePort) });
const gatewayEntryPoint = strict({ gateways: list(text), hosts: opt(list(text)), namespace: opt(text), name: opt(text) });
const sidecarEntryPoint = strict({ hosts: opt(list(text)), namespace: opt(text), name: opt(text) });
const destinationRuleOptions = strict({ namespace: opt(text), name: opt(text) });
const workloadOverrides = strict({ image: opt(text), env: opt(stringMap), replicas: opt(num), container: opt(text) });
// eslint-disable-next-line @typescript-eslint/no-require-imports
const construct = made(() => (require('constructs') as typeof import('constructs')).Construct, 'a workload construct (an ApiObject such as a KubeDeployment or one from Include, or a cdk8s-plus workload)');
const laneGroupService = strict({ name: text, namespace: text, port: opt(num), laneServices: opt(laneServices), workload: opt(construct) });
const laneGroupLane = strict({ name: text, services: list(text), podLabels: stringMap, workloads: opt(map(workloadOverrides)), expires: opt(text) });
const laneExpiry = strict({ warnDays: opt(num), clock: opt(made(() => LaneClock, 'LaneClock.system() or LaneClock.fixed()')) });
const laneGroupIngress = strict({
  gateway: text,
  entryService: text,
  rules: opt(list(laneRule)),
  hosts: opt(list(text)),
  namespace: opt(text),
  name: opt(text),
  defaultRouteName: opt(text),
});
const yamlSource = strict({ name: text, yaml: text });
const target = oneOf(Target);
const mode = oneOf(Mode);

/**
 * The shape of every struct of the public API, by its name in the jsii assembly (a test checks that each
 * has exactly the assembly's properties), and of the other arguments the public methods take.
 */
export const SHAPES = {
  LaneRoutingProps: strict({
    host: text,
    port: opt(num),
    lanes: list(lane),
    baseline: text,
    target,
    mode: opt(mode),
    routingHeader: opt(text),
    laneServices: opt(laneServices),
    propagation: opt(made(() => Propagation, 'Propagation.traceId(), .customHeader() or .baggage()')),
    rules: opt(list(laneRule)),
    defaultRouteName: opt(text),
    routeOptions: opt(routeOptions),
    routesBefore: opt(list(customRoute)),
    routesAfter: opt(list(customRoute)),
    gateway: opt(gatewayEntryPoint),
    sidecar: opt(sidecarEntryPoint),
    destinationRule: opt(destinationRuleOptions),
  }),
  LaneGroupProps: strict({
    name: text,
    target,
    services: list(laneGroupService),
    lanes: list(laneGroupLane),
    baseline: text,
    mode: opt(mode),
    routingHeader: opt(text),
    propagation: opt(made(() => Propagation, 'Propagation.traceId(), .customHeader() or .baggage()')),
    traceHeader: opt(text),
    clusterDomain: opt(text),
    asmGeneratedNamespace: opt(text),
    ingress: opt(laneGroupIngress),
    routeOptions: opt(routeOptions),
    expiry: opt(laneExpiry),
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
  WorkloadOverrides: workloadOverrides,
  LaneExpiry: laneExpiry,
  SimulatedRequest: strict({
    headers: opt(stringMap),
    multiValueHeaders: opt(map(list(text))),
    path: opt(text),
    method: opt(text),
    port: opt(num),
    scheme: opt(text),
  }),
  SimulationOptions: strict({
    unhealthyLanes: opt(list(text)),
    routingHeader: opt(text),
    baggageKey: opt(text),
    gateway: opt(text),
    host: opt(text),
    sourceNamespace: opt(text),
    complete: opt(bool),
  }),
  MeshReadOptions: strict({ clusterDomain: opt(text), asmGeneratedNamespace: opt(text), listenerIsolation: opt(bool) }),
  DiffOptions: strict({ chain: opt(list(text)), complete: opt(bool) }),
  LaneServices: laneServices,
  LaneServicePort: laneServicePort,
  BaggageOptions: BAGGAGE_OPTIONS,
  DiagramOptions: strict({
    host: opt(text),
    lane: opt(text),
    chain: opt(list(text, 1)),
    baggageKey: opt(text),
    routingHeader: opt(text),
    format: opt(oneOf(DiagramFormat)),
  }),
  YamlSource: yamlSource,
  // arguments that are not structs
  RoutePlacement: oneOf(RoutePlacement),
  YamlSources: list(yamlSource),
  Services: list(text, 1),
  Text: TEXT,
};

