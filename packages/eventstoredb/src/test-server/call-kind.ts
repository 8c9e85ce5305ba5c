/** What a node answers a client about; counted to show how many round trips an operation costs. */
export type CallKind = 'read' | 'append' | 'batchAppend' | 'delete' | 'tombstone' | 'serverFeatures';
