/**
 * How a pet's name is compared by the `name` filter, the same in SQL (the stored `name_key` column) and in the
 * catalog: lower-cased by Unicode's default mapping, which JavaScript applies the same everywhere, where SQL's
 * `lower()` depends on the engine (ASCII only on SQLite) and on the database's locale.
 */
export function nameKey(text: string): string {
  return text.toLowerCase();
}
