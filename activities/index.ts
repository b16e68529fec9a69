/**
 * Activities: the only code that talks to the Home Office and courts systems. The factory takes
 * its ports, so tests and production wire different adapters into the same code.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ActivityDeps {}

export function createActivities(_deps: ActivityDeps) {
  return {};
}

export type Activities = ReturnType<typeof createActivities>;
