import { execFile } from 'node:child_process';
import { copyFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';

const run = promisify(execFile);
export const ROOT = join(import.meta.dirname, '../../..');
/** Where the programs that use generated clients live, and where their generated types are written. */
export const CLIENT_DIR = join(import.meta.dirname, '../generated-client');

/** Runs a command-line tool of node_modules; resolves with its exit code and output, whatever the code. */
export async function tool(name: string, args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(join(ROOT, 'node_modules/.bin', name), args, {
      cwd: ROOT,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: failed.stdout + failed.stderr };
  }
}

/**
 * Generates TypeScript types from an OpenAPI document with openapi-typescript into `CLIENT_DIR/<name>.d.ts`, for
 * the programs there to import. Written under a temporary name first: the suites of both engines generate the
 * same file at the same time.
 */
export async function generateTypes(document: string, name: string, scratch: string, args: string[] = []) {
  const generated = join(scratch, `${name}.d.ts`);
  const result = await tool('openapi-typescript', [document, '--output', generated, ...args]);
  if (result.code !== 0) throw new Error(`openapi-typescript failed:\n${result.output}`);
  const staged = join(CLIENT_DIR, `${name}.d.ts.${process.pid}`);
  await copyFile(generated, staged);
  await rename(staged, join(CLIENT_DIR, `${name}.d.ts`));
}

/** The compiler's complaints about a program, with the project's own compiler options. */
export function typeErrors(file: string): string[] {
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram([file], { ...options, noEmit: true });
  return ts
    .getPreEmitDiagnostics(program)
    .map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
}

/**
 * The function `name` of a program in `CLIENT_DIR`. The module's specifier is not a literal on purpose: the
 * project's typecheck must not follow it into types that only exist once a test has generated them (`typeErrors`
 * checks the program then).
 */
export async function programFunction(
  file: string,
  name: string,
): Promise<(...args: unknown[]) => Promise<Outcome>> {
  const specifier = `../generated-client/${file}`;
  const program = (await import(specifier)) as Record<string, (...args: unknown[]) => Promise<Outcome>>;
  const run = program[name];
  if (!run) throw new Error(`${file} exports no ${name}`);
  return run;
}

/** What a program reports, as the test reads it (its exact type is the program's, checked by `typeErrors`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Outcome = Record<string, any>;
