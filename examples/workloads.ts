/**
 * The three-service chain with its workloads: each service's Service and baseline Deployment are written once,
 * and the LaneGroup forks the Deployments into the lanes that hold the services (s2: mocka and mockc at v2, with
 * their own image; s3: mockb at v3), so the routing and the workloads come from one lane model.
 */
import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { KubeService } from '../imports/k8s';
import { LaneGroup, Target } from '../src';

export interface ChainWithWorkloadsProps extends ChartProps {
  readonly target: Target;
}

export const CHAIN = ['mocka', 'mockb', 'mockc'];

export class ChainWithWorkloads extends Chart {
  public readonly group: LaneGroup;

  constructor(scope: Construct, id: string, props: ChainWithWorkloadsProps) {
    super(scope, id, props);
    const baseline = (name: string) => {
      new KubeService(this, `${name}-service`, {
        metadata: { name, namespace: 'default' },
        spec: { selector: { app: name }, ports: [{ name: 'http', port: 8000 }] },
      });
      // the baseline selects its own lane's pods (version: v1), so that it does not select its forks'
      return new ApiObject(this, `${name}-deployment`, {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: 'default', labels: { app: name } },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: name, version: 'v1' } },
          template: {
            metadata: { labels: { app: name, version: 'v1' } },
            spec: { containers: [{ name, image: `registry.example.com/${name}:1.0`, ports: [{ containerPort: 8000 }] }] },
          },
        },
      });
    };
    this.group = new LaneGroup(this, 'mock', {
      name: 'mock',
      target: props.target,
      services: CHAIN.map(name => ({
        name,
        namespace: 'default',
        workload: baseline(name),
        // the Gateway API routes to a Service per lane, made from the service's pods
        ...(props.target === Target.GATEWAY_API ? { port: 8000, laneServices: { selector: { app: name }, ports: [{ port: 8000 }] } } : {}),
      })),
      lanes: [
        { name: 's1', services: CHAIN, podLabels: { version: 'v1' } },
        {
          name: 's2',
          services: ['mocka', 'mockc'],
          podLabels: { version: 'v2' },
          workloads: {
            mocka: { image: 'registry.example.com/mocka:2.0', replicas: 1 },
            mockc: { image: 'registry.example.com/mockc:2.0', replicas: 1, env: { FEATURE_NEW_CHECKOUT: 'on' } },
          },
        },
        { name: 's3', services: ['mockb'], podLabels: { version: 'v3' }, workloads: { mockb: { image: 'registry.example.com/mockb:3.0', replicas: 1 } } },
      ],
      baseline: 's1',
    });
  }
}
