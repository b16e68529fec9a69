/**
 * The bank holidays of England and Wales, 2018 to 2030: data, nothing else. The tribunal's working
 * days (domain/working-days.ts, docs/deadline-days.md) skip these and weekends.
 *
 * Where they come from:
 *
 * - 2018–2027: as published on gov.uk/bank-holidays (bank-holidays.json, division
 *   `england-and-wales`), which lists Good Friday and Christmas Day with the bank holidays of the
 *   Banking and Financial Dealings Act 1971. That includes the special ones: 2020-05-08 (VE Day: the
 *   early May bank holiday moved from Monday 4 May); 2022-06-02 and 2022-06-03 (the spring bank
 *   holiday moved from 30 May, and the Platinum Jubilee); 2022-09-19 (the State Funeral of Queen
 *   Elizabeth II); 2023-05-08 (the Coronation of King Charles III); and the substitute days when
 *   25 or 26 December or 1 January falls at a weekend (2020-12-28, 2021-12-27/28, 2022-01-03,
 *   2022-12-26/27, 2023-01-02, 2026-12-28, 2027-12-27/28).
 * - 2028–2030: not yet published when this was written; worked out from the standard pattern of the
 *   1971 Act, Schedule 1, and the days proclaimed every year: New Year's Day, Good Friday, Easter
 *   Monday, the first Monday of May, the last Monday of May, the last Monday of August, Christmas Day
 *   and Boxing Day, each moved to the next weekday not already a holiday when it falls at a weekend
 *   (2028-01-03 for New Year's Day 2028, a Saturday). Easter Sunday: 2028-04-16, 2029-04-01,
 *   2030-04-21. A one-off holiday proclaimed for these years is not here until it is added (a
 *   deployment can add dates itself: BANK_HOLIDAYS_EXTRA, docs/configuration.md).
 *
 * Easter Sundays, for checking: 2018-04-01, 2019-04-21, 2020-04-12, 2021-04-04, 2022-04-17,
 * 2023-04-09, 2024-03-31, 2025-04-20, 2026-04-05, 2027-03-28, 2028-04-16, 2029-04-01, 2030-04-21.
 *
 * Eight dates a year, except 2022 (ten) and 2023 (nine). Sorted; test/working-days.unit.test.ts
 * checks each year's count, that each is a real date, and that none falls at a weekend.
 */

export const CALENDAR_FIRST_YEAR = 2018;
export const CALENDAR_LAST_YEAR = 2030;

export const BANK_HOLIDAYS_ENGLAND_AND_WALES: readonly string[] = Object.freeze([
  // 2018 (published)
  '2018-01-01', // New Year's Day
  '2018-03-30', // Good Friday
  '2018-04-02', // Easter Monday
  '2018-05-07', // Early May bank holiday
  '2018-05-28', // Spring bank holiday
  '2018-08-27', // Summer bank holiday
  '2018-12-25', // Christmas Day
  '2018-12-26', // Boxing Day
  // 2019 (published)
  '2019-01-01',
  '2019-04-19',
  '2019-04-22',
  '2019-05-06',
  '2019-05-27',
  '2019-08-26',
  '2019-12-25',
  '2019-12-26',
  // 2020 (published)
  '2020-01-01',
  '2020-04-10',
  '2020-04-13',
  '2020-05-08', // Early May bank holiday (VE Day), moved from Monday 4 May
  '2020-05-25',
  '2020-08-31',
  '2020-12-25',
  '2020-12-28', // Boxing Day, substitute (26th a Saturday)
  // 2021 (published)
  '2021-01-01',
  '2021-04-02',
  '2021-04-05',
  '2021-05-03',
  '2021-05-31',
  '2021-08-30',
  '2021-12-27', // Christmas Day, substitute (25th a Saturday)
  '2021-12-28', // Boxing Day, substitute (26th a Sunday)
  // 2022 (published)
  '2022-01-03', // New Year's Day, substitute (1st a Saturday)
  '2022-04-15',
  '2022-04-18',
  '2022-05-02',
  '2022-06-02', // Spring bank holiday, moved from Monday 30 May
  '2022-06-03', // Platinum Jubilee
  '2022-08-29',
  '2022-09-19', // State Funeral of Queen Elizabeth II
  '2022-12-26', // Boxing Day
  '2022-12-27', // Christmas Day, substitute (25th a Sunday)
  // 2023 (published)
  '2023-01-02', // New Year's Day, substitute (1st a Sunday)
  '2023-04-07',
  '2023-04-10',
  '2023-05-01',
  '2023-05-08', // Coronation of King Charles III
  '2023-05-29',
  '2023-08-28',
  '2023-12-25',
  '2023-12-26',
  // 2024 (published)
  '2024-01-01',
  '2024-03-29',
  '2024-04-01',
  '2024-05-06',
  '2024-05-27',
  '2024-08-26',
  '2024-12-25',
  '2024-12-26',
  // 2025 (published)
  '2025-01-01',
  '2025-04-18',
  '2025-04-21',
  '2025-05-05',
  '2025-05-26',
  '2025-08-25',
  '2025-12-25',
  '2025-12-26',
  // 2026 (published)
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28', // Boxing Day, substitute (26th a Saturday)
  // 2027 (published)
  '2027-01-01',
  '2027-03-26',
  '2027-03-29',
  '2027-05-03',
  '2027-05-31',
  '2027-08-30',
  '2027-12-27', // Christmas Day, substitute (25th a Saturday)
  '2027-12-28', // Boxing Day, substitute (26th a Sunday)
  // 2028 (standard pattern)
  '2028-01-03', // New Year's Day, substitute (1st a Saturday)
  '2028-04-14',
  '2028-04-17',
  '2028-05-01',
  '2028-05-29',
  '2028-08-28',
  '2028-12-25',
  '2028-12-26',
  // 2029 (standard pattern)
  '2029-01-01',
  '2029-03-30',
  '2029-04-02',
  '2029-05-07',
  '2029-05-28',
  '2029-08-27',
  '2029-12-25',
  '2029-12-26',
  // 2030 (standard pattern)
  '2030-01-01',
  '2030-04-19',
  '2030-04-22',
  '2030-05-06',
  '2030-05-27',
  '2030-08-26',
  '2030-12-25',
  '2030-12-26',
]);
