import { compareRows } from '../../data/row-content.js';
import type { PipelineConfig } from '../../config/schema.js';
import type { ExperimentPlan } from '../../plan/plan.js';
import type { ResumeEvent, RunConfigRecord } from '../../records/index.js';
import { buildWindows } from '../../windows/build-windows.js';

export interface DataChange {
  /** Why the data refuses the resume, in one line; null when it does not. */
  change: string | null;
  /** A line to log when the data file differs but is accepted. */
  note: string | null;
  /** Set when rows were only appended: recorded in the resume event. */
  appended: ResumeEvent['dataAppended'] | null;
}

/**
 * Whether this run's data is the recorded run's: the same file, the same rows loaded, or the same rows with more
 * appended after them. Appended rows keep every earlier window as it was (windows are laid from the start of the
 * series), so the finished iterations stay valid and the new windows extend the study. Rows that changed or went
 * away, or an earlier partial window (windows.partialLast keep) that the new rows would lengthen, are a change.
 */
export function dataChange(previous: RunConfigRecord, config: PipelineConfig, plan: Pick<ExperimentPlan, 'series' | 'windows'>): DataChange {
  const { series } = plan;
  const recorded = previous.data;
  const none = { change: null, note: null, appended: null };
  if (recorded.sha256 === series.sha256) return none;
  const file = `data file ${config.data.path}`;
  const hashes = `sha256 ${recorded.sha256.slice(0, 12)}... -> ${series.sha256.slice(0, 12)}...`;
  const changed = (what: string) => ({ ...none, change: `${file}: ${what} (${hashes})` });
  if (!recorded.content) {
    return changed('it changed, and this experiment was started before config.json recorded its rows, so appended rows cannot be recognised');
  }
  const rows = compareRows(recorded.content, series);
  const label = (row: number) => (series.dates ? `${series.dates[row]} (row ${row + 1})` : `row ${row + 1}`);
  if (rows.kind === 'columns') {
    const named = (what: string, list: string[]) => (list.length ? [`${what} ${list.join(', ')}`] : []);
    return changed(`its columns changed (${[...named('added', rows.added), ...named('removed', rows.removed)].join('; ') || 'their order'})`);
  }
  if (rows.kind === 'shrank') return changed(`${series.rows} rows, fewer than the ${recorded.rows} it had`);
  if (rows.kind === 'changed') {
    return changed(`rows it had changed, the first change between ${label(rows.firstRow)} and ${label(rows.lastRow)}`);
  }
  if (rows.kind === 'same') return { ...none, note: `${file} changed (${hashes}) but the rows this run loads from it did not` };
  const before = buildWindows(config.windows, recorded.rows, series.dates?.slice(0, recorded.rows));
  for (const old of before) {
    const now = plan.windows.find((w) => w.iteration === old.iteration);
    if (JSON.stringify(now) !== JSON.stringify(old)) {
      return changed(
        `rows were appended, but iteration ${old.iteration} was a partial window (windows.partialLast keep) whose test segment they lengthen; its record is of another window`,
      );
    }
  }
  const last = series.dates ? `, the new last bar ${series.dates[series.rows - 1]}` : '';
  const added = plan.windows.length - before.length;
  return {
    change: null,
    note: `${file}: rows were appended (${recorded.rows} -> ${series.rows} rows${last}); ${added} new window${added === 1 ? '' : 's'}, the ${before.length} earlier ones are kept`,
    appended: { rowsBefore: recorded.rows, rowsAfter: series.rows, sha256Before: recorded.sha256 },
  };
}
