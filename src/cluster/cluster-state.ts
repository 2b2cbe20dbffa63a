import type { FanoutMode } from './cluster-bus.js';
import type { NodeRegistry } from './node-registry.js';
import type { BreakerState } from './redis-breaker.js';

/** What this node knows of the cluster, for /health, /metrics and GET /api/v1/cluster. */
export interface ClusterState {
  /** `local` when this node runs alone (no Redis, or SQLite). */
  readonly fanout: FanoutMode | 'local';
  /** `disabled` without Redis. */
  readonly breaker: BreakerState | 'disabled';
  readonly registry: NodeRegistry;
}
