import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { ADMIN, startTestApp, type TestApp } from '../helpers/test-app.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../../..');
const CLIENT_DIR = join(import.meta.dirname, '../generated-client');
const bin = (name: string) => join(ROOT, 'node_modules/.bin', name);

let t: TestApp;
let scratch: string;
let documentFile: string;

beforeAll(async () => {
  t = await startTestApp();
  scratch = await mkdtemp(join(tmpdir(), 'generated-client-'));
  documentFile = join(scratch, 'openapi.json');
  const document = (await t.call({ method: 'GET', url: '/documentation/json' })).json();
  await writeFile(documentFile, JSON.stringify(document, null, 2));
});

afterAll(async () => {
  await t.close();
  await rm(scratch, { recursive: true, force: true });
});

/** Runs a command-line tool of node_modules; resolves with its exit code and output, whatever the code. */
async function tool(name: string, args: string[]) {
  try {
    const { stdout, stderr } = await run(bin(name), args, { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

describe('the OpenAPI document, as third-party tools read it', () => {
  it('is valid and lint-free of errors for Redocly (recommended rules)', async () => {
    const result = await tool('redocly', ['lint', documentFile, '--config', join(ROOT, 'redocly.yaml')]);
    expect(result.output).toMatch(/valid/);
    expect(result.code).toBe(0);
  }, 60_000);

  it('has no error for Spectral (spectral:oas rules)', async () => {
    const result = await tool('spectral', [
      'lint',
      documentFile,
      '--ruleset',
      join(ROOT, '.spectral.yaml'),
      '--fail-severity',
      'error',
    ]);
    expect(result.output).not.toMatch(/\berror\b/);
    expect(result.code).toBe(0);
  }, 60_000);
});

describe('a client generated from the document (openapi-typescript + openapi-fetch)', () => {
  beforeAll(async () => {
    // Written beside the program that imports it, under a temporary name first: the suites of both engines
    // generate the same file at the same time.
    const generated = join(scratch, 'openapi.d.ts');
    // A property with a default is optional in a request (the document leaves it out of `required`);
    // openapi-typescript types it required unless told the default is only filled in by the server.
    const result = await tool('openapi-typescript', [
      documentFile,
      '--output',
      generated,
      '--default-non-nullable',
      'false',
    ]);
    expect(result.code).toBe(0);
    const staged = join(CLIENT_DIR, `openapi.d.ts.${process.pid}`);
    await copyFile(generated, staged);
    await rename(staged, join(CLIENT_DIR, 'openapi.d.ts'));
  }, 60_000);

  it('typechecks a program that uses every operation group, leaving out every field with a default', () => {
    const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
    const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
    const program = ts.createProgram([join(CLIENT_DIR, 'program.ts')], { ...options, noEmit: true });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    expect(problems).toEqual([]);
  }, 120_000);

  it('runs that program against the real service', async () => {
    const { http } = await t.listen();
    const { useEveryGroup } = await import('../generated-client/program.js');
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
