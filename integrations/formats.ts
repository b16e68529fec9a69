/**
 * Which language each system is spoken to in: its own (`native`) where we have one, or our envelope.
 * Configuration chooses per system (`HOME_OFFICE_FORMAT`, `HMCTS_FORMAT`, … : each descriptor's
 * `formatSetting`); unset, a system with a language of its own is spoken to in it. The worker's port
 * and the reference system read the same choice, so both ends agree.
 */
import type { HttpSystem, WireFormatChoice } from '../domain/index.js';
import { envelope } from './envelope.js';
import { hmctsCaseEventFormat } from './hmcts.js';
import { homeOfficeInstruct } from './home-office.js';
import type { WireFormat } from './wire.js';

/** The systems' own languages: one line per system that has one. */
export const NATIVE_FORMATS: Partial<Record<HttpSystem, WireFormat>> = {
  homeOffice: homeOfficeInstruct as WireFormat,
  courts: hmctsCaseEventFormat as WireFormat,
};

/** The format for a system: the configured choice, else its own language if it has one. */
export function wireFormat(system: HttpSystem, choice?: WireFormatChoice): WireFormat {
  const native = NATIVE_FORMATS[system];
  if (choice === 'native' && !native) throw new Error(`${system} has no language of its own yet: use envelope`);
  return (choice ?? 'native') === 'native' && native ? native : (envelope as WireFormat);
}
