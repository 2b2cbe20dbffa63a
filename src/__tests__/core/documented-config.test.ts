import { readFile } from 'node:fs/promises';
import { configVariables } from '../../config.js';

describe('the configuration documentation', () => {
  it('lists every variable the config schema reads in .env.example and in the README table', async () => {
    const example = await readFile('.env.example', 'utf8');
    const readme = await readFile('README.md', 'utf8');
    expect(configVariables.length).toBeGreaterThan(10);
    for (const variable of configVariables) {
      expect([variable, new RegExp(`^${variable}=`, 'm').test(example)]).toEqual([variable, true]);
      expect([variable, new RegExp(`^\\| \`${variable}\` *\\|`, 'm').test(readme)]).toEqual([variable, true]);
    }
  });
});
