import type { FastifyBaseLogger } from 'fastify';
import {
  invalidInput,
  issueDetails,
  ShuttingDownError,
  TimeoutError,
  UnknownActionError,
} from '../errors.js';
import { seqOf, toErrorBody } from '../error-bodies.js';
import { logsAtInfo } from '../log-levels.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import { ActionPayloadSchemas, type ActionName, type ActionPayload } from '../schemas/ws.js';
import type { ClientConnection } from './client-connection.js';
import type { Request } from './frame-intake.js';
import { errorFrame, responseFrame } from './frames.js';

/**
 * Sends the success answer now. A handler whose answer describes the connection's state (its subscriptions,
 * its session) calls it at the moment that state changes, so no other frame about that state (such as
 * `session.expired`) can come between the change and its answer; returning the answer does the same later.
 */
export type Respond = (result: unknown) => void;

/** What a request asks beyond its payload: the seq its answer must reflect at least (0: none). */
export interface RequestContext {
  minSeq: number;
}

export type ActionHandlers = {
  [A in ActionName]: (
    connection: ClientConnection,
    input: ActionPayload<A>,
    respond: Respond,
    context: RequestContext,
  ) => Promise<unknown> | unknown;
};

/**
 * Runs each request's action: validates its payload against the action's schema, answers within the request
 * timeout (`TIMEOUT` past it; the action may still complete), and maps any failure onto the one error body.
 * While the node shuts down, new requests get `SHUTTING_DOWN` and those in flight are waited for.
 */
export class ActionDispatcher {
  private readonly inFlight = new Set<Promise<void>>();
  private closing = false;
  private readonly logRequests: boolean;

  constructor(
    private readonly handlers: ActionHandlers,
    private readonly requestTimeoutMs: number,
    private readonly metrics: ServiceMetrics,
    private readonly log: FastifyBaseLogger,
  ) {
    this.logRequests = logsAtInfo(log.level);
  }

  dispatch(connection: ClientConnection, request: Request): void {
    const work = this.answer(connection, request);
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /** Refuses new requests from now on, and waits (at most the request timeout) for those in flight. */
  async drain(): Promise<void> {
    this.closing = true;
    const answered = Promise.allSettled([...this.inFlight]);
    const timeout = new Promise((resolve) => setTimeout(resolve, this.requestTimeoutMs).unref());
    await Promise.race([answered, timeout]);
  }

  private async answer(connection: ClientConnection, { correlationId, action, payload, minSeq }: Request) {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TimeoutError(action)), this.requestTimeoutMs);
    });
    const started = performance.now();
    let status: 'success' | 'error' | undefined;
    const respond: Respond = (result) => {
      if (status !== undefined) return;
      status = 'success';
      connection.sendResponse(responseFrame(correlationId, result));
    };
    try {
      if (this.closing) throw new ShuttingDownError();
      respond(await Promise.race([this.run(connection, action, payload, respond, { minSeq }), timeout]));
    } catch (error) {
      const body = toErrorBody(error as Parameters<typeof toErrorBody>[0]);
      if (body.code === 'INTERNAL_ERROR') {
        this.log.error({ err: error, clientId: connection.id, correlationId }, 'websocket request failed');
      }
      if (status === undefined) {
        status = 'error';
        connection.sendResponse(errorFrame(correlationId, body, seqOf(error)));
      }
    } finally {
      status ??= 'error';
      clearTimeout(timer);
      const seconds = (performance.now() - started) / 1000;
      this.metrics.wsRequest(action, status, seconds);
      if (this.logRequests)
        this.log.info(
          {
            clientId: connection.id,
            correlationId,
            action,
            status,
            durationMs: Math.round(seconds * 10_000) / 10,
            userId: connection.actor?.userId ?? null,
          },
          'websocket request',
        );
    }
  }

  private async run(
    connection: ClientConnection,
    action: string,
    payload: unknown,
    respond: Respond,
    context: RequestContext,
  ): Promise<unknown> {
    if (!Object.hasOwn(ActionPayloadSchemas, action)) {
      this.metrics.wsInvalidMessage('unknown_action');
      throw new UnknownActionError(action);
    }
    const name = action as ActionName;
    const parsed = ActionPayloadSchemas[name].safeParse(payload ?? {});
    if (!parsed.success) {
      this.metrics.wsInvalidMessage('bad_payload');
      throw invalidInput('payload', issueDetails(parsed.error.issues, 'payload'));
    }
    const handler = this.handlers[name] as (
      connection: ClientConnection,
      input: unknown,
      respond: Respond,
      context: RequestContext,
    ) => unknown;
    return handler(connection, parsed.data, respond, context);
  }
}
