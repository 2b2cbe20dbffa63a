// The webhooks scenario as Markdown.
import { withSpread } from './rounds.mjs';

export function webhooksSection(webhooks, table) {
  if (!webhooks) return 'Not run.';
  const [first] = webhooks;
  return `${table(
    [
      'webhooks',
      'ours deliveries/s',
      'bare loop deliveries/s',
      'ours ÷ loop',
      'ours commit → receipt p50 / p99 ms',
      'loop p50 / p99 ms',
      'lost (ours / loop)',
    ],
    webhooks.map((entry) => [
      entry.webhooks,
      withSpread(entry.ours.deliveriesPerSecond),
      withSpread(entry.loop.deliveriesPerSecond),
      withSpread(entry.ratio, '×'),
      `${entry.ours.p50.median} / ${entry.ours.p99.median}`,
      `${entry.loop.p50.median} / ${entry.loop.p99.median}`,
      `${entry.ours.lost} / ${entry.loop.lost}`,
    ]),
  )}

Deliveries/s: ${first.events} events wait for every webhook (ours: committed while the webhooks were paused, then all resumed at once; the loop: all there when it starts), counted to the last receipt. Latency: ${first.liveEvents} events at ${first.rate}/s, each sent to every webhook, from its commit (\`createdAt\`) to its arrival at the receiver, on this machine's clock (millisecond precision). The bare loop (\`bench/servers/webhook-loop.mjs\`) is what delivery costs without a service: one keep-alive connection and one request at a time per webhook, the same bodies, no database, no signature. Ours does per event what the API promises: read the log, sign, send, record the attempt and move the webhook's cursor in the database under its lease.`;
}
