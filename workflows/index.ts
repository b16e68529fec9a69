// The workflow bundle's entry: every workflow type the worker serves.
export { caseWorkflow } from './case.js';
export { unmatchedInboxWorkflow } from './inbox.js';
export { reconciliationWorkflow } from './reconciliation.js';
export { importWorkflow } from './import.js';
