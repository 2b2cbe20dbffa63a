import { ESLint } from 'eslint';

/** The layer rules of eslint.config.js (docs/ARCHITECTURE.md), checked against imports that break them. */
const eslint = new ESLint();

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((message) => message.ruleId ?? message.message);
}

const BROKEN: Array<[file: string, code: string]> = [
  ['src/routes/example.ts', "import { PetsRepository } from '../repositories/pets-repository.js';"],
  ['src/routes/example.ts', "import { openDatabase } from '../db/database.js';"],
  ['src/realtime/example.ts', "import { UsersRepository } from '../repositories/users-repository.js';"],
  ['src/services/example.ts', "import { WebSocket } from 'ws';"],
  ['src/services/example.ts', "import type { FastifyReply } from 'fastify';"],
  ['src/services/example.ts', "import { RealtimeGateway } from '../realtime/gateway.js';"],
  ['src/events/example.ts', "import { ClientConnection } from '../realtime/client-connection.js';"],
  ['src/live/example.ts', "import { petsRoutes } from '../routes/pets.js';"],
  ['src/client/example.ts', "import { errorCatalog } from '../errors.js';"],
  ['src/board/example.ts', "import { errorCatalog } from '../errors.js';"],
  ['src/plugins/example.ts', "import { Counter } from 'prom-client';"],
  ['src/routes/example.ts', "import { requireAdmin } from '../services/access.js';"],
  ['src/cluster/example.ts', "import { requireAdmin } from '../services/access.js';"],
  ['src/cluster/example.ts', "import { Gauge } from 'prom-client';"],
  ['src/catalog/example.ts', "import { PetsRepository } from '../repositories/pets-repository.js';"],
  ['src/catalog/example.ts', "import { Transactor } from '../services/transactor.js';"],
];

describe('import boundaries', () => {
  it.each(BROKEN)('refuses, in %s: %s', async (file, code) => {
    expect(await problems(file, `${code}\nexport {};\n`)).toContain(
      '@typescript-eslint/no-restricted-imports',
    );
  });

  it('lets each layer import what it may', async () => {
    const allowed: Array<[string, string]> = [
      ['src/routes/example.ts', "import { errorResponses } from './http.js';"],
      [
        'src/services/example.ts',
        "import type { PetsRepository } from '../repositories/pets-repository.js';",
      ],
      ['src/board/example.ts', "import { PetstoreClient } from '../client/index.js';"],
      ['src/board/example.ts', "import type { EventType } from '../live/resources.js';"],
    ];
    for (const [file, code] of allowed) {
      expect(await problems(file, `${code}\nexport {};\n`)).not.toContain(
        '@typescript-eslint/no-restricted-imports',
      );
    }
  });
});
