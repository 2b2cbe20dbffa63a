import type { NodeInfo } from '../cluster/node-registry.js';
import { requireAdmin, type Actor } from './access.js';

/** What operators may read about the running service, admins only. */
export class OperationsService {
  constructor(
    /** The live nodes, by id (from the node registry; CLUSTER_UNAVAILABLE while Redis is unreachable). */
    private readonly liveNodes: () => Promise<NodeInfo[]>,
  ) {}

  clusterNodes(actor: Actor): Promise<NodeInfo[]> {
    requireAdmin(actor);
    return this.liveNodes();
  }
}
