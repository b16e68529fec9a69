/**
 * Calendar dates ("2026-12-15") as the pages write them, from Intl's en-GB data rather than month
 * tables of our own. Read at noon UTC, so no time zone moves the day; parts joined by spaces, since
 * ICU versions differ on a comma after the weekday.
 */
const dateWriter = (options: Intl.DateTimeFormatOptions) => {
  const format = new Intl.DateTimeFormat('en-GB', { ...options, timeZone: 'UTC' });
  return (date: string): string =>
    date
      ? format
          .formatToParts(new Date(`${date}T12:00:00Z`))
          .filter((p) => p.type !== 'literal')
          .map((p) => p.value)
          .join(' ')
      : '';
};

/** "Tuesday 15 December 2026", as GOV.UK writes a day someone must act by. */
export const longDate = dateWriter({ weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
/** "15 December 2026". */
export const dayText = dateWriter({ day: 'numeric', month: 'long', year: 'numeric' });
/** "15 Dec": short, for chart axes and week rows. */
export const shortDate = dateWriter({ day: 'numeric', month: 'short' });
