import type { Kysely } from 'kysely';

// Browsers a staff member has signed in from before (the console's
// `staff_device` cookie, stored hashed), so their own password attempts
// count against a budget of their own, as the customers' known_devices do.
// A table of its own: known_devices.user_id references users, and a staff
// member is not a user.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('staff_known_devices')
    .addColumn('device_hash', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('staff_known_devices_pk', ['device_hash', 'staff_id'])
    .execute();
  await db.schema.createIndex('staff_known_devices_staff').on('staff_known_devices').column('staff_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('staff_known_devices').ifExists().execute();
}
