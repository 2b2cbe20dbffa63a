import type { FastifyBaseLogger } from 'fastify';
import { ClusterUnavailableError } from '../errors.js';
import type { RedisBreaker } from './redis-breaker.js';

export interface NodeInfo {
  id: string;
  address: string;
  startedAt: string;
  version: string;
  connections: { websocket: number; http: number };
  lastSeen: string;
}

export type NodeDescription = Omit<NodeInfo, 'lastSeen'>;

/** A node whose entry is not refreshed for this many heartbeats has gone. */
const MISSED_HEARTBEATS_TO_EXPIRE = 3;
const SCAN_PAGE = 100;

/**
 * Each node writes its description to Redis every heartbeat, with an expiry of a few heartbeats, so a node
 * that dies disappears by itself. Without Redis the node is alone and lists only itself.
 */
export class NodeRegistry {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly redis: RedisBreaker | undefined,
    private readonly options: { keyPrefix: string; heartbeatMs: number; nodeId: string },
    private readonly describe: () => Promise<NodeDescription>,
    private readonly log: FastifyBaseLogger,
  ) {}

  private get key(): string {
    return `${this.options.keyPrefix}nodes:${this.options.nodeId}`;
  }

  start(): void {
    if (!this.redis || this.timer) return;
    void this.beat();
    this.timer = setInterval(() => void this.beat(), this.options.heartbeatMs);
    this.timer.unref();
  }

  /** Writes this node's entry now (e.g. once it knows its port). */
  async beat(): Promise<void> {
    if (!this.redis) return;
    const entry: NodeInfo = { ...(await this.describe()), lastSeen: new Date().toISOString() };
    const ttl = this.options.heartbeatMs * MISSED_HEARTBEATS_TO_EXPIRE;
    await this.redis
      .run((redis) => redis.set(this.key, JSON.stringify(entry), 'PX', ttl))
      .catch((error) => this.log.debug({ err: error }, 'could not write the node heartbeat'));
  }

  /** Removes this node's entry at once (graceful shutdown). */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    if (!this.redis) return;
    await this.redis.run((redis) => redis.del(this.key)).catch(() => undefined);
  }

  /** How many nodes are live (for the cluster_nodes gauge). */
  async count(): Promise<number> {
    return this.redis ? (await this.readEntries(this.redis)).length : 1;
  }

  /** The live nodes, by id. CLUSTER_UNAVAILABLE while Redis is unreachable. */
  async list(): Promise<NodeInfo[]> {
    if (!this.redis) return [{ ...(await this.describe()), lastSeen: new Date().toISOString() }];
    const entries = await this.readEntries(this.redis).catch(() => {
      throw new ClusterUnavailableError();
    });
    return entries.sort((a, b) => a.id.localeCompare(b.id));
  }

  private async readEntries(breaker: RedisBreaker): Promise<NodeInfo[]> {
    const keys = await breaker.run(async (redis) => {
      const found: string[] = [];
      let cursor = '0';
      do {
        const [next, page] = await redis.scan(
          cursor,
          'MATCH',
          `${this.options.keyPrefix}nodes:*`,
          'COUNT',
          SCAN_PAGE,
        );
        cursor = next;
        found.push(...page);
      } while (cursor !== '0');
      return found;
    });
    if (keys.length === 0) return [];
    const values = await breaker.run((redis) => redis.mget(keys));
    return values
      .filter((value): value is string => value !== null)
      .map((value) => JSON.parse(value) as NodeInfo);
  }
}
