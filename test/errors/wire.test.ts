import * as errors from '../../src/errors/index.js';
import { fromWire, toWire } from '../../src/errors/index.js';
import * as api from '../../src/index.js';

const cases: Array<[string, Error]> = [
  ['ConfigError', new errors.ConfigError(['agent.gamma: got 2; expected at most 1'])],
  ['DataError', new errors.DataError('prices.csv', 'has 3 fields, the header has 2', 7)],
  ['UsageError', new errors.UsageError('--workers: got 0')],
  ['TrainingDivergedError', new errors.TrainingDivergedError('loss is NaN at step 400')],
  ['CheckpointCorruptError', new errors.CheckpointCorruptError('a.zip', 'entry state.json is missing')],
  ['CheckpointWriteError', new errors.CheckpointWriteError('/r/x/model_iter_2.zip', 'ENOSPC')],
  ['ExperimentLockedError', new errors.ExperimentLockedError('held by pid 7 on host')],
  ['InterruptedError', new errors.InterruptedError('SIGTERM', 'interrupted by SIGTERM at iteration 2')],
  ['ResumeRefusedError', new errors.ResumeRefusedError('config changed')],
  ['ExperimentNotFoundError', new errors.ExperimentNotFoundError('results/x is not an experiment folder')],
];

describe('errors cross thread and process boundaries by name', () => {
  test.each(cases)('%s keeps its class, message, exit code and fields through structured cloning', (name, original) => {
    const wire = structuredClone(toWire(original));
    const revived = fromWire(wire) as errors.PipelineError;
    expect(revived).toBeInstanceOf((errors as unknown as Record<string, new (...a: never[]) => Error>)[name]);
    expect(revived).toBeInstanceOf(errors.PipelineError);
    expect(revived.name).toBe(name);
    expect(revived.message).toBe(original.message);
    expect(revived.exitCode).toBe((original as errors.PipelineError).exitCode);
    expect({ ...revived }).toEqual({ ...original });
  });

  test('an error of no known class stays a plain Error with its message and stack', () => {
    const revived = fromWire(structuredClone(toWire(new TypeError('x is not a function'))));
    expect(revived).toBeInstanceOf(Error);
    expect(revived).not.toBeInstanceOf(errors.PipelineError);
    expect(revived.message).toBe('x is not a function');
    expect(revived.stack).toMatch(/TypeError: x is not a function/);
  });

  test('every error class is exported from the package root, so a notebook can catch it by type', () => {
    for (const [name] of cases) expect((api as Record<string, unknown>)[name]).toBe((errors as Record<string, unknown>)[name]);
  });
});
