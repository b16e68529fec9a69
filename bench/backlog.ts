/**
 * Open cases as an import file, spread over the stages a backlog holds (every row valid, 200
 * assignees, a third in supported accommodation, back-dated lodgings): the benches that need real
 * workflows bring them in through the import, the fastest honest way in.
 */
import { homeOfficeRef } from '../domain/index.js';
import { addDays, londonDate } from '../domain/days.js';

const ASSIGNEES = Array.from({ length: 200 }, (_, i) => `caseworker.${i}`);

/** Rows `from` to `from + n - 1` (references C…from on, so files can follow each other). */
export function backlogSheet(from: number, n: number, today = londonDate(Date.now())): string {
  const lines = [
    'ho_ref,name,date_of_birth,nationality,supported_accommodation,foreign_national_offender,stage,status,claim_date,decision_date,appeal_lodged_date,hearing_date,assignee',
  ];
  for (let i = from; i < from + n; i++) {
    const weeks = 2 + (i % 19);
    const lodged = addDays(today, -weeks * 7);
    const base = `${homeOfficeRef('C', i)},Backlog Person ${i},1985-03-0${1 + (i % 9)},${['ERI', 'SDN', 'AFG', 'IRN', 'SYR'][i % 5]},${i % 3 === 0 ? 'yes' : 'no'},${i % 11 === 0 ? 'yes' : 'no'}`;
    const kind = i % 4;
    if (kind === 0)
      lines.push(`${base},claim,,${addDays(today, -30 - (i % 300))},,,,${ASSIGNEES[i % ASSIGNEES.length]}`);
    if (kind === 1)
      lines.push(
        `${base},decision,refused,${addDays(today, -200)},${addDays(today, -3)},,,${ASSIGNEES[i % ASSIGNEES.length]}`,
      );
    if (kind === 2)
      lines.push(
        `${base},appeal,,${addDays(lodged, -200)},${addDays(lodged, -7)},${lodged},,${ASSIGNEES[i % ASSIGNEES.length]}`,
      );
    if (kind === 3)
      lines.push(
        `${base},tribunal,listed,${addDays(lodged, -200)},${addDays(lodged, -7)},${lodged},${addDays(lodged, 7)},${ASSIGNEES[i % ASSIGNEES.length]}`,
      );
  }
  return `${lines.join('\n')}\n`;
}
