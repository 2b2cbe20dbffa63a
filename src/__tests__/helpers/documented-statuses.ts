import type { FastifyInstance } from 'fastify';

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
}

/** Records every (route, status) a suite produces, to compare with what the OpenAPI document promises. */
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
    const document = this.app.swagger() as unknown as OpenApiDocument;
    return [...this.observed].filter((entry) => {
      const [method, url, status] = entry.split(' ') as [string, string, string];
      const path = url.replace(/:([A-Za-z]+)/g, '{$1}');
      const operation = document.paths[path]?.[method.toLowerCase()];
      // Routes hidden from OpenAPI (the WebSocket upgrade) are documented elsewhere (AsyncAPI).
      return operation !== undefined && !(status in (operation.responses ?? {}));
    });
  }
}
