/**
 * The five stages of the design and the statuses within each. A status names where inside its
 * stage a case is, which is what decides the events allowed next.
 */
export const STATUSES = {
  claim: ['lodged', 'screened', 'interviewed', 'reconsidering'],
  decision: ['refused'],
  /** `out-of-time`: lodged after the window closed, pending until the tribunal decides the extension. */
  appeal: ['lodged', 'out-of-time'],
  tribunal: [
    'listed',
    'adjourned',
    'reserved',
    'struck-out',
    'allowed',
    'dismissed',
    'onward-appeal-pending',
    /** The First-tier refused permission to appeal: it may be renewed to the Upper Tribunal in time. */
    'permission-refused',
    'remitted',
  ],
  exit: [
    'granted',
    'certified',
    'inadmissible',
    'withdrawn',
    'appeal-rights-exhausted',
    'appeal-withdrawn',
    'leave-granted',
    'removed',
    'departed',
    /** Further submissions after a refusal, awaiting the Home Office's consideration (rules, para 353). */
    'further-submissions-pending',
  ],
} as const;

export type Stage = keyof typeof STATUSES;
export type StatusOf<S extends Stage> = (typeof STATUSES)[S][number];
export type Status = StatusOf<Stage>;
/** A place in the lifecycle, written `stage:status`, e.g. `decision:refused`. */
export type Position = { [S in Stage]: `${S}:${StatusOf<S>}` }[Stage];

export const STAGES = Object.keys(STATUSES) as Stage[];
export const POSITIONS = STAGES.flatMap((stage) => STATUSES[stage].map((status) => `${stage}:${status}` as Position));

export const positionOf = (state: { stage: Stage; status: Status }): Position =>
  `${state.stage}:${state.status}` as Position;

export function splitPosition(position: Position): { stage: Stage; status: Status } {
  const [stage, status] = position.split(':') as [Stage, Status];
  return { stage, status };
}

/** Every position of a stage, for table rows that accept "anywhere in claim". */
export const anyOf = (stage: Stage): Position[] => POSITIONS.filter((p) => p.startsWith(`${stage}:`));
