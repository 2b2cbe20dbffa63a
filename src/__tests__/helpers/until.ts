/**
 * Checks every `everyMs` until the condition holds; fails naming what it waited for after `timeoutMs` (`what` may
 * be a function, asked at the timeout, to say how far things got).
 */
export async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what: string | (() => string) = 'the condition',
  everyMs = 20,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) {
      const described = typeof what === 'function' ? what() : what;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${described}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
