import { sql, type Kysely } from 'kysely'

// Frozen in time: never imports application code.
//
// A first resolution pass fills the empty edges table with one edge per stated or inferred link:
// 1.67M rows at a million records. Inserted row by row into its unique key and two more indexes, whose
// pages a server with default settings (128 MB of shared buffers) cannot hold, each insert reads and
// evicts pages at random: 22–26 s. The same rows inserted without the secondary indexes, which are
// then built by sorting, take 4.7 s in all. These two functions let a pass do that: the first drops a
// table's secondary indexes and unique constraints and notes how to rebuild them in a temporary table
// (dropped at commit); the second rebuilds what the first dropped. Both run in the caller's
// transaction, with the caller's rights: only the table's owner can use them.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function drop_secondary_indexes(target regclass) returns integer
    language plpgsql set search_path = pg_catalog, pg_temp as $$
    declare
      item record;
      dropped integer := 0;
    begin
      create temp table if not exists deferred_indexes (target regclass not null, statement text not null) on commit drop;
      for item in
        select i.indexrelid::regclass as index, c.conname, pg_get_constraintdef(c.oid) as constraint_definition,
          pg_get_indexdef(i.indexrelid) as index_definition
        from pg_index i
        left join pg_constraint c on c.conindid = i.indexrelid and c.conrelid = i.indrelid and c.contype in ('u', 'x')
        where i.indrelid = target and not i.indisprimary
        order by i.indexrelid
      loop
        if item.conname is not null then
          insert into deferred_indexes values (target, format('alter table %s add constraint %I %s', target, item.conname, item.constraint_definition));
          execute format('alter table %s drop constraint %I', target, item.conname);
        else
          insert into deferred_indexes values (target, item.index_definition);
          execute format('drop index %s', item.index);
        end if;
        dropped := dropped + 1;
      end loop;
      return dropped;
    end $$`.execute(db)
  await sql`
    create function restore_secondary_indexes(target regclass) returns integer
    language plpgsql set search_path = pg_catalog, pg_temp as $$
    declare
      item record;
      restored integer := 0;
    begin
      if to_regclass('pg_temp.deferred_indexes') is null then return 0; end if;
      for item in delete from deferred_indexes d where d.target = restore_secondary_indexes.target returning d.statement loop
        execute item.statement;
        restored := restored + 1;
      end loop;
      return restored;
    end $$`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function restore_secondary_indexes(regclass)`.execute(db)
  await sql`drop function drop_secondary_indexes(regclass)`.execute(db)
}
