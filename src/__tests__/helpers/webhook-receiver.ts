import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  /** What the receiver answered. */
  status: number;
}

/**
 * A real HTTP receiver on 127.0.0.1. `answer` decides each request's status (200 unless told otherwise); every
 * request is kept, whatever it was answered.
 */
export class WebhookReceiver {
  readonly requests: Received[] = [];
  answer: (request: Omit<Received, 'status'>) => number = () => 200;
  /** How long each answer takes. */
  delayMs = 0;
  private server: Server | undefined;

  async start(port = 0): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const received = { headers: request.headers, body, at: Date.now(), status: 0 };
        received.status = this.answer(received);
        this.requests.push(received);
        setTimeout(() => response.writeHead(received.status).end('thanks'), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/hook`;
  }

  /** The seq of every request, in arrival order; `acknowledged` keeps those answered 2xx. */
  seqs({ acknowledged = false } = {}): number[] {
    return this.requests
      .filter((request) => !acknowledged || request.status < 300)
      .map((request) => (JSON.parse(request.body) as { seq: number }).seq);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }
}
