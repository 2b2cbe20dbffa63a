import { Gauge, type Registry } from 'prom-client';

/**
 * Every gauge read at scrape time, declared once here. The part that knows the value hands its reader to
 * `ServiceMetrics.observe` by name; a gauge with `label` reads one value per label value.
 */
export const OBSERVED_GAUGES = {
  v8_heap_size_limit_bytes: { help: 'The V8 heap limit of this process' },
  system_load_average: { help: 'The machine load average over 1, 5 and 15 minutes', label: 'window' },
  auth_sessions_active: { help: 'Sessions neither revoked nor expired' },
  catalog_pets: { help: 'Pets in the in-memory catalog (0 while reads go to the database)' },
  catalog_lag_events: { help: 'Committed events the in-memory catalog has not applied yet' },
  catalog_lag_seconds: { help: 'Age of the oldest committed event the in-memory catalog has not applied' },
  ws_connections: { help: 'Open WebSocket connections' },
  ws_outbound_queue_depth: { help: 'Notifications waiting in the outbound queues of all sockets' },
  cluster_nodes: { help: 'Live nodes in the node registry (1 when alone)' },
  redis_circuit_breaker_state: {
    help: 'State of the circuit breaker around Redis: 0 closed, 1 half-open, 2 open',
  },
  webhooks: { help: 'Webhooks in each state (active, paused, failing, disabled)', label: 'status' },
  webhook_backlog_events: {
    help: 'Events committed after the last one a webhook acknowledged, by webhook id',
    label: 'webhook',
  },
  cluster_event_fanout: {
    help: 'How events from other nodes arrive (1 for the current mode)',
    label: 'mode',
  },
} as const;

export type ObservedGauge = keyof typeof OBSERVED_GAUGES;
type Reading = number | undefined | Record<string, number>;
/** A plain gauge reads a number (undefined: no value now); a labelled one a value per label value. */
export type GaugeReader<Name extends ObservedGauge> = (typeof OBSERVED_GAUGES)[Name] extends { label: string }
  ? () => Record<string, number> | Promise<Record<string, number>>
  : () => number | undefined | Promise<number | undefined>;

export function registerObservedGauge(
  registry: Registry,
  name: ObservedGauge,
  read: () => Reading | Promise<Reading>,
) {
  const spec: { help: string; label?: string } = OBSERVED_GAUGES[name];
  new Gauge({
    name,
    help: spec.help,
    labelNames: spec.label ? [spec.label] : [],
    registers: [registry],
    async collect() {
      const reading = await read();
      if (typeof reading === 'number') this.set(reading);
      else if (reading !== undefined && spec.label) {
        for (const [value, amount] of Object.entries(reading)) this.set({ [spec.label]: value }, amount);
      }
    },
  });
}
