// Rewrites the topic config section of schema/kafka.config.schema.json from the catalogue in
// src/spec/topic-configs.ts, read from the build (run `npm run build` first, and again after, so the generated
// validator follows the schema). test/unit/spec/schema.test.ts only compares, and names this script when they differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const SCHEMA_FILE = join(ROOT, 'schema/kafka.config.schema.json');
const { topicConfigSchema } = await import(join(ROOT, 'dist/src/spec/topic-config-schema.js'));

const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8'));
schema.definitions.topicConfig = topicConfigSchema();
writeFileSync(SCHEMA_FILE, `${JSON.stringify(schema, null, 2)}\n`);
console.log(`updated ${SCHEMA_FILE}: ${Object.keys(schema.definitions.topicConfig.properties).length} topic configs`);
