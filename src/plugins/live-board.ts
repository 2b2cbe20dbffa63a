import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import fp from 'fastify-plugin';
import './fastify-decorations.js';

/** The repository root, from src/plugins or dist/plugins alike. */
const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The live board at `/`: public/ (the page and its styles) and, under /app/, the board's and the typed
 * client's compiled modules from dist/ (`npm run build`). Only files that exist are routed, so every other
 * path still gets the API's 404.
 */
export default fp(
  async (app) => {
    const compiled = `${root}dist/`;
    if (!existsSync(`${compiled}board/main.js`)) {
      app.log.warn('the live board is not built (npm run build); / serves the page without its scripts');
    }
    await app.register(fastifyStatic, { root: `${root}public`, prefix: '/', wildcard: false });
    for (const part of ['board', 'client']) {
      if (!existsSync(`${compiled}${part}`)) continue;
      await app.register(fastifyStatic, {
        root: `${compiled}${part}`,
        prefix: `/app/${part}/`,
        wildcard: false,
        decorateReply: false,
        allowedPath: (path) => path.endsWith('.js'),
      });
    }
  },
  { name: 'live-board' },
);
