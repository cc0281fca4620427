import { Duration } from 'cdk8s';
import { RequestMatch } from './match';

/**
 * Retries of a route.
 *
 * @see https://istio.io/latest/docs/reference/config/networking/virtual-service/#HTTPRetry
 */
export interface RetryPolicy {
  /** Number of retries (0 disables retries). */
  readonly attempts: number;

  /**
   * Timeout per attempt (at least 1ms).
   * @default - the route timeout
   */
  readonly perTryTimeout?: Duration;

  /**
   * Conditions to retry on, comma-separated Envoy policies or status codes, e.g. `5xx,reset,connect-failure`.
   * @default - Istio's default (connect-failure,refused-stream,unavailable,cancelled)
   */
  readonly retryOn?: string;
}

/**
 * Timeout and retries applied to routes.
 */
export interface RouteOptions {
  /**
   * Timeout of a request (at least 1ms).
   * @default - no timeout set (Istio's default)
   */
  readonly timeout?: Duration;

  /**
   * Retry policy.
   * @default - no retry policy set (Istio's default)
   */
  readonly retries?: RetryPolicy;
}

/**
 * A destination of a custom route.
 */
export interface CustomDestination {
  /** Fully qualified service host. */
  readonly host: string;

  /**
   * Subset of the host.
   * @default - any endpoint of the host
   */
  readonly subset?: string;

  /**
   * Port of the service.
   * @default - no port
   */
  readonly port?: number;

  /**
   * Share of the route's requests, an integer 0..100; required when the route has two or more destinations
   * (the weights then sum to 100).
   * @default 100 (only for a single destination)
   */
  readonly weight?: number;
}

/**
 * A hand-written route that lives beside the lane rules in the same VirtualService: placed before the lane
 * rules (e.g. a health check or an admin path that must never be lane-routed) or after them (still before
 * the default route).
 */
export interface CustomRoute extends RouteOptions {
  /** Route name, unique within the VirtualService. */
  readonly name: string;

  /** Match blocks (at least one, each with at least one condition). */
  readonly matches: RequestMatch[];

  /** Where matching requests go. No routing header is set on them. */
  readonly destinations: CustomDestination[];
}

/**
 * Where a custom route goes in the VirtualService.
 */
export enum RoutePlacement {
  /** Before the lane rules: it wins over them. */
  BEFORE_LANE_RULES = 'BEFORE_LANE_RULES',
  /** After the lane rules, before the default route. */
  AFTER_LANE_RULES = 'AFTER_LANE_RULES',
}
