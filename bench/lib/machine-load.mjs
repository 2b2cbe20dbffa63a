// What else the machine was doing during a phase: busy cores from /proc/stat, less the CPU of the processes
// the phase measured (the server and its load generators). A phase run next to a busy neighbour says so.
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { round } from './stats.mjs';

function cpuTicks() {
  const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = fields;
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

/**
 * Starts watching the machine; `stop(measuredCpuSeconds)` returns the busy cores over the phase, the share of
 * them the measured processes account for, and the 1-minute load average at the end.
 */
export function watchMachine() {
  const before = cpuTicks();
  const started = process.hrtime.bigint();
  return {
    stop(measuredCpuSeconds) {
      const after = cpuTicks();
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const cores = cpus().length;
      const busyCores = ((after.busy - before.busy) / (after.total - before.total)) * cores;
      const measuredCores = measuredCpuSeconds / seconds;
      return {
        busyCores: round(busyCores, 2),
        measuredCores: round(measuredCores, 2),
        otherCores: round(Math.max(0, busyCores - measuredCores), 2),
        loadAverage: round(loadavg()[0], 2),
      };
    },
  };
}
