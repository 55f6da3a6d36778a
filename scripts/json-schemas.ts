// Writes schemas/*.schema.json from the format definitions (src/scenario/json-schema.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { jsonSchemaFiles, jsonSchemaText } from '../src/scenario/json-schema.ts';

mkdirSync('schemas', { recursive: true });
for (const name of Object.keys(jsonSchemaFiles) as (keyof typeof jsonSchemaFiles)[]) {
  writeFileSync(`schemas/${name}`, jsonSchemaText(name));
  console.log(`schemas/${name}`);
}
