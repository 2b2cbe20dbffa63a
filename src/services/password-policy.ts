import { invalidInput } from '../errors.js';

/** A short list of the passwords tried first by every guesser; longer lists belong in a breach-check service. */
const COMMON_PASSWORDS = new Set([
  'password',
  'password1',
  'password12',
  'password123',
  'passw0rd',
  '12345678',
  '123456789',
  '1234567890',
  '87654321',
  '11111111',
  '00000000',
  'qwertyui',
  'qwerty123',
  'qwertyuiop',
  '1q2w3e4r',
  '1qaz2wsx',
  'iloveyou',
  'sunshine',
  'princess',
  'football',
  'baseball',
  'welcome1',
  'letmein1',
  'trustno1',
  'superman',
  'admin123',
  'abc12345',
  'asdfghjk',
  'zxcvbnm1',
  'changeme',
  'petstore',
  'swordfish',
]);

/** Refuses passwords that are the username (or contain it) or are among the most common ones. */
export function checkPasswordPolicy(username: string, password: string): void {
  const lower = password.toLowerCase();
  let problem: string | undefined;
  if (lower.includes(username.toLowerCase())) problem = 'must not contain the username';
  else if (COMMON_PASSWORDS.has(lower)) problem = 'is one of the most common passwords';
  if (problem) {
    throw invalidInput('body', [{ path: 'password', message: problem }]);
  }
}
