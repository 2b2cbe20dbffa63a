// The "Delivery under faults" section of docs/BENCHMARKS.md: written by `npm run chaos` (bench/chaos-report.mjs),
// kept as it is when a benchmark run rewrites the rest of the page.
const START = '<!-- chaos: written by npm run chaos -->';
const END = '<!-- /chaos -->';

const ms = (figures) => `${figures.p50} / ${figures.p99} / ${figures.max} ms`;

/** The section for one or more chaos reports (src/__tests__/chaos/chaos.test.ts, CHAOS_REPORT). */
export function chaosSection(reports) {
  const phases = [...new Set(reports.flatMap((report) => Object.keys(report.liveDeliveryMs)))];
  const rows = reports.map(
    (report, index) =>
      `| ${index + 1} | ${report.seed} | ${report.subscribers.plain} + ${report.subscribers.typed} | ${report.events} | ` +
      `${report.writes.acknowledged} / ${report.writes.shuttingDown} / ${report.writes.unreachable} | ${report.killRounds} / ${report.stopRounds ?? 1} | ` +
      `${ms(report.plainResumeMs)} | ${ms(report.typedResumeMs)} | ${ms(report.replayedDeliveryMs)} |`,
  );
  const latency = reports.map(
    (report, index) =>
      `| ${index + 1} | ${phases.map((phase) => (report.liveDeliveryMs[phase] ? ms(report.liveDeliveryMs[phase]) : '—')).join(' | ')} |`,
  );
  return `${START}
## Delivery under faults (\`npm run chaos\`)

Three node processes on PostgreSQL and a redis-server of its own, writes on every node all along, subscribers on
every node (written from API.md, and typed clients); Redis killed for 10 s, nodes killed with SIGKILL and restarted
with their subscribers resuming on them 0–200 ms after they listen again, nodes stopped with SIGTERM (each must
exit 0). Each run passed: every subscriber got every committed event exactly once, in seq order, with no gap, and
no write failed but as documented. Figures are p50 / p99 / max; latency is change (the pet's \`updatedAt\`) to receipt, on one clock.

| run | seed | subscribers (plain + typed) | events | writes acked / 503 SHUTTING_DOWN / no answer (node down) | rounds: SIGKILL / SIGTERM | plain: resume on a restarted node | typed: node listening → client open | replayed on resume: change → receipt |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

Live delivery (to subscribers connected at the time), by the fault under way when the change was made:

| run | ${phases.join(' | ')} |
|---|${phases.map(() => '---').join('|')}|
${latency.join('\n')}
${END}`;
}

/** `markdown` with the chaos section of `previous` (the page being replaced) carried over, if it had one. */
export function keepChaosSection(markdown, previous) {
  const start = previous.indexOf(START);
  const end = previous.indexOf(END);
  if (start === -1 || end === -1) return markdown;
  return `${markdown.trimEnd()}\n\n${previous.slice(start, end + END.length)}\n`;
}

/** `markdown` with its chaos section replaced by `section` (appended when it has none). */
export function replaceChaosSection(markdown, section) {
  const start = markdown.indexOf(START);
  const end = markdown.indexOf(END);
  if (start === -1 || end === -1) return `${markdown.trimEnd()}\n\n${section}\n`;
  return `${markdown.slice(0, start)}${section}${markdown.slice(end + END.length)}`;
}
