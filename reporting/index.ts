export * from './store.js';
export * from './open.js';
export * from './reports.js';
export * from './figures.js';
export * from './reports-more.js';
