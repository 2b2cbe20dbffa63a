import type { FastifyInstance } from 'fastify';
import { petstoreV3Document } from '../../routes/v3/document.js';
import { petstoreV3Operations } from '../../routes/v3/index.js';

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
}

/** The Swagger Petstore v3 mount documents itself (routes/v3): its paths are relative to it. */
const V3_PREFIX = '/api/v3';

/** Records every (route, status) a suite produces, to compare with what the OpenAPI documents promise. */
export class DocumentedStatusTracker {
  private readonly observed = new Set<string>();

  constructor(private readonly app: FastifyInstance) {
    app.addHook('onResponse', async (request, reply) => {
      const url = request.routeOptions.url;
      if (url && !url.startsWith('/documentation')) {
        this.observed.add(`${request.method} ${url} ${reply.statusCode}`);
      }
    });
  }

  undocumented(): string[] {
    const main = this.app.swagger() as unknown as OpenApiDocument;
    // Built as the mount builds it, not fetched: a suite may leave the node shedding or rate limiting.
    const v3 = petstoreV3Document(petstoreV3Operations(this.app)) as unknown as OpenApiDocument;
    return [...this.observed].filter((entry) => {
      const [method, url, status] = entry.split(' ') as [string, string, string];
      const path = url.replace(/:([A-Za-z]+)/g, '{$1}');
      const operation = path.startsWith(`${V3_PREFIX}/`)
        ? v3.paths[path.slice(V3_PREFIX.length)]?.[method.toLowerCase()]
        : main.paths[path]?.[method.toLowerCase()];
      // Routes hidden from OpenAPI (the WebSocket upgrade) are documented elsewhere (AsyncAPI).
      return operation !== undefined && !(status in (operation.responses ?? {}));
    });
  }
}
