import type { FastifyInstance } from 'fastify';
import { invalidInput } from '../../errors.js';
import { petstoreV3Document } from './document.js';
import { MEDIA, parseForm, parseXml } from './media.js';
import { serveOperation, type V3Operation } from './operation.js';
import { petOperations } from './pet.js';
import { storeOperations } from './store.js';
import { userOperations } from './user.js';

/** Every official operation this mount serves, over the app's services. */
export function petstoreV3Operations(app: FastifyInstance): V3Operation[] {
  return [...petOperations(app), ...storeOperations(app), ...userOperations(app)];
}

/**
 * `/api/v3`: the official Swagger Petstore v3 operations over this API's services, rules and change feed, with
 * the media types the official document declares, and the document of what it implements at `/openapi.json`.
 */
export async function petstoreV3Routes(app: FastifyInstance): Promise<void> {
  app.addContentTypeParser([MEDIA.xml, 'text/xml'], { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseXml(body as string));
    } catch {
      done(invalidInput('body', [{ path: 'body', message: 'is not well-formed XML with one root element' }]));
    }
  });
  app.addContentTypeParser(MEDIA.form, { parseAs: 'string' }, (_request, body, done) =>
    done(null, parseForm(body as string)),
  );
  app.addContentTypeParser(
    MEDIA.binary,
    { parseAs: 'buffer', bodyLimit: app.config.uploadMaxBytes },
    (_request, body, done) => done(null, body),
  );
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, acceptsApiKey: true };
  });

  const operations = petstoreV3Operations(app);
  for (const operation of operations) serveOperation(app, operation);
  const document = petstoreV3Document(operations);
  app.get('/openapi.json', { schema: { hide: true } }, async () => document);
}
