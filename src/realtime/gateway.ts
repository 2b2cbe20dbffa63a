import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { WebSocket } from 'ws';
import type { LocalDelivery } from '../cluster/cluster-bus.js';
import type { Config } from '../config.js';
import type { ChangeEvent } from '../live/resources.js';
import type { EventLogReader } from '../events/change-feed.js';
import type { ServiceMetrics } from '../metrics/service-metrics.js';
import type { Actor } from '../services/access.js';
import type { Services } from '../services/container.js';
import { ActionDispatcher, type ActionHandlers } from './action-dispatcher.js';
import { serviceActions } from './actions.js';
import { ClientConnection } from './client-connection.js';
import { ConnectionRegistry } from './connection-registry.js';
import { readRequest } from './frame-intake.js';
import { notificationFrame } from './frames.js';
import { startHeartbeat } from './heartbeat.js';
import type { LiveFeed } from './live-feed.js';
import { SocketSessions } from './sessions.js';
import { SubscriptionRegistry } from './subscription-registry.js';
import { Subscriptions } from './subscriptions.js';

const CLOSE_GOING_AWAY = 1001;
/**
 * How long a shutdown waits for clients to answer its close frame before it cuts them off: a round trip on any
 * working network, and well inside SHUTDOWN_TIMEOUT_MS, which ws's own 30 s close timeout is not.
 */
const CLOSE_HANDSHAKE_GRACE_MS = 2000;
const CLOSE_TRY_AGAIN_LATER = 1013;

export type GatewaySettings = Config['websocket'] & { nodeId: string };

interface GatewayParts {
  services: Services;
  /** The node's live feed: the gateway consumes it after the catalog (plugins/live-feed.ts). */
  live: LiveFeed;
  eventLog: EventLogReader;
  settings: GatewaySettings;
  log: FastifyBaseLogger;
  metrics: ServiceMetrics;
}

/**
 * The WebSocket door onto the services. It only composes: the node's live feed, the open connections, their
 * sessions and subscriptions, the dispatch of their requests, and the heartbeat.
 */
export class RealtimeGateway implements LocalDelivery {
  private readonly connections = new ConnectionRegistry();
  private readonly sessions: SocketSessions;
  private readonly dispatcher: ActionDispatcher;
  private readonly stops: Array<() => void>;

  private readonly subscriptions = new SubscriptionRegistry();
  private readonly live: LiveFeed;

  constructor(private readonly parts: GatewayParts) {
    const { services, live, eventLog, settings, log, metrics } = parts;
    const subscriptions = this.subscriptions;
    this.live = live;
    live.consume((event) => metrics.eventDelivered(event, subscriptions.deliver(event)));
    this.sessions = new SocketSessions(services.auth, this.connections, subscriptions);
    const itemAccess = { orders: (actor: Actor, id: number) => services.orders.get(actor, id) };
    const subscribing = new Subscriptions(subscriptions, live, eventLog, itemAccess, metrics, log);
    const handlers: ActionHandlers = {
      ...serviceActions(services),
      ping: () => ({ timestamp: Date.now() }),
      authenticate: (connection, { token }, respond) =>
        this.sessions.authenticate(connection, token, respond),
      subscribe: (connection, input, respond) => subscribing.subscribe(connection, input, respond),
      unsubscribe: (connection, { topics }, respond) => subscribing.unsubscribe(connection, topics, respond),
    };
    this.dispatcher = new ActionDispatcher(handlers, settings.requestTimeoutMs, metrics, log);
    this.stops = [
      services.revocations.subscribe((revocation) => this.sessions.revoke(revocation)),
      startHeartbeat(this.connections, settings.pingIntervalMs),
    ];
  }

  acceptEvent(event: ChangeEvent): void {
    this.live.accept(event);
  }

  catchUp(): Promise<void> {
    return this.live.catchUp();
  }

  revalidateSessions(): Promise<void> {
    return this.sessions.revalidate();
  }

  /** The newest seq delivered to this node's subscribers. */
  get lastDeliveredSeq(): number {
    return this.live.lastSeq;
  }

  connectionsFrom(ip: string): number {
    return this.connections.from(ip);
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** Notifications waiting in every outbound queue of this node. */
  get queuedNotifications(): number {
    return this.connections.queuedNotifications;
  }

  /** Takes over a freshly upgraded socket. Handlers are attached synchronously so no frame is missed. */
  attach(socket: WebSocket, wire: Socket, ip: string, actor: Actor): ClientConnection {
    const { settings, log, metrics } = this.parts;
    const connection = new ClientConnection(randomUUID(), ip, socket, wire, settings, (lagging, resumeFrom) =>
      this.dropLagging(lagging, resumeFrom),
    );
    this.connections.add(connection);
    metrics.wsConnected();
    if (actor) this.sessions.adopt(connection, actor);
    socket.on('message', (data, isBinary) => {
      connection.alive = true;
      const request = readRequest(connection, data.toString(), isBinary, metrics);
      if (request) this.dispatcher.dispatch(connection, request);
    });
    socket.on('pong', () => (connection.alive = true));
    log.info({ clientId: connection.id, ip }, 'websocket connected');
    socket.on('close', (code) => {
      metrics.wsDisconnected(code);
      log.info({ clientId: connection.id, code }, 'websocket closed');
      connection.markClosed();
      this.subscriptions.removeAll(connection);
      this.connections.remove(connection);
    });
    socket.on('error', (error) => log.debug({ err: error, clientId: connection.id }, 'socket error'));
    connection.sendResponse(
      notificationFrame('connect', {
        clientId: connection.id,
        node: settings.nodeId,
        epoch: this.live.epoch,
        seq: this.live.lastSeq,
      }),
    );
    return connection;
  }

  /**
   * Answers in-flight requests, then closes every socket with 1001; a client that has not answered the close
   * within CLOSE_HANDSHAKE_GRACE_MS is cut off, so that one silent peer cannot hold the shutdown.
   */
  async close(): Promise<void> {
    await this.dispatcher.drain();
    for (const connection of this.connections) connection.close(CLOSE_GOING_AWAY, 'server shutting down');
    let grace: NodeJS.Timeout | undefined;
    await Promise.race([
      this.connections.emptied(),
      new Promise((resolve) => (grace = setTimeout(resolve, CLOSE_HANDSHAKE_GRACE_MS))),
    ]);
    clearTimeout(grace);
    for (const connection of this.connections) connection.terminate();
    for (const stop of this.stops.splice(0)) stop();
  }

  private dropLagging(connection: ClientConnection, resumeFrom: number): void {
    this.parts.metrics.wsLaggedClose(connection.queuedNotifications);
    this.subscriptions.removeAll(connection);
    connection.sendFinal(notificationFrame('lagged', { resumeFrom }), CLOSE_TRY_AGAIN_LATER, 'lagged');
  }
}
