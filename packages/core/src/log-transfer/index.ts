export { ExportedEvent, exportedEventOf, exportedLine, recordedEventOf } from './exported-event.js';
export type { CheckedLine } from './read-exported.js';
export { checkExportedLines, exportedCheckpoints, exportedLines } from './read-exported.js';
export type { FileVerification } from './verify-file.js';
export { verifyExportedFile } from './verify-file.js';
export type { ImportOptions, ImportRefusal, ImportedLog } from './import.js';
export { importExportedLog } from './import.js';
export { exportLog } from './export.js';
