import type { ProcessNode } from '../helpers/process-cluster.js';

type NodeState = 'up' | 'stopping' | 'down';

interface Answer {
  node: string;
  status: number | 'unreachable';
  seq?: number;
}

const STATUSES = ['available', 'pending', 'sold'] as const;

/**
 * Writes all along on every node: pet renames, and every fifth write a status change (so inventory events
 * come too), each node at its own steady rate. It knows which nodes are down or stopping, and judges every
 * answer: 200 always, 503 SHUTTING_DOWN only from a node that is stopping, no answer only from one that is
 * down or went down during the request; anything else is unexpected.
 */
export class WriteLoad {
  private pets: number[] = [];
  private running = false;
  private loops: Array<Promise<void>> = [];
  private readonly state = new Map<ProcessNode, NodeState>();
  /** Bumped whenever a node goes down, so a request that overlapped an outage is known as such. */
  private readonly outages = new Map<ProcessNode, number>();
  private readonly answers: Answer[] = [];
  private readonly unexpected: string[] = [];

  constructor(
    private readonly nodes: ProcessNode[],
    private readonly token: string,
    private readonly perSecond: number,
    private readonly random: () => number,
  ) {
    for (const node of nodes) {
      this.state.set(node, 'up');
      this.outages.set(node, 0);
    }
  }

  async createPets(count: number): Promise<void> {
    const node = this.nodes[0] as ProcessNode;
    for (let index = 0; index < count; index += 1) {
      const response = await this.send(node, 'POST', '/api/v1/pets', { name: `chaos-${index}` });
      if (response.status !== 201) throw new Error(`could not create a pet: ${response.status}`);
      this.pets.push(((await response.json()) as { id: number }).id);
    }
  }

  start(): void {
    this.running = true;
    this.loops = this.nodes.map((node) => this.writeOn(node));
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  down(node: ProcessNode): void {
    this.state.set(node, 'down');
    this.outages.set(node, (this.outages.get(node) as number) + 1);
  }

  stopping(node: ProcessNode): void {
    this.state.set(node, 'stopping');
  }

  up(node: ProcessNode): void {
    this.state.set(node, 'up');
  }

  acknowledgedSeqs(): number[] {
    return this.answers.filter((answer) => answer.status === 200).map((answer) => answer.seq as number);
  }

  unexpectedAnswers(): string[] {
    return this.unexpected;
  }

  summary() {
    const count = (status: Answer['status']) =>
      this.answers.filter((answer) => answer.status === status).length;
    return {
      attempted: this.answers.length,
      acknowledged: count(200),
      shuttingDown: count(503),
      unreachable: count('unreachable'),
    };
  }

  private async writeOn(node: ProcessNode): Promise<void> {
    for (let written = 0; this.running; written += 1) {
      await new Promise((resolve) => setTimeout(resolve, (1000 / this.perSecond) * (0.5 + this.random())));
      if (this.state.get(node) === 'down') continue;
      const pet = this.pets[Math.floor(this.random() * this.pets.length)] as number;
      const body =
        written % 5 === 4
          ? { status: STATUSES[Math.floor(this.random() * STATUSES.length)] }
          : { name: `${node.id}-${written}` };
      const stateBefore = this.state.get(node);
      const outagesBefore = this.outages.get(node);
      try {
        const response = await this.send(node, 'PATCH', `/api/v1/pets/${pet}`, body);
        const text = await response.text();
        const seq = Number(response.headers.get('x-event-seq'));
        this.answers.push({ node: node.id, status: response.status, ...(response.ok ? { seq } : {}) });
        const shuttingDown = response.status === 503 && text.includes('"SHUTTING_DOWN"');
        if (response.status === 200 || (shuttingDown && this.state.get(node) !== 'up')) continue;
        this.unexpected.push(`${node.id}: ${response.status} ${text}`);
      } catch (error) {
        this.answers.push({ node: node.id, status: 'unreachable' });
        const overlappedOutage = stateBefore !== 'up' || this.outages.get(node) !== outagesBefore;
        if (!overlappedOutage) this.unexpected.push(`${node.id}: no answer while up: ${String(error)}`);
      }
    }
  }

  private send(node: ProcessNode, method: string, path: string, body: unknown): Promise<Response> {
    return fetch(`${node.http}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.token}` },
      body: JSON.stringify(body),
    });
  }
}
