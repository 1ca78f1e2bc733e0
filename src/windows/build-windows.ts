import type { WindowsConfig } from './config.js';

/** A half-open row range [start, end); dates are those of rows start and end - 1 when the data has dates. */
export interface Segment {
  start: number;
  end: number;
  startDate?: string;
  endDate?: string;
}

export interface Window {
  /** 1-based iteration number. */
  iteration: number;
  train: Segment;
  validation: Segment | null;
  test: Segment;
  /** True when the test segment was cut short by the end of the data (partialLast: keep). */
  partial: boolean;
}

export type WindowSpec = Pick<WindowsConfig, 'mode' | 'train' | 'validation' | 'test' | 'step' | 'gap' | 'maxIterations' | 'partialLast'>;

/** Rows one full window spans: train, gaps, validation and test. */
export function rowsPerWindow(spec: WindowSpec): number {
  return spec.train + (spec.validation > 0 ? spec.gap + spec.validation : 0) + spec.gap + spec.test;
}

/**
 * Lays walk-forward windows from the start of the series forward. Pure: no I/O, same input, same windows.
 * With validation 0 and step = test the boundaries equal scikit-learn's TimeSeriesSplit.
 */
export function buildWindows(spec: WindowSpec, length: number, dates?: readonly string[] | null): Window[] {
  const step = spec.step ?? spec.test;
  const windows: Window[] = [];
  for (let k = 0; spec.maxIterations === null || k < spec.maxIterations; k++) {
    const trainStart = spec.mode === 'rolling' ? k * step : 0;
    const trainEnd = spec.train + k * step;
    let cursor = trainEnd;
    let validation: Segment | null = null;
    if (spec.validation > 0) {
      validation = { start: cursor + spec.gap, end: cursor + spec.gap + spec.validation };
      cursor = validation.end;
    }
    const testStart = cursor + spec.gap;
    let testEnd = testStart + spec.test;
    let partial = false;
    if (testEnd > length) {
      // A kept partial window still needs two test rows: one bar of return after the first decision.
      if (spec.partialLast === 'keep' && testStart + 2 <= length && (validation?.end ?? trainEnd) <= length) {
        testEnd = length;
        partial = true;
      } else break;
    }
    windows.push({
      iteration: k + 1,
      train: withDates({ start: trainStart, end: trainEnd }, dates),
      validation: validation && withDates(validation, dates),
      test: withDates({ start: testStart, end: testEnd }, dates),
      partial,
    });
    if (partial) break;
  }
  return windows;
}

/** The production window's iteration number: its training folders are iterations/iter_0, apart from the study's 1..N. */
export const PRODUCTION_ITERATION = 0;

/**
 * The newest window the procedure can train on: validation (when there is one) ends at the last bar and training ends
 * a gap before it (rolling: windows.train rows; anchored: from row 0). It has no test segment: its future is the
 * bars that have not happened yet (test is the empty segment [length, length)). Null when the data is too short.
 */
export function productionWindow(spec: WindowSpec, length: number, dates?: readonly string[] | null): Window | null {
  const validation = spec.validation > 0 ? { start: length - spec.validation, end: length } : null;
  const trainEnd = validation ? validation.start - spec.gap : length;
  const trainStart = spec.mode === 'rolling' ? trainEnd - spec.train : 0;
  if (trainStart < 0 || trainEnd - trainStart < 2) return null;
  return {
    iteration: PRODUCTION_ITERATION,
    train: withDates({ start: trainStart, end: trainEnd }, dates),
    validation: validation && withDates(validation, dates),
    test: { start: length, end: length },
    partial: false,
  };
}

function withDates(segment: Segment, dates?: readonly string[] | null): Segment {
  if (!dates) return segment;
  return { ...segment, startDate: dates[segment.start], endDate: dates[segment.end - 1] };
}
