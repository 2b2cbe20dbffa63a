// Preloaded into every benchmarked server (node --expose-gc --import): asked over IPC, it forces a full GC and
// answers with the process's RSS and heap, so memory is compared after garbage is gone. (Not a signal: the
// service treats most signals as a request to shut down.)
if (process.send) {
  process.channel?.unref();
  process.on('message', (message) => {
    if (message !== 'memory') return;
    globalThis.gc?.();
    globalThis.gc?.();
    const { rss, heapUsed } = process.memoryUsage();
    process.send({ memory: { rss, heapUsed } });
  });
}
