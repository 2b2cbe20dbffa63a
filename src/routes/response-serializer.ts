import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import { InvalidSchemaError, ResponseSerializationError } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Every response body is checked against its route's schema, then stringified; a body that does not match is a
 * 500 (and never reaches the client). The type provider's own compiler runs zod's `encode`, which is for codecs
 * (no response schema here has one) and several times slower than `parse`: zod compiles a plain object
 * schema's parse to straight-line code (a pet: about 1 µs against 6; a page of twenty: 13 against 48).
 */
export const responseSerializerCompiler: FastifySerializerCompiler<unknown> = ({ schema, method, url }) => {
  if (!(schema instanceof z.ZodType)) throw new InvalidSchemaError(JSON.stringify(schema));
  return (data) => {
    const result = schema.safeParse(data);
    if (!result.success) throw new ResponseSerializationError(method, url, { cause: result.error });
    return JSON.stringify(result.data);
  };
};
