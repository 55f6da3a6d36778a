/**
 * The scenario and trace formats as JSON Schema (draft-07), generated from the same valibot
 * definitions the readers use, for other tools to validate files with. `npm run json-schemas`
 * writes them to schemas/; a test fails when the checked-in files are out of date. Rules that
 * span fields (a replica of this cluster, an op of this state machine, ids in order) are beyond
 * JSON Schema: only the readers check those.
 */
import { toJsonSchema } from '@valibot/to-json-schema';
import { scenarioDocumentSchema, scenarioVersion } from './schema.ts';
import { traceDocumentSchema, traceFormat, traceVersion } from './trace-file.ts';

export const jsonSchemaFiles = {
  'scenario.schema.json': () => ({
    title: `vsr-scope scenario, format version ${scenarioVersion}`,
    ...toJsonSchema(scenarioDocumentSchema, { errorMode: 'ignore' }),
  }),
  'trace.schema.json': () => ({
    title: `vsr-scope trace (${traceFormat}), version ${traceVersion}`,
    ...toJsonSchema(traceDocumentSchema(), { errorMode: 'ignore' }),
  }),
} as const;

/** A schema file's text as checked in: two-space JSON and a final newline. */
export function jsonSchemaText(name: keyof typeof jsonSchemaFiles): string {
  return `${JSON.stringify(jsonSchemaFiles[name](), null, 2)}\n`;
}
