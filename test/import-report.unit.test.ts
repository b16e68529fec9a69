/**
 * The import report outlives the upload (deleted when the import ends), so a reason never quotes
 * the row's personal details: name, date of birth and nationality are withheld, as written or as
 * cleaned; the rest of the reason, and values that are not the person's, stay.
 */
import { describe, expect, it } from 'vitest';
import { WITHHELD, withoutPersonalDetails } from '../imports/validate.js';

describe('a rejection’s reason in the report', () => {
  it('withholds the row’s name, date of birth and nationality wherever the reason quotes them', () => {
    expect(
      withoutPersonalDetails('"12/06/94" has a two-digit year; write the year in full', [
        'Amina Yusuf',
        '12/06/94',
        'SDN',
      ]),
    ).toBe(`"${WITHHELD}" has a two-digit year; write the year in full`);
    expect(
      withoutPersonalDetails('2030-01-02 is not before the claim date 2025-02-03', [
        'Amina Yusuf',
        '02/01/2030',
        'SDN',
        'Amina Yusuf',
        '2030-01-02',
        'SDN',
      ]),
    ).toBe(`${WITHHELD} is not before the claim date 2025-02-03`);
  });

  it('leaves words that merely contain a detail, and reasons that quote none, as they were', () => {
    // "SD" is inside "SDN" and "is": only whole values are withheld.
    expect(withoutPersonalDetails('must be a three-letter code, e.g. SDN', ['SD'])).toBe(
      'must be a three-letter code, e.g. SDN',
    );
    expect(withoutPersonalDetails('is required', ['Amina Yusuf', '', undefined])).toBe('is required');
    // Characters a regular expression would read as its own are taken literally.
    expect(withoutPersonalDetails('"O.(Brien)" is odd', ['O.(Brien)'])).toBe(`"${WITHHELD}" is odd`);
  });
});
