import createError from '@fastify/error';

/** One problem with a request: where (`status`, `tags.0.name`, `body`) and what. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/** The one error body of the API, on REST and (as `payload`) on WebSocket. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  error: string;
  message: string;
  details?: ErrorDetail[];
}

export interface CatalogEntry {
  code: string;
  statusCode: number;
  description: string;
}

/** Every stable error code the API can answer with, for documentation and tests. */
export const errorCatalog: CatalogEntry[] = [];

function defineError(code: string, statusCode: number, message: string, description = message) {
  if (/%[sdjo]/.test(description)) throw new Error(`${code}: its description needs no placeholders`);
  catalogCode(code, statusCode, description);
  return createError(code, message, statusCode);
}

/** A code the API answers with that no service throws: Fastify's own errors, mapped by the error handler. */
function catalogCode(code: string, statusCode: number, description: string): void {
  errorCatalog.push({ code, statusCode, description });
}

// 400
export const ValidationError = defineError(
  'VALIDATION_ERROR',
  400,
  '%s',
  'The request does not match its schema',
);
catalogCode('MALFORMED_JSON', 400, 'The body is not valid JSON');
export const InvalidCursorError = defineError('INVALID_CURSOR', 400, 'The cursor is not one this API issued');
export const UnknownCategoryError = defineError(
  'UNKNOWN_CATEGORY',
  400,
  'Category %s does not exist',
  'A category given by id does not exist',
);
export const UnknownTagError = defineError(
  'UNKNOWN_TAG',
  400,
  'Tag %s does not exist',
  'A tag given by id does not exist',
);
export const UnknownActionError = defineError(
  'UNKNOWN_ACTION',
  400,
  'Unknown action %s',
  'No WebSocket action has this name',
);
export const SeqNotReachedError = defineError(
  'SEQ_NOT_REACHED',
  400,
  'X-Min-Event-Seq %s is above the newest committed seq (%s)',
  'X-Min-Event-Seq names a seq not committed yet',
);
export const WebhookUrlForbiddenError = defineError(
  'WEBHOOK_URL_FORBIDDEN',
  400,
  'The webhook URL is not allowed: %s',
  'A webhook URL must be https: (or http: to a host in WEBHOOK_ALLOWED_HOSTS) and must not resolve to a loopback, private, link-local or metadata address',
);
export const WebhookSeqOutOfRangeError = defineError(
  'WEBHOOK_SEQ_OUT_OF_RANGE',
  400,
  'Cannot redeliver from seq %s: events from %s to %s are kept',
  'Redeliver names a seq whose events are no longer kept, or one not committed yet',
);
catalogCode('BAD_REQUEST', 400, 'The request cannot be processed as sent');
// 401
export const UnauthenticatedError = defineError(
  'UNAUTHENTICATED',
  401,
  'Sign in first: send Authorization: Bearer <token>',
);
export const TokenExpiredError = defineError('TOKEN_EXPIRED', 401, 'The access token has expired');
export const TokenInvalidError = defineError('TOKEN_INVALID', 401, 'The access token is not valid');
export const SessionRevokedError = defineError(
  'SESSION_REVOKED',
  401,
  'The session has ended; sign in again',
);
export const InvalidCredentialsError = defineError('INVALID_CREDENTIALS', 401, 'Wrong username or password');
export const InvalidRefreshTokenError = defineError(
  'INVALID_REFRESH_TOKEN',
  401,
  'The refresh token is not valid or has expired',
);
export const RefreshTokenReusedError = defineError(
  'REFRESH_TOKEN_REUSED',
  401,
  'This refresh token was already used; the session has been ended',
);
// 403
export const ForbiddenError = defineError('FORBIDDEN', 403, '%s', 'The caller may not do this');
// 404
export const RouteNotFoundError = defineError(
  'ROUTE_NOT_FOUND',
  404,
  'Route %s %s not found',
  'No operation has this method and path',
);
export const PetNotFoundError = defineError('PET_NOT_FOUND', 404, 'Pet %s not found', 'No pet has this id');
export const ImageNotFoundError = defineError(
  'IMAGE_NOT_FOUND',
  404,
  'Image %s of pet %s not found',
  'The pet has no image of this id',
);
export const OrderNotFoundError = defineError(
  'ORDER_NOT_FOUND',
  404,
  'Order %s not found',
  'No order of this id is yours to see',
);
export const UserNotFoundError = defineError(
  'USER_NOT_FOUND',
  404,
  'User %s not found',
  'No user has this username',
);
export const CategoryNotFoundError = defineError(
  'CATEGORY_NOT_FOUND',
  404,
  'Category %s not found',
  'No category has this id',
);
export const WebhookNotFoundError = defineError(
  'WEBHOOK_NOT_FOUND',
  404,
  'Webhook %s not found',
  'No webhook has this id',
);
// 409
export const PetNotAvailableError = defineError(
  'PET_NOT_AVAILABLE',
  409,
  'Pet %s is %s, not available',
  'The pet is pending or sold, so it cannot be ordered',
);
export const PetHasOpenOrderError = defineError(
  'PET_HAS_OPEN_ORDER',
  409,
  'Pet %s is held by open order %s',
  'An open order holds the pet: its status cannot change and it cannot be deleted',
);
export const InvalidTransitionError = defineError(
  'INVALID_STATUS_TRANSITION',
  409,
  'An order cannot go from %s to %s',
  'Orders go placed → approved → delivered, one step at a time',
);
export const OrderNotCancellableError = defineError(
  'ORDER_NOT_CANCELLABLE',
  409,
  'Order %s is %s; only an admin can cancel it now',
  'The order is approved or delivered: only an admin can cancel it now',
);
export const UsernameTakenError = defineError(
  'USERNAME_TAKEN',
  409,
  'Username %s is taken',
  'The username belongs to another account',
);
export const CategoryExistsError = defineError(
  'CATEGORY_EXISTS',
  409,
  'A category named %s exists',
  'A category of this name exists',
);
export const CategoryInUseError = defineError(
  'CATEGORY_IN_USE',
  409,
  'Category %s is used by pets; move or delete them first',
  'Pets are in the category: move or delete them first',
);
export const LastAdminError = defineError('LAST_ADMIN', 409, 'The last admin cannot be removed or demoted');
export const ResyncRequiredError = defineError(
  'RESYNC_REQUIRED',
  409,
  '%s',
  'WebSocket: the events after `since` cannot be replayed on this connection; reload over REST and subscribe again',
);
// 412, 413, 415
export const PreconditionFailedError = defineError(
  'PRECONDITION_FAILED',
  412,
  'If-Match does not match the current version (%s)',
  'If-Match does not name the current version (its ETag)',
);
catalogCode('PAYLOAD_TOO_LARGE', 413, 'The body or file is too large');
export const UnsupportedMediaTypeError = defineError(
  'UNSUPPORTED_MEDIA_TYPE',
  415,
  '%s',
  'The content type is not accepted here',
);
// 429
export const RateLimitedError = defineError(
  'RATE_LIMITED',
  429,
  '%s',
  'Too many requests; wait for Retry-After',
);
/**
 * Sign-in refused after too many failures (RATE_LIMITED), with when to try again (sent as Retry-After). A class
 * of its own rather than a subclass of `RateLimitedError`, whose `instanceof` matches by code.
 */
export class SignInThrottledError extends Error {
  readonly statusCode = 429;
  readonly code = 'RATE_LIMITED';

  constructor(readonly retryAfterSeconds: number) {
    super('Too many failed sign-ins; try again later');
  }
}
// 5xx
catalogCode('INTERNAL_ERROR', 500, 'Something went wrong on our side');
export const NotReadyError = defineError('NOT_READY', 503, 'This node is not ready to serve traffic');
export const OverloadedError = defineError(
  'OVERLOADED',
  503,
  'The server is overloaded; retry after the Retry-After delay',
);
export const ShuttingDownError = defineError(
  'SHUTTING_DOWN',
  503,
  'This node is shutting down; retry, and another node will answer',
);
export const TimeoutError = defineError(
  'TIMEOUT',
  504,
  '%s took too long; it may still complete',
  'WebSocket: the action did not finish in time (it may still complete)',
);
export const ClusterUnavailableError = defineError(
  'CLUSTER_UNAVAILABLE',
  503,
  'The node registry is unreachable (Redis is down); retry shortly',
);

/** A request that does not match its schema: 400 `VALIDATION_ERROR`, one detail per problem. */
export function invalidInput(context: string, details: ErrorDetail[]): Error & { details: ErrorDetail[] } {
  const first = details[0];
  const message = first ? `Invalid ${context}: ${first.path}: ${first.message}` : `Invalid ${context}`;
  return Object.assign(new ValidationError(message), { details });
}

/** Schema issues (zod's shape) as error details; an issue about the whole input is at `fallbackPath`. */
export function issueDetails(
  issues: ReadonlyArray<{ path: readonly PropertyKey[]; message: string }>,
  fallbackPath: string,
): ErrorDetail[] {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.') || fallbackPath,
    message: issue.message,
  }));
}

catalogCode('NOT_FOUND', 404, 'Nothing is here (a path the framework answers for itself)');
catalogCode('METHOD_NOT_ALLOWED', 405, 'The path does not take this method');
/** The codes of framework 4xx answers without one of ours: always codes of the catalog, so `code` is its enum. */
export const GENERIC_CODES: Record<number, string> = {
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};
