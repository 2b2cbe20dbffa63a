import { createHash } from 'node:crypto';
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

/**
 * A strong ETag for a representation without a version of its own (a list): a digest of its bytes, or of a
 * shorter text that changes exactly when they do (the ids and change seqs of the pets a catalog list shows).
 */
export function contentTag(body: string | Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
}

/**
 * Whether `If-None-Match` names the current `etag`: `*`, or one of its listed tags, compared weakly (a `W/` tag
 * matches its strong twin), as RFC 9110 says for reads.
 */
export function noneMatch(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
}

export function checkVersion(current: number, expected: ExpectedVersions): void {
  if (expected !== undefined && !expected.includes(current)) {
    throw new PreconditionFailedError(etagOf(current));
  }
}
