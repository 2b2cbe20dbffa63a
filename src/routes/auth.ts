import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  CredentialsQuerySchema,
  CredentialsSchema,
  RefreshSchema,
  TokenPairSchema,
} from '../schemas/auth.js';
import { errorResponses, NoContent, signedIn, withLoginHeaders } from './http.js';

export const authRoutes: FastifyPluginAsyncZod = async (app) => {
  const auth = app.services.auth;

  app.post('/auth/login', {
    schema: {
      operationId: 'login',
      tags: ['auth'],
      summary: 'Sign in',
      description:
        'Trades a username and password for an access token (a JWT for `Authorization: Bearer`) and a single-use refresh token. Failed attempts are limited per IP and per username.',
      body: CredentialsSchema,
      response: { 200: TokenPairSchema, ...errorResponses(400, 401, 413, 415, 429) },
    },
    handler: async (request) => auth.login(request.body, request.ip),
  });

  app.get('/users/login', {
    schema: {
      operationId: 'loginUser',
      tags: ['auth', 'users'],
      summary: 'Sign in, Swagger Petstore style',
      description: 'Prefer POST /auth/login: a query string ends up in logs and browser history.',
      querystring: CredentialsQuerySchema,
      response: { 200: TokenPairSchema, ...errorResponses(400, 401, 429) },
    },
    handler: async (request, reply) => {
      const pair = await auth.login(request.query, request.ip);
      return withLoginHeaders(reply, pair.expiresAfter, app.config).send(pair);
    },
  });

  app.post('/auth/refresh', {
    schema: {
      operationId: 'refreshTokens',
      tags: ['auth'],
      summary: 'Trade a refresh token for a new pair',
      description:
        'Each refresh token works once; presenting a used one ends the session (REFRESH_TOKEN_REUSED).',
      body: RefreshSchema,
      response: { 200: TokenPairSchema, ...errorResponses(400, 401, 413, 415, 429) },
    },
    handler: async (request) => auth.refresh(request.body.refreshToken),
  });

  const logoutSchema = {
    summary: 'Sign out: the session’s tokens are refused from now on',
    description:
      "Ends the caller's session on every node, over REST and WebSocket alike; its refresh token stops working too.",
    security: signedIn,
    // No body is expected, but one that is sent is still parsed: malformed, too large or of another type.
    response: { 204: NoContent, ...errorResponses(400, 401, 413, 415) },
  };
  const logout = async (request: FastifyRequest, reply: FastifyReply) => {
    await auth.logout(request.principal);
    return reply.code(204).send();
  };
  app.post('/auth/logout', {
    schema: { operationId: 'logout', ...logoutSchema, tags: ['auth'] },
    handler: logout,
  });
  app.get('/users/logout', {
    schema: { operationId: 'logoutUser', ...logoutSchema, tags: ['auth', 'users'] },
    handler: logout,
  });
};
