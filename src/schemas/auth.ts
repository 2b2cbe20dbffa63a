import { z } from 'zod';
import { text, TimestampSchema } from './common.js';

export const CredentialsSchema = z
  .strictObject({ username: text().min(1).max(64), password: text().min(1).max(256) })
  .meta({ id: 'Credentials', example: { username: 'alice', password: 'correct horse battery' } });
export type Credentials = z.infer<typeof CredentialsSchema>;

export const TokenPairSchema = z
  .object({
    token: z.string().meta({ description: 'JWT access token for `Authorization: Bearer …`' }),
    tokenType: z.literal('Bearer'),
    expiresAfter: TimestampSchema.meta({ description: 'When the access token expires' }),
    refreshToken: z.string().meta({ description: 'Single-use token for POST /auth/refresh' }),
  })
  .meta({
    id: 'TokenPair',
    example: {
      token: 'eyJhbGciOiJIUzI1NiJ9…',
      tokenType: 'Bearer',
      expiresAfter: '2026-11-25T13:00:00.000Z',
      refreshToken: '5b0c…',
    },
  });
export type TokenPair = z.infer<typeof TokenPairSchema>;

export const RefreshSchema = z
  .strictObject({ refreshToken: text().min(1).max(512) })
  .meta({ id: 'RefreshRequest', example: { refreshToken: '5b0c…' } });

/** The same credentials as query parameters (GET /users/login); inline, since parameters cannot be $refs. */
export const CredentialsQuerySchema = z.object(CredentialsSchema.shape);
