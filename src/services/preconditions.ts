import { PreconditionFailedError } from '../errors.js';

/**
 * The versions an `If-Match` header accepts: undefined for no header or `*`, otherwise the listed strong
 * ETags (`"3"`). Weak or malformed tags never match, as RFC 9110 says for If-Match.
 */
export type ExpectedVersions = number[] | undefined;

export function parseIfMatch(header: string | undefined): ExpectedVersions {
  if (header === undefined || header.trim() === '*') return undefined;
  return header
    .split(',')
    .map((tag) => /^"(\d{1,9})"$/.exec(tag.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => Number(match[1]));
}

export function etagOf(version: number): string {
  return `"${version}"`;
}

export function checkVersion(current: number, expected: ExpectedVersions): void {
  if (expected !== undefined && !expected.includes(current)) {
    throw new PreconditionFailedError(etagOf(current));
  }
}
