import { readFileSync } from 'node:fs';
import { settingKeys, settingsFile, settingsTable, withSettingsTable } from '../../src/config/settings-table.js';

describe('settings table (docs/guide/settings.md)', () => {
  test('lists every setting with its default and description', () => {
    const table = settingsTable();
    expect(table).toContain('| `windows.train` | `1000` | integer >= 1 | Rows in the training segment');
    expect(table).toContain('| `agent.replay.alpha` | `0.6` | number 0..1 | Priority exponent |');
    expect(table).toMatch(/\| `windows\.mode` \| `"rolling"` \| `rolling`, `anchored` \|/);
    expect(table).toMatch(/\| `seed` \| `null` \| integer 0\.\.2147483647 or `null` \|/);
  });

  test('names every setting once, by its dotted key', () => {
    const keys = settingKeys();
    expect(keys).toContain('agent.replay.alpha');
    expect(keys).toContain('seed');
    expect(new Set(keys).size).toBe(keys.length);
    expect(settingsTable().split('\n')).toHaveLength(keys.length + 2);
  });

  test('the settings page holds the table generated from the current schema (run npm run docs:config)', () => {
    const page = readFileSync(new URL(`../../${settingsFile}`, import.meta.url), 'utf8');
    expect(withSettingsTable(page)).toBe(page);
  });
});
