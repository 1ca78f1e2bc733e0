import { readFileSync } from 'node:fs';
import { settingsTable, withSettingsTable } from '../../src/config/settings-table.js';

describe('README settings table', () => {
  test('lists every setting with its default and description', () => {
    const table = settingsTable();
    expect(table).toContain('| `windows.train` | `1000` | integer >= 1 | Rows in the training segment');
    expect(table).toContain('| `agent.replay.alpha` | `0.6` | number 0..1 | Priority exponent |');
    expect(table).toMatch(/\| `windows\.mode` \| `"rolling"` \| `rolling`, `anchored` \|/);
    expect(table).toMatch(/\| `seed` \| `null` \| integer 0\.\.2147483647 or `null` \|/);
  });

  test('the README holds the table generated from the current schema (run npm run docs:config)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(withSettingsTable(readme)).toBe(readme);
  });
});
