import { clip, DataError } from '../errors/index.js';
import type { DataConfig } from './config.js';

export interface SymbolChoice {
  /** The instruments loaded (data.symbols): all of them in name order, a list as given; a panel in name order. */
  selected: string[];
  /** The one traded; null for a panel run, which trades every instrument selected. */
  traded: string | null;
}

const list = (symbols: string[]) => clip(symbols.join(', '), 200);

/**
 * The instruments a run loads and the one it trades. data.symbol names the traded one among those selected; without
 * it, a selection of one is traded alone and a selection of several is a panel run: one agent trades them all.
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
  // A panel is in name order however data.symbols lists it, so the order of the list changes no number of the run.
  if (selected.length > 1) return { selected: [...selected].sort(), traded: null };
  return { selected, traded: selected[0] };
}
