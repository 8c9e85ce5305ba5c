export { customerIdentifier, departmentEventPipeline, employeeIdentifier, departmentPersonalData, normalizePhone, personalFields } from './personal-data.js';
