export type { ServiceError } from './errors.js';
export type { ReadModelsLocation, StoreLocation } from './location.js';
export { describeReadModels, describeStore, parseReadModelsUrl, parseStoreUrl } from './location.js';
export type { OpenLogOptions, OpenedLog, StoreSettings } from './log.js';
export { openLog } from './log.js';
export type { KeyAccess, KeyStoreOptions, OpenedKeyStore } from './keys.js';
export { KEY_STORE_BINDING, derivedKeyPath, eventStoreKeyPath, keyStorePath, openKeyStore } from './keys.js';
export { PERSONAL_DATA_SCAN } from './ciphertext.js';
export type { OpenStoreOptions, OpenedStore } from './store.js';
export { attachKeys, openStore } from './store.js';
export type { OpenedReadModels, ReadModelsOptions } from './read-models.js';
export { openReadModels } from './read-models.js';
export type { OpenDepartmentAt, OpenDepartmentOptions, OpenDepartmentOver, OpenedDepartment } from './department.js';
export { openDepartment } from './department.js';
/** The command side with its security log, from `@aftersales/domain`, re-exported beside the root that opens it. */
export type { DepartmentCommands } from '@aftersales/domain';
export { departmentCommands } from '@aftersales/domain';
