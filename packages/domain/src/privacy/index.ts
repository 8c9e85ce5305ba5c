export { customerIdentifier, departmentEventPipeline, departmentPersonalData, normalizePhone, personalFields } from './personal-data.js';
