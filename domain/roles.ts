/** Who may act. `system` is the workflow itself (timers); it never comes from a token. */
export const ROLES = ['caseworker', 'tribunal', 'supervisor', 'auditor', 'integration'] as const;
export type Role = (typeof ROLES)[number];
export type ActorRole = Role | 'system';

export interface Actor {
  /** The token's `sub`, the sending system's name, or `workflow` for timers. */
  id: string;
  role: ActorRole;
}

export const isRole = (value: unknown): value is Role =>
  typeof value === 'string' && (ROLES as readonly string[]).includes(value);
