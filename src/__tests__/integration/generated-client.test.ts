import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CLIENT_DIR,
  generateTypes,
  programFunction,
  ROOT,
  tool,
  typeErrors,
} from '../helpers/generated-types.js';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app.js';

let t: TestApp;
let scratch: string;
const DOCUMENTS = { v1: '/documentation/json', v3: '/api/v3/openapi.json' };
const documentFile = (name: keyof typeof DOCUMENTS) => join(scratch, `${name}.json`);

beforeAll(async () => {
  t = await startTestApp();
  scratch = await mkdtemp(join(tmpdir(), 'generated-client-'));
  for (const [name, url] of Object.entries(DOCUMENTS)) {
    const document = (await t.call({ method: 'GET', url })).json();
    await writeFile(documentFile(name as keyof typeof DOCUMENTS), JSON.stringify(document, null, 2));
  }
});

afterAll(async () => {
  await t.close();
  await rm(scratch, { recursive: true, force: true });
});

describe.each(Object.keys(DOCUMENTS) as Array<keyof typeof DOCUMENTS>)(
  'the OpenAPI document of %s, as third-party tools read it',
  (name) => {
    it('is valid and free of errors for Redocly (recommended rules)', async () => {
      const result = await tool('redocly', [
        'lint',
        documentFile(name),
        '--config',
        join(ROOT, 'redocly.yaml'),
      ]);
      expect(result.output).toMatch(/valid/);
      expect(result.code).toBe(0);
    }, 60_000);

    it('has no error for Spectral (spectral:oas rules)', async () => {
      const result = await tool('spectral', [
        'lint',
        documentFile(name),
        '--ruleset',
        join(ROOT, '.spectral.yaml'),
        '--fail-severity',
        'error',
      ]);
      expect(result.output).not.toMatch(/\berror\b/);
      expect(result.code).toBe(0);
    }, 60_000);
  },
);

describe('a client generated from the document (openapi-typescript + openapi-fetch)', () => {
  beforeAll(async () => {
    // openapi-typescript's default settings, as an integrator would start.
    await generateTypes(documentFile('v1'), 'openapi', scratch);
  }, 60_000);

  it('typechecks a program that uses every operation group, leaving out every field with a default', () => {
    expect(typeErrors(join(CLIENT_DIR, 'program.ts'))).toEqual([]);
  }, 120_000);

  it('runs that program against the real service', async () => {
    const { http } = await t.listen();
    const useEveryGroup = await programFunction('program.js', 'useEveryGroup');
    const outcome = await useEveryGroup(http, ADMIN);

    expect(outcome.pet).toMatchObject({ status: 'available', photoUrls: [] });
    expect(outcome.pet.location).toBe(`/api/v1/pets/${outcome.pet.id}`);
    expect(outcome.patchedTags).toEqual(['generated']);
    expect(outcome.read.status).toBe(200);
    expect(outcome.read.etag).toBe('"2"');
    expect(outcome.read.seq).toBeGreaterThan(0);
    expect(outcome.listed).toContain(outcome.pet.id);
    expect(outcome.byStatus).toContain(outcome.pet.id);
    expect(outcome.byTags).toEqual([outcome.pet.id]);
    expect(outcome.categories).toContain(outcome.category);
    expect(outcome.me).toMatchObject({ role: 'customer', id: outcome.me.signedUp });
    expect(outcome.order).toMatchObject({ petId: outcome.pet.id, status: 'placed' });
    expect(outcome.order.listed).toHaveLength(1);
    expect(outcome.inventory.pending).toBeGreaterThanOrEqual(1);
    expect(outcome.cancelled).toBe(204);
    expect(outcome.nodes).toBe(1);
    expect(outcome.health).toBe('ok');
    expect(outcome.loggedOut).toBe(204);
    expect(outcome.afterLogout).toBe(401);
  }, 60_000);
});
