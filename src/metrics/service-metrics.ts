import { loadavg } from 'node:os';
import { getHeapStatistics } from 'node:v8';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import { LIVE_RESOURCES, type ChangeEvent } from '../live/resources.js';
import { COUNTER_HOLD_BUCKETS, DELIVERY_BUCKETS, LATENCY_BUCKETS } from './buckets.js';
import { registerObservedGauge, type GaugeReader, type ObservedGauge } from './observed-gauges.js';
import { WebhookMetrics } from './webhook-metrics.js';

const RATE_LIMIT_SCOPES = ['global', 'signup', 'login', 'ws_message', 'ws_connection'] as const;
export type RateLimitScope = (typeof RATE_LIMIT_SCOPES)[number];
export type AuthAttempt =
  | { kind: 'login'; result: 'success' | 'failure' | 'locked' }
  | { kind: 'refresh'; result: 'success' | 'invalid' | 'reused' };
const INVALID_MESSAGE_REASONS = ['not_json', 'bad_frame', 'unknown_action', 'bad_payload'] as const;
export type InvalidMessageReason = (typeof INVALID_MESSAGE_REASONS)[number];

/**
 * The period of the timers that measure the event loop's delay, here (prom-client's lag metrics) and in load
 * shedding. Each timer wakes the process once a period; both libraries' 10 ms default woke an idle node 200
 * times a second (docs/decisions.md, "Load shedding").
 */
export const EVENT_LOOP_SAMPLE_MS = 100;

const KNOWN_CLOSE_CODES = new Set([1000, 1001, 1005, 1006, 1008, 1009, 1011, 1013]);

/**
 * Every metric the service exports, behind methods named for what happened. Label values come from small
 * fixed sets (route templates, action names, close codes, results), never from ids or usernames; every series
 * carries the node id as a default label.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly httpRequests;
  private readonly httpDuration;
  private readonly httpSeries = new Map<
    string,
    { requests: { inc(): void }; duration: { observe(value: number): void } }
  >();
  private readonly authAttempts;
  private readonly tokenRejections;
  private readonly rateLimitHits;
  private readonly wsConnections;
  private readonly wsDisconnections;
  private readonly wsMessages;
  private readonly wsDuration;
  private readonly wsInvalid;
  private readonly wsLagged;
  private readonly wsDropped;
  private readonly eventsAppended;
  private readonly eventsPublished;
  private readonly eventsDelivered;
  private readonly deliveryDelay;
  private readonly counterHold;
  private readonly backfills;
  private readonly resyncs;
  /** Webhook delivery's own metrics, handed to the delivery loop as its events. */
  readonly webhooks: WebhookMetrics;
  private readonly clusterMessages;

  constructor(
    nodeId: string,
    private readonly knownActions: ReadonlySet<string>,
  ) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ node: nodeId });
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
    this.observe('v8_heap_size_limit_bytes', () => getHeapStatistics().heap_size_limit);
    this.observe('system_load_average', () => {
      const [one = 0, five = 0, fifteen = 0] = loadavg();
      return { '1m': one, '5m': five, '15m': fifteen };
    });

    const http = ['method', 'route', 'status_code'] as const;
    this.httpRequests = new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by method, route template and status',
      labelNames: http,
      registers,
    });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route template and status',
      labelNames: http,
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.authAttempts = new Counter({
      name: 'auth_attempts_total',
      help: 'Sign-ins (login) and token refreshes, by result',
      labelNames: ['kind', 'result'],
      registers,
    });
    this.tokenRejections = new Counter({
      name: 'auth_token_rejections_total',
      help: 'Requests refused for their access token, by error code',
      labelNames: ['code'],
      registers,
    });
    this.rateLimitHits = new Counter({
      name: 'rate_limit_hits_total',
      help: 'Requests, messages or connections refused by a rate limit, by scope',
      labelNames: ['scope'],
      registers,
    });
    this.wsConnections = new Counter({
      name: 'ws_connections_total',
      help: 'WebSocket connections accepted',
      registers,
    });
    this.wsDisconnections = new Counter({
      name: 'ws_disconnections_total',
      help: 'WebSocket connections closed, by close code (1006: dropped without a close frame)',
      labelNames: ['code'],
      registers,
    });
    this.wsMessages = new Counter({
      name: 'ws_messages_total',
      help: 'WebSocket request frames in, and responses out, by action and status',
      labelNames: ['direction', 'action', 'status'],
      registers,
    });
    this.wsDuration = new Histogram({
      name: 'ws_request_duration_seconds',
      help: 'Time to answer a WebSocket request, by action and status',
      labelNames: ['action', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.wsInvalid = new Counter({
      name: 'ws_invalid_messages_total',
      help: 'WebSocket frames refused as invalid, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.wsLagged = new Counter({
      name: 'ws_lagged_closes_total',
      help: 'Subscribers closed because their outbound queue overflowed',
      registers,
    });
    this.wsDropped = new Counter({
      name: 'ws_outbound_dropped_total',
      help: 'Notifications dropped from the queues of lagging subscribers',
      registers,
    });
    this.eventsAppended = new Counter({
      name: 'change_events_appended_total',
      help: 'Change events committed on this node, by topic',
      labelNames: ['topic'],
      registers,
    });
    this.eventsPublished = new Counter({
      name: 'change_events_published_total',
      help: 'Change events published to the other nodes over Redis',
      registers,
    });
    this.eventsDelivered = new Counter({
      name: 'change_events_delivered_total',
      help: 'Event notifications handed to subscribers, by topic',
      labelNames: ['topic'],
      registers,
    });
    // Every declared topic is exported from the start, at zero until its first event.
    for (const { topic } of LIVE_RESOURCES) {
      this.eventsAppended.inc({ topic }, 0);
      this.eventsDelivered.inc({ topic }, 0);
    }
    this.deliveryDelay = new Histogram({
      name: 'change_event_delivery_delay_seconds',
      help: 'From the commit of an event to its notification being handed to the sockets on this node',
      buckets: DELIVERY_BUCKETS,
      registers,
    });
    this.counterHold = new Histogram({
      name: 'change_event_counter_hold_seconds',
      help:
        'How long a write holds the event counter, from taking its seqs to the end of its commit: on ' +
        'PostgreSQL the one section every write of the cluster passes through in turn',
      buckets: COUNTER_HOLD_BUCKETS,
      registers,
    });
    this.backfills = new Counter({
      name: 'change_feed_backfills_total',
      help: 'Times missing events were read back from the event table (gaps, polling)',
      registers,
    });
    this.clusterMessages = new Counter({
      name: 'cluster_messages_received_total',
      help: 'Messages received from other nodes over Redis pub/sub',
      labelNames: ['channel'],
      registers,
    });
    this.resyncs = new Counter({
      name: 'change_feed_resyncs_total',
      help: 'Subscriptions refused with RESYNC_REQUIRED (since is older than the retention)',
      registers,
    });
    this.webhooks = new WebhookMetrics(registers);
    this.initialize();
  }

  /** Series of bounded label sets start at 0, so rates and alerts see them before the first occurrence. */
  private initialize(): void {
    for (const scope of RATE_LIMIT_SCOPES) this.rateLimitHits.inc({ scope }, 0);
    for (const result of ['success', 'failure', 'locked'])
      this.authAttempts.inc({ kind: 'login', result }, 0);
    for (const result of ['success', 'invalid', 'reused'])
      this.authAttempts.inc({ kind: 'refresh', result }, 0);
    for (const reason of INVALID_MESSAGE_REASONS) this.wsInvalid.inc({ reason }, 0);
    for (const channel of ['events', 'revocations']) this.clusterMessages.inc({ channel }, 0);
  }

  /** Supplies the reader of one of the gauges declared in `OBSERVED_GAUGES`, read at scrape time. */
  observe<Name extends ObservedGauge>(name: Name, read: GaugeReader<Name>): void {
    registerObservedGauge(this.registry, name, read);
  }

  clusterMessageReceived(channel: 'events' | 'revocations'): void {
    this.clusterMessages.inc({ channel });
  }

  /**
   * Counts and times one HTTP answer. The series of each label set are looked up once (the sets are few: route
   * templates × methods × statuses), so a request does not hash its labels twice.
   */
  httpRequest(labels: { method: string; route: string; status_code: string }, seconds: number): void {
    const key = `${labels.method} ${labels.route} ${labels.status_code}`;
    let series = this.httpSeries.get(key);
    if (!series) {
      series = { requests: this.httpRequests.labels(labels), duration: this.httpDuration.labels(labels) };
      this.httpSeries.set(key, series);
    }
    series.requests.inc();
    series.duration.observe(seconds);
  }

  authAttempt(attempt: AuthAttempt): void {
    this.authAttempts.inc(attempt);
  }

  tokenRejected(code: string): void {
    this.tokenRejections.inc({ code });
  }

  rateLimited(scope: RateLimitScope): void {
    this.rateLimitHits.inc({ scope });
  }

  wsConnected(): void {
    this.wsConnections.inc();
  }

  wsDisconnected(code: number): void {
    this.wsDisconnections.inc({ code: KNOWN_CLOSE_CODES.has(code) ? String(code) : 'other' });
  }

  wsRequest(action: string, status: 'success' | 'error', seconds: number): void {
    const known = this.knownActions.has(action) ? action : 'unknown';
    this.wsMessages.inc({ direction: 'in', action: known, status: 'received' });
    this.wsMessages.inc({ direction: 'out', action: known, status });
    this.wsDuration.observe({ action: known, status }, seconds);
  }

  wsInvalidMessage(reason: InvalidMessageReason): void {
    this.wsInvalid.inc({ reason });
  }

  wsLaggedClose(droppedNotifications: number): void {
    this.wsLagged.inc();
    this.wsDropped.inc(droppedNotifications);
  }

  eventCommitted(event: ChangeEvent): void {
    this.eventsAppended.inc({ topic: event.topic });
  }

  eventPublished(): void {
    this.eventsPublished.inc();
  }

  eventDelivered(event: ChangeEvent, sockets: number): void {
    if (sockets > 0) this.eventsDelivered.inc({ topic: event.topic }, sockets);
    this.deliveryDelay.observe(Math.max(0, Date.now() - Date.parse(event.createdAt)) / 1000);
  }

  eventCounterHeld(seconds: number): void {
    this.counterHold.observe(seconds);
  }

  backfilled(): void {
    this.backfills.inc();
  }

  resyncRequired(): void {
    this.resyncs.inc();
  }
}
