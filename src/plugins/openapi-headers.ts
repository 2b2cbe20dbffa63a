/** A response header as the OpenAPI document declares it. */
interface HeaderSchema {
  type: 'string' | 'integer';
  description: string;
}

const integer = (description: string): HeaderSchema => ({ type: 'integer', description });
const text = (description: string): HeaderSchema => ({ type: 'string', description });

const HEADERS = {
  'X-Request-Id': text('The request id: the one sent when it was sane, else generated; in every log line'),
  'RateLimit-Limit': integer('Requests allowed per window (IETF draft RateLimit headers)'),
  'RateLimit-Remaining': integer('Requests left in the current window'),
  'RateLimit-Reset': integer('Seconds until the window resets'),
  'Retry-After': integer('Seconds to wait before trying again'),
  'X-Event-Seq': integer('The seq of the newest change this answer reflects: subscribe with `since` = it'),
  ETag: text("The resource's version (a strong tag), or a list's tag; send it as If-None-Match or If-Match"),
  'Cache-Control': text('`no-cache`: revalidate with If-None-Match'),
  Location: text('Where the created resource is'),
  'X-Expires-After': text('When the token expires (ISO 8601), as the Swagger Petstore sends it'),
  'X-Rate-Limit': integer(
    'Failed sign-ins allowed per user before a lock-out, as the Swagger Petstore sends it',
  ),
} satisfies Record<string, HeaderSchema>;
type HeaderName = keyof typeof HEADERS;

export interface ResponseContext {
  method: string;
  url: string;
  statusCode: number;
  rateLimited: boolean;
}

/** Which of the service's response headers a response of an operation carries (the rules of plugins and routes). */
export function responseHeaders({ method, url, statusCode, rateLimited }: ResponseContext) {
  const names: HeaderName[] = ['X-Request-Id'];
  if (rateLimited) names.push('RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset');
  if (statusCode === 429 || statusCode === 503) names.push('Retry-After');
  const success = statusCode < 300 || statusCode === 304;
  const api = url.startsWith('/api/');
  if (api && (success || (statusCode === 404 && url === '/api/v1/pets/:id'))) names.push('X-Event-Seq');
  if (method === 'GET' && (statusCode === 200 || statusCode === 304)) names.push('ETag', 'Cache-Control');
  else if (api && (statusCode === 200 || statusCode === 201) && method !== 'DELETE') names.push('ETag');
  if (statusCode === 201) names.push('Location');
  if (url === '/api/v1/users/login' && statusCode === 200) names.push('X-Expires-After', 'X-Rate-Limit');
  return Object.fromEntries(names.map((name) => [name, HEADERS[name]]));
}
