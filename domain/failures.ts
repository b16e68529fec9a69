/** Names of failures that cross the worker/workflow boundary, as ApplicationFailure types. */
export const SYNC_REJECTED = 'SyncRejected';
