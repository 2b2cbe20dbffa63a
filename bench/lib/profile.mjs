// Where a server's CPU time went: a .cpuprofile (node --cpu-prof) reduced to its heaviest functions.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const location = (frame) =>
  `${frame.functionName || '(anonymous)'} ${frame.url.replace(/.*node_modules\//, '').replace(/.*\/dist\//, 'dist/')}:${frame.lineNumber + 1}`;

/** Self and inclusive shares of CPU time, in percent of the sampled busy time, heaviest first. */
export async function summarizeProfile(dir, { top = 12, inclusiveFilter = /dist\// } = {}) {
  const file = (await readdir(dir)).find((name) => name.endsWith('.cpuprofile'));
  if (!file) return undefined;
  const profile = JSON.parse(await readFile(join(dir, file), 'utf8'));
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfTime = new Map();
  profile.samples.forEach((id, index) =>
    selfTime.set(id, (selfTime.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)),
  );
  const self = new Map();
  const inclusive = new Map();
  const walk = (node, onStack) => {
    const key = location(node.callFrame);
    let time = selfTime.get(node.id) ?? 0;
    self.set(key, (self.get(key) ?? 0) + time);
    const counted = !onStack.has(key);
    if (counted) onStack.add(key);
    for (const child of node.children ?? []) time += walk(nodes.get(child), onStack);
    if (counted) {
      onStack.delete(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + time);
    }
    return time;
  };
  walk(profile.nodes[0], new Set());
  const idle = self.get('(idle) :0') ?? 0;
  const busy = [...self.values()].reduce((sum, time) => sum + time, 0) - idle;
  const share = (entries) =>
    entries
      .filter(([key]) => !key.startsWith('(idle)') && !key.startsWith('(root)'))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, time]) => ({ function: key, percent: Math.round((time / busy) * 1000) / 10 }));
  return {
    self: share([...self.entries()]),
    inclusive: share([...inclusive.entries()].filter(([key]) => inclusiveFilter.test(key))),
  };
}
