import { configSchema } from '../../src/config/schema.js';
import { resumeHash } from '../../src/walkforward/start/previous-run.js';

/** A config as a version before the cross-section and the panel's gradient steps wrote it: without either key. */
function before(config: ReturnType<typeof configSchema.parse>) {
  const copy = structuredClone(config) as unknown as Record<string, Record<string, unknown>>;
  delete copy.env.crossSection;
  delete copy.agent.panelGradientSteps;
  return copy as unknown as ReturnType<typeof configSchema.parse>;
}

describe('the resume hash of settings added after experiments were written', () => {
  const defaults = configSchema.parse({});
  const earlierPanel = configSchema.parse({ env: { crossSection: 'none' }, agent: { panelGradientSteps: 'same' } });

  test('a one-instrument run at the new defaults hashes as one written before them: it computes the same', () => {
    expect(resumeHash(defaults, false)).toBe(resumeHash(before(defaults), false));
  });

  test('a panel run at the new defaults does not hash as one written before them, which computed otherwise', () => {
    expect(resumeHash(defaults, true)).not.toBe(resumeHash(before(defaults), true));
  });

  test('a panel run set to the earlier behaviour hashes as one written before them, so its checkpoints and jobs stay valid', () => {
    expect(resumeHash(earlierPanel, true)).toBe(resumeHash(before(defaults), true));
    expect(resumeHash(earlierPanel, false)).not.toBe(resumeHash(before(defaults), false));
  });
});
