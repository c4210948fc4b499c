export { privacyCodec } from './codec.ts';
export { erasePerson, type ErasureResult } from './commands.ts';
export { decideErasure, type ErasureState } from './decide.ts';
export { ERASED_NAME, ERASED_PERSONAL, isSealed, SEALED, sealRules } from './rules.ts';
export type { SubjectKeysTable } from './keys.ts';
