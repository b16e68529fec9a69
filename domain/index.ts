export * from './case.js';
export * from './events.js';
export * from './identifiers.js';
export * from './roles.js';
export * from './stages.js';
export * from './view.js';
