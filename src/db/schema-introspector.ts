import { sql, type DatabaseIntrospector, type DatabaseMetadataOptions, type Kysely, type SchemaMetadata, type TableMetadata, PostgresIntrospector } from 'kysely';

/**
 * Kysely's PostgreSQL introspector, but tables are read from the current
 * schema only (the first on the search path, where the portal lives). The
 * Migrator asks for the tables before every migration, and Kysely's own
 * query walks every schema on the server and calls pg_get_serial_sequence on
 * each table's name. When another schema is dropped at that moment (another
 * portal's, a test's, a bench's), that call fails with "relation …
 * does not exist" and so does the migration, for a schema that is not ours.
 */
export class CurrentSchemaIntrospector implements DatabaseIntrospector {
  private readonly all: PostgresIntrospector;

  constructor(private readonly db: Kysely<unknown>) {
    this.all = new PostgresIntrospector(db);
  }

  getSchemas(): Promise<SchemaMetadata[]> {
    return this.all.getSchemas();
  }

  async getTables(options: DatabaseMetadataOptions = { withInternalKyselyTables: false }): Promise<TableMetadata[]> {
    const { rows } = await sql<{ schema: string; table: string; kind: string; column: string; type: string; not_null: boolean; has_default: boolean; identity: string }>`
      select ns.nspname as schema, c.relname as table, c.relkind as kind, a.attname as column, typ.typname as type,
             a.attnotnull as not_null, a.atthasdef as has_default, a.attidentity as identity
      from pg_catalog.pg_class c
      join pg_catalog.pg_namespace ns on ns.oid = c.relnamespace
      join pg_catalog.pg_attribute a on a.attrelid = c.oid
      join pg_catalog.pg_type typ on typ.oid = a.atttypid
      where ns.nspname = current_schema() and c.relkind in ('r', 'v', 'p') and a.attnum >= 0 and not a.attisdropped
      order by c.relname, a.attnum`.execute(this.db);
    const internal = new Set(['kysely_migration', 'kysely_migration_lock']);
    const tables = new Map<string, TableMetadata>();
    for (const r of rows) {
      if (!options.withInternalKyselyTables && internal.has(r.table)) continue;
      let t = tables.get(r.table);
      if (!t) tables.set(r.table, (t = { name: r.table, schema: r.schema, isView: r.kind === 'v', columns: [] }));
      t.columns.push({ name: r.column, dataType: r.type, isNullable: !r.not_null, hasDefaultValue: r.has_default, isAutoIncrementing: r.identity !== '' });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions) {
    return { tables: await this.getTables(options) };
  }
}
