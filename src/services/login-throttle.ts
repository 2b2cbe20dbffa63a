import { RateLimitedError } from '../errors.js';

export interface LoginThrottleSettings {
  maxFailuresPerUser: number;
  maxFailuresPerIp: number;
  windowMs: number;
  allowlist: string[];
}

interface Window {
  failures: number;
  resetAt: number;
}

/**
 * Slows password guessing: failed sign-ins are counted per username and per client address in a fixed window;
 * past either limit, sign-in is refused with 429 until the window ends, even with the right password.
 * Counting per username stops guessing one account from many addresses. Successful sign-ins do not count.
 */
export class LoginThrottle {
  private readonly windows = new Map<string, Window>();

  constructor(private readonly settings: LoginThrottleSettings) {}

  assertAllowed(ip: string, username: string): void {
    if (this.settings.allowlist.includes(ip)) return;
    const now = Date.now();
    for (const [key, limit] of this.keys(ip, username)) {
      const window = this.windows.get(key);
      if (window && window.resetAt > now && window.failures >= limit) {
        throw Object.assign(new RateLimitedError('Too many failed sign-ins; try again later'), {
          retryAfterSeconds: Math.ceil((window.resetAt - now) / 1000),
        });
      }
    }
  }

  recordFailure(ip: string, username: string): void {
    const now = Date.now();
    for (const [key] of this.keys(ip, username)) {
      const window = this.windows.get(key);
      if (window && window.resetAt > now) window.failures += 1;
      else this.windows.set(key, { failures: 1, resetAt: now + this.settings.windowMs });
    }
    if (this.windows.size > 10_000) this.forgetExpired(now);
  }

  recordSuccess(username: string): void {
    this.windows.delete(`user:${username.toLowerCase()}`);
  }

  private keys(ip: string, username: string): Array<[string, number]> {
    return [
      [`user:${username.toLowerCase()}`, this.settings.maxFailuresPerUser],
      [`ip:${ip}`, this.settings.maxFailuresPerIp],
    ];
  }

  private forgetExpired(now: number): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}
