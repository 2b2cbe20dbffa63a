import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { Kysely } from 'kysely';
import type { WebSocket } from 'ws';
import type { Config } from '../config.js';
import type { Database } from '../db/types.js';
import { toErrorBody } from '../errors.js';
import { logsAtInfo } from '../log-levels.js';
import type { ChangeEvent } from '../events/change-event.js';
import { EventSequencer } from '../events/event-sequencer.js';
import { revokes, type Revocation } from '../events/session-revocations.js';
import { ActionPayloadSchemas, RequestFrameSchema, type ActionName } from '../schemas/ws.js';
import { requireUser, type Actor, type Principal } from '../services/access.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import type { Services } from '../services/container.js';
import { serviceActions } from './actions.js';
import { ClientConnection, type EventFrame } from './client-connection.js';
import {
  errorFrame,
  eventFrame,
  notificationFrame,
  responseFrame,
  toWsError,
  wsError,
  type WsErrorPayload,
} from './frames.js';
import { canSee, isPrivateTopic, matchesAny, SubscriptionRegistry, topicsOf } from './subscriptions.js';

/** A protocol-level refusal, answered as an error response. */
class WsError extends Error {
  constructor(readonly payload: WsErrorPayload) {
    super(payload.message);
  }
}

const REPLAY_PAGE = 1000;
const CLOSE_GOING_AWAY = 1001;
const CLOSE_POLICY_VIOLATION = 1008;
const CLOSE_TRY_AGAIN_LATER = 1013;

function validationError(issues: Array<{ path: PropertyKey[]; message: string }>, what: string): WsError {
  const details = issues.map((issue) => ({
    path: issue.path.map(String).join('.') || what,
    message: issue.message,
  }));
  const first = details[0];
  const message = first ? `Invalid ${what}: ${first.path}: ${first.message}` : `Invalid ${what}`;
  return new WsError({
    ...wsError('VALIDATION_ERROR', 400, 'Bad Request', message),
    reason: 'VALIDATION_ERROR',
    details,
  });
}

/**
 * The WebSocket gateway: the second door onto the services. It parses and validates frames, runs actions
 * through the same services as REST, keeps subscriptions, and delivers the change feed in seq order.
 */
export class RealtimeGateway {
  private readonly connections = new Set<ClientConnection>();
  private readonly connectionsPerIp = new Map<string, number>();
  private readonly subscriptions = new SubscriptionRegistry();
  private readonly actions: ReturnType<typeof serviceActions>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly stops: Array<() => void> = [];
  private sequencer: EventSequencer | undefined;
  private closing = false;
  private readonly logRequests: boolean;

  constructor(
    private readonly services: Services,
    private readonly db: Kysely<Database>,
    private readonly settings: Config['websocket'] & { nodeId: string },
    private readonly log: FastifyBaseLogger,
    private readonly metrics: ServiceMetrics,
  ) {
    this.actions = serviceActions(services);
    this.logRequests = logsAtInfo(log.level);
  }

  async start(): Promise<void> {
    const { feed, revocations } = this.services;
    const sequencer = new EventSequencer(await feed.currentSeq(this.db), {
      readAfter: (afterSeq, limit) => feed.readAfter(this.db, afterSeq, limit),
      deliver: (event) => this.metrics.eventDelivered(event, this.subscriptions.deliver(event)),
      onBackfill: () => this.metrics.backfilled(),
      gapTimeoutMs: 100,
      onError: (error) => this.log.error({ err: error }, 'could not backfill the change feed'),
    });
    this.sequencer = sequencer;
    this.stops.push(
      feed.onCommitted((event) => sequencer.accept(event)),
      revocations.subscribe((revocation) => this.revoke(revocation)),
      () => sequencer.stop(),
    );
    const heartbeat = setInterval(() => this.heartbeat(), this.settings.pingIntervalMs);
    heartbeat.unref();
    this.stops.push(() => clearInterval(heartbeat));
  }

  /** Feeds an event committed on another node into the same in-order stream as local commits. */
  acceptEvent(event: ChangeEvent): void {
    this.sequencer?.accept(event);
  }

  /** Delivers whatever was committed after the last delivered seq: for a transport that may have lost events. */
  async catchUp(): Promise<void> {
    await this.sequencer?.catchUp();
  }

  /** Ends the sessions of sockets whose session was revoked meanwhile: for when revocations could not arrive. */
  async revalidateSessions(): Promise<void> {
    const signedIn = [...this.connections].filter((connection) => connection.actor);
    if (signedIn.length === 0) return;
    const sessionIds = [...new Set(signedIn.map((connection) => connection.actor?.sessionId as string))];
    const live = await this.services.auth.liveSessions(sessionIds);
    for (const connection of signedIn) {
      const sessionId = connection.actor?.sessionId;
      if (sessionId !== undefined && !live.has(sessionId)) this.endSession(connection, 'revoked');
    }
  }

  /** The newest seq delivered to this node's subscribers. */
  get lastDeliveredSeq(): number {
    return this.sequencer?.lastSeq ?? 0;
  }

  connectionsFrom(ip: string): number {
    return this.connectionsPerIp.get(ip) ?? 0;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Notifications waiting in every outbound queue of this node. */
  get queuedNotifications(): number {
    let total = 0;
    for (const connection of this.connections) total += connection.queuedNotifications;
    return total;
  }

  /** Takes over a freshly upgraded socket. Handlers are attached synchronously so no frame is missed. */
  attach(socket: WebSocket, wire: Socket, ip: string, actor: Actor): ClientConnection {
    const connection = new ClientConnection(
      randomUUID(),
      ip,
      socket,
      wire,
      this.settings,
      (lagging, resumeFrom) => this.dropLagging(lagging, resumeFrom),
    );
    this.connections.add(connection);
    this.metrics.wsConnected();
    this.connectionsPerIp.set(ip, this.connectionsFrom(ip) + 1);
    if (actor) this.setActor(connection, actor);
    socket.on('message', (data, isBinary) => this.onMessage(connection, data.toString(), isBinary));
    socket.on('pong', () => (connection.alive = true));
    this.log.info({ clientId: connection.id, ip }, 'websocket connected');
    socket.on('close', (code) => {
      this.metrics.wsDisconnected(code);
      this.log.info({ clientId: connection.id, code }, 'websocket closed');
      connection.markClosed();
      this.subscriptions.removeAll(connection);
      this.connections.delete(connection);
      const remaining = this.connectionsFrom(ip) - 1;
      if (remaining > 0) this.connectionsPerIp.set(ip, remaining);
      else this.connectionsPerIp.delete(ip);
    });
    socket.on('error', (error) => this.log.debug({ err: error, clientId: connection.id }, 'socket error'));
    connection.sendResponse(
      notificationFrame('connect', { clientId: connection.id, node: this.settings.nodeId }),
    );
    return connection;
  }

  /** Answers in-flight requests, then closes every socket with 1001. */
  async close(): Promise<void> {
    this.closing = true;
    const answered = Promise.allSettled([...this.inFlight]);
    const timeout = new Promise((resolve) => setTimeout(resolve, this.settings.requestTimeoutMs).unref());
    await Promise.race([answered, timeout]);
    for (const connection of this.connections) connection.close(CLOSE_GOING_AWAY, 'server shutting down');
    for (const stop of this.stops.splice(0)) stop();
  }

  private onMessage(connection: ClientConnection, text: string, isBinary: boolean): void {
    connection.alive = true;
    let message: unknown;
    try {
      message = isBinary ? undefined : JSON.parse(text);
    } catch {
      message = undefined;
    }
    const correlationId = (message as { correlationId?: unknown } | undefined)?.correlationId;
    const replyTo = typeof correlationId === 'string' && correlationId.length <= 128 ? correlationId : null;
    const admission = connection.admitMessage();
    if (!admission.admitted) {
      this.metrics.rateLimited('ws_message');
      connection.sendResponse(
        errorFrame(
          replyTo,
          wsError('RATE_LIMITED', 429, 'Too Many Requests', 'Slow down: too many messages'),
        ),
      );
      if (admission.abusive) connection.close(CLOSE_POLICY_VIOLATION, 'message rate limit exceeded');
      return;
    }
    if (message === undefined) {
      this.metrics.wsInvalidMessage('not_json');
      connection.sendResponse(
        errorFrame(null, wsError('VALIDATION_ERROR', 400, 'Bad Request', 'A frame must be one JSON object')),
      );
      return;
    }
    const frame = RequestFrameSchema.safeParse(message);
    if (!frame.success) {
      this.metrics.wsInvalidMessage('bad_frame');
      connection.sendResponse(
        errorFrame(replyTo, validationError(frame.error.issues, 'request frame').payload),
      );
      return;
    }
    const { correlationId: id, action, payload } = frame.data;
    const work = this.answer(connection, id, action, payload);
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  private async answer(
    connection: ClientConnection,
    correlationId: string,
    action: string,
    payload: unknown,
  ): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new WsError(
              wsError('TIMEOUT', 504, 'Gateway Timeout', `${action} took too long; it may still complete`),
            ),
          ),
        this.settings.requestTimeoutMs,
      );
    });
    const started = performance.now();
    let status: 'success' | 'error' = 'error';
    try {
      if (this.closing)
        throw new WsError(wsError('INTERNAL', 503, 'Service Unavailable', 'The server is shutting down'));
      const result = await Promise.race([this.run(connection, action, payload), timeout]);
      connection.sendResponse(responseFrame(correlationId, result));
      status = 'success';
    } catch (error) {
      connection.sendResponse(errorFrame(correlationId, this.describe(error, connection, correlationId)));
    } finally {
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

  private describe(error: unknown, connection: ClientConnection, correlationId: string): WsErrorPayload {
    if (error instanceof WsError) return error.payload;
    const body = toErrorBody(error as { statusCode?: number; code?: string; message?: string });
    if (body.statusCode >= 500) {
      this.log.error({ err: error, clientId: connection.id, correlationId }, 'websocket request failed');
    }
    return toWsError(body);
  }

  private async run(connection: ClientConnection, action: string, payload: unknown): Promise<unknown> {
    if (!Object.hasOwn(ActionPayloadSchemas, action)) {
      this.metrics.wsInvalidMessage('unknown_action');
      throw new WsError(wsError('UNKNOWN_ACTION', 400, 'Bad Request', `Unknown action ${action}`));
    }
    const name = action as ActionName;
    const parsed = ActionPayloadSchemas[name].safeParse(payload ?? {});
    if (!parsed.success) {
      this.metrics.wsInvalidMessage('bad_payload');
      throw validationError(parsed.error.issues, 'payload');
    }
    const input = parsed.data as never;
    switch (name) {
      case 'ping':
        return { timestamp: Date.now() };
      case 'authenticate':
        return this.authenticate(connection, (input as { token: string }).token);
      case 'subscribe':
        return this.subscribe(connection, input);
      case 'unsubscribe':
        this.subscriptions.remove(connection, (input as { topics: string[] }).topics);
        return { topics: [...connection.topics] };
      default:
        return this.actions[name](connection.actor, input);
    }
  }

  private async authenticate(connection: ClientConnection, token: string) {
    const principal = await this.services.auth.authenticate(token);
    if (connection.actor && connection.actor.userId !== principal.userId) {
      // Private subscriptions were granted to the previous user.
      this.subscriptions.remove(connection, [...connection.topics].filter(isPrivateTopic));
    }
    this.setActor(connection, principal);
    return {
      userId: principal.userId,
      username: principal.username,
      role: principal.role,
      expiresAt: new Date(principal.expiresAt).toISOString(),
    };
  }

  private setActor(connection: ClientConnection, principal: Principal): void {
    connection.actor = principal;
    connection.scheduleExpiry(principal.expiresAt, () => this.endSession(connection, 'expired'));
  }

  private endSession(connection: ClientConnection, reason: 'expired' | 'revoked'): void {
    if (!connection.actor) return;
    connection.actor = null;
    connection.cancelExpiry();
    const dropped = [...connection.topics].filter(isPrivateTopic);
    this.subscriptions.remove(connection, dropped);
    connection.sendResponse(notificationFrame('session.expired', { reason, droppedTopics: dropped }));
  }

  private revoke(revocation: Revocation): void {
    for (const connection of this.connections) {
      if (connection.actor && revokes(revocation, connection.actor)) this.endSession(connection, 'revoked');
    }
  }

  private async subscribe(connection: ClientConnection, input: { topics: string[]; since?: number }) {
    const sequencer = this.sequencer as EventSequencer;
    for (const topic of input.topics) await this.authorizeTopic(connection.actor, topic);
    const existing = new Set(connection.topics);
    const added = input.topics.filter((topic) => !existing.has(topic));
    if (input.since === undefined) {
      this.subscriptions.add(connection, added);
      return { topics: [...connection.topics], seq: sequencer.lastSeq };
    }
    const since = input.since;
    const { feed } = this.services;
    const [replayableFrom, newest] = await Promise.all([
      feed.replayableFrom(this.db),
      feed.currentSeq(this.db),
    ]);
    if (since < replayableFrom || since > newest) {
      this.metrics.resyncRequired();
      throw new WsError(
        wsError(
          'RESYNC_REQUIRED',
          409,
          'Conflict',
          `Events after ${since} are not available; reload over REST and subscribe again`,
        ),
      );
    }
    connection.hold();
    this.subscriptions.add(connection, added);
    const answer = { topics: [...connection.topics], seq: Math.max(sequencer.lastSeq, since) };
    void this.replay(connection, since, new Set(added), existing).catch((error) => {
      this.log.error({ err: error, clientId: connection.id }, 'replay failed');
      connection.release();
      connection.close(CLOSE_TRY_AGAIN_LATER, 'replay failed; resubscribe');
    });
    return answer;
  }

  /**
   * Sends the stored events after `since` for the new topics, paced by the socket, interleaved in seq order
   * with the live events held meanwhile. A live event on an old topic was owed anyway; one on a new topic only
   * if the replay did not carry it and the client had not seen it (seq > since).
   */
  private async replay(
    connection: ClientConnection,
    since: number,
    added: Set<string>,
    existing: Set<string>,
  ): Promise<void> {
    const replayed = new Set<number>();
    const owed = (live: { event: ChangeEvent }) =>
      !replayed.has(live.event.seq) && (live.event.seq > since || matchesAny(live.event, existing));
    const sendHeld = async (held: Array<{ frame: EventFrame; event: ChangeEvent }>) => {
      for (const live of held) if (owed(live)) await connection.sendPaced(live.frame, live.event);
    };
    for (let after = since; !connection.closed;) {
      const page = await this.services.feed.readAfter(this.db, after, REPLAY_PAGE);
      for (const event of page) {
        if (!matchesAny(event, added) || matchesAny(event, existing) || !canSee(connection.actor, event))
          continue;
        await sendHeld(connection.takeHeldBefore(event.seq));
        await connection.sendPaced(eventFrame(event, this.topicFor(event, added)), event);
        replayed.add(event.seq);
      }
      if (page.length < REPLAY_PAGE) break;
      after = (page.at(-1) as ChangeEvent).seq;
    }
    // Still holding: drain what arrived during the replay, then go live with nothing in between.
    for (
      let held = connection.takeHeldBefore(Infinity);
      held.length > 0;
      held = connection.takeHeldBefore(Infinity)
    ) {
      await sendHeld(held);
    }
    for (const live of connection.release()) if (owed(live)) connection.sendEvent(live.frame, live.event);
  }

  private topicFor(event: ChangeEvent, topics: Set<string>): string {
    return topicsOf(event).find((topic) => topics.has(topic)) as string;
  }

  private async authorizeTopic(actor: Actor, topic: string): Promise<void> {
    if (!isPrivateTopic(topic)) return;
    requireUser(actor);
    const [, id] = topic.split(':');
    if (id) await this.services.orders.get(actor, Number(id));
  }

  private dropLagging(connection: ClientConnection, resumeFrom: number): void {
    this.metrics.wsLaggedClose(connection.queuedNotifications);
    this.subscriptions.removeAll(connection);
    connection.sendFinal(notificationFrame('lagged', { resumeFrom }), CLOSE_TRY_AGAIN_LATER, 'lagged');
  }

  private heartbeat(): void {
    for (const connection of this.connections) {
      if (!connection.alive) connection.terminate();
      else connection.ping();
    }
  }
}
