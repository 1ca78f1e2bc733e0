import { separatorHint } from '../../src/data/csv-header.js';

describe('separatorHint', () => {
  test.each([
    ['date;close;open', /semicolons/],
    ['date\tclose', /tabs/],
    ['date|close', /vertical bars/],
    ['date,close', null],
    ['a;b,c,d', null],
  ])('%j', (line, expected) => {
    const hint = separatorHint(line);
    if (expected) expect(hint).toMatch(expected);
    else expect(hint).toBeNull();
  });
});
