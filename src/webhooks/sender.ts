import { defaultMaxListeners, setMaxListeners } from 'node:events';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { WebhookUrlGuard } from './url-guard.js';

/** How much of a receiver's answer is read: enough to say what went wrong, never a whole page. */
const ANSWER_BYTES = 512;
/** A delivery's body never exceeds this; an event's payload is small, so this only guards against mistakes. */
const MAX_BODY_BYTES = 256 * 1024;

export interface SendOutcome {
  /** The receiver's HTTP status, or undefined when none came (refused, timed out, forbidden address). */
  status: number | undefined;
  durationMs: number;
  /** What went wrong, short: the network error, or the first bytes of a non-2xx answer. */
  error?: string;
}

/**
 * POSTs one signed delivery. No redirect is followed (a 3xx is a failure), the answer is read to ANSWER_BYTES
 * and dropped, and every connection's address is checked by the URL guard when it is made.
 */
export class WebhookSender {
  private readonly agents;
  /** Cuts every request in flight when the node stops. */
  private readonly stopping = new AbortController();

  constructor(
    private readonly guard: WebhookUrlGuard,
    private readonly timeoutMs: number,
    /** Requests in flight at most (one per webhook delivering): each listens to `stopping` until it ends. */
    maxInFlight: number,
  ) {
    setMaxListeners(Math.max(maxInFlight, defaultMaxListeners), this.stopping.signal);
    const options = { keepAlive: true, lookup: guard.lookup };
    this.agents = { http: new HttpAgent(options), https: new HttpsAgent(options) };
  }

  send(url: string, headers: Record<string, string>, body: string): Promise<SendOutcome> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const target = new URL(url);
    if (Buffer.byteLength(body) > MAX_BODY_BYTES) {
      return Promise.resolve({ status: undefined, durationMs: 0, error: 'the event is too large to send' });
    }
    if (!this.guard.allowsLiteral(target)) {
      return Promise.resolve({ status: undefined, durationMs: 0, error: 'forbidden address' });
    }
    const https = target.protocol === 'https:';
    return new Promise((resolve) => {
      const request = (https ? httpsRequest : httpRequest)(target, {
        method: 'POST',
        agent: https ? this.agents.https : this.agents.http,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': 'petstore-webhooks/1',
        },
        timeout: this.timeoutMs,
        signal: this.stopping.signal,
      });
      const fail = (error: Error) =>
        resolve({ status: undefined, durationMs: elapsed(), error: error.message });
      request.setTimeout(this.timeoutMs, () =>
        request.destroy(new Error(`no answer in ${this.timeoutMs} ms`)),
      );
      request.once('error', fail);
      request.once('response', (response) => {
        readAnswer(response).then((answer) => {
          const status = response.statusCode ?? 0;
          const ok = status >= 200 && status < 300;
          resolve({ status, durationMs: elapsed(), ...(ok ? {} : { error: `HTTP ${status}${answer}` }) });
        }, fail);
      });
      request.end(body);
    });
  }

  close(): void {
    this.stopping.abort(new Error('the node is stopping'));
    this.agents.http.destroy();
    this.agents.https.destroy();
  }
}

/** The first ANSWER_BYTES of an answer as printable text (`: …`), the rest drained unread. */
function readAnswer(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    response.on('data', (chunk: Buffer) => {
      if (kept < ANSWER_BYTES) {
        chunks.push(chunk.subarray(0, ANSWER_BYTES - kept));
        kept += Math.min(chunk.length, ANSWER_BYTES - kept);
      }
    });
    response.once('end', () => {
      const text = Buffer.concat(chunks)
        .toString('utf8')
        .replace(/[^\x20-\x7e]+/g, ' ')
        .trim();
      resolve(text ? `: ${text}` : '');
    });
    response.once('error', reject);
  });
}
