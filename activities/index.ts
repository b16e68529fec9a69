/**
 * Activities: the only code that talks to the Home Office and courts systems. The factory takes
 * one port per system, so tests and production wire different adapters into the same code.
 */
import type { OutboundMessage, Receipt, System } from '../domain/index.js';
import type { SystemPort } from './ports.js';

export interface ActivityDeps {
  ports: Record<System, SystemPort>;
}

export function createActivities({ ports }: ActivityDeps) {
  return {
    /** Delivers one change to one system; retried by Temporal until delivered or rejected. */
    async deliver(message: OutboundMessage): Promise<Receipt> {
      return ports[message.system].deliver(message);
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
