import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  V3LoginQuerySchema,
  V3NewUserSchema,
  V3NewUsersSchema,
  V3UsernameParamsSchema,
  V3UserSchema,
  V3UserUpdateSchema,
} from '../../schemas/petstore-v3.js';
import { signupRouteConfig, withLoginHeaders } from '../http.js';
import { operation, type V3Operation } from './operation.js';
import { officialUser } from './shapes.js';

const userAnswer = {
  description: 'The user',
  schema: V3UserSchema,
  xml: { element: 'user' },
};
const EVERY_MEDIA = ['json', 'xml', 'form'] as const;

/** The official `user` operations over this API's users and auth services. */
export function userOperations(app: FastifyInstance): V3Operation[] {
  const { users, auth } = app.services;
  return [
    operation({
      method: 'POST',
      path: '/user',
      operationId: 'createUser',
      tag: 'user',
      summary: 'Create user (sign up as a customer)',
      description:
        'Anyone may sign up; a password of at least 8 characters is required. An `id` sent is ignored.',
      signedIn: false,
      config: signupRouteConfig(app.config),
      body: { schema: V3NewUserSchema, media: [...EVERY_MEDIA], description: 'The new user' },
      answer: userAnswer,
      failures: [400, 401, 409, 413, 415],
      run: async ({ body }) => {
        const result = await users.signUp(body);
        return { value: officialUser(result.data), seq: result.seq };
      },
    }),
    operation({
      method: 'POST',
      path: '/user/createWithList',
      operationId: 'createUsersWithListInput',
      tag: 'user',
      summary: 'Creates a list of users, all or none (admin)',
      description: 'Answers with the last user of the list, as the official document does.',
      signedIn: true,
      body: { schema: V3NewUsersSchema, media: ['json'], description: 'The new users' },
      answer: userAnswer,
      failures: [400, 401, 403, 409, 413, 415],
      run: async ({ body, request }) => {
        const result = await users.createMany(request.principal, body);
        return { value: officialUser(result.data.at(-1) as (typeof result.data)[number]), seq: result.seq };
      },
    }),
    operation({
      method: 'GET',
      path: '/user/login',
      operationId: 'loginUser',
      tag: 'user',
      summary: 'Logs user into the system',
      description:
        'Answers the access token; send it as `Authorization: Bearer` or `api_key`. Failed attempts are limited per IP and per username.',
      signedIn: false,
      query: V3LoginQuerySchema,
      answer: {
        description: 'The access token',
        schema: z.string(),
        xml: { element: 'token' },
        headers: {
          'X-Rate-Limit': {
            description: 'Failed sign-ins allowed per user before a lock-out',
            schema: { type: 'integer' },
          },
          'X-Expires-After': {
            description: 'When the token expires (UTC)',
            schema: { type: 'string', format: 'date-time' },
          },
        },
      },
      failures: [400, 401],
      run: async ({ query, request, reply }) => {
        const pair = await auth.login(query, request.ip);
        withLoginHeaders(reply, pair.expiresAfter, app.config);
        return { value: pair.token };
      },
    }),
    operation({
      method: 'GET',
      path: '/user/logout',
      operationId: 'logoutUser',
      tag: 'user',
      summary: 'Logs out the signed-in user',
      description: "Ends the caller's session on every node; its tokens are refused from now on.",
      signedIn: true,
      answer: { description: 'Signed out' },
      failures: [400, 401],
      run: async ({ request }) => {
        await auth.logout(request.principal);
        return {};
      },
    }),
    operation({
      method: 'GET',
      path: '/user/{username}',
      operationId: 'getUserByName',
      tag: 'user',
      summary: 'Get user by user name (self or admin)',
      description: "Someone else's account is a 403 unless the caller is an admin.",
      signedIn: true,
      params: V3UsernameParamsSchema,
      answer: userAnswer,
      failures: [400, 401, 403, 404],
      run: async ({ params, request }) => {
        const result = await users.get(request.principal, params.username);
        return { value: officialUser(result.data), seq: result.seq };
      },
    }),
    operation({
      method: 'PUT',
      path: '/user/{username}',
      operationId: 'updateUser',
      tag: 'user',
      summary: 'Update user (self or admin)',
      description:
        'Changes the details given; `username` and `id` in the body cannot change the account named.',
      signedIn: true,
      params: V3UsernameParamsSchema,
      body: { schema: V3UserUpdateSchema, media: [...EVERY_MEDIA], description: 'The new details' },
      answer: { description: 'Updated' },
      failures: [400, 401, 403, 404, 409, 413, 415],
      run: async ({ params, body, request }) => ({
        seq: (await users.update(request.principal, params.username, body)).seq,
      }),
    }),
    operation({
      method: 'DELETE',
      path: '/user/{username}',
      operationId: 'deleteUser',
      tag: 'user',
      summary: 'Delete user (self or admin)',
      description: 'Ends the account, its sessions and its orders.',
      signedIn: true,
      params: V3UsernameParamsSchema,
      answer: { description: 'User deleted' },
      failures: [400, 401, 403, 404, 409],
      run: async ({ params, request }) => ({
        seq: (await users.delete(request.principal, params.username)).seq,
      }),
    }),
  ];
}
