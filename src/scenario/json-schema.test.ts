import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jsonSchemaFiles, jsonSchemaText } from './json-schema.ts';
import { actionTypes, controlActionTypes } from './schema.ts';

describe('the published JSON Schema files', () => {
  for (const name of Object.keys(jsonSchemaFiles) as (keyof typeof jsonSchemaFiles)[])
    it(`schemas/${name} is generated from the format definitions (npm run json-schemas)`, () => {
      const checkedIn = readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8');
      expect(checkedIn).toBe(jsonSchemaText(name));
    });

  it('describe the fields the readers read', () => {
    const scenario = JSON.parse(jsonSchemaText('scenario.schema.json'));
    expect(scenario.required).toEqual(['version']);
    expect(scenario.additionalProperties).toBe(false);
    expect(scenario.properties.replicas).toMatchObject({ minimum: 1, maximum: 9, default: 3 });
    // One alternative per action type, the controlled mode's included.
    expect(scenario.properties.actions.items.oneOf).toHaveLength(
      actionTypes.length + controlActionTypes.length,
    );
    const trace = JSON.parse(jsonSchemaText('trace.schema.json'));
    expect(trace.properties.format).toEqual({ const: 'vsr-scope-trace' });
    expect(trace.required).toEqual(expect.arrayContaining(['format', 'version', 'events', 'messages']));
  });
});
