import { clip, DataError } from '../errors/index.js';
import type { DataConfig } from './config.js';

export interface SymbolChoice {
  /** The instruments loaded (data.symbols), in name order. */
  selected: string[];
  /** The one traded. */
  traded: string;
}

const list = (symbols: string[]) => clip(symbols.join(', '), 200);

/**
 * The instruments a run loads and the one it trades. Until the agent trades a panel, a selection of several needs
 * data.symbol, and the refusal says how to run each.
 */
export function selectSymbols(path: string, present: string[], data: Pick<DataConfig, 'symbols' | 'symbol'>): SymbolChoice {
  const sorted = [...present].sort();
  let selected = sorted;
  if (data.symbols !== 'all') {
    const unknown = data.symbols.filter((s) => !present.includes(s));
    if (unknown.length) {
      throw new DataError(path, `data.symbols names ${list(unknown)}, which the data does not hold; its symbols are: ${list(sorted)}`);
    }
    selected = [...new Set(data.symbols)];
  }
  if (data.symbol !== null) {
    if (!selected.includes(data.symbol)) {
      const where = data.symbols === 'all' ? 'the data holds' : 'data.symbols selects';
      throw new DataError(path, `data.symbol ${JSON.stringify(data.symbol)} is not one of the symbols ${where}: ${list(selected)}`);
    }
    return { selected, traded: data.symbol };
  }
  if (selected.length > 1) {
    throw new DataError(
      path,
      `holds ${selected.length} symbols (${list(selected)}); the agent trades one instrument at a time: ` +
        `choose it with data.symbol (e.g. --set data.symbol=${selected[0]}) and run once per symbol`,
    );
  }
  return { selected, traded: selected[0] };
}
