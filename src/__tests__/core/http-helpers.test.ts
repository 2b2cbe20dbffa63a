import { decodeCursor, toPage } from '../../services/pagination.js';
import { checkVersion, parseIfMatch } from '../../services/preconditions.js';
import { errorCatalog } from '../../errors.js';
import { toErrorBody } from '../../error-bodies.js';

describe('If-Match', () => {
  it.each([
    [undefined, undefined],
    ['*', undefined],
    ['"3"', [3]],
    ['"3", "5"', [3, 5]],
    ['W/"3"', []],
    ['3', []],
    ['"abc"', []],
  ])('parses %s as %j', (header, expected) => {
    expect(parseIfMatch(header)).toEqual(expected);
  });

  it('accepts a listed version and refuses any other with 412', () => {
    expect(() => checkVersion(3, undefined)).not.toThrow();
    expect(() => checkVersion(3, [2, 3])).not.toThrow();
    expect(() => checkVersion(3, [])).toThrow(
      expect.objectContaining({ statusCode: 412, code: 'PRECONDITION_FAILED' }),
    );
  });
});

describe('cursors', () => {
  it('round-trips through a page and refuses anything it did not issue', () => {
    const page = toPage([{ id: 4 }, { id: 7 }, { id: 9 }], 2);
    expect(page.items).toEqual([{ id: 4 }, { id: 7 }]);
    expect(decodeCursor(page.nextCursor ?? undefined)).toBe(7);
    expect(toPage([{ id: 4 }], 2).nextCursor).toBeNull();
    expect(decodeCursor(undefined)).toBeUndefined();
    for (const bad of [
      '',
      'id:7',
      Buffer.from('id:').toString('base64url'),
      Buffer.from('id:12345678901').toString('base64url'),
    ]) {
      expect(() => decodeCursor(bad)).toThrow(expect.objectContaining({ code: 'INVALID_CURSOR' }));
    }
  });
});

describe('error bodies', () => {
  it('keeps catalog codes, gives framework 4xx a generic code, and hides every 5xx', () => {
    expect(toErrorBody({ statusCode: 404, code: 'PET_NOT_FOUND', message: 'Pet 1 not found' })).toEqual({
      statusCode: 404,
      code: 'PET_NOT_FOUND',
      error: 'Not Found',
      message: 'Pet 1 not found',
    });
    expect(toErrorBody({ statusCode: 405, code: 'FST_SOMETHING', message: 'm' }).code).toBe(
      'METHOD_NOT_ALLOWED',
    );
    expect(toErrorBody({ statusCode: 431, code: 'FST_SOMETHING', message: 'm' }).code).toBe('BAD_REQUEST');
    // Whatever is thrown, the code is one of the catalog: the document declares `code` as its enum.
    const catalogued = new Set(errorCatalog.map((entry) => entry.code));
    for (let statusCode = 400; statusCode < 600; statusCode += 1) {
      for (const code of [undefined, 'FST_ANYTHING', 'PET_NOT_FOUND']) {
        expect(catalogued.has(toErrorBody({ statusCode, code, message: 'm' }).code)).toBe(true);
      }
    }
    expect(toErrorBody({ statusCode: 404, message: 'x' }).code).toBe('NOT_FOUND');
    expect(toErrorBody({ statusCode: 413, message: 'x' }).code).toBe('PAYLOAD_TOO_LARGE');
    expect(toErrorBody({ statusCode: 415, message: 'x' }).code).toBe('UNSUPPORTED_MEDIA_TYPE');
    expect(toErrorBody({ message: 'db password is hunter2' })).toEqual({
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      error: 'Internal Server Error',
      message: 'Something went wrong on our side',
    });
    expect(toErrorBody({ statusCode: 503, code: 'NOT_READY', message: 'This node is not ready' }).code).toBe(
      'NOT_READY',
    );
  });
});
