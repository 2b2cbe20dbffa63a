import { InvalidSchemaError, ResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { responseSerializerCompiler } from '../../routes/response-serializer.js';

const UserSchema = z.object({ id: z.number().int(), username: z.string(), email: z.string().nullable() });
const route = { method: 'GET', url: '/users/:username', httpStatus: '200' };

function serializerFor(schema: unknown) {
  return responseSerializerCompiler({ schema, ...route });
}

describe('the response serializer', () => {
  it('writes the body as JSON with only the fields its schema names', () => {
    const serialize = serializerFor(UserSchema);
    const body = serialize({ id: 7, username: 'ada', email: null, passwordHash: '$argon2id$secret' });
    expect(JSON.parse(body)).toEqual({ id: 7, username: 'ada', email: null });
    expect(body).not.toContain('argon2');
  });

  it('refuses a body that breaks its schema, naming the route and the broken field', () => {
    const serialize = serializerFor(UserSchema);
    let thrown: unknown;
    try {
      serialize({ id: 'seven', username: 'ada', email: null });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ResponseSerializationError);
    expect(thrown).toMatchObject({ method: 'GET', url: '/users/:username' });
    expect(String((thrown as Error).cause)).toContain('id');
  });

  it('refuses a schema that is not a zod schema when the route is registered', () => {
    expect(() => serializerFor({ type: 'object' })).toThrow(InvalidSchemaError);
  });
});
