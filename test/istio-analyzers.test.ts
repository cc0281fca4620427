/**
 * Istio's own analyzer tests: the entries of the `testGrid` table of pkg/config/analysis/analyzers/analyzers_test.go
 * (istio/istio 1.30.3) for the VirtualService and DestinationRule analyzers and the VirtualService validation,
 * transcribed, with their testdata files verbatim (fixtures/istio-analyzers, NOTICE beside them). Each entry runs
 * only its own analyzer, as Istio's test does, on the complete view (the files, plus the defaults istioctl adds), and
 * must give exactly Istio's list of (code, object) pairs, each at Istio's level.
 */
import * as fs from 'fs';
import * as path from 'path';
import { analyze } from '../src/private/analysis/analyze';
import { parseYaml } from '../src/private/simulate/read/manifests';

const DIR = path.join(__dirname, 'fixtures', 'istio-analyzers', 'testdata');

/** Istio's message types (pkg/config/analysis/msg/messages.yaml): code and level. */
const MESSAGES: { [type: string]: [string, string] } = {
  ReferencedResourceNotFound: ['IST0101', 'Error'],
  VirtualServiceDestinationPortSelectorRequired: ['IST0112', 'Error'],
  ConflictingMeshGatewayVirtualServiceHosts: ['IST0109', 'Error'],
  VirtualServiceHostNotFoundInGateway: ['IST0132', 'Warning'],
  JwtClaimBasedRoutingWithoutRequestAuthN: ['IST0149', 'Error'],
  ReferencedInternalGateway: ['IST0165', 'Warning'],
  NoServerCertificateVerificationDestinationLevel: ['IST0128', 'Warning'],
  NoServerCertificateVerificationPortLevel: ['IST0129', 'Warning'],
  VirtualServiceUnreachableRule: ['IST0130', 'Warning'],
  VirtualServiceIneffectiveMatch: ['IST0131', 'Info'],
  IngressRouteRulesNotAffected: ['IST0140', 'Warning'],
  UnknownDestinationRuleHost: ['IST0174', 'Warning'],
  DestinationRuleSubsetNotSelectPods: ['IST0173', 'Error'],
};

interface GridCase {
  readonly name: string;
  readonly inputFiles: readonly string[];
  /** Istio's name of the analyzer the entry runs */
  readonly analyzer: string;
  /** [message type, object] */
  readonly expected: ReadonlyArray<readonly [string, string]>;
}

const GRID: readonly GridCase[] = [
  {
    name: 'virtualServiceConflictingMeshGatewayHosts',
    inputFiles: ['virtualservice_conflictingmeshgatewayhosts.yaml'],
    analyzer: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
    expected: [
      ['ConflictingMeshGatewayVirtualServiceHosts', 'VirtualService team3/ratings'],
      ['ConflictingMeshGatewayVirtualServiceHosts', 'VirtualService team4/ratings'],
      ['ConflictingMeshGatewayVirtualServiceHosts', 'VirtualService foo/ratings'],
      ['ConflictingMeshGatewayVirtualServiceHosts', 'VirtualService bar/ratings'],
      ['ConflictingMeshGatewayVirtualServiceHosts', 'VirtualService foo/productpage'],
      ['ConflictingMeshGatewayVirtualServiceHosts', 'VirtualService foo/bogus-productpage'],
      ['ConflictingMeshGatewayVirtualServiceHosts', 'VirtualService team2/ratings'],
    ],
  },
  {
    name: 'virtualServiceConflictingMeshGatewayHostsWithExportTo',
    inputFiles: ['virtualservice_conflictingmeshgatewayhosts_with_exportto.yaml'],
    analyzer: 'virtualservice.ConflictingMeshGatewayHostsAnalyzer',
    expected: [
      ['ConflictingMeshGatewayVirtualServiceHosts', 'VirtualService foo/productpage'],
      ['ConflictingMeshGatewayVirtualServiceHosts', 'VirtualService bar/productpage'],
      ['ConflictingMeshGatewayVirtualServiceHosts', 'VirtualService foo/productpage-c'],
      ['ConflictingMeshGatewayVirtualServiceHosts', 'VirtualService bar/productpage-c'],
      ['ConflictingMeshGatewayVirtualServiceHosts', 'VirtualService foo/productpage-d'],
      ['ConflictingMeshGatewayVirtualServiceHosts', 'VirtualService bar/productpage-d'],
    ],
  },
  {
    name: 'virtualServiceDestinationHosts',
    inputFiles: ['virtualservice_destinationhosts.yaml'],
    analyzer: 'virtualservice.DestinationHostAnalyzer',
    expected: [
      ['ReferencedResourceNotFound', 'VirtualService default/reviews-bogushost'],
      ['ReferencedResourceNotFound', 'VirtualService default/reviews-bogushost'],
      ['ReferencedResourceNotFound', 'VirtualService default/reviews-bookinfo-other'],
      ['ReferencedResourceNotFound', 'VirtualService default/reviews-mirror-bogushost'],
      ['ReferencedResourceNotFound', 'VirtualService default/reviews-bogusport'],
      ['VirtualServiceDestinationPortSelectorRequired', 'VirtualService default/reviews-2port-missing'],
      ['ReferencedResourceNotFound', 'VirtualService istio-system/cross-namespace-details'],
      ['ReferencedResourceNotFound', 'VirtualService hello/hello-export-to-bogus'],
    ],
  },
  {
    name: 'virtualServiceDestinationRules',
    inputFiles: ['virtualservice_destinationrules.yaml'],
    analyzer: 'virtualservice.DestinationRuleAnalyzer',
    expected: [
      ['ReferencedResourceNotFound', 'VirtualService default/reviews-bogussubset'],
      ['ReferencedResourceNotFound', 'VirtualService default/reviews-mirror-bogussubset'],
    ],
  },
  {
    name: 'virtualServiceGateways',
    inputFiles: ['virtualservice_gateways.yaml'],
    analyzer: 'virtualservice.GatewayAnalyzer',
    expected: [
      ['ReferencedResourceNotFound', 'VirtualService httpbin-bogus'],
      ['VirtualServiceHostNotFoundInGateway', 'VirtualService default/cross-test'],
      ['VirtualServiceHostNotFoundInGateway', 'VirtualService httpbin-bogus'],
      ['VirtualServiceHostNotFoundInGateway', 'VirtualService httpbin'],
    ],
  },
  {
    name: 'virtualServiceJWTClaimRoute',
    inputFiles: ['virtualservice_jwtclaimroute.yaml'],
    analyzer: 'virtualservice.JWTClaimRouteAnalyzer',
    expected: [
      ['JwtClaimBasedRoutingWithoutRequestAuthN', 'VirtualService foo'],
    ],
  },
  {
    name: 'virtualServiceInternalGatewayRef',
    inputFiles: ['virtualservice_internal_gateway_ref.yaml'],
    analyzer: 'virtualservice.GatewayAnalyzer',
    expected: [
      ['ReferencedInternalGateway', 'VirtualService httpbin'],
    ],
  },
  {
    name: 'destinationrule with no cacert, simple at destinationlevel',
    inputFiles: ['destinationrule-simple-destination.yaml'],
    analyzer: 'destinationrule.CaCertificateAnalyzer',
    expected: [
      ['NoServerCertificateVerificationDestinationLevel', 'DestinationRule db-tls'],
    ],
  },
  {
    name: 'destinationrule with no cacert, mutual at destinationlevel',
    inputFiles: ['destinationrule-mutual-destination.yaml'],
    analyzer: 'destinationrule.CaCertificateAnalyzer',
    expected: [
      ['NoServerCertificateVerificationDestinationLevel', 'DestinationRule db-mtls'],
    ],
  },
  {
    name: 'destinationrule with no cacert, simple at portlevel',
    inputFiles: ['destinationrule-simple-port.yaml'],
    analyzer: 'destinationrule.CaCertificateAnalyzer',
    expected: [
      ['NoServerCertificateVerificationPortLevel', 'DestinationRule db-tls'],
    ],
  },
  {
    name: 'destinationrule with credentialname, simple at destinationlevel, no workloadSelector',
    inputFiles: ['destinationrule-simple-destination-credentialname.yaml'],
    analyzer: 'destinationrule.CaCertificateAnalyzer',
    expected: [
      ['NoServerCertificateVerificationDestinationLevel', 'DestinationRule db-tls'],
    ],
  },
  {
    name: 'destinationrule with credentialname, simple at destinationlevel, workloadSelector',
    inputFiles: ['destinationrule-simple-destination-credentialname-selector.yaml'],
    analyzer: 'destinationrule.CaCertificateAnalyzer',
    expected: [],
  },
  {
    name: 'destinationrule with credentialname, simple at portlevel, no workloadSelector',
    inputFiles: ['destinationrule-simple-port-credentialname.yaml'],
    analyzer: 'destinationrule.CaCertificateAnalyzer',
    expected: [
      ['NoServerCertificateVerificationPortLevel', 'DestinationRule db-tls'],
    ],
  },
  {
    name: 'destinationrule with credentialname, simple at portlevel, workloadSelector',
    inputFiles: ['destinationrule-simple-port-credentialname-selector.yaml'],
    analyzer: 'destinationrule.CaCertificateAnalyzer',
    expected: [],
  },
  {
    name: 'destinationrule with no cacert, mutual at portlevel',
    inputFiles: ['destinationrule-mutual-port.yaml'],
    analyzer: 'destinationrule.CaCertificateAnalyzer',
    expected: [
      ['NoServerCertificateVerificationPortLevel', 'DestinationRule db-mtls'],
    ],
  },
  {
    name: 'destinationrule with no cacert, mutual at destinationlevel and simple at port level',
    inputFiles: ['destinationrule-compound-simple-mutual.yaml'],
    analyzer: 'destinationrule.CaCertificateAnalyzer',
    expected: [
      ['NoServerCertificateVerificationDestinationLevel', 'DestinationRule db-mtls'],
      ['NoServerCertificateVerificationPortLevel', 'DestinationRule db-mtls'],
    ],
  },
  {
    name: 'destinationrule with no cacert, simple at destinationlevel and mutual at port level',
    inputFiles: ['destinationrule-compound-mutual-simple.yaml'],
    analyzer: 'destinationrule.CaCertificateAnalyzer',
    expected: [
      ['NoServerCertificateVerificationPortLevel', 'DestinationRule db-mtls'],
      ['NoServerCertificateVerificationDestinationLevel', 'DestinationRule db-mtls'],
    ],
  },
  {
    name: 'destinationrule with both cacerts',
    inputFiles: ['destinationrule-with-ca.yaml'],
    analyzer: 'destinationrule.CaCertificateAnalyzer',
    expected: [],
  },
  {
    name: 'dupmatches',
    inputFiles: ['virtualservice_dupmatches.yaml', 'virtualservice_overlappingmatches.yaml'],
    analyzer: 'schema.ValidationAnalyzer.VirtualService',
    expected: [
      ['VirtualServiceUnreachableRule', 'VirtualService duplicate-match'],
      ['VirtualServiceUnreachableRule', 'VirtualService foo/sample-foo-cluster01'],
      ['VirtualServiceIneffectiveMatch', 'VirtualService almost-duplicate-match'],
      ['VirtualServiceIneffectiveMatch', 'VirtualService duplicate-match'],
      ['VirtualServiceUnreachableRule', 'VirtualService duplicate-tcp-match'],
      ['VirtualServiceUnreachableRule', 'VirtualService duplicate-empty-tcp'],
      ['VirtualServiceIneffectiveMatch', 'VirtualService almost-duplicate-tcp-match'],
      ['VirtualServiceIneffectiveMatch', 'VirtualService duplicate-tcp-match'],
      ['VirtualServiceUnreachableRule', 'VirtualService none/tls-routing'],
      ['VirtualServiceIneffectiveMatch', 'VirtualService none/tls-routing-almostmatch'],
      ['VirtualServiceIneffectiveMatch', 'VirtualService none/tls-routing'],
      ['VirtualServiceIneffectiveMatch', 'VirtualService non-method-get'],
      ['VirtualServiceIneffectiveMatch', 'VirtualService overlapping-in-single-match'],
      ['VirtualServiceIneffectiveMatch', 'VirtualService overlapping-in-two-matches'],
      ['VirtualServiceIneffectiveMatch', 'VirtualService overlapping-mathes-with-different-methods'],
    ],
  },
  {
    name: 'host defined in virtualservice not found in the gateway',
    inputFiles: ['virtualservice_host_not_found_gateway.yaml'],
    analyzer: 'virtualservice.GatewayAnalyzer',
    expected: [
      ['VirtualServiceHostNotFoundInGateway', 'VirtualService default/testing-service-02-test-01'],
      ['VirtualServiceHostNotFoundInGateway', 'VirtualService default/testing-service-02-test-02'],
      ['VirtualServiceHostNotFoundInGateway', 'VirtualService default/testing-service-02-test-03'],
      ['VirtualServiceHostNotFoundInGateway', 'VirtualService default/testing-service-03-test-04'],
    ],
  },
  {
    name: 'host defined in virtualservice not found in the gateway(beta version)',
    inputFiles: ['virtualservice_host_not_found_gateway_beta.yaml'],
    analyzer: 'virtualservice.GatewayAnalyzer',
    expected: [
      ['VirtualServiceHostNotFoundInGateway', 'VirtualService default/testing-service-02-test-01'],
      ['VirtualServiceHostNotFoundInGateway', 'VirtualService default/testing-service-02-test-02'],
      ['VirtualServiceHostNotFoundInGateway', 'VirtualService default/testing-service-02-test-03'],
      ['VirtualServiceHostNotFoundInGateway', 'VirtualService default/testing-service-03-test-04'],
    ],
  },
  {
    name: 'host defined in virtualservice not found in the gateway with ns',
    inputFiles: ['virtualservice_host_not_found_gateway_with_ns_prefix.yaml'],
    analyzer: 'virtualservice.GatewayAnalyzer',
    expected: [
      ['VirtualServiceHostNotFoundInGateway', 'VirtualService default/testing-service-01-test-01'],
    ],
  },
  {
    name: 'host defined in virtualservice not found in the gateway with ns(beta version)',
    inputFiles: ['virtualservice_host_not_found_gateway_with_ns_prefix_beta.yaml'],
    analyzer: 'virtualservice.GatewayAnalyzer',
    expected: [
      ['VirtualServiceHostNotFoundInGateway', 'VirtualService default/testing-service-01-test-01'],
    ],
  },
  {
    name: 'Route Rule no effect on Ingress',
    inputFiles: ['virtualservice_route_rule_no_effects_ingress.yaml'],
    analyzer: 'virtualservice.DestinationHostAnalyzer',
    expected: [
      ['IngressRouteRulesNotAffected', 'VirtualService default/testing-service-01-test-01'],
    ],
  },
  {
    name: 'DestinationRuleWithFakeHost',
    inputFiles: ['destinationrule-with-fake-host.yaml'],
    analyzer: 'destinationrule.SubsetSelectPodAnalyzer',
    expected: [
      ['UnknownDestinationRuleHost', 'DestinationRule default/fake-host'],
    ],
  },
  {
    name: 'DestinationRuleSubsetsNotSelectPods',
    inputFiles: ['destinationrule-subsets-not-select-pods.yaml'],
    analyzer: 'destinationrule.SubsetSelectPodAnalyzer',
    expected: [
      ['DestinationRuleSubsetNotSelectPods', 'DestinationRule default/subsets-not-select-pods'],
    ],
  },
  {
    name: 'DestinationRuleSubsetsWithTopologyLabels',
    inputFiles: ['destinationrule-subsets-with-topology-labels.yaml'],
    analyzer: 'destinationrule.SubsetSelectPodAnalyzer',
    expected: [],
  },
  {
    name: 'DestinationRuleEmptyTopologyLabels',
    inputFiles: ['destinationrule-empty-topology-labels.yaml'],
    analyzer: 'destinationrule.SubsetSelectPodAnalyzer',
    expected: [
      ['DestinationRuleSubsetNotSelectPods', 'DestinationRule default/empty-topology-labels'],
    ],
  },
];

function run(c: GridCase) {
  const manifests = parseYaml(c.inputFiles.map(f => ({ name: f, text: fs.readFileSync(path.join(DIR, f), 'utf-8') })));
  // Istio's test reads objects without a namespace into none (its analyzer's namespace is "")
  return analyze(manifests, { complete: true, defaultNamespace: '', only: [c.analyzer] });
}

const pairs = (xs: ReadonlyArray<readonly [string, string]>) => xs.map(([a, b]) => `${a} ${b}`).sort();

describe('Istio\'s analyzer tests (testGrid, istio/istio 1.30.3)', () => {
  test('every testdata file of the grid is vendored, and every vendored file is used', () => {
    const used = new Set(GRID.flatMap(c => c.inputFiles));
    expect([...used].sort()).toEqual(fs.readdirSync(DIR).sort());
  });

  test.each(GRID.map(c => [c.name, c] as const))('%s', (_name, c) => {
    const findings = run(c);
    expect(pairs(findings.map(f => [f.code, f.object ?? `(no object: ${f.resource})`]))).toEqual(pairs(c.expected.map(([type, object]) => [MESSAGES[type][0], object])));
    for (const f of findings) expect([f.code, f.level]).toEqual(Object.values(MESSAGES).find(([code]) => code === f.code));
  });
});
