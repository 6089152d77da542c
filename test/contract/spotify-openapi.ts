/**
 * Validators for Spotify response bodies from Spotify's own OpenAPI definition
 * (`test/fixtures/spotify/openapi/fixed-spotify-open-api.yml`), so the emulator cannot drift from it.
 * The definition is taken as published, with only the deviations listed in {@link deviations}:
 * each is something real responses do (docs/spotify-api.md §4, test/fixtures/spotify/real/), and the
 * real payloads are validated against the same schemas to prove it. Beyond the definition,
 * objects may not carry keys it does not name (`unevaluatedProperties: false`), except the
 * undocumented extras real responses carry.
 */
import { readFileSync } from 'node:fs';
import { Ajv2019, type ValidateFunction } from 'ajv/dist/2019';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

type Schema = Record<string, unknown>;

const spec = parse(readFileSync(new URL('../fixtures/spotify/openapi/fixed-spotify-open-api.yml', import.meta.url), 'utf8')) as {
  components: { schemas: Record<string, Schema>; responses: Record<string, { content: Record<string, { schema: Schema }> }> };
};

/** Where real responses differ from the published definition, and the evidence. */
export const deviations = {
  deprecatedNotRequired:
    'A property marked deprecated may be absent: Spotify removed them for Development-Mode apps in February 2026 (README §1), e.g. available_markets.',
  nullable: {
    PlaylistTrackObject: ['item', 'track', 'added_at', 'added_by'],
    PlaylistObject: ['public'],
    TrackObject: ['id', 'href'],
    SimplifiedArtistObject: ['id', 'href', 'uri'],
    AlbumBase: ['album_type', 'id', 'href', 'uri', 'release_date', 'release_date_precision'],
    ShowBase: ['html_description'],
  } as Record<string, string[]>,
  nullableWhy:
    'An unavailable entry has item/track null; old entries have null added_at/added_by (the definition says so in prose); public is null when not relevant (prose); local files carry null ids, hrefs, uris and album fields (real-payloads #11); shows may have a null html_description (real-payloads #7).',
  notRequired: { AlbumBase: ['total_tracks'] } as Record<string, string[]>,
  notRequiredWhy: "A local file's album has no total_tracks (real-payloads #11).",
  extras: {
    PlaylistTrackObject: { primary_color: { type: 'string', nullable: true }, video_thumbnail: { type: 'object' } },
    PlaylistObject: { primary_color: { type: 'string', nullable: true } },
    TrackObject: { episode: { type: 'boolean' }, track: { type: 'boolean' } },
    EpisodeBase: { episode: { type: 'boolean' }, track: { type: 'boolean' } },
    ErrorObject: { reason: { type: 'string' } },
  } as Record<string, Record<string, Schema>>,
  extrasWhy:
    'Undocumented keys every real playlist response carries (real-payloads MANIFEST, caveats), and the `reason` of a quota 429 (README §1, 2026-07-23).',
};

const isObject = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Visits every schema node below `node`, depth first. */
const walk = (node: unknown, visit: (schema: Schema) => void): void => {
  if (Array.isArray(node)) return node.forEach((child) => walk(child, visit));
  if (!isObject(node)) return;
  visit(node);
  for (const child of Object.values(node)) walk(child, visit);
};

/** The node made nullable: `nullable` beside a `type` (null added to an `enum`), else `anyOf` with null. */
const nullable = (schema: Schema): Schema => {
  if ('type' in schema) return { ...schema, nullable: true, ...(Array.isArray(schema.enum) ? { enum: [...(schema.enum as unknown[]), null] } : {}) };
  const { description, deprecated, ...rest } = schema;
  return { ...(description === undefined ? {} : { description }), ...(deprecated === undefined ? {} : { deprecated }), anyOf: [rest, { type: 'null' }] };
};

/** The properties object of a component schema: its own, or that of its last allOf member. */
const propertiesOf = (schema: Schema): Record<string, Schema> => {
  if (isObject(schema.properties)) return schema.properties as Record<string, Schema>;
  const members = (schema.allOf as Schema[] | undefined) ?? [];
  const last = members[members.length - 1];
  if (!last || !isObject(last.properties)) throw new Error('the schema has no properties to patch');
  return last.properties as Record<string, Schema>;
};

/**
 * Closes every place a schema is used (`$ref` or `allOf`) with `unevaluatedProperties: false`, except
 * the members of a multi-member `allOf`: those are parts, and the whole is closed where it is used.
 */
const closeUses = (node: unknown, partial: boolean): void => {
  if (Array.isArray(node)) return node.forEach((child) => closeUses(child, false));
  if (!isObject(node)) return;
  const multi = Array.isArray(node.allOf) && node.allOf.length > 1;
  if (!partial && (typeof node.$ref === 'string' || Array.isArray(node.allOf))) node.unevaluatedProperties = false;
  for (const [key, child] of Object.entries(node)) {
    if (key === 'allOf' && multi) (child as unknown[]).forEach((member) => closeUses(member, true));
    else closeUses(child, false);
  }
};

const patchedSchemas = (): Record<string, Schema> => {
  const schemas = structuredClone(spec.components.schemas);
  walk(schemas, (schema) => {
    if (Array.isArray(schema.required) && isObject(schema.properties)) {
      const properties = schema.properties as Record<string, Schema>;
      schema.required = (schema.required as string[]).filter((name) => properties[name]?.deprecated !== true);
    }
  });
  for (const [name, fields] of Object.entries(deviations.notRequired)) {
    const schema = schemas[name] as Schema;
    schema.required = (schema.required as string[]).filter((field) => !fields.includes(field));
  }
  for (const [name, fields] of Object.entries(deviations.nullable)) {
    const properties = propertiesOf(schemas[name] as Schema);
    for (const field of fields) properties[field] = nullable(properties[field] as Schema);
  }
  for (const [name, extra] of Object.entries(deviations.extras)) Object.assign(propertiesOf(schemas[name] as Schema), extra);
  // OpenAPI 3.0 allows `nullable` beside `allOf`; JSON Schema needs the null as an alternative.
  walk(schemas, (schema) => {
    if (schema.nullable === true && !('type' in schema)) {
      const { nullable: _, ...rest } = schema;
      for (const key of Object.keys(schema)) delete schema[key];
      Object.assign(schema, nullable(rest));
    }
  });
  for (const schema of Object.values(schemas)) closeUses(schema, true);
  schemas.ErrorResponse = spec.components.responses.Unauthorized?.content['application/json']?.schema as Schema;
  return schemas;
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv2019) => Ajv2019;
const ajv = new Ajv2019({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ $id: 'spotify', components: { schemas: patchedSchemas() } });

/** The validator of one component schema of the definition, e.g. `TrackObject`. */
export const validator = (name: string): ValidateFunction =>
  ajv.compile({ $ref: `spotify#/components/schemas/${name}`, unevaluatedProperties: false });

/** The schemas the pipeline relies on. */
export const schemas = {
  playlist: validator('PlaylistObject'),
  itemsPage: validator('PagingPlaylistTrackObject'),
  error: validator('ErrorResponse'),
};

/** The validation errors of `value` against `validate`, one line each (empty when valid). */
export const problemsOf = (validate: ValidateFunction, value: unknown): string[] =>
  validate(value) ? [] : (validate.errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
