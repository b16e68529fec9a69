export * from './store.js';
export * from './reports.js';
