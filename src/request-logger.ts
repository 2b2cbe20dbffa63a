import type { FastifyBaseLogger } from 'fastify';

type Bindings = Parameters<FastifyBaseLogger['child']>[0];
type ChildOptions = Parameters<FastifyBaseLogger['child']>[1];
type LogCall = (...args: unknown[]) => void;

/**
 * A request's logger (`request.log`), made the first time it is used: pino makes a child by serializing its
 * bindings (the request id) and setting up redaction, which cost every request that logs nothing (nearly every
 * one above LOG_LEVEL=info) more than a microsecond. What it logs is what that child would have logged.
 */
class RequestLogger implements FastifyBaseLogger {
  private made: FastifyBaseLogger | undefined;

  constructor(
    private readonly parent: FastifyBaseLogger,
    private readonly bindings: Bindings,
    private readonly options: ChildOptions,
  ) {}

  private get logger(): Record<'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent', LogCall> &
    FastifyBaseLogger {
    return (this.made ??= this.parent.child(this.bindings, this.options)) as never;
  }

  get level(): string {
    return this.made?.level ?? this.options?.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  fatal(...args: unknown[]): void {
    this.logger.fatal(...args);
  }
  error(...args: unknown[]): void {
    this.logger.error(...args);
  }
  warn(...args: unknown[]): void {
    this.logger.warn(...args);
  }
  info(...args: unknown[]): void {
    this.logger.info(...args);
  }
  debug(...args: unknown[]): void {
    this.logger.debug(...args);
  }
  trace(...args: unknown[]): void {
    this.logger.trace(...args);
  }
  silent(...args: unknown[]): void {
    this.logger.silent(...args);
  }

  child(bindings: Bindings, options?: ChildOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`. */
export function requestLoggerFactory(
  parent: FastifyBaseLogger,
  bindings: Bindings,
  options: ChildOptions,
): FastifyBaseLogger {
  return new RequestLogger(parent, bindings, options);
}
