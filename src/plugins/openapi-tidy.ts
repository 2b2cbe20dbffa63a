import { LIST_ITEM } from '../schemas/common.js';

type JsonObject = Record<string, unknown>;

const SCHEMA_REF = '#/components/schemas/';
/** The suffix fastify-type-provider-zod gives the request-side variant of a named schema. */
const INPUT_SUFFIX = 'Input';

interface RouteSchema {
  querystring?: { properties?: Record<string, JsonObject> } & JsonObject;
  security?: unknown;
  [key: string]: unknown;
}

/**
 * A comma-separated query value (`status=available,pending`) documented as what it is: an array of its items,
 * serialized `style: form, explode: false`, so that a generated client takes a list (of enums, for statuses).
 */
export function withListParameters<Output extends { schema?: unknown }>(output: Output): Output {
  const schema = output.schema as RouteSchema | undefined;
  const query = schema?.querystring;
  if (!query?.properties) return output;
  const entries = Object.entries(query.properties);
  if (!entries.some(([, schema]) => schema[LIST_ITEM])) return output;
  const properties = Object.fromEntries(
    entries.map(([name, schema]) => {
      const { [LIST_ITEM]: item, type: _type, maxLength: _maxLength, ...rest } = schema;
      return [name, item ? { ...rest, type: 'array', items: item, minItems: 1, maxItems: 50 } : schema];
    }),
  );
  const querystring = { ...query, properties, style: 'form', explode: false };
  return { ...output, schema: { ...schema, querystring } };
}

/** An operation that names no security requirement is open to anyone: say so (`security: []`). */
export function withExplicitSecurity<Output extends { schema?: unknown }>(output: Output): Output {
  const schema = output.schema as RouteSchema | undefined;
  if (!schema || schema.security) return output;
  return { ...output, schema: { ...schema, security: [] } };
}

function renameRefs(value: unknown, renamed: Map<string, string>): unknown {
  if (Array.isArray(value)) return value.map((item) => renameRefs(item, renamed));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith(SCHEMA_REF)) {
        const name = inner.slice(SCHEMA_REF.length);
        return [key, `${SCHEMA_REF}${renamed.get(name) ?? name}`];
      }
      return [key, renameRefs(inner, renamed)];
    }),
  );
}

function referencedSchemas(value: unknown, into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) referencedSchemas(item, into);
  else if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === '$ref' && typeof inner === 'string' && inner.startsWith(SCHEMA_REF))
        into.add(inner.slice(SCHEMA_REF.length));
      else referencedSchemas(inner, into);
    }
  }
  return into;
}

const REQUEST_BODY_REF = '#/components/requestBodies/';

interface RequestBody {
  content?: Record<string, { schema?: JsonObject }>;
  [key: string]: unknown;
}

/**
 * An operation whose body is a request-only schema (or a list of one) refers to it as a named request body,
 * `#/components/requestBodies/<name>` (`<name>List` for a list), the schema inlined there. Generators treat what
 * lies under a request body as input: openapi-typescript then types a field with a default as optional with its
 * default settings, where in a named schema it would type it required.
 */
function withNamedRequestBody(
  operation: JsonObject,
  requestOnly: Map<string, string>,
  schemas: Record<string, unknown>,
  requestBodies: Record<string, unknown>,
): JsonObject {
  const { content, ...rest } = (operation.requestBody ?? {}) as RequestBody;
  const media = Object.entries(content ?? {});
  if (media.length !== 1) return operation;
  const [type, { schema } = {}] = media[0] as [string, { schema?: JsonObject }];
  const items = schema?.items as JsonObject | undefined;
  const reference = (schema?.$ref ?? (schema?.type === 'array' ? items?.$ref : undefined)) as
    string | undefined;
  const original = reference?.startsWith(SCHEMA_REF) ? reference.slice(SCHEMA_REF.length) : undefined;
  const name = original && requestOnly.get(original);
  if (!original || !name || !schema) return operation;
  const inlined = schema.$ref ? schemas[original] : { ...schema, items: schemas[original] };
  const bodyName = schema.$ref ? name : `${name}List`;
  requestBodies[bodyName] ??= { ...rest, content: { [type]: { schema: renameRefs(inlined, requestOnly) } } };
  return { ...operation, requestBody: { $ref: `${REQUEST_BODY_REF}${bodyName}` } };
}

/**
 * The named schemas as a client generator should see them. Every named zod schema is emitted twice, as a response
 * (`Pet`) and as a request (`PetInput`); this keeps only the schemas an operation uses (directly or through
 * another schema), gives a request-only schema its own name (`PetBodyInput` becomes `PetBody`, the id its zod
 * schema was given), and makes a request body of one a named request body (see `withNamedRequestBody`).
 */
export function tidyComponents<Document extends object>(document: Document): Document {
  const { paths: allPaths, components } = document as {
    paths?: Record<string, Record<string, JsonObject>>;
    components?: JsonObject;
  };
  const schemas = (components?.schemas ?? {}) as Record<string, unknown>;
  const usedByPaths = referencedSchemas(allPaths);
  const requestOnly = new Map<string, string>();
  for (const name of usedByPaths) {
    const base = name.endsWith(INPUT_SUFFIX) ? name.slice(0, -INPUT_SUFFIX.length) : undefined;
    if (base && !usedByPaths.has(base)) requestOnly.set(name, base);
  }
  const requestBodies: Record<string, unknown> = {};
  const withBodies = Object.fromEntries(
    Object.entries(allPaths ?? {}).map(([path, operations]) => [
      path,
      Object.fromEntries(
        Object.entries(operations).map(([method, operation]) => [
          method,
          withNamedRequestBody(operation, requestOnly, schemas, requestBodies),
        ]),
      ),
    ]),
  );
  const paths = renameRefs(withBodies, requestOnly);
  const kept: Record<string, unknown> = {};
  const pending = [...referencedSchemas(paths), ...referencedSchemas(requestBodies)];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (name in kept) continue;
    const original = [...requestOnly].find(([, to]) => to === name)?.[0] ?? name;
    kept[name] = renameRefs(schemas[original], requestOnly);
    pending.push(...referencedSchemas(kept[name]));
  }
  const sorted = (named: Record<string, unknown>) =>
    Object.fromEntries(
      Object.keys(named)
        .sort()
        .map((name) => [name, named[name]]),
    );
  return {
    ...document,
    paths,
    components: { ...components, schemas: sorted(kept), requestBodies: sorted(requestBodies) },
  };
}
