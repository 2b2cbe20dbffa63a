import { SignInThrottledError } from '../errors.js';

export interface LoginThrottleSettings {
  maxFailuresPerUser: number;
  maxFailuresPerIp: number;
  windowMs: number;
  allowlist: string[];
}

export interface FailureWindow {
  failures: number;
  resetInMs: number;
}

/** Where failure counts live: this process alone, or Redis so that every node counts together. */
export interface FailureStore {
  read(key: string): Promise<FailureWindow | undefined>;
  increment(key: string, windowMs: number): Promise<void>;
  forget(key: string): Promise<void>;
}

export class MemoryFailureStore implements FailureStore {
  private readonly windows = new Map<string, { failures: number; resetAt: number }>();

  async read(key: string): Promise<FailureWindow | undefined> {
    const window = this.windows.get(key);
    const now = Date.now();
    return window && window.resetAt > now
      ? { failures: window.failures, resetInMs: window.resetAt - now }
      : undefined;
  }

  async increment(key: string, windowMs: number): Promise<void> {
    const now = Date.now();
    const window = this.windows.get(key);
    if (window && window.resetAt > now) window.failures += 1;
    else this.windows.set(key, { failures: 1, resetAt: now + windowMs });
    if (this.windows.size > 10_000) {
      for (const [stale, entry] of this.windows) if (entry.resetAt <= now) this.windows.delete(stale);
    }
  }

  async forget(key: string): Promise<void> {
    this.windows.delete(key);
  }
}

/**
 * Slows password guessing: failed sign-ins are counted per username and per client address in a fixed window;
 * past either limit, sign-in is refused with 429 until the window ends, even with the right password.
 * Counting per username stops guessing one account from many addresses. Successful sign-ins do not count.
 * When the store is unreachable, sign-in is allowed rather than refused for everyone.
 */
export class LoginThrottle {
  constructor(
    private readonly settings: LoginThrottleSettings,
    private readonly store: FailureStore,
  ) {}

  async assertAllowed(ip: string, username: string): Promise<void> {
    if (this.settings.allowlist.includes(ip)) return;
    for (const [key, limit] of this.keys(ip, username)) {
      const window = await this.store.read(key).catch(() => undefined);
      if (window && window.failures >= limit) {
        throw new SignInThrottledError(Math.ceil(window.resetInMs / 1000));
      }
    }
  }

  async recordFailure(ip: string, username: string): Promise<void> {
    for (const [key] of this.keys(ip, username)) {
      await this.store.increment(key, this.settings.windowMs).catch(() => undefined);
    }
  }

  async recordSuccess(username: string): Promise<void> {
    await this.store.forget(`user:${username.toLowerCase()}`).catch(() => undefined);
  }

  private keys(ip: string, username: string): Array<[string, number]> {
    return [
      [`user:${username.toLowerCase()}`, this.settings.maxFailuresPerUser],
      [`ip:${ip}`, this.settings.maxFailuresPerIp],
    ];
  }
}
