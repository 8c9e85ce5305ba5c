export { customerIdentifier, departmentPersonalData, normalizePhone, personalFields } from './personal-data.js';
