import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  SignUpSchema,
  UserListInputSchema,
  UserListQuerySchema,
  UsernameParamsSchema,
  UserPageSchema,
  UserSchema,
  UserUpdateSchema,
} from '../schemas/users.js';
import { errorResponses, NoContent, sendAtSeq, sendNoContent, signedIn, signupRouteConfig } from './http.js';

export const usersRoutes: FastifyPluginAsyncZod = async (app) => {
  const users = app.services.users;

  app.post('/users', {
    config: signupRouteConfig(app.config),
    schema: {
      operationId: 'createUser',
      tags: ['users'],
      summary: 'Sign up as a customer',
      description:
        'Anyone may sign up; the account is always a `customer`. 409 `USERNAME_TAKEN` when the name is in use. The password is stored only as a slow hash.',
      body: SignUpSchema,
      response: { 201: UserSchema, ...errorResponses(400, 401, 409, 413, 415) },
    },
    handler: async (request, reply) => {
      const result = await users.signUp(request.body);
      reply.header('location', `${app.prefix}/users/${result.data.username}`);
      return sendAtSeq(reply, result, 201);
    },
  });

  app.post('/users/createWithList', {
    schema: {
      operationId: 'createUsersWithListInput',
      tags: ['users'],
      summary: 'Create several users at once, all or none (admin)',
      description:
        'Creates every user of the list in one transaction: a single conflict or invalid entry creates none.',
      security: signedIn,
      body: UserListInputSchema,
      response: { 201: z.array(UserSchema), ...errorResponses(400, 401, 403, 409, 413, 415) },
    },
    handler: async (request, reply) =>
      sendAtSeq(reply, await users.createMany(request.principal, request.body), 201),
  });

  app.get('/users', {
    schema: {
      operationId: 'listUsers',
      tags: ['users'],
      summary: 'List users (admin)',
      description: 'Paged by `limit` and `cursor`. Passwords and their hashes never appear.',
      security: signedIn,
      querystring: UserListQuerySchema,
      response: { 200: UserPageSchema, ...errorResponses(400, 401, 403) },
    },
    handler: async (request, reply) => sendAtSeq(reply, await users.list(request.principal, request.query)),
  });

  app.get('/users/me', {
    schema: {
      operationId: 'getCurrentUser',
      tags: ['users'],
      summary: 'The signed-in user',
      description: 'The account behind the access token sent.',
      security: signedIn,
      response: { 200: UserSchema, ...errorResponses(401) },
    },
    handler: async (request, reply) => sendAtSeq(reply, await users.me(request.principal)),
  });

  app.get('/users/:username', {
    schema: {
      operationId: 'getUserByName',
      tags: ['users'],
      summary: 'Get a user (self or admin)',
      description: "Someone else's account is a 403 unless the caller is an admin.",
      security: signedIn,
      params: UsernameParamsSchema,
      response: { 200: UserSchema, ...errorResponses(400, 401, 403, 404) },
    },
    handler: async (request, reply) =>
      sendAtSeq(reply, await users.get(request.principal, request.params.username)),
  });

  app.put('/users/:username', {
    schema: {
      operationId: 'updateUser',
      tags: ['users'],
      summary: 'Update a user (self or admin; only an admin changes role)',
      description: 'Fields left out keep their value. A new password ends the account’s other sessions.',
      security: signedIn,
      params: UsernameParamsSchema,
      body: UserUpdateSchema,
      response: { 200: UserSchema, ...errorResponses(400, 401, 403, 404, 409, 413, 415) },
    },
    handler: async (request, reply) =>
      sendAtSeq(reply, await users.update(request.principal, request.params.username, request.body)),
  });

  app.delete('/users/:username', {
    schema: {
      operationId: 'deleteUser',
      tags: ['users'],
      summary: 'Delete a user (self or admin)',
      description: 'Ends the user’s sessions and cancels their orders. The last admin cannot be deleted.',
      security: signedIn,
      params: UsernameParamsSchema,
      response: { 204: NoContent, ...errorResponses(400, 401, 403, 404, 409) },
    },
    handler: async (request, reply) =>
      sendNoContent(reply, await users.delete(request.principal, request.params.username)),
  });
};
