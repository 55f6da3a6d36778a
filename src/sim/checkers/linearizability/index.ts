export { ILLEGAL_STEP } from './model.ts';
export type { Model, Operation, StepResult } from './model.ts';
export { casRegisterModel, kvModel, kvText, logModel, partitionBy } from './models.ts';
export type {
  KvInput,
  KvOp,
  KvOutput,
  KvState,
  LogInput,
  LogOutput,
  LogState,
  RegisterInput,
  RegisterOutput,
  RegisterValue,
} from './models.ts';
export { checkOperations, InvalidOperationError } from './check.ts';
export type { CheckOptions, CheckResult, IllegalReport } from './check.ts';
export { BRUTE_FORCE_LIMIT, bruteForceLinearizable } from './brute.ts';
